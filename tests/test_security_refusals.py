"""Every refusal is an audit event (who or no one, from where, what was asked), identical ones
counted rather than recorded one by one; a task's address tells an outsider nothing; and the
decision's trail shows participants its history, auditors everything with the IP addresses."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from decisions.audit import audit_record, verify_chain
from decisions.audit.labels import AUDITORS_ONLY
from decisions.audit.refusals import seal_refusal_tallies
from decisions.models import AuditEvent, Decision, RefusalTally
from workflows.flows import DecisionFlow

from .factories import Journey, make_user, open_task
from .http_client import decision_url, logged_in, task_url

pytestmark = pytest.mark.django_db

IP = "127.0.0.1"


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access_refused").order_by("sequence"))


def the_refusal() -> AuditEvent:
    [event] = refusals()
    return event


def timeline_url(decision) -> str:
    return DecisionFlow.instance.reverse("timeline", args=[decision.process_id])


@pytest.fixture
def accepted(people) -> Decision:
    """Decision A, accepted: drafter2 and expert2 (of no grant on it) are outsiders."""
    return Journey(people).submit().accept().decision


@pytest.fixture
def at_noon():
    """The clock at the start of a minute, so a test's requests share it; moved on by hand."""
    noon = timezone.make_aware(datetime.datetime(2026, 12, 7, 12, 0, 5))
    with time_machine.travel(noon, tick=False) as traveller:
        yield traveller


# Each kind of refusal: one event with who, from where and what was asked


def test_an_api_404_for_a_decision_the_user_may_not_see(people, accepted):
    client = APIClient()
    client.force_authenticate(people["drafter2"])
    response = client.get(f"/api/v1/decisions/{accepted.pk}/events/")
    assert response.status_code == 404
    event = the_refusal()
    assert (event.actor, event.ip, event.decision, event.task_id) == (
        people["drafter2"], IP, accepted, None)
    assert event.after == {"method": "GET", "path": f"/api/v1/decisions/{accepted.pk}/events/",
                           "status": 404, "decision": accepted.pk}
    assert verify_chain().ok


def test_an_api_404_for_a_task_the_user_may_not_see(people, accepted):
    task = open_task(accepted, "public_participation")
    client = APIClient()
    client.force_authenticate(people["expert2"])
    assert client.post(f"/api/v1/tasks/{task.pk}/complete/", {}, format="json").status_code \
        == 404
    event = the_refusal()
    assert (event.actor, event.decision, event.task_id) == (people["expert2"], accepted, task.pk)
    assert event.after["method"] == "POST" and event.after["task"] == task.pk


def test_an_api_404_for_a_decision_that_does_not_exist_names_the_id_asked(people):
    client = APIClient()
    client.force_authenticate(people["drafter"])
    assert client.get("/api/v1/decisions/987654/").status_code == 404
    assert client.get("/api/v1/decisions/99999999999999999999999/").status_code == 404
    first, second = refusals()
    assert first.decision is None and first.after["decision"] == 987654
    assert second.decision is None and "decision" not in second.after


