"""Every act leaves an event: tasks, logins, refused attempts; each with actor, time and IP."""

from axes.models import AccessFailureLog
from django.test import Client

from decisions.audit import verify_chain
from decisions.models import AuditEvent

from .factories import PASSWORD, open_task
from .http_client import Office, task_url


def actions_of(decision):
    return list(AuditEvent.objects.filter(decision=decision).order_by("sequence")
                .values_list("action", "actor__username"))


def test_task_lifecycle_events_name_their_actors(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    events = actions_of(office.decision)
    assert ("task_created", "drafter") in events  # the initiation task, created by the drafter
    assert ("task_assigned", "drafter") in events
    assert ("task_completed", "drafter") in events
    assert ("task_assigned", "office") in events  # the office claimed the acceptance task
    assert ("task_started", "office") in events
    assert ("task_completed", "office") in events
    created = AuditEvent.objects.filter(decision=office.decision, action="task_created")
    assert {e.after["node"] for e in created} >= {"initiation", "acceptance",
                                                  "public_participation"}
    assert all(e.task_id for e in created)
    assert verify_chain().ok


def test_logins_are_recorded_with_the_ip_and_a_failed_login_is_not(people):
    """A failed login is kept in axes' table; the chain records a lockout once
    (tests/test_security_auth.py), so that guessing cannot flood it."""
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.post("/accounts/login/", {"username": "drafter", "password": "wrong"},
                       REMOTE_ADDR="10.1.2.3").status_code == 200
    response = client.post("/accounts/login/", {"username": "drafter", "password": PASSWORD},
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="login_failed").exists()
    assert AccessFailureLog.objects.get().ip_address == "10.1.2.3"
    login = AuditEvent.objects.filter(action="login", actor=people["drafter"]).last()
    assert login.ip == "10.1.2.3"


def test_every_refused_attempt_is_recorded(people):
    office = Office(people)
    office.propose()
    office.submit()
    task = open_task(office.decision, "acceptance")
    response = office.client("drafter2").post(task_url(task, "assign"),
                                              REMOTE_ADDR="192.0.2.7")
    assert response.status_code in (403, 404)
    refusal = AuditEvent.objects.filter(action="access_refused",
                                        actor=people["drafter2"]).last()
    assert refusal is not None
    assert refusal.decision_id == office.decision.pk
    assert refusal.after["method"] == "POST"
    assert refusal.ip == "192.0.2.7"


def test_service_writes_carry_the_request_ip(people):
    office = Office(people)
    office.clients["drafter"].defaults["REMOTE_ADDR"] = "198.51.100.9"
    decision = office.propose()
    event = AuditEvent.objects.get(decision=decision, action="decision_create")
    assert event.ip == "198.51.100.9"
    assert event.actor_name == "drafter"
