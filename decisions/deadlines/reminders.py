"""The reminder sweep: record each reminder that is due today, then deliver what is undelivered.

A reminder is a row, unique per (task, kind, day), inserted before anything is sent; delivery
takes each undelivered row under a lock that concurrent sweeps skip, sends it, and marks it
delivered in the same short transaction. So two sweeps at once, a retried job or a restarted
worker record a reminder once, and it is delivered at least once, not exactly once: a worker
that dies (or loses its database) after the mail server accepted the message and before the
commit leaves the row undelivered, and the next sweep sends it again. Its in-app notifications
are written in that transaction, so they appear once. A failed delivery stays undelivered and
is tried again by the next sweeps, up to ``JUECE_REMINDER_MAX_ATTEMPTS`` attempts.
"""

import datetime
import logging
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission

from ..calendar.working import WorkingCalendar
from ..links import decision_link
from ..models import Notification, Reminder, TaskDeadline
from ..rulebook import Role, Stage, stage_permission, step_label
from ..stage_tasks.open import open_deadlines
from .reckoning import reminder_lead_days

logger = logging.getLogger(__name__)

Kind = Reminder.Kind


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


def reminders_record(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Insert today's reminders for every open task (a fixed number of queries per batch);
    returns how many were due today, recorded now or by an earlier sweep."""
    today = timezone.localdate(now or timezone.now())
    calendar = WorkingCalendar.around(today)
    deadlines = (open_deadlines()
                 .select_related("task__decision", "decision")
                 .order_by("id"))
    recorded, last_id = 0, 0
    while True:
        batch = list(deadlines.filter(id__gt=last_id)[:batch_size])
        if not batch:
            return recorded
        last_id = batch[-1].id
        planned = [(d, kind) for d in batch
                   if (kind := reminder_kind_for(d, today, calendar)) is not None]
        if not planned:
            continue
        recipients = _recipients(planned)
        with transaction.atomic():
            Reminder.objects.bulk_create(
                [Reminder(task=d.task, deadline=d, kind=kind, day=today) for d, kind in planned],
                ignore_conflicts=True)
            fresh = {(r.task_id, r.kind): r for r in Reminder.objects.filter(
                day=today, task_id__in=[d.task_id for d, _k in planned],
                delivered_at__isnull=True, attempts=0)}
            links = []
            for deadline, kind in planned:
                reminder = fresh.get((deadline.task_id, kind))
                if reminder is None:
                    continue
                for user_id in recipients[(deadline.id, kind)]:
                    links.append(Reminder.recipients.through(reminder_id=reminder.id,
                                                             user_id=user_id))
            Reminder.recipients.through.objects.bulk_create(links, ignore_conflicts=True)
        recorded += len(planned)


def _recipients(planned) -> dict[tuple[int, str], set[int]]:
    """Who each reminder goes to: the task's holder, or everyone who may take it from the
    queue; an escalation also to the office, and for a legality review to the head."""
    decision_pks = {str(d.decision_id) for d, _k in planned}
    codenames = {stage_permission(d.stage).split(".")[1] for d, _k in planned}
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    for object_pk, codename, user_id in UserObjectPermission.objects.filter(
            object_pk__in=decision_pks, permission__codename__in=codenames,
            permission__content_type__app_label="decisions",
    ).values_list("object_pk", "permission__codename", "user_id"):
        holders[(object_pk, codename)].add(user_id)
    for object_pk, codename, user_id in GroupObjectPermission.objects.filter(
            object_pk__in=decision_pks, permission__codename__in=codenames,
            permission__content_type__app_label="decisions", group__user__is_active=True,
    ).values_list("object_pk", "permission__codename", "group__user"):
        holders[(object_pk, codename)].add(user_id)
    by_role: dict[str, set[int]] = defaultdict(set)
    for role, user_id in get_user_model().objects.filter(
            is_active=True, groups__name__in=[Role.OFFICE, Role.HEAD]
    ).values_list("groups__name", "id"):
        by_role[role].add(user_id)

    result = {}
    for deadline, kind in planned:
        task = deadline.task
        if task.holder_id:
            people = {task.holder_id}
        else:
            codename = stage_permission(deadline.stage).split(".")[1]
            people = set(holders[(str(deadline.decision_id), codename)])
        if kind == Kind.OVERDUE:
            people |= by_role[Role.OFFICE]
            if deadline.stage == Stage.LEGAL_REVIEW:
                people |= by_role[Role.HEAD]
        result[(deadline.id, kind)] = people
    return result


def reminders_deliver(*, now: datetime.datetime | None = None, limit: int = 1000) -> Counter:
    """Deliver undelivered reminders one by one, each in its own short transaction."""
    sent: Counter = Counter()
    connection = get_connection()
    last_id = 0
    with translation.override(settings.LANGUAGE_CODE):
        for _n in range(limit):
            last_id, outcome = _deliver_next(connection, now or timezone.now(), last_id)
            if outcome is None:
                break
            if outcome:
                sent[outcome] += 1
    return sent


def _deliver_next(connection, now, after_id: int) -> tuple[int, str | None | bool]:
    """The next undelivered reminder after ``after_id``: a sweep walks the ids forward, so a
    failed one is tried once per sweep, not again and again until its attempts run out."""
    with transaction.atomic():
        reminder = (Reminder.objects
                    .select_for_update(skip_locked=True, of=("self",))
                    .filter(id__gt=after_id, delivered_at__isnull=True,
                            attempts__lt=settings.JUECE_REMINDER_MAX_ATTEMPTS)
                    .select_related("deadline__decision", "task__decision")
                    .order_by("id")
                    .first())
        if reminder is None:
            return after_id, None
        recipients = list(reminder.recipients.filter(is_active=True))
        subject, body, url = _message(reminder)
        addresses = sorted({u.email for u in recipients if u.email})
        try:
            if addresses:
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses,
                             connection=connection).send()
        except Exception as error:  # noqa: BLE001  (any delivery failure is retried later)
            logger.warning("reminder %s not delivered: %s", reminder.pk, error)
            Reminder.objects.filter(pk=reminder.pk).update(
                attempts=reminder.attempts + 1, last_error=str(error)[:2000])
            return reminder.id, False
        Reminder.objects.filter(pk=reminder.pk).update(
            delivered_at=now, attempts=reminder.attempts + 1, last_error="")
        Notification.objects.bulk_create(
            [Notification(user=user, reminder=reminder, decision=reminder.deadline.decision,
                          message=subject, url=url) for user in recipients],
            ignore_conflicts=True)
        return reminder.id, reminder.kind


def _message(reminder: Reminder) -> tuple[str, str, str]:
    deadline = reminder.deadline
    decision = deadline.decision
    stage = step_label(deadline.stage, reminder.task.step)
    url = decision_link(decision)
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
