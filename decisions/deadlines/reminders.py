"""The reminder sweep: record each reminder that is due today, then deliver what is undelivered.

A reminder is a row, unique per (task, kind, day), inserted before anything is sent: recording
is a few set-based statements whatever the number of open tasks. Delivery takes the undelivered
rows a batch at a time (``DELIVERY_BATCH``) under locks that concurrent sweeps skip, sends each,
and marks the batch delivered in the same transaction. So two sweeps at once, a retried job or a
restarted worker record a reminder once, and it is delivered at least once and at most twice: a
worker that dies (or loses its database) after the mail server accepted a message and before
its batch's commit leaves the batch undelivered, and the next sweep sends again the messages
that batch had sent (one window, at most one batch). Its in-app notifications are written in
that transaction, so they appear once. A failed delivery stays undelivered and is tried again
by the next sweeps, up to ``JUECE_REMINDER_MAX_ATTEMPTS`` attempts.
"""

import datetime
import logging
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission

from ..calendar.working import WorkingCalendar
from ..links import decision_link
from ..models import Notification, Reminder, StageTask, TaskDeadline
from ..rulebook import Role, Stage, rule_for, stage_permission, step_label
from .reckoning import reminder_lead_days

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
#: Reminders sent per transaction: the most a worker dying between the mail server's answer
#: and its commit can leave to be sent a second time.
DELIVERY_BATCH = 100
#: Recording more reminders than this at once refreshes the table's statistics at once, as
#: PostgreSQL advises after a bulk load, rather than waiting for autovacuum to notice.
ANALYZE_AFTER = 1000


def reminder_kind_for(deadline: TaskDeadline, today: datetime.date,
                      calendar: WorkingCalendar) -> str | None:
    """Which reminder, if any, ``deadline`` calls for on ``today``."""
    if today == deadline.due_on:
        return Kind.DUE_TODAY
    if today > deadline.due_on:
        return Kind.OVERDUE if calendar.is_workday(today) else None
    if (calendar.is_workday(today)
            and calendar.working_days_between(today, deadline.due_on) == reminder_lead_days()):
        return Kind.BEFORE_DUE
    return None


def reminders_record(*, now: datetime.datetime | None = None) -> int:
    """Record today's reminders for every open task, and who each goes to, in a fixed number of
    set-based statements however many tasks are open; returns how many reminders today has.

    Which reminder a deadline calls for (``reminder_kind_for``) is written as SQL here: due
    today; overdue, on a working day; due soon, on a working day, when its due date lies the
    lead's number of working days ahead (the dates that do are reckoned from the calendar).
    A reminder recorded earlier today and not yet tried gets any new recipients too.
    """
    today = timezone.localdate(now or timezone.now())
    calendar = WorkingCalendar.around(today)
    workday = calendar.is_workday(today)
    soon = _days_reminded_before_due(today, calendar) if workday else []
    soon_sql = f" OR d.due_on IN ({', '.join(['%s'] * len(soon))})" if soon else ""
    open_statuses = list(StageTask.OPEN)
    statuses = ", ".join(["%s"] * len(open_statuses))
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tables['reminder']} (task_id, deadline_id, kind, day, created_at, "  # noqa: S608, E501  (names from the models, values bound)
            "attempts, last_error) "
            "SELECT d.task_id, d.id, CASE WHEN d.due_on = %s THEN %s WHEN d.due_on < %s THEN %s "
            f"ELSE %s END, %s, %s, 0, '' FROM {tables['deadline']} d "
            f"JOIN {tables['task']} t ON t.id = d.task_id "
            f"WHERE d.closed_at IS NULL AND t.status IN ({statuses}) "
            f"AND (d.due_on = %s OR (%s AND d.due_on < %s){soon_sql}) "
            "ON CONFLICT DO NOTHING",
            [today, Kind.DUE_TODAY, today, Kind.OVERDUE, Kind.BEFORE_DUE, today,
             now or timezone.now(), *open_statuses, today, workday, today, *soon])
        recorded = cursor.rowcount
        _record_recipients(cursor, today, tables)
    if recorded > ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what the delivery's plans count on (bulk load)
            cursor.execute(f"ANALYZE {tables['reminder']}")
    return Reminder.objects.filter(day=today).count()


