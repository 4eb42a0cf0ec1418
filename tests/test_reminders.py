"""The reminder sweep: which reminder goes out on which calendar day, to whom, exactly once.

The legality review of a decision submitted on Monday 2 March 2026 is due on Monday 23 March
(15 working days). Time is moved with time_machine; the outbox is Django's locmem backend.
"""

import datetime
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from decisions.deadlines.reminders import (
    _message,
    reminders_deliver,
    reminders_record,
    reminders_sweep,
)
from decisions.models import Notification, Reminder, TaskDeadline

from .factories import Journey, open_task

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
SUBMITTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday
REVIEW_DUE = datetime.date(2026, 3, 23)
Kind = Reminder.Kind


def at(day: datetime.date, hour: int = 8):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour,
                                                 tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def review(people):
    """The reviewer's open legality-review task, due on 23 March (the legal adviser signed his
    opinion the day it opened, so the review's are the only reminders)."""
    with time_machine.travel(SUBMITTED, tick=False):
        journey = Journey(people).submit().accept().participate().counsel_opinion()
    task = open_task(journey.decision, "legal_review")
    assert TaskDeadline.objects.get(task_id=task.pk).due_on == REVIEW_DUE
    return task


def sweep_on(day: datetime.date, hour: int = 8):
    mail.outbox.clear()
    with at(day, hour):
        return reminders_sweep()


def review_reminders(task, **filters):
    return list(Reminder.objects.filter(task_id=task.pk, **filters).order_by("day", "kind"))


def subject_of(reminder: Reminder) -> str:
    with translation.override("zh-hans"):
        return _message(reminder)[0]


def sent_about(reminder: Reminder) -> list:
    return [m for m in mail.outbox if m.subject == subject_of(reminder)]


@pytest.mark.parametrize(("day", "kind"), [
    (datetime.date(2026, 3, 17), None),               # four working days before
    (datetime.date(2026, 3, 18), Kind.BEFORE_DUE),    # three working days before
    (datetime.date(2026, 3, 19), None),
    (datetime.date(2026, 3, 22), None),               # Sunday before
    (REVIEW_DUE, Kind.DUE_TODAY),
    (datetime.date(2026, 3, 24), Kind.OVERDUE),
    (datetime.date(2026, 3, 27), Kind.OVERDUE),       # Friday
    (datetime.date(2026, 3, 28), None),               # Saturday
    (datetime.date(2026, 4, 6), None),                # Qingming holiday (a Monday)
    (datetime.date(2026, 4, 7), Kind.OVERDUE),
])
def test_the_review_is_reminded_on_the_right_calendar_days(review, day, kind):
    sweep_on(day)
    reminders = review_reminders(review, day=day)
    assert [r.kind for r in reminders] == ([kind] if kind else [])
    for reminder in reminders:
        assert reminder.delivered_at is not None
        assert len(sent_about(reminder)) == 1


def test_before_due_and_due_today_go_to_the_reviewer_only(review, people):
    for day in (datetime.date(2026, 3, 18), REVIEW_DUE):
        sweep_on(day)
        (reminder,) = review_reminders(review, day=day)
        (message,) = sent_about(reminder)
        assert message.to == [people["reviewer"].email]
        assert set(reminder.recipients.all()) == {people["reviewer"]}


def test_overdue_escalates_to_reviewer_office_and_head_each_working_day(review, people):
    expected = {people["reviewer"], people["office"], people["head"]}
    for day in (datetime.date(2026, 3, 24), datetime.date(2026, 3, 25)):
        sweep_on(day)
        (reminder,) = review_reminders(review, day=day)
        assert reminder.kind == Kind.OVERDUE
        (message,) = sent_about(reminder)
        assert sorted(message.to) == sorted(u.email for u in expected)
        assert {n.user for n in Notification.objects.filter(reminder=reminder)} == expected
        assert all(n.decision_id == reminder.deadline.decision_id and n.url.endswith(
            f"/decision/{reminder.deadline.decision.process_id}/")
                   for n in Notification.objects.filter(reminder=reminder))


def test_a_second_sweep_the_same_day_sends_nothing_new(review):
    day = datetime.date(2026, 3, 24)
    first = sweep_on(day, hour=8)
    assert first[Kind.OVERDUE] >= 1
    second = sweep_on(day, hour=15)
    assert sum(second.values()) == 0
    assert mail.outbox == []
    assert len(review_reminders(review, day=day)) == 1
    assert Notification.objects.filter(reminder__task_id=review.pk).count() == 3


