"""The named reads and rules the pages and the API share: one definition each."""

import datetime
from types import SimpleNamespace

from viewflow.workflow.status import STATUS

from decisions import permissions, selectors
from decisions.models import Decision, LegalReview, TaskDeadline
from decisions.stage_tasks.open import is_open, open_deadlines

from .factories import Journey, open_task


def test_a_review_is_current_only_on_the_draft_as_it_stands():
    decision = Decision(current_version_id=2)
    assert selectors.review_is_current(decision, LegalReview(draft_version_id=2))
    assert not selectors.review_is_current(decision, LegalReview(draft_version_id=1))
    assert not selectors.review_is_current(decision, None)


def test_a_task_is_open_while_new_assigned_or_started():
    assert [is_open(SimpleNamespace(status=s)) for s in (
        STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.DONE, STATUS.CANCELED)] == [
        True, True, True, False, False]


def test_open_deadlines_are_those_of_open_tasks(people):
    journey = Journey(people)
    running = TaskDeadline.objects.get(task_id=open_task(journey.decision, "initiation").pk)
    assert list(open_deadlines().filter(decision=journey.decision)) == [running]
    journey.submit()
    assert running not in open_deadlines()
    assert list(open_deadlines().filter(decision=journey.decision).values_list(
        "stage", flat=True)) == ["acceptance"]


def test_a_decision_is_overdue_from_the_day_after_its_open_task_is_due(people):
    decision = Journey(people).decision
    due_on = TaskDeadline.objects.get(task_id=open_task(decision, "initiation").pk).due_on
    decisions = Decision.objects.filter(pk=decision.pk)
    assert not selectors.decisions_overdue(decisions, due_on).exists()
    assert selectors.decisions_not_overdue(decisions, due_on).exists()
    day_after = due_on + datetime.timedelta(days=1)
    assert selectors.decisions_overdue(decisions, day_after).exists()
    assert not selectors.decisions_not_overdue(decisions, day_after).exists()


def test_only_the_office_may_change_deadlines(people):
    decision = Journey(people).submit().decision
    assert permissions.may_change_deadlines(people["office"], decision)
    assert not permissions.may_change_deadlines(people["drafter"], decision)
    assert not permissions.may_change_deadlines(people["reviewer"], decision)
