"""The reminder sweep on the real stack: a Celery worker on Redis, PostgreSQL, an SMTP server.

The worker runs in this process (a thread pool, so that time_machine also moves its clock), or,
where it must die mid-sweep, as a child process killed with SIGKILL. Mail goes over SMTP to an
aiosmtpd server on 127.0.0.1 that counts what it accepted. The legality review of a decision
submitted on Monday 2 March 2026 is due on Monday 23 March; Tuesday 24 March it is overdue.
"""

import asyncio
import datetime
import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import translation

from config.celery_app import app
from decisions.deadlines.reminders import _message, reminders_sweep
from decisions.models import Reminder
from workflows.tasks import reminders_sweep as reminders_sweep_task

from .factories import Journey, open_task

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def official_calendar(transactional_db):
    """A transactional test starts from a flushed database: load the holidays again."""
    from decisions.calendar.official import load_official_calendar

    load_official_calendar()

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
SUBMITTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
OVERDUE_MORNING = datetime.datetime(2026, 3, 24, 10, 0, tzinfo=SHANGHAI)
PROJECT = Path(__file__).resolve().parent.parent


class Mailbox:
    """What the SMTP server accepted; it can refuse, hold or slow down the next message."""

    def __init__(self):
        self.accepted: list[email.message.EmailMessage] = []
        self.refuse_next = 0
        self.hold_first_recipient = False
        self.hold_first_message = False
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold_first_recipient:
            await self._hold_the_first()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first_message:
            await self._hold_the_first()
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        self.accepted.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    async def _hold_the_first(self):
        if not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)

    def about(self, reminder: Reminder) -> list:
        with translation.override(django_settings.LANGUAGE_CODE):
            subject = _message(reminder)[0]
        return [m for m in self.accepted if m["subject"].strip() == subject]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
    yield box
    box.release.set()
    controller.stop()


@pytest.fixture
def overdue_review(people):
    """The reviewer's legality review, left open since 2 March (the legal adviser signed his
    opinion that day); the clock then runs from the morning it is overdue."""
    with time_machine.travel(SUBMITTED, tick=False):
        journey = Journey(people).submit().accept().participate().counsel_opinion()
    task = open_task(journey.decision, "legal_review")
    with time_machine.travel(OVERDUE_MORNING, tick=True):
        yield task


@pytest.fixture
def broker_queue():
    """An empty queue before, and no worker connection left on the test database after."""
    app.control.purge()
    sent_ids: list[str] = []
    yield sent_ids
    app.control.purge()
    _forget_unacked(sent_ids)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def _forget_unacked(task_ids: list[str]) -> None:
    """A killed worker leaves its message unacknowledged, to be redelivered after the broker's
    visibility timeout; the test's own are removed so that no later run receives them."""
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        for tag, payload in client.hgetall("unacked").items():
            message = json.loads(payload)[0]
            if message.get("headers", {}).get("id") in task_ids:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@pytest.fixture
def worker(broker_queue):
    """A real worker in this process, three threads, consuming from Redis."""
    finished = []
    done = threading.Condition()

    def count(sender=None, **kwargs):
        with done:
            finished.append(kwargs.get("task_id"))
            done.notify_all()

    task_postrun.connect(count, weak=False)
    with start_worker(app, pool="threads", concurrency=3, perform_ping_check=False,
                      shutdown_timeout=20) as started:
        started.finished, started.done = finished, done
        yield started
    task_postrun.disconnect(count)


def wait_for_tasks(worker, count: int, timeout: float = 15) -> None:
    with worker.done:
        assert worker.done.wait_for(lambda: len(worker.finished) >= count, timeout), \
            f"only {len(worker.finished)} of {count} sweeps finished"


