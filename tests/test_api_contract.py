"""The API's contract: gate codes, field errors, permission refusals, auth, lists and filters."""

import datetime
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIClient

from decisions.models import AuditEvent

from .api import PASSWORD, proposal
from .factories import make_user


def gate(response, code):
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


# Statutory gates: 409 {"detail", "code"}

def test_review_of_a_stale_version_is_refused(api):
    pk = api.to_review()
    stale = api.decision(pk)["current_version"]["sha256"]
    api.review(pk, "unlawful")
    api.revise(pk)
    task = api.task(pk, "legal_review")
    response = api.post("reviewer", f"/api/v1/tasks/{task['id']}/complete/",
                        api.review_body(pk, reviewed_version=stale))
    gate(response, "review_stale_version")
    assert api.decision(pk)["stage"] == "legal_review"


def test_a_meeting_missing_a_position_is_refused(api):
    pk = api.to_review()
    api.review(pk)
    positions = [{"member": "member", "position": "agree", "reason": "同意"}]
    task = api.task(pk, "collective_decision")
    response = api.post("secretary", f"/api/v1/tasks/{task['id']}/complete/",
                        api.meeting_body(positions=positions))
    body = gate(response, "positions_missing")
    assert "member2" in body["detail"]
    assert api.decision(pk)["stage"] == "collective_decision"


def test_a_review_period_under_seven_working_days_is_refused(api):
    pk = api.to_review()
    task = api.task(pk, "legal_review")
    url = f"/api/v1/tasks/{task['id']}/deadline/"
    response = api.post("office", url, {"due_on": timezone.localdate().isoformat(),
                                        "reason": "加快进度"})
    gate(response, "review_period_too_short")

    later = datetime.date.fromisoformat(task["due_on"]) - datetime.timedelta(days=1)
    response = api.post("office", url, {"due_on": later.isoformat(), "reason": "加快进度"})
    if response.status_code == 409:  # the day before may fall under the floor on a holiday
        gate(response, "review_period_too_short")
    else:
        assert response.status_code == 200, response.content
        assert response.json()["due_on"] == later.isoformat()
        assert response.json()["due_at"].startswith(f"{later.isoformat()}T23:59:59")


def test_a_finished_task_is_not_open(api):
    pk = api.propose()["id"]
    task = api.task(pk, "initiation")
    api.submit(pk)
    url = f"/api/v1/tasks/{task['id']}/complete/"
    gate(api.post("drafter", url, {}), "task_not_open")
    gate(api.post("drafter", f"/api/v1/tasks/{task['id']}/claim/"), "task_not_open")
    gate(api.post("office", f"/api/v1/tasks/{task['id']}/deadline/",
                  {"due_on": "2030-01-01", "reason": "x"}), "task_not_open")


def test_a_task_completed_by_someone_else_meanwhile_is_not_open(api):
    call_command("add_user", "office2", role="office", password=PASSWORD)
    other = APIClient()
    token = other.post("/api/v1/auth/token/", {"username": "office2", "password": PASSWORD},
                       format="json").json()["token"]
    other.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    pk = api.propose()["id"]
    api.submit(pk)
    [seen] = other.get("/api/v1/tasks/").json()["results"]
    api.return_to_drafter(pk)
    response = other.post(f"/api/v1/tasks/{seen['id']}/complete/",
                          {"outcome": "return", "reason": "重复"}, format="json")
    gate(response, "task_not_open")


# Field errors: 400

