"""The busiest pages run a fixed number of queries, however many decisions, tasks and events."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.flows import DecisionFlow

from .factories import Journey
from .http_client import decision_url, logged_in


def add_decisions(people, count: int, offset: int = 0) -> None:
    """Decisions waiting in the drafter's inbox; every third one in the office's queue."""
    for n in range(offset, offset + count):
        journey = Journey(people, title=f"决策事项 {n}")
        if n % 3 == 0:
            journey.submit()


def queries(client, url) -> int:
    """Queries of one request in the steady state (after a first request warmed the caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def page_queries(people, detailed, closed) -> dict[str, int]:
    """``detailed``: a decision under way (its open tasks and their deadlines shown); ``closed``:
    one whose file is closed, which has none."""
    drafter, office, auditor = (logged_in(people[r]) for r in ("drafter", "office", "auditor"))
    return {
        "drafter inbox": queries(drafter, DecisionFlow.instance.reverse("inbox")),
        "office queue": queries(office, DecisionFlow.instance.reverse("queue")),
        "office archive": queries(office, DecisionFlow.instance.reverse("archive")),
        "decision list (auditor)": queries(auditor, DecisionFlow.instance.reverse("index")),
        "decision list (drafter)": queries(drafter, DecisionFlow.instance.reverse("index")),
        "decision page": queries(auditor, decision_url(detailed)),
        "decision page (office)": queries(office, decision_url(detailed)),
        "closed decision page": queries(auditor, decision_url(closed)),
    }


def test_pages_query_count_is_the_same_at_10_and_200_decisions(people):
    detailed = Journey(people, title="历史较多的决策")
    detailed.submit().accept().participate().review("unlawful").revise().review("lawful")
    detailed.meet("revise", head_reason="补充测算")
    published = Journey(people, title="已公布的决策")
    published.submit().accept().participate().review("lawful").meet("adopted").publish()
    add_decisions(people, 8)
    at_10 = page_queries(people, detailed.decision, published.decision)

    add_decisions(people, 190, offset=9)
    detailed.revise().review("lawful").meet("deferred", head_reason="待下次会议")
    at_200 = page_queries(people, detailed.decision, published.decision)
    detailed.meet("adopted").publish()
    at_200["closed decision page"] = queries(logged_in(people["auditor"]),
                                             decision_url(detailed.decision))

    assert at_200 == at_10, f"queries at 10 decisions: {at_10}; at 200: {at_200}"
