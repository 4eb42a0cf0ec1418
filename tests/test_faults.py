"""Faults on the real stack: PostgreSQL, Redis, a real Celery worker, SMTP, HTTP (the pages
through Django's test client).

- Redis down: the pages keep serving and recording; the reminders due meanwhile are read from
  the database by the next sweep once the broker is back.
- A worker killed (SIGKILL) after the mail server accepted a reminder and before its delivered
  mark committed: the one window in which a reminder goes out twice, and never a third time.
- A database error in the middle of a transition: nothing of it stays, no event without its
  change, and the same step then succeeds.
- Backup and restore: pg_dump, pg_restore into a fresh database, ``audit_verify --against`` the
  last sealed digest, and the restored decision's page served.
"""

import datetime
import email
import os
import signal
import subprocess
import sys
from email import policy
from unittest import mock

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import DatabaseError, connection
from kombu.exceptions import OperationalError

from config.celery_app import app
from decisions.audit import chain
from decisions.audit.models import AuditEvent
from decisions.models import Decision, Reminder, StageTask
from workflows.tasks import reminders_sweep as reminders_sweep_task

from .factories import Journey, open_task
from .http_client import Office, decision_url, task_url
from .test_reminders_worker import (  # noqa: F401  (fixtures)
    PROJECT,
    SUBMITTED,
    Mailbox,
    _a_session_is_left_in_a_transaction,
    broker_queue,
    free_port,
    mailbox,
    official_calendar,
    overdue_reminder,
    overdue_review,
    wait_until,
    worker_process,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
#: Months after the acceptance: every task opened then is overdue.
MUCH_LATER = datetime.datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI)


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name or db['NAME']}")


# Redis down ---------------------------------------------------------------------------------

def _broker_at(url: str) -> None:
    """Point the Celery app at ``url``: its pools are looked up again (kombu keeps one per
    URL)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down(broker_queue):  # noqa: F811
    """The broker URL points at a closed port for the test's first part; ``back()`` restores
    it."""
    real = app.conf.broker_url
    _broker_at(f"redis://127.0.0.1:{free_port()}/0")
    restore = lambda: _broker_at(real)  # noqa: E731
    yield restore
    restore()


@pytest.mark.broker
def test_with_redis_down_the_pages_serve_and_record_and_the_reminders_go_out_once_it_is_back(
        people, mailbox, redis_down):  # noqa: F811
    with time_machine.travel(SUBMITTED, tick=False):
        journey = Journey(people).submit()
        office = Office(people)
        office.decision = journey.decision
        office.accept()  # a completion over HTTP, the broker unreachable
        assert office.client("auditor").get(decision_url(office.decision)).status_code == 200
        with pytest.raises(OperationalError), app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1)  # what beat would send meanwhile is lost ...
    decision = Decision.objects.get(pk=journey.decision.pk)
    assert decision.accepted_at is not None and decision.stage != "acceptance"
    assert AuditEvent.objects.filter(action="decision_accept", decision=decision).count() == 1
    assert not Reminder.objects.exists()

    redis_down()  # ... but once Redis is back, the next sweep reads what is due from PostgreSQL
    with time_machine.travel(MUCH_LATER, tick=True), \
            start_worker(app, pool="threads", concurrency=1, perform_ping_check=False,
                         shutdown_timeout=20):
        reminders_sweep_task.delay()
        wait_until(lambda: Reminder.objects.exists() and not Reminder.objects.filter(
            delivered_at__isnull=True).exists(), timeout=30, what="the sweep's reminders")
    opened = set(StageTask.objects.filter(decision=decision, closed_at__isnull=True)
                 .values_list("pk", flat=True))
    reminded = set(Reminder.objects.values_list("task_id", flat=True))
    assert opened and reminded == opened
    assert all(len(mailbox.about(r)) == 1 for r in Reminder.objects.all())


# A worker killed between the mail server's acceptance and the commit ------------------------

class AcceptingMailbox(Mailbox):
    """Accepts the first message, then holds its ``250`` answer until released: the sender
    dies with its mail delivered and its commit not made."""

    async def handle_DATA(self, server, session, envelope):
        self.accepted.append(email.message_from_bytes(envelope.content, policy=policy.default))
        await self._hold_the_first()
        return "250 Message accepted for delivery"


@pytest.mark.broker
def test_a_worker_killed_after_the_mail_was_accepted_sends_that_reminder_twice_and_no_more(
        overdue_review, mailbox, worker_process, broker_queue):  # noqa: F811
    """README: at least once, at most twice, the second time only in this window."""
    mailbox.__class__ = AcceptingMailbox
    first = worker_process("first")
    broker_queue.append(reminders_sweep_task.delay().id)
    assert mailbox.holding.wait(30), "the first worker never reached the SMTP server"
    (held,) = mailbox.accepted
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    mailbox.release.set()
    wait_until(lambda: not _a_session_is_left_in_a_transaction(),
               what="PostgreSQL to roll back the killed worker's session")
    assert not Reminder.objects.filter(delivered_at__isnull=False).exists()

    worker_process("second")
    broker_queue.append(reminders_sweep_task.delay().id)
    wait_until(lambda: not Reminder.objects.filter(delivered_at__isnull=True).exists(),
               timeout=30, what="the second worker to deliver every reminder")
    counts = {r.pk: len(mailbox.about(r)) for r in Reminder.objects.all()}
    twice = [pk for pk, n in counts.items() if n == 2]
    assert len(twice) == 1 and set(counts.values()) <= {1, 2}, counts
    reminder = Reminder.objects.get(pk=twice[0])
    assert reminder.attempts == 1  # the killed attempt left nothing in the database
    assert held["subject"].strip() == mailbox.about(reminder)[0]["subject"].strip()
    assert overdue_reminder(overdue_review).delivered_at is not None


# A database error in the middle of a transition ---------------------------------------------

def _failing_insert(fail_on: str):
    """The insert of a transaction's events (appended together just before its commit) fails
    when one of them is a ``fail_on`` event."""
    original = chain._insert_events

    def insert(connection, events):
        if any(event.action == fail_on for event in events):
            raise DatabaseError(f"simulated failure inserting the {fail_on} event")
        return original(connection, events)

    return insert


def _state(decision: Decision) -> dict:
    decision = Decision.objects.get(pk=decision.pk)
    return {"stage": decision.stage, "accepted_at": decision.accepted_at,
            "reviewer": decision.reviewer_id,
            "events": list(AuditEvent.objects.order_by("sequence").values_list("pk", "action")),
            "tasks": list(StageTask.objects.filter(decision=decision).order_by("pk")
                          .values_list("pk", "stage", "closed_at")),
            "flow_task": open_task(decision, "acceptance").status}


@pytest.mark.parametrize("fail_on", ["decision_accept", "permission_grant", "task_completed",
                                     "stage_change"])
def test_a_database_error_mid_transition_leaves_no_half_done_stage_and_no_lone_event(
        people, fail_on):
    """The acceptance's own event, a grant's on the way, and the flow's task closing at its end:
    whichever insert fails, the whole step rolls back, and the office can then accept."""
    office = Office(people)
    office.decision = Journey(people).submit().decision
    task = open_task(office.decision, "acceptance")
    client = office.client("office")
    assert client.post(task_url(task, "assign")).status_code == 302
    before = _state(office.decision)
    client.raise_request_exception = False
    with mock.patch.object(chain, "_insert_events", _failing_insert(fail_on)):
        response = client.post(task_url(task), _acceptance_form(office))
    client.raise_request_exception = True
    assert response.status_code == 500
    assert _state(office.decision) == before
    office.complete("acceptance", "office", _acceptance_form(office))
    assert Decision.objects.get(pk=office.decision.pk).accepted_at is not None


def _acceptance_form(office) -> dict:
    return {"outcome": "accept", "lead_unit": office.decision.lead_unit,
            "reviewer": office.people["reviewer"].pk, "counsel": office.people["counsel"].pk}


# Backup and restore -------------------------------------------------------------------------

RESTORED_PAGE = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="auditor"))
response = client.get(sys.argv[1])
print(response.status_code)
print(sys.argv[2] in response.content.decode())
"""