@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"title": None}, "title"),
    ({"legal_basis": []}, "legal_basis"),
    ({"legal_basis": "一部法律"}, "legal_basis"),
    ({"proposal_source": "nobody"}, "proposal_source"),
    ({"needs_expert_input": "perhaps"}, "needs_expert_input"),
    ({"skip_reasons": {"expert_input": ""}}, "skip_reasons"),
    ({"skip_reasons": {"legal_review": "无"}}, "skip_reasons"),
    ({"title": "\ud800"}, "title"),
    ({"title": "x" * 201}, "title"),
])
def test_proposal_field_errors(api, change, field):
    response = api["drafter"].post("/api/v1/decisions/", json.dumps(proposal(**change)),
                                   content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_missing_fields_and_wrong_shapes_are_field_errors(api):
    response = api.post("drafter", "/api/v1/decisions/", {})
    assert response.status_code == 400
    assert {"title", "proposal_source", "legal_basis", "draft_text"} <= set(response.json())
    assert api.post("drafter", "/api/v1/decisions/", ["not", "an", "object"]).status_code == 400


def test_stage_bodies_are_checked(api):
    pk = api.propose(needs_expert_input=True,
                     skip_reasons={"risk_assessment": "不涉及社会稳定风险"})["id"]
    api.submit(pk)
    url = f"/api/v1/tasks/{api.task(pk, 'acceptance')['id']}/complete/"
    for body, field in [
        ({"outcome": "accept", "reviewer": "nobody", "experts": ["expert"]}, "reviewer"),
        ({"outcome": "accept", "reviewer": "reviewer", "experts": ["ghost"]}, "experts"),
        ({"outcome": "accept", "reviewer": "expert", "experts": ["expert"]}, "reviewer"),
        ({"outcome": "accept", "reviewer": "reviewer"}, "experts"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "return", "reason": ""}, "reason"),
        ({"outcome": "accept", "reviewer": 7, "experts": ["expert"]}, "reviewer"),
    ]:
        response = api.post("office", url, body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), (body, response.json())
    assert api.decision(pk)["stage"] == "acceptance"

    api.accept(pk)
    url = f"/api/v1/tasks/{api.task(pk, 'public_participation')['id']}/complete/"
    response = api.post("drafter", url, {"method": "online", "window_start": "2026-03-30",
                                         "window_end": "2026-03-01"})
    assert response.status_code == 400
    assert "window_end" in response.json()
    response = api.post("drafter", url, {"method": "online", "window_start": "yesterday",
                                         "window_end": "2026-03-01", "comments": [{}]})
    assert response.status_code == 400
    assert {"window_start", "comments"} <= set(response.json())


def test_meeting_bodies_are_checked(api):
    pk = api.to_review()
    api.review(pk)
    url = f"/api/v1/tasks/{api.task(pk, 'collective_decision')['id']}/complete/"
    for change, field in [
        ({"attendees": ["member", "stranger"]}, "attendees"),
        ({"attendees": ["member", "head"]}, "attendees"),
        ({"head": "member"}, "head"),
        ({"head_decision": "postponed"}, "head_decision"),
        ({"positions": [{"member": "member", "position": "agree"},
                        {"member": "member", "position": "disagree"}]}, "positions"),
        ({"positions": [{"member": "member", "position": "maybe"}]}, "positions"),
        ({"meeting_date": "10 May"}, "meeting_date"),
    ]:
        response = api.post("secretary", url, api.meeting_body(**change))
        assert response.status_code == 400, (change, response.content)
        assert field in response.json(), (change, response.json())


# Permission refusals: 403, or 404 where existence must not leak

def test_a_drafter_holding_grants_on_his_own_decision_cannot_see_another(api):
    pk = api.propose()["id"]
    api.propose("drafter2", title="另一项决策")
    task = api.task(pk, "initiation")
    assert api.get("drafter2", f"/api/v1/decisions/{pk}/").status_code == 404
    assert api.get("drafter2", f"/api/v1/decisions/{pk}/events/").status_code == 404
    assert api.get("drafter2", f"/api/v1/tasks/{task['id']}/").status_code == 404
    assert api.post("drafter2", f"/api/v1/tasks/{task['id']}/complete/").status_code == 404
    assert api.post("drafter2", f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
    titles = [d["title"] for d in api.get("drafter2", "/api/v1/decisions/").json()["results"]]
    assert titles == ["另一项决策"]


def test_a_reviewer_of_another_decision_is_refused(api):
    pk = api.to_review()
    task = api.task(pk, "legal_review")
    response = api.post("reviewer2", f"/api/v1/tasks/{task['id']}/complete/",
                        api.review_body(pk))
    assert response.status_code == 404


def test_a_reader_without_the_stage_permission_gets_403(api):
    pk = api.to_review()
    task = api.task(pk, "legal_review")
    response = api.post("member", f"/api/v1/tasks/{task['id']}/complete/", api.review_body(pk))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access_refused", actor__username="member",
                                     decision_id=pk).exists()
    response = api.post("drafter", f"/api/v1/tasks/{task['id']}/deadline/",
                        {"due_on": "2030-01-01", "reason": "延期"})
    assert response.status_code == 403


