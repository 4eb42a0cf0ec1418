"""The reminder sweep's row: ``count`` reminders due (100,000; 10,000 with ``--scale small``),
recorded and delivered by ``reminders_sweep``, beside one set-based ``INSERT ... SELECT`` that
records the same reminders.

On a scratch database (bench/scratch.py): open tasks of the legality review, each with its
deadline, four in five held by someone, one in five in the queue of the two reviewers granted
the stage on its decision; three in five due on the sweep's day, the others overdue (the office
and the head are told too). Mail goes over SMTP to a local mail server (aiosmtpd, in the
worker, accepting and counting every message), so each reminder is built, sent and accepted as
in a deployment, without a remote server's latency. Each round starts with no reminder
recorded.
"""

from __future__ import annotations

import datetime
import sys
import time

from bench.core import Context, Measure, Row, interleaved
from bench.scratch import emit, run_workers, scratch_database, worker_setup

TARGET = "whole sweep <= 5 s, queries bounded per batch"
#: The sweep's day: a Monday, a working day in any calendar.
SWEEP_DAY = datetime.date(2026, 12, 7)
DECISIONS = 1000
HOLDERS = 200
#: A round stops delivering after this long; what is left is reckoned from the rate so far.
MAX_SECONDS = 120.0


def rows(context: Context) -> list[Row]:
    if not context.wants("reminders.sweep"):
        return []
    count = 10_000 if context.scale == "small" else 100_000
    with scratch_database(context.database_url, "reminders", context.say) as url:
        context.say(f"reminders.sweep: seeding {count:,} open tasks with deadlines")
        run_workers("bench.reminders", "seed", url, 1, count)
        context.say(f"reminders.sweep: {context.rounds} rounds")
        mine, base = interleaved(context.rounds, lambda: _run(url, "sweep", MAX_SECONDS),
                                 lambda: _run(url, "insert_select"))
    return [Row(key="reminders.sweep", title=f"reminder sweep, {count // 1000}k reminders due",
                unit="s", higher_is_better=False, rounds=mine, target=TARGET,
                notes="extra: recorded_s, delivered_s, queries, sweeps it took",
                baseline=Row(key="reminders.sweep.baseline", unit="s", higher_is_better=False,
                             title="one set-based INSERT ... SELECT of the same reminders",
                             rounds=base))]


def _run(url: str, mode: str, *args) -> Measure:
    (result,) = run_workers("bench.reminders", mode, url, 1, *args)
    return Measure(value=result.pop("seconds"), extra=result)


# The workers ---------------------------------------------------------------------------------

def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(SWEEP_DAY, datetime.time(9)))


def job_seed(start_at: float, index: int, count: int) -> dict:
    worker_setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from guardian.models import UserObjectPermission

    from decisions.models import Decision
    from decisions.rulebook import Role, Stage, stage_permission

    started = time.perf_counter()
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bench{n}", email=f"bench{n}@example.org", is_active=True)
         for n in range(HOLDERS + 3)])
    holders, office, head = users[:HOLDERS], users[HOLDERS:HOLDERS + 2], users[-1]
    Group.objects.get(name=Role.OFFICE).user_set.add(*office)
    Group.objects.get(name=Role.HEAD).user_set.add(head)
    first = Decision.objects.create(
        title="基准测试决策", proposal_source="leader", lead_unit="司法所", problem="问题",
        legal_basis=[], plan="方案", necessity="必要性", drafter=holders[0],
        stage=Stage.LEGAL_REVIEW)
    columns = [f.column for f in Decision._meta.concrete_fields if f.column != "id"]
    listed = ", ".join(f'"{c}"' for c in columns)
    day = SWEEP_DAY
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO decisions_decision ({listed}) SELECT {listed} "
                       f"FROM decisions_decision, generate_series(2, %s) WHERE id = %s",
                       [DECISIONS, first.pk])
        cursor.execute("UPDATE decisions_decision SET process_id = id")  # its page's address
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM decisions_decision")
        (decision_ids,) = cursor.fetchone()
        holder_ids = [u.pk for u in holders]
        cursor.execute(
            "INSERT INTO decisions_stagetask (id, decision_id, stage, step, holder_id, status, "
            "opened_at) SELECT g, (%s::bigint[])[1 + g %% %s], %s, %s, "
            "CASE WHEN g %% 5 = 0 THEN NULL ELSE (%s::int[])[1 + g %% %s] END, "
            "CASE WHEN g %% 5 = 0 THEN 'NEW' ELSE 'ASSIGNED' END, %s "
            "FROM generate_series(1, %s) g",
            [decision_ids, len(decision_ids), Stage.LEGAL_REVIEW, "legal_review", holder_ids,
             len(holder_ids), _now() - datetime.timedelta(days=20), count])
        cursor.execute(
            "INSERT INTO decisions_taskdeadline (task_id, decision_id, stage, starts_on, due_on, "
            "period_days, working_days, credited_days, extended) "
            "SELECT id, decision_id, stage, %s, CASE WHEN id %% 5 < 3 THEN %s ELSE %s END, "
            "15, true, 0, false FROM decisions_stagetask",
            [day - datetime.timedelta(days=20), day, day - datetime.timedelta(days=2)])
    app_label, codename = stage_permission(Stage.LEGAL_REVIEW).split(".")
    content_type = ContentType.objects.get_for_model(Decision)
    permission = content_type.permission_set.get(codename=codename)
    UserObjectPermission.objects.bulk_create(
        [UserObjectPermission(permission=permission, content_type=content_type,
                              object_pk=str(pk), user=holders[(pk + n) % HOLDERS])
         for pk in decision_ids for n in (1, 2)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"tasks": count, "seconds": time.perf_counter() - started}


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE decisions_reminder, decisions_reminder_recipients, "
                       "decisions_notification")
        cursor.execute("ANALYZE decisions_reminder")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class LocalMailServer:
    """An SMTP server on a free local port that accepts every message and counts them."""

    def __init__(self):
        import logging
        import socket

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # not a line per SMTP command

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.host, self.port = probe.getsockname()
        self.accepted = 0
        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.accepted += 1
        return "250 OK"

    def stop(self) -> int:
        self.controller.stop()
        return self.accepted


