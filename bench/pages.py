"""The pages of the table, measured from outside over HTTP, each beside the baseline page.

Logged in as the office of the first town (``office``, the demo's password): the inbox, the API's
task and decision lists (with an API token), and the page of the town's busiest decision. The
baseline (``/bench/baseline/``, bench/baseline.py) is measured in the same rounds, in turn with
the pages. Before the load, each page is asked for once in this process through Django's test
client to count its queries and check it answers 200.
"""

from __future__ import annotations

from .core import Context, Measure, Row
from .load import api_token, load, login

USER = "office"
PASSWORD = "juece-demo"  # the demo's (seed_demo), which every seeded town's people share
TARGET = ">= 0.5x the baseline, p99 <= 150 ms, flat in data size"


def subject_decision() -> int:
    """The first town's decision with the most audit events (the heaviest page to draw)."""
    from django.db.models import Count

    from decisions.models import Decision

    return (Decision.objects.filter(lead_unit__startswith="季家镇")
            .annotate(n_events=Count("events")).order_by("-n_events", "id")
            .values_list("id", flat=True).first()) or Decision.objects.order_by("id")[0].pk


def queries_of(paths: dict[str, str]) -> dict[str, dict]:
    """Each path once in this process, after a first request: its queries and its size."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=USER))
    found = {}
    for key, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code} to {USER}")
        found[key] = {"queries": len(captured.captured_queries), "bytes": len(answer.content)}
    return found


def page_paths() -> dict[str, tuple[str, str, str]]:
    """key -> (title, path, how the client logs in)."""
    from workflows.flows import DecisionFlow

    decision = subject_decision()
    return {
        "pages.inbox": ("logged-in inbox", DecisionFlow.instance.reverse("inbox"), "session"),
        "pages.api_tasks": ("GET /api/v1/tasks/", "/api/v1/tasks/", "token"),
        "pages.api_decisions": ("GET /api/v1/decisions/", "/api/v1/decisions/", "token"),
        "pages.decision": ("decision page", f"/decision/{decision}/", "session"),
        "pages.baseline": ("bare Django page, 20 rows", f"/bench/baseline/?decision={decision}",
                           "session"),
    }


def rows(context: Context) -> list[Row]:
    paths = page_paths()
    decision = int(paths["pages.baseline"][1].split("=")[-1])
    del paths["pages.baseline"]
    wanted = {key: spec for key, spec in paths.items() if context.wants(key)}
    if not wanted:
        return []
    baseline_path = f"/bench/baseline/?decision={decision}"
    counted = queries_of({key: spec[1] for key, spec in wanted.items()})
    base_url = context.server()
    sessions = [login(base_url, USER, PASSWORD) for _ in range(context.clients)]
    tokens = [api_token(base_url, USER, PASSWORD) for _ in range(context.clients)]
    clients = {"session": sessions, "token": tokens}

    for _key, (_title, path, kind) in wanted.items():  # warm both workers
        load(clients[kind], path, 1.0)
    load(sessions, baseline_path, 1.0)

    base = Row(key="pages.baseline", title="bare Django page, 20 rows", unit="req/s",
               notes=baseline_path)
    measured = {key: Row(key=key, title=title, unit="req/s", baseline=base, target=TARGET,
                         notes=f"{path} as {USER}: {counted[key]['queries']} queries, "
                               f"{counted[key]['bytes']:,} bytes")
                for key, (title, path, _kind) in wanted.items()}
    for round_ in range(context.rounds):
        context.say(f"round {round_ + 1}/{context.rounds}")
        base.rounds.append(_checked(load(sessions, baseline_path, context.seconds), "baseline"))
        for key, (_title, path, kind) in wanted.items():
            measure = _checked(load(clients[kind], path, context.seconds), path)
            measure.extra.update(counted[key])
            measured[key].rounds.append(measure)
            context.say(f"  {key}: {measure.value:.1f} req/s, p99 {measure.p99_ms:.0f} ms "
                        f"(baseline {base.rounds[-1].value:.1f})")
    context.info["pages"] = {"user": USER, "decision": decision}
    return list(measured.values())


def _checked(measure: Measure, what: str) -> Measure:
    if measure.extra.get("errors"):
        raise RuntimeError(f"{what}: {measure.extra['errors']} requests failed "
                           f"({measure.extra.get('error_statuses')})")
    return measure