def test_the_auditor_reads_everything_and_writes_nothing(api):
    pk = api.propose()["id"]
    api.submit(pk)
    task = api.task(pk, "acceptance")
    assert api.get("auditor", f"/api/v1/decisions/{pk}/").status_code == 200
    assert api.post("auditor", f"/api/v1/tasks/{task['id']}/claim/").status_code == 403
    assert api.post("auditor", f"/api/v1/tasks/{task['id']}/complete/",
                    {"outcome": "return", "reason": "x"}).status_code == 403
    assert api.post("auditor", f"/api/v1/tasks/{task['id']}/deadline/",
                    {"due_on": "2030-01-01", "reason": "x"}).status_code == 403
    assert api.post("auditor", "/api/v1/decisions/", proposal()).status_code == 403
    assert api.get("auditor", "/api/v1/tasks/").json()["count"] == 0
    assert api.decision(pk)["stage"] == "acceptance"


def test_only_the_auditor_verifies_the_chain(api):
    api.propose()
    for username in ("drafter", "office", "head"):
        assert api.get(username, "/api/v1/audit/verify/").status_code == 403
    response = api.get("auditor", "/api/v1/audit/verify/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["first_bad"] is None
    # Since issue 9 the API verifies through the page's service, which then records the
    # verification: the report covers every event before that one.
    assert body["events"] == AuditEvent.objects.count() - 1
    last = AuditEvent.objects.order_by("-sequence").first()
    assert (last.action, last.actor.username) == ("audit_chain_verify", "auditor")
    assert last.after["via"] == "api:audit-verify" and last.after["ok"] is True


def test_ids_out_of_range_are_not_found(api):
    for pk in ("0", "-1", "9" * 30, "abc", "1.5"):
        response = api.get("auditor", f"/api/v1/decisions/{pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


# Authentication

def test_token_and_session_authentication(db):
    call_command("add_user", "drafter", role="drafter", password=PASSWORD)
    client = APIClient()
    url = "/api/v1/auth/token/"
    assert client.post(url, {"username": "drafter", "password": "wrong"},
                       format="json").status_code == 400
    assert client.post(url, {"username": "ghost", "password": PASSWORD},
                       format="json").status_code == 400
    assert client.post(url, {"username": "drafter"}, format="json").status_code == 400
    # A failed login is no audit event; a lockout is (tests/test_security_auth.py).
    assert not AuditEvent.objects.filter(action="login_failed").exists()
    assert client.get("/api/v1/decisions/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/decisions/").status_code == 401
    token = client.post(url, {"username": "drafter", "password": PASSWORD},
                        format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/decisions/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor__username="drafter").exists()

    browser = APIClient()
    assert browser.login(username="drafter", password=PASSWORD)
    assert browser.get("/api/v1/decisions/").status_code == 200


def test_schema_and_docs_are_served(db):
    client = APIClient()
    client.force_authenticate(make_user("reader", "member"))  # for logged-in users only
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/v1/tasks/{id}/complete/" in schema.json()["paths"]
    assert client.get("/api/v1/docs/").status_code == 200


def test_add_user_creates_updates_and_refuses_unknown_roles(db):
    call_command("add_user", "clerk", role="office", password=PASSWORD, email="a@example.test")
    call_command("add_user", "clerk", role="auditor", password="another-pass-1")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="clerk")
    assert list(user.groups.values_list("name", flat=True)) == ["auditor"]
    assert user.check_password("another-pass-1")
    assert user.email == ""
    with pytest.raises(CommandError, match="drafter, office, reviewer"):
        call_command("add_user", "clerk", role="mayor", password=PASSWORD)


# Lists: pagination, filters, tasks, events

def test_lists_are_paginated(api, monkeypatch):
    for n in range(3):
        api.propose(title=f"决策{n}")
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    first = api.get("drafter", "/api/v1/decisions/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = api.get("drafter", "/api/v1/decisions/", page=2).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert api.get("drafter", "/api/v1/decisions/", page=9).status_code == 404


def test_decisions_filter_by_stage_and_overdue(api):
    waiting = api.propose(title="待受理")["id"]
    api.submit(waiting)
    drafting = api.propose(title="起草中")["id"]

    def ids(**params):
        response = api.get("auditor", "/api/v1/decisions/", **params)
        assert response.status_code == 200, response.content
        return {d["id"] for d in response.json()["results"]}

    assert ids(stage="acceptance") == {waiting}
    assert ids(stage="initiation") == {drafting}
    assert ids(overdue="true") == set()
    assert ids(overdue="false") == {waiting, drafting}
    assert api.get("auditor", "/api/v1/decisions/", stage="nowhere").status_code == 400
    assert api.get("auditor", "/api/v1/decisions/", overdue="soon").status_code == 400

    due = datetime.date.fromisoformat(api.task(waiting, "acceptance")["due_on"])
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(
            due + datetime.timedelta(days=1), datetime.time(9))), tick=False):
        overdue = ids(overdue="true")
        assert waiting in overdue
        late_due = datetime.date.fromisoformat(api.task(drafting, "initiation")["due_on"])
        assert (drafting in overdue) == (late_due < due + datetime.timedelta(days=1))
        assert ids(overdue="true", stage="acceptance") == {waiting}