def test_a_dump_restored_into_a_fresh_database_verifies_against_the_sealed_head_and_serves(
        people, tmp_path, settings):
    """docs/operations.md's procedure: pg_dump --format=custom, pg_restore into a new
    database, audit_verify --against the last sealed digest."""
    settings.JUECE_AUDIT_DIGEST_DIR = tmp_path
    decision = Journey(people).submit().accept().decision
    digest = tmp_path / "audit-head.txt"
    call_command("audit_export_head", out=digest, stdout=open(os.devnull, "w"))  # noqa: SIM115
    db = connection.settings_dict
    pg = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432),
          "PGUSER": db["USER"], "PGPASSWORD": db["PASSWORD"] or ""}
    dump, fresh = tmp_path / "juece.dump", f"{db['NAME']}_restored"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                    db["NAME"]], env=pg, check=True)
    subprocess.run(["dropdb", "--if-exists", fresh], env=pg, check=True)
    subprocess.run(["createdb", "--template=template0", fresh], env=pg, check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", fresh,
                        str(dump)], env=pg, check=True)
        django_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
                      "DATABASE_URL": database_url(fresh), "DJANGO_ALLOWED_HOSTS": "testserver"}
        verified = subprocess.run(
            [sys.executable, "manage.py", "audit_verify", "--against", str(digest)],
            cwd=PROJECT, env=django_env, capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "Audit chain intact" in verified.stdout
        assert f"Matches the digest {digest.name}" in verified.stdout
        page = subprocess.run(
            [sys.executable, "-c", RESTORED_PAGE, decision_url(decision), decision.title],
            cwd=PROJECT, env=django_env, capture_output=True, text=True)
        assert page.stdout.split() == ["200", "True"], page.stdout + page.stderr
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", fresh], env=pg, check=True)