def wait_until(condition, timeout: float = 15, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def overdue_reminder(task) -> Reminder:
    return Reminder.objects.select_related("deadline__decision").get(
        task_id=task.pk, kind=Reminder.Kind.OVERDUE, day=datetime.date(2026, 3, 24))


def test_two_sweeps_and_a_third_at_once_send_one_overdue_email(overdue_review, mailbox,
                                                                worker, broker_queue):
    """A sweep in this process takes the reminder's row lock and stalls in the SMTP DATA;
    meanwhile two sweeps run on the worker at once, skip the locked row and send nothing."""
    mailbox.hold_first_message = True

    def sweep_in_a_thread():
        try:
            reminders_sweep()
        finally:
            connections.close_all()

    beside = threading.Thread(target=sweep_in_a_thread)
    beside.start()
    assert mailbox.holding.wait(15), "the sweep beside never reached the SMTP server"
    sweeps = [reminders_sweep_task.delay(), reminders_sweep_task.delay()]
    broker_queue.extend(s.id for s in sweeps)
    wait_for_tasks(worker, 2)
    assert mailbox.accepted == []
    mailbox.release.set()
    beside.join(15)

    reminder = overdue_reminder(overdue_review)
    assert reminder.delivered_at is not None and reminder.attempts == 1
    (message,) = mailbox.about(reminder)
    assert sorted(message["to"].split(", ")) == sorted(
        f"{name}@example.test" for name in ("reviewer", "office", "head"))
    assert Reminder.objects.filter(task_id=overdue_review.pk).count() == 1
    subjects = [m["subject"].strip() for m in mailbox.accepted]
    assert len(subjects) == len(set(subjects)) == Reminder.objects.count()


def test_a_refused_send_is_retried_by_the_next_sweep_and_delivered_once(
        overdue_review, mailbox, worker, broker_queue):
    mailbox.refuse_next = 1
    broker_queue.append(reminders_sweep_task.delay().id)
    wait_for_tasks(worker, 1)
    reminder = overdue_reminder(overdue_review)
    assert reminder.delivered_at is None
    assert reminder.attempts == 1
    assert "451" in reminder.last_error
    assert mailbox.about(reminder) == []

    broker_queue.append(reminders_sweep_task.delay().id)
    wait_for_tasks(worker, 2)
    reminder.refresh_from_db()
    assert reminder.delivered_at is not None and reminder.attempts == 2
    assert len(mailbox.about(reminder)) == 1

    broker_queue.append(reminders_sweep_task.delay().id)
    wait_for_tasks(worker, 3)
    assert len(mailbox.about(reminder)) == 1


WORKER_MAIN = """
import datetime, os, sys, time_machine
now = datetime.datetime.fromisoformat(os.environ["JUECE_TEST_NOW"])
time_machine.travel(now, tick=True).start()
from celery.__main__ import main
sys.argv = ["celery", "-A", "config", "worker", "--pool=solo", "--loglevel=warning",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname", os.environ["JUECE_TEST_WORKER"] + "@%h"]
main()
"""


@pytest.fixture
def worker_process(mailbox, broker_queue):
    """Starts real worker processes on the test database, at the test's point in time; kills
    whatever is left at the end."""
    db = connection.settings_dict
    env = {**os.environ,
           "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}",
           "EMAIL_HOST": django_settings.EMAIL_HOST, "EMAIL_PORT": str(django_settings.EMAIL_PORT),
           "JUECE_TEST_NOW": OVERDUE_MORNING.isoformat()}
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", WORKER_MAIN], cwd=PROJECT,
                                   env={**env, "JUECE_TEST_WORKER": name})
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_worker_killed_mid_delivery_leaves_the_reminder_to_the_next_one_once(
        overdue_review, mailbox, worker_process, broker_queue):
    """Delivery rests on one transaction per reminder: the row lock (FOR UPDATE SKIP
    LOCKED) is taken, the mail sent, and the delivered mark committed, together. A worker
    that dies before that commit loses its database session, so PostgreSQL rolls the mark
    back and frees the lock, and the next sweep sends the reminder.

    Here the worker dies while the SMTP server is still in the envelope (it holds the first
    RCPT): the server has accepted nothing, so the next worker's mail is the only one. The
    window the design leaves open is narrower: a worker that dies after the server answered
    250 to the message but before its COMMIT reached PostgreSQL leaves the reminder
    undelivered, and the next sweep sends it a second time (at least once, not exactly once,
    in that window of a few milliseconds).
    """
    mailbox.hold_first_recipient = True
    first = worker_process("first")
    broker_queue.append(reminders_sweep_task.delay().id)
    assert mailbox.holding.wait(30), "the first worker never reached the SMTP server"
    reminder = overdue_reminder(overdue_review)
    assert reminder.delivered_at is None

    first.send_signal(signal.SIGKILL)
    first.wait(10)
    mailbox.release.set()
    wait_until(lambda: not _a_session_is_left_in_a_transaction(),
               what="PostgreSQL to roll back the killed worker's session and free its lock")

    worker_process("second")
    broker_queue.append(reminders_sweep_task.delay().id)
    wait_until(lambda: overdue_reminder(overdue_review).delivered_at is not None, timeout=30,
               what="the second worker to deliver the reminder")
    reminder.refresh_from_db()
    assert reminder.attempts == 1  # the killed attempt was rolled back with its session
    assert len(mailbox.about(reminder)) == 1
    assert mailbox.accepted and all(len(mailbox.about(r)) == 1
                                    for r in Reminder.objects.filter(delivered_at__isnull=False))


def _a_session_is_left_in_a_transaction() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")
        return cursor.fetchone()[0] > 0