def test_tasks_are_those_the_user_may_act_on(api):
    pk = api.propose()["id"]
    [task] = api.get("drafter", "/api/v1/tasks/").json()["results"]
    assert set(task) >= {"id", "decision", "stage", "status", "due_at", "owner"}
    assert (task["decision"], task["stage"], task["status"], task["owner"]) == (
        pk, "initiation", "assigned", "drafter")
    assert datetime.datetime.fromisoformat(task["due_at"]).tzinfo is not None
    assert api.get("office", "/api/v1/tasks/").json()["count"] == 0
    api.submit(pk)
    [queued] = api.get("office", "/api/v1/tasks/", stage="acceptance").json()["results"]
    assert (queued["status"], queued["owner"]) == ("new", None)
    claimed = api.post("office", f"/api/v1/tasks/{queued['id']}/claim/")
    assert claimed.status_code == 200, claimed.content
    assert (claimed.json()["status"], claimed.json()["owner"]) == ("assigned", "office")
    assert api.get("drafter", "/api/v1/tasks/").json()["count"] == 0


def test_events_oldest_first_for_anyone_who_may_see_the_decision(api):
    pk = api.propose()["id"]
    api.submit(pk)
    response = api.get("drafter", f"/api/v1/decisions/{pk}/events/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    sequences = [e["sequence"] for e in body["results"]]
    assert sequences == sorted(sequences)
    actions = [e["action"] for e in body["results"]]
    assert actions.index("decision_create") < actions.index("decision_submit")
    assert {e["actor"] for e in body["results"] if e["action"] == "decision_submit"} == {
        "drafter"}
    assert api.get("auditor", f"/api/v1/decisions/{pk}/events/").status_code == 200
    assert AuditEvent.objects.filter(action="dossier_read", actor__username="auditor",
                                     decision_id=pk).exists()


def test_an_auditors_api_read_of_a_decision_is_recorded(people):
    from decisions.models import AuditEvent
    from workflows.actions import start_decision

    from .factories import proposal

    decision = start_decision(acting_user=people["drafter"], **proposal())
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(people["auditor"])
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 200
    read = AuditEvent.objects.get(action="dossier_read", actor=people["auditor"])
    assert read.decision_id == decision.pk and read.after == {"page": "api:decision"}