def job_sweep(start_at: float, index: int, max_seconds: float = 600.0) -> dict:
    """Sweeps until every reminder due is delivered (or ``max_seconds``): the first sweep
    records them all; the time to deliver what is left is then reckoned from the rate."""
    worker_setup()
    from django.conf import settings
    from django.db import connection

    from decisions.deadlines.reminders import reminders_deliver, reminders_record
    from decisions.models import Reminder

    mail_server = LocalMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = mail_server.host, mail_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    _reset()
    counter = QueryCounter()
    now = _now()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        reminders_record(now=now)
        recorded_s = time.perf_counter() - started
        recorded_queries = counter.count
        total = Reminder.objects.count()
        sweeps, delivered = 0, 0
        while time.perf_counter() - started < max_seconds:
            sweeps += 1
            sent = sum(reminders_deliver(now=now).values())
            delivered += sent
            if not sent:
                break
        elapsed = time.perf_counter() - started
    accepted = mail_server.stop()
    left = Reminder.objects.filter(delivered_at__isnull=True).count()
    delivered_s = elapsed - recorded_s
    rate = delivered / delivered_s if delivered_s else 0.0
    estimate = elapsed + (left / rate if left and rate else 0.0)
    return {"seconds": estimate, "measured_s": elapsed, "recorded_s": recorded_s,
            "delivered_s": delivered_s, "reminders": total, "delivered": delivered,
            "left": left, "estimated": bool(left), "sweeps": sweeps, "mails_accepted": accepted,
            "queries": counter.count, "queries_recording": recorded_queries}


def job_insert_select(start_at: float, index: int) -> dict:
    """The same reminders recorded by one statement: the least recording them can cost."""
    worker_setup()
    from django.db import connection, transaction

    _reset()
    day = SWEEP_DAY
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO decisions_reminder (task_id, deadline_id, kind, day, created_at, "
            "attempts, last_error) SELECT d.task_id, d.id, CASE WHEN d.due_on = %s THEN "
            "'due_today' ELSE 'overdue' END, %s, now(), 0, '' FROM decisions_taskdeadline d "
            "JOIN decisions_stagetask t ON t.id = d.task_id WHERE d.closed_at IS NULL AND "
            "t.status IN ('NEW', 'ASSIGNED', 'STARTED') AND d.due_on <= %s "
            "ON CONFLICT DO NOTHING", [day, day, day])
        inserted = cursor.rowcount
    return {"seconds": time.perf_counter() - started, "reminders": inserted}


JOBS = {"seed": (job_seed, (int,)), "sweep": (job_sweep, (float,)),
        "insert_select": (job_insert_select, ())}


if __name__ == "__main__":
    job, kinds = JOBS[sys.argv[1]]
    arguments = [kind(value) for kind, value in zip(kinds, sys.argv[4:], strict=True)]
    emit(job(float(sys.argv[2]), int(sys.argv[3]), *arguments))