@pytest.mark.parametrize("header", [None, "Token not-a-token", "Bearer abc"])
def test_an_api_401_without_a_valid_token(accepted, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(f"/api/v1/decisions/{accepted.pk}/")
    assert response.status_code == 401
    event = the_refusal()
    assert (event.actor, event.actor_name, event.ip) == (None, "", IP)
    assert event.after["status"] == 401 and event.decision == accepted


def test_an_anonymous_403(accepted):
    """A form posted without its CSRF token, by someone not logged in."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "drafter", "password": "x"})
    assert response.status_code == 403
    event = the_refusal()
    assert (event.actor, event.ip, event.after["status"], event.after["method"]) == (
        None, IP, 403, "POST")


def test_a_page_403(people):
    response = logged_in(people["drafter"]).get(DecisionFlow.instance.reverse("audit_search"))
    assert response.status_code == 403
    event = the_refusal()
    assert (event.actor, event.decision, event.after["status"]) == (people["drafter"], None, 403)


def test_a_page_404_of_a_decision_the_user_may_not_see(people, accepted):
    response = logged_in(people["drafter2"]).get(decision_url(accepted))
    assert response.status_code == 404
    assert accepted.title not in response.content.decode()
    event = the_refusal()
    assert (event.actor, event.decision, event.after["status"]) == (
        people["drafter2"], accepted, 404)


def test_a_404_of_an_address_that_does_not_exist(people):
    assert logged_in(people["drafter"]).get("/no/such/page/").status_code == 404
    assert the_refusal().after["path"] == "/no/such/page/"


def test_a_browsers_own_requests_and_static_files_are_no_refusals(client):
    for path in ("/favicon.ico", "/static/no-such-file.css"):
        assert client.get(path).status_code == 404
    assert not refusals()


# A task's address, opened without its grant


@pytest.mark.parametrize("action", ["index", "detail", "execute", "assign"])
def test_a_task_of_a_decision_the_user_may_not_see_is_a_404_that_tells_nothing(
        people, accepted, action):
    task = open_task(accepted, "public_participation")
    response = logged_in(people["expert2"]).get(task_url(task, action))
    assert response.status_code == 404
    page = response.content.decode()
    assert accepted.title not in page and "公众参与" not in page and "王起草" not in page
    event = the_refusal()
    assert (event.actor, event.decision, event.task_id, event.after["status"]) == (
        people["expert2"], accepted, task.pk, 404)


def test_every_step_of_the_flow_is_a_404_for_an_outsider_never_a_redirect(people, accepted):
    from viewflow.workflow.models import Task

    outsider = logged_in(make_user("outsider", "drafter", "外单位"))
    for task in Task.objects.filter(process_id=accepted.process_id):
        for action in ("index", "detail"):
            response = outsider.get(task_url(task, action))
            assert response.status_code == 404, (task.flow_task.name, action)
    assert all(event.after["status"] == 404 for event in refusals())


def test_a_task_index_for_a_reader_without_the_grant_is_a_403_not_a_redirect(people, accepted):
    task = open_task(accepted, "public_participation")
    response = logged_in(people["auditor"]).get(task_url(task, "index"))
    assert response.status_code == 403
    assert "公众参与" in response.content.decode()
    event = the_refusal()
    assert (event.actor, event.decision, event.task_id, event.after["status"]) == (
        people["auditor"], accepted, task.pk, 403)


def test_a_refused_post_to_a_task_leaves_its_event(people, accepted):
    """The flow's POST runs in a transaction that the refusal rolls back; its event stays."""
    task = open_task(accepted, "public_participation")
    assert logged_in(people["auditor"]).post(task_url(task), {}).status_code == 403
    assert the_refusal().after["method"] == "POST"


# Identical refusals within a minute: one event and a count


def test_identical_refusals_within_a_minute_are_one_event_and_a_count(people, accepted,
                                                                      at_noon):
    outsider = logged_in(people["drafter2"])
    for _n in range(5):
        assert outsider.get(decision_url(accepted)).status_code == 404
    event = the_refusal()
    assert RefusalTally.objects.get(event=event).count == 5

    assert outsider.get(timeline_url(accepted)).status_code == 404  # another path
    logged_in(people["expert2"]).get(decision_url(accepted))  # another user
    assert len(refusals()) == 3

    at_noon.shift(datetime.timedelta(minutes=1))
    assert outsider.get(decision_url(accepted)).status_code == 404
    latest = refusals()[-1]
    assert latest.after["earlier_refusals"] == {"sequence": event.sequence, "count": 5}
    assert RefusalTally.objects.get(event=latest).count == 1
    assert verify_chain().ok


def test_a_minutes_count_is_sealed_into_the_chain_once_the_minute_is_over(people, accepted,
                                                                          at_noon):
    outsider = logged_in(people["drafter2"])
    for _n in range(4):
        assert outsider.get(decision_url(accepted)).status_code == 404
    logged_in(people["expert2"]).get(decision_url(accepted))  # counted once: nothing to seal
    first = refusals()[0]
    assert seal_refusal_tallies() == 0  # the minute is not over

    at_noon.shift(datetime.timedelta(minutes=1))
    assert seal_refusal_tallies() == 1
    tally = RefusalTally.objects.get(event=first)
    sealed = tally.sealed_by
    assert sealed.action == "access_refusals_counted"
    assert sealed.decision_id == accepted.pk
    assert sealed.after == {"sequence": first.sequence, "count": 4,
                            "minute": tally.minute.isoformat(), "method": "GET",
                            "path": decision_url(accepted)}
    assert seal_refusal_tallies() == 0  # sealed once
    assert verify_chain().ok
    assert "access_refusals_counted" in AUDITORS_ONLY  # like the refusal it counts

    # A sealed count is closed: the next refusal neither adds to it nor repeats it.
    assert outsider.get(decision_url(accepted)).status_code == 404
    assert "earlier_refusals" not in refusals()[-1].after
    assert RefusalTally.objects.get(event=first).count == 4


def test_one_source_past_the_minutes_limit_is_counted_under_one_more_event(
        people, settings, at_noon):
    settings.JUECE_REFUSAL_EVENTS_PER_MINUTE = 3
    client = logged_in(people["drafter"])
    for n in range(8):
        assert client.get(f"/no/such/page/{n}/").status_code == 404
    events = refusals()
    assert [e.after["path"] for e in events] == [
        "/no/such/page/0/", "/no/such/page/1/", "/no/such/page/2/", "/no/such/page/3/"]
    assert events[-1].after["overflow"] is True
    assert RefusalTally.objects.get(event=events[-1]).count == 5
    assert logged_in(people["drafter2"]).get("/no/such/page/0/").status_code == 404
    assert len(refusals()) == 5  # another user has his own limit


# Who reads the trail


@pytest.fixture
def trail(people, accepted):
    """Decision A with a refused attempt, an auditor's read and an attachment downloaded."""
    logged_in(people["drafter2"]).get(decision_url(accepted))
    audit_record(action="dossier_read", actor=people["auditor"], decision=accepted,
                 ip="10.0.0.9", after={"page": "x"})
    audit_record(action="attachment_download", actor=people["member"], decision=accepted,
                 ip="10.0.0.8", after={"name": "a.pdf"})
    return accepted


HIDDEN = {"access_refused", "dossier_read", "attachment_download"}


def timeline_actions(html: str) -> set[str]:
    return set(re.findall(r'<tr id="event-\d+" data-action="([^"]+)"', html))


@pytest.mark.parametrize("participant", ["drafter", "office", "member"])
def test_a_participant_reads_the_history_without_ips_refusals_or_reads_on_the_page(
        people, trail, participant):
    response = logged_in(people[participant]).get(timeline_url(trail))
    assert response.status_code == 200
    html = response.content.decode()
    actions = timeline_actions(html)
    assert "decision_create" in actions and "decision_accept" in actions
    assert not actions & HIDDEN
    assert IP not in html and "10.0.0.9" not in html and '"ip"' not in html
    assert "IP 地址" not in html


def test_the_auditor_reads_every_event_with_its_ip_on_the_page(people, trail):
    html = logged_in(people["auditor"]).get(timeline_url(trail)).content.decode()
    assert timeline_actions(html) >= HIDDEN
    assert "10.0.0.9" in html and "10.0.0.8" in html and IP in html


@pytest.mark.parametrize("participant", ["drafter", "office", "member"])
def test_a_participant_reads_the_history_without_ips_refusals_or_reads_in_the_api(
        people, trail, participant):
    client = APIClient()
    client.force_authenticate(people[participant])
    response = client.get(f"/api/v1/decisions/{trail.pk}/events/")
    assert response.status_code == 200
    events = response.json()["results"]
    actions = {event["action"] for event in events}
    assert "decision_create" in actions and not actions & HIDDEN
    assert all("ip" not in event for event in events)


def test_the_auditor_reads_every_event_with_its_ip_in_the_api(people, trail):
    client = APIClient()
    client.force_authenticate(people["auditor"])
    response = client.get(f"/api/v1/decisions/{trail.pk}/events/")
    assert response.status_code == 200
    events = response.json()["results"]
    assert {event["action"] for event in events} >= HIDDEN
    assert {"10.0.0.9", "10.0.0.8"} <= {event["ip"] for event in events}


def test_a_refusal_counted_many_times_says_so_to_the_auditor(people, accepted, at_noon):
    outsider = logged_in(people["drafter2"])
    for _n in range(3):
        outsider.get(decision_url(accepted))
    html = logged_in(people["auditor"]).get(timeline_url(accepted)).content.decode()
    assert "同一分钟内被拒绝 3 次" in html



def dossier_url(decision) -> str:
    return DecisionFlow.instance.reverse("dossier", args=[decision.process_id])


@pytest.mark.parametrize("participant", ["drafter", "member", "head"])
def test_the_dossier_with_the_whole_trail_is_not_a_participants(people, trail, participant):
    client = logged_in(people[participant])
    assert client.get(decision_url(trail)).status_code == 200
    assert dossier_url(trail) not in client.get(decision_url(trail)).content.decode()
    assert client.get(dossier_url(trail)).status_code == 403
    assert refusals()[-1].actor == people[participant]
    assert refusals()[-1].after["path"] == dossier_url(trail)


@pytest.mark.parametrize("keeper", ["auditor", "office"])
def test_the_dossier_is_the_auditors_and_the_offices_which_keeps_the_archive(people, trail,
                                                                            keeper):
    client = logged_in(people[keeper])
    assert dossier_url(trail) in client.get(decision_url(trail)).content.decode()
    response = client.get(dossier_url(trail))
    assert response.status_code == 200
    b"".join(response.streaming_content)
