"""What auditors see: a decision's timeline and the search over the whole trail; the auditor
reads everything, changes nothing, and his reading is itself on the record."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.audit import audit_record
from decisions.models import AuditEvent, Decision, TaskDeadline
from decisions.rulebook import Role
from workflows.flows import DecisionFlow

from .factories import Journey, make_user
from .http_client import decision_url, logged_in
from .test_permissions import footprint, refused

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def day(n: int) -> datetime.datetime:
    """Midnight starting 2026-03-``n`` in the deployment's time zone."""
    return datetime.datetime(2026, 3, n, tzinfo=SHANGHAI)


def timeline_url(decision, page=None) -> str:
    url = DecisionFlow.instance.reverse("timeline", args=[decision.process_id])
    return f"{url}?page={page}" if page else url


def search_url(**filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return DecisionFlow.instance.reverse("audit_search") + (f"?{query}" if query else "")


def timeline_rows(html: str) -> list[dict]:
    """Each row of the timeline: its action code, the version it shows and its text."""
    rows = []
    for match in re.finditer(r'<tr id="event-(\d+)" data-action="(\w+)"([^>]*)>(.*?)</tr>',
                             html, re.S):
        version = re.search(r'data-version="(\d+)"', match.group(4))
        rows.append({"sequence": int(match.group(1)), "action": match.group(2),
                     "refused": "juece-refusal" in match.group(3),
                     "version": int(version.group(1)) if version else None,
                     "html": match.group(4)})
    return rows


def searched(client, **filters) -> list[int]:
    response = client.get(search_url(**filters))
    assert response.status_code == 200
    return [int(s) for s in re.findall(r'data-sequence="(\d+)"', response.content.decode())]


@pytest.fixture
def adopted(people):
    """A decision found unlawful, revised, found lawful and adopted."""
    return (Journey(people).submit().accept().participate().review("unlawful").revise()
            .review("lawful").meet("adopted").decision)


def test_the_timeline_shows_who_did_what_on_which_draft_version(people, adopted):
    response = logged_in(people["auditor"]).get(timeline_url(adopted))
    assert response.status_code == 200
    html = response.content.decode()
    rows = timeline_rows(html)
    events = list(AuditEvent.objects.filter(decision=adopted).order_by("sequence"))
    folded = [int(s) for s in re.findall(r'<li id="event-(\d+)"', html)]  # the engine's
    shown = sorted([r["sequence"] for r in rows] + folded)
    assert shown == [e.sequence for e in events[:len(shown)]]
    by_action = {}
    for row in rows:
        by_action.setdefault(row["action"], []).append(row)

    assert [r["version"] for r in by_action["draft_version_create"]] == [1, 2]
    assert [r["version"] for r in by_action["legal_review_record"]] == [1, 2]
    assert [r["version"] for r in by_action["meeting_record"]] == [2]
    assert "王起草" in by_action["decision_create"][0]["html"]
    assert "(drafter)" in by_action["decision_create"][0]["html"]
    assert "张审查" in by_action["legal_review_record"][0]["html"]
    assert "孙秘书" in by_action["meeting_record"][0]["html"]
    assert "李办公" in by_action["decision_accept"][0]["html"]
    assert events[0].hash[:12] in html

    diff_anchor = f'{decision_url(adopted)}#diff-1-2'
    assert diff_anchor in by_action["draft_version_create"][1]["html"]
    page = logged_in(people["auditor"]).get(decision_url(adopted)).content.decode()
    assert 'id="diff-1-2"' in page
    assert timeline_url(adopted) in page


def test_the_timeline_labels_actions_in_chinese_and_shows_unknown_codes_as_they_are(people):
    decision = Journey(people).decision
    audit_record(action="something_new", actor=people["office"], decision=decision)
    html = logged_in(people["auditor"]).get(timeline_url(decision)).content.decode()
    assert "决策" in html and "something_new" in html
    assert "decision_create</strong>" not in html


def test_refused_accesses_appear_on_the_timeline(people, adopted):
    outsider = logged_in(people["drafter2"])
    assert outsider.get(decision_url(adopted)).status_code == 404
    assert outsider.get(timeline_url(adopted)).status_code == 404
    refusals = AuditEvent.objects.filter(action="access_refused", actor=people["drafter2"],
                                         decision=adopted)
    assert refusals.count() == 2

    rows = timeline_rows(logged_in(people["auditor"]).get(timeline_url(adopted)).content.decode())
    shown = [r for r in rows if r["action"] == "access_refused"]
    assert len(shown) == 2 and all(r["refused"] and "赵起草" in r["html"] for r in shown)
    # Refused attempts are the auditor's to read, not the participants' (test_security_refusals).
    rows = timeline_rows(logged_in(people["drafter"]).get(timeline_url(adopted)).content.decode())
    assert not [r for r in rows if r["action"] == "access_refused"]
    assert adopted.title not in outsider.get(timeline_url(adopted)).content.decode()


def test_every_auditor_read_of_a_dossier_is_an_event_and_others_reads_are_not(people, adopted):
    for url in (timeline_url(adopted), decision_url(adopted)):
        logged_in(people["drafter"]).get(url)
    assert not AuditEvent.objects.filter(action="dossier_read").exists()
    auditor = logged_in(people["auditor"])
    for url in (timeline_url(adopted), decision_url(adopted)):
        assert auditor.get(url).status_code == 200
    reads = AuditEvent.objects.filter(action="dossier_read").order_by("sequence")
    assert [(r.actor, r.decision, r.after["page"]) for r in reads] == [
        (people["auditor"], adopted, timeline_url(adopted)),
        (people["auditor"], adopted, decision_url(adopted))]


def test_the_search_filters_by_person_action_decision_and_days(people):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), tick=False):
        first = Journey(people, title="第一项决策").submit().decision
    with time_machine.travel(datetime.datetime(2026, 3, 5, 23, 30, tzinfo=SHANGHAI),
                             tick=False):
        second = Journey(people, title="第二项决策").decision
    with time_machine.travel(datetime.datetime(2026, 3, 9, 0, 30, tzinfo=SHANGHAI), tick=False):
        Journey(people, title="第一项决策")  # same title, later week
        audit_record(action="decision_accept", actor=people["office"], decision=first)
    client = logged_in(people["auditor"])

    def sequences(**criteria):
        return sorted(AuditEvent.objects.filter(**criteria).values_list("sequence", flat=True),
                      reverse=True)

    assert searched(client) == sequences()
    assert searched(client, person="office") == sequences(actor=people["office"])
    assert searched(client, person="李办") == sequences(actor=people["office"])
    assert searched(client, action="decision_submit") == sequences(action="decision_submit")
    assert searched(client, decision=f"{second.pk}") == sequences(decision=second)
    assert searched(client, decision="第二项") == sequences(decision=second)
    assert set(searched(client, decision="第一项")) == set(
        sequences(decision__title="第一项决策"))
    on_the_5th = searched(client, date_from="2026-03-05", date_to="2026-03-05")
    assert on_the_5th == sequences(decision=second) == sequences(
        occurred_at__gte=day(5), occurred_at__lt=day(6))
    assert searched(client, date_from="2026-03-03", date_to="2026-03-08") == on_the_5th
    assert searched(client, date_to="2026-03-02") == sequences(occurred_at__lt=day(3))
    assert searched(client, date_from="2026-03-09", date_to="2026-03-09") == sequences(
        occurred_at__gte=day(9), occurred_at__lt=day(10))
    assert searched(client, action="decision_accept", person="李", date_from="2026-03-09",
                    decision=first.pk) == [first.events.get(action="decision_accept").sequence]

    page = client.get(search_url(decision=second.pk)).content.decode()
    assert timeline_url(second) in page