def _days_reminded_before_due(today: datetime.date, calendar: WorkingCalendar) -> list:
    """The due dates that lie the lead's number of working days after ``today``."""
    lead = reminder_lead_days()
    days, day = [], today
    while True:
        day += datetime.timedelta(days=1)
        between = calendar.working_days_between(today, day)
        if between == lead:
            days.append(day)
        elif between > lead:
            return days


def _tables() -> dict[str, str]:
    through = Reminder.recipients.through._meta
    return {"reminder": Reminder._meta.db_table, "deadline": TaskDeadline._meta.db_table,
            "task": StageTask._meta.db_table, "recipient": through.db_table,
            "recipient_reminder": through.get_field("reminder").column,
            "recipient_user": through.get_field("user").column,
            "user": get_user_model()._meta.db_table,
            "user_groups": get_user_model().groups.through._meta.db_table,
            "group": Group._meta.db_table,
            "user_grant": UserObjectPermission._meta.db_table,
            "group_grant": GroupObjectPermission._meta.db_table,
            "permission": Permission._meta.db_table,
            "content_type": ContentType._meta.db_table}


def _record_recipients(cursor, today: datetime.date, tables: dict[str, str]) -> None:
    """Who each reminder of today not yet tried goes to: the task's holder, or everyone who may
    take it from the queue (a grant of the stage's permission on the decision, his own or his
    group's); an escalation also to the office, and for a legality review to the head."""
    t = tables
    insert = (f"INSERT INTO {t['recipient']} ({t['recipient_reminder']}, {t['recipient_user']}) ")
    pending = (f"FROM {t['reminder']} r JOIN {t['deadline']} d ON d.id = r.deadline_id "
               f"JOIN {t['task']} k ON k.id = r.task_id ")
    untried = "r.day = %s AND r.delivered_at IS NULL AND r.attempts = 0"
    cursor.execute(insert + "SELECT r.id, k.holder_id " + pending
                   + f"WHERE {untried} AND k.holder_id IS NOT NULL ON CONFLICT DO NOTHING",
                   [today])
    codenames = [(stage, stage_permission(stage).split(".")[1]) for stage in Stage
                 if rule_for(stage).permission]
    codename_of_stage = ("CASE d.stage " + " ".join(["WHEN %s THEN %s"] * len(codenames))
                         + " END")
    stage_params = [value for pair in codenames for value in pair]
    granted = (f"JOIN {t['permission']} p ON p.id = g.permission_id "
               f"JOIN {t['content_type']} c ON c.id = p.content_type_id "
               f"WHERE {untried} AND k.holder_id IS NULL AND c.app_label = %s "
               f"AND p.codename = {codename_of_stage} "
               "AND g.object_pk = CAST(d.decision_id AS varchar(64)) ")
    cursor.execute(
        insert + "SELECT r.id, g.user_id " + pending + f"JOIN {t['user_grant']} g ON true "
        + granted + "UNION SELECT r.id, m.user_id " + pending
        + f"JOIN {t['group_grant']} g ON true JOIN {t['user_groups']} m "
        f"ON m.group_id = g.group_id JOIN {t['user']} u ON u.id = m.user_id AND u.is_active "
        + granted + "ON CONFLICT DO NOTHING",
        [today, "decisions", *stage_params, today, "decisions", *stage_params])
    cursor.execute(
        insert + "SELECT r.id, m.user_id " + pending
        + f"JOIN {t['user_groups']} m ON true JOIN {t['group']} g ON g.id = m.group_id "
        f"JOIN {t['user']} u ON u.id = m.user_id AND u.is_active "
        f"WHERE {untried} AND r.kind = %s AND (g.name = %s OR (g.name = %s AND d.stage = %s)) "
        "ON CONFLICT DO NOTHING",
        [today, Kind.OVERDUE, Role.OFFICE, Role.HEAD, Stage.LEGAL_REVIEW])


def reminders_deliver(*, now: datetime.datetime | None = None, limit: int | None = None,
                      batch_size: int = DELIVERY_BATCH) -> Counter:
    """Deliver the undelivered reminders, a batch at a time, each batch in one transaction
    (at most ``limit`` reminders, all of them by default)."""
    sent: Counter = Counter()
    connection_ = get_connection()
    last_id, left = 0, limit
    links: dict[int, str] = {}  # each decision's link, built once a sweep
    with translation.override(settings.LANGUAGE_CODE):
        while left is None or left > 0:
            size = batch_size if left is None else min(batch_size, left)
            last_id, outcomes = _deliver_batch(connection_, now or timezone.now(), last_id, size,
                                               links)
            if not outcomes:
                break
            sent.update(outcome for outcome in outcomes if outcome)
            if left is not None:
                left -= len(outcomes)
    return sent