def test_a_failed_delivery_stays_undelivered_and_the_next_sweep_sends_it_once(review):
    day = datetime.date(2026, 3, 24)
    real_send = mail.backends.locmem.EmailBackend.send_messages
    calls = []

    def fail_once(backend, messages):
        calls.append(messages)
        if len(calls) == 1:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(backend, messages)

    with mock.patch.object(mail.backends.locmem.EmailBackend, "send_messages", fail_once):
        sweep_on(day, hour=8)
        (reminder,) = review_reminders(review, day=day)
        assert reminder.delivered_at is None
        assert reminder.attempts == 1
        assert "SMTP server down" in reminder.last_error
        assert not Notification.objects.filter(reminder=reminder).exists()

        sweep_on(day, hour=8)
        reminder.refresh_from_db()
        assert reminder.delivered_at is not None
        assert reminder.attempts == 2
        assert len(sent_about(reminder)) == 1
        assert Notification.objects.filter(reminder=reminder).count() == 3

        sweep_on(day, hour=9)
        assert sent_about(reminder) == []


def test_the_day_is_the_shanghai_day_not_the_utc_day(review):
    """23:30 UTC on 23 March is 07:30 on 24 March in Shanghai: the review is overdue."""
    mail.outbox.clear()
    with time_machine.travel(datetime.datetime(2026, 3, 23, 23, 30, tzinfo=datetime.UTC),
                             tick=False):
        reminders_sweep()
    assert [(r.kind, r.day) for r in review_reminders(review)] == [
        (Kind.OVERDUE, datetime.date(2026, 3, 24))]


def test_send_reminders_prints_how_many_of_each_kind(review):
    out = StringIO()
    with at(datetime.date(2026, 3, 24)):
        call_command("send_reminders", stdout=out)
    lines = {line.split()[0]: int(line.split()[1]) for line in out.getvalue().splitlines()
             if line.split() and line.split()[0] in Kind.values}
    assert lines == {Kind.BEFORE_DUE: 0, Kind.DUE_TODAY: 0,
                     Kind.OVERDUE: Reminder.objects.filter(kind=Kind.OVERDUE).count()}
    assert lines[Kind.OVERDUE] >= 1


def _overdue_tasks(review, count: int) -> None:
    """``count`` open overdue tasks: copies of the review task with their own deadlines."""
    deadline = TaskDeadline.objects.get(task_id=review.pk)
    for _n in range(count - 1):
        task = open_task(deadline.decision, "legal_review")
        task.pk = None
        task.save()
        TaskDeadline.objects.create(
            task_id=task.pk, decision=deadline.decision, stage=deadline.stage,
            starts_on=deadline.starts_on, due_on=deadline.due_on,
            period_days=deadline.period_days, working_days=deadline.working_days)


def test_recording_costs_the_same_queries_for_5_and_for_60_overdue_tasks(review):
    counts = {}
    for total in (5, 60):
        _overdue_tasks(review, total - TaskDeadline.objects.filter(
            closed_at__isnull=True, stage="legal_review").count() + 1)
        Reminder.objects.all().delete()
        with at(datetime.date(2026, 3, 24)), CaptureQueriesContext(connection) as queries:
            reminders_record()
        assert Reminder.objects.filter(kind=Kind.OVERDUE).count() >= total
        counts[total] = len(queries)
    assert counts[5] == counts[60], counts


def test_delivery_costs_a_fixed_number_of_queries_per_batch_not_per_reminder(review):
    """Delivery takes the reminders a batch at a time, each batch in one short transaction (lock
    the batch, its recipients, mark it delivered, its notices), so its cost grows with the
    batches of reminders due today, never with the reminders of a batch or the open tasks."""
    _overdue_tasks(review, 10)
    with at(datetime.date(2026, 3, 24)):
        reminders_record()
        with CaptureQueriesContext(connection) as one:
            reminders_deliver(limit=1)
        with CaptureQueriesContext(connection) as four:
            reminders_deliver(limit=4)
        with CaptureQueriesContext(connection) as two_batches:
            reminders_deliver(limit=4, batch_size=2)
    assert len(one) <= 7  # lock the batch, read it, its recipients, mark it, its notices
    #                       (+ a savepoint in the test's transaction)
    assert len(four) == len(one)
    assert len(two_batches) == 2 * len(one)