@pytest.mark.parametrize("role", ["drafter", "office", "reviewer", "head", "secretary"])
def test_only_the_auditor_may_search_the_trail(people, role):
    Journey(people)
    client = logged_in(people[role])
    assert client.get(search_url()).status_code == 403
    assert search_url() not in client.get(DecisionFlow.instance.reverse("index")).content.decode()
    menu = logged_in(people["auditor"]).get(DecisionFlow.instance.reverse("index"))
    assert search_url() in menu.content.decode()


def test_outsiders_get_404_on_the_timeline_and_leave_a_refusal(people):
    decision = Journey(people).decision
    elsewhere = make_user("elsewhere", "drafter", "外单位")
    client = logged_in(elsewhere)
    response = client.get(timeline_url(decision))
    assert response.status_code == 404
    assert decision.title not in response.content.decode()
    assert AuditEvent.objects.filter(action="access_refused", actor=elsewhere,
                                     decision=decision).exists()


def timeline_queries(client, decision) -> int:
    client.get(timeline_url(decision))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(timeline_url(decision, page=1))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_timeline_runs_the_same_queries_at_20_and_200_events(people):
    journey = Journey(people)
    decision = journey.decision
    auditor = logged_in(people["auditor"])
    for _n in range(18 - AuditEvent.objects.filter(decision=decision).count()):
        audit_record(action="deadline_change", actor=people["office"], decision=decision)
    at_20 = timeline_queries(auditor, decision)
    assert AuditEvent.objects.filter(decision=decision).count() == 20  # and the two reads

    journey.submit().accept().participate().review("unlawful").revise().review("lawful")
    journey.meet("adopted")
    for n in range(200 - AuditEvent.objects.filter(decision=decision).count()):
        actor = people["member"] if n % 2 else people["head"]
        audit_record(action="access_refused" if n % 3 else "attachment_download",
                     actor=actor, decision=decision, after={"version": 1 + n % 2})
    at_200 = timeline_queries(auditor, decision)
    assert AuditEvent.objects.filter(decision=decision).count() >= 200
    assert at_200 == at_20, f"queries at 20 events: {at_20}; at 200: {at_200}"
    second_page = auditor.get(timeline_url(decision, page=2))
    assert second_page.status_code == 200