def _deliver_batch(mail_connection, now, after_id: int, size: int,
                   links: dict[int, str]) -> tuple[int, list]:
    """The next ``size`` undelivered reminders after ``after_id``, under row locks that other
    sweeps skip: each sent, then all marked delivered (or their failure noted) and their
    notifications written, in the one transaction. A sweep walks the ids forward, so a failed
    one is tried once per sweep, not again and again until its attempts run out."""
    with transaction.atomic():
        # Lock the batch by the partial index alone (ids in order, no join for the planner to
        # start from), then read what its messages need.
        ids = list(Reminder.objects
                   .select_for_update(skip_locked=True)
                   .filter(id__gt=after_id, delivered_at__isnull=True,
                           attempts__lt=settings.JUECE_REMINDER_MAX_ATTEMPTS)
                   .order_by("id").values_list("id", flat=True)[:size])
        if not ids:
            return after_id, []
        reminders = list(Reminder.objects.filter(id__in=ids)
                         .select_related("deadline__decision", "task").order_by("id"))
        recipients = defaultdict(list)  # (user id, e-mail address) of each reminder's people
        for reminder_id, user_id, email in (Reminder.recipients.through.objects
                                            .filter(reminder__in=ids, user__is_active=True)
                                            .order_by("user_id")
                                            .values_list("reminder_id", "user_id", "user__email")):
            recipients[reminder_id].append((user_id, email))
        delivered, notifications, outcomes, written = [], [], [], timezone.now()
        for reminder in reminders:
            decision = reminder.deadline.decision
            if decision.pk not in links:
                links[decision.pk] = decision_link(decision)
            subject, body, url = _message(reminder, links[decision.pk])
            people = recipients[reminder.pk]
            addresses = sorted({email for _user, email in people if email})
            try:
                if addresses:
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses,
                                 connection=mail_connection).send()
            except Exception as error:  # noqa: BLE001  (any delivery failure is retried later)
                logger.warning("reminder %s not delivered: %s", reminder.pk, error)
                Reminder.objects.filter(pk=reminder.pk).update(
                    attempts=reminder.attempts + 1, last_error=str(error)[:2000])
                outcomes.append(False)
                continue
            delivered.append(reminder.pk)
            notifications.extend((user, reminder.pk, decision.pk, "", subject, url, written)
                                 for user, _email in people)
            outcomes.append(reminder.kind)
        Reminder.objects.filter(pk__in=delivered).update(
            delivered_at=now, attempts=F("attempts") + 1, last_error="")
        _notify(notifications)
        return reminders[-1].id, outcomes


def _notify(rows: list[tuple]) -> None:
    """The batch's in-app notifications, one per person and reminder: one statement sent with
    all the rows (psycopg's pipeline), not a model object and a compiled INSERT per row."""
    if not rows:
        return
    meta = Notification._meta
    columns = ", ".join(meta.get_field(name).column for name in (
        "user", "reminder", "decision", "event", "message", "url", "created_at"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {meta.db_table} ({columns}) "  # noqa: S608  (names from the model)
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)


def _message(reminder: Reminder, url: str | None = None) -> tuple[str, str, str]:
    deadline = reminder.deadline
    decision = deadline.decision
    url = url or decision_link(decision)
    stage = step_label(deadline.stage, reminder.task.step)
    values = {"title": decision.title, "stage": stage, "due": deadline.due_on.isoformat()}
    subject = {
        Kind.BEFORE_DUE: _("[Reminder] %(title)s: %(stage)s is due on %(due)s"),
        Kind.DUE_TODAY: _("[Due today] %(title)s: %(stage)s is due today (%(due)s)"),
        Kind.OVERDUE: _("[Overdue] %(title)s: %(stage)s was due on %(due)s"),
    }[reminder.kind] % values
    body = "\n".join([
        subject, "",
        _("Decision: %(title)s") % values,
        _("Stage: %(stage)s") % values,
        _("Due on: %(due)s") % values,
        _("Open it: %(url)s") % {"url": url},
    ])
    return subject, body, url


def reminders_sweep(*, now: datetime.datetime | None = None) -> Counter:
    """Record today's reminders, then deliver every undelivered one; returns sent per kind."""
    reminders_record(now=now)
    return reminders_deliver(now=now)