def test_the_auditor_reads_every_page_and_changes_nothing(people):
    """The write URLs of the flow, the start form and the admin are covered in
    test_permissions.test_auditor_changes_nothing_through_any_write_url; the opinion adoption
    in test_readers_cannot_record_the_adoption_of_an_expert_opinion. Here: the due-date change,
    and the auditor's own pages."""
    decision = Journey(people).submit().accept().participate().decision
    auditor = logged_in(people["auditor"])
    flow = DecisionFlow.instance
    for url in (flow.reverse("index"), decision_url(decision), timeline_url(decision),
                search_url(), flow.reverse("task_list"),
                flow.reverse("process_chart", args=[decision.process_id])):
        assert auditor.get(url).status_code == 200, url

    deadline = TaskDeadline.objects.filter(decision=decision).first()
    assert deadline is not None
    before = footprint(decision)
    due_before = deadline.due_on
    url = flow.reverse("deadline_change", args=[decision.process_id, deadline.pk])
    response = auditor.post(url, {"due_on": (due_before + datetime.timedelta(days=5))
                                  .isoformat(), "reason": "审计员试图延期"})
    assert refused(response) or response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due_on == due_before
    after = footprint(decision)
    after.pop("AuditEvent"), before.pop("AuditEvent")
    assert after == before
    assert Decision.objects.filter(pk=decision.pk).values("stage").get() == {
        "stage": decision.stage}


def test_an_auditor_without_the_trail_permission_is_refused(people):
    """The search rests on the permission, not on the group's name."""
    group = Group.objects.get(name=str(Role.AUDITOR))
    group.permissions.remove(*group.permissions.filter(codename="view_auditevent"))
    assert logged_in(people["auditor"]).get(search_url()).status_code == 403
