"""Every open task carries a due date in working days; the office may change it, within the law."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from decisions import services
from decisions.errors import StatutoryGateError
from decisions.models import AuditEvent, DeadlineChange, StagePeriod, TaskDeadline
from decisions.rulebook import Stage

from .factories import Journey, open_task

SHANGHAI_MORNING = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(
    datetime.timedelta(hours=8)))  # a Monday


def deadline_of(decision, node_name) -> TaskDeadline:
    return TaskDeadline.objects.get(task_id=open_task(decision, node_name).pk)


@time_machine.travel(SHANGHAI_MORNING, tick=False)
def test_each_open_task_gets_its_stage_period_in_working_days(people):
    journey = Journey(people)
    initiation = deadline_of(journey.decision, "initiation")
    assert initiation.starts_on == datetime.date(2026, 3, 2)
    assert initiation.period_days == 10
    assert initiation.due_on == datetime.date(2026, 3, 16)  # 10 working days later
    journey.submit()
    initiation.refresh_from_db()
    assert initiation.closed_at is not None
    acceptance = deadline_of(journey.decision, "acceptance")
    assert acceptance.due_on == datetime.date(2026, 3, 9)  # 5 working days


@time_machine.travel(SHANGHAI_MORNING, tick=False)
def test_deployment_override_replaces_the_rulebook_period(people):
    StagePeriod.objects.create(stage=Stage.ACCEPTANCE, period_days=3, working_days=True,
                               source="本镇规定")
    journey = Journey(people).submit()
    assert deadline_of(journey.decision, "acceptance").due_on == datetime.date(2026, 3, 5)


def test_review_resumed_after_more_material_keeps_the_days_it_used(people):
    with time_machine.travel(SHANGHAI_MORNING, tick=False):
        journey = Journey(people).submit().accept().participate()
        first = deadline_of(journey.decision, "legal_review")
        assert first.due_on == datetime.date(2026, 3, 23)  # 15 working days
    with time_machine.travel(SHANGHAI_MORNING + datetime.timedelta(days=4), tick=False):
        journey.review("returned")  # Friday: 4 working days used
    with time_machine.travel(SHANGHAI_MORNING + datetime.timedelta(days=21), tick=False):
        journey.revise()  # three weeks later the material comes back
        second = deadline_of(journey.decision, "legal_review")
    assert second.credited_days == 4
    assert second.starts_on == datetime.date(2026, 3, 23)
    assert second.due_on == datetime.date(2026, 4, 8)  # the 11 working days left


@time_machine.travel(SHANGHAI_MORNING, tick=False)
def test_office_extends_with_a_reason_and_never_below_seven_working_days(people):
    journey = Journey(people).submit().accept().participate()
    deadline = deadline_of(journey.decision, "legal_review")
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 3, 10),
                                          reason="紧急", acting_user=people["office"])
    assert refused.value.code == "review_period_too_short"
    assert "2026-03-11" in refused.value.message
    shortened = services.decision_change_deadline(
        deadline=deadline, due_on=datetime.date(2026, 3, 11), reason="防汛紧急",
        acting_user=people["office"])
    assert shortened.due_on == datetime.date(2026, 3, 11)
    with pytest.raises(ValidationError):
        services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 4, 1),
                                          reason="", acting_user=people["office"])
    with pytest.raises(PermissionDenied):
        services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 4, 1),
                                          reason="x", acting_user=people["reviewer"])
    change = DeadlineChange.objects.get()
    assert (change.due_before, change.due_after, change.changed_by) == (
        datetime.date(2026, 3, 23), datetime.date(2026, 3, 11), people["office"])
    assert AuditEvent.objects.filter(action="deadline_change", actor=people["office"]).exists()


@time_machine.travel(SHANGHAI_MORNING, tick=False)
def test_review_limit_extended_once_by_at_most_ten_working_days(people):
    journey = Journey(people).submit().accept().participate()
    deadline = deadline_of(journey.decision, "legal_review")
    # 23 March + 10 working days is 7 April: Qingming keeps 4-6 April free.
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 4, 8),
                                          reason="案情复杂", acting_user=people["office"])
    assert refused.value.code == "review_extension_too_long"
    assert "2026-04-07" in refused.value.message
    extended = services.decision_change_deadline(
        deadline=deadline, due_on=datetime.date(2026, 4, 3), reason="案情复杂",
        acting_user=people["office"])
    assert extended.extended
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 4, 7),
                                          reason="再延", acting_user=people["office"])
    assert refused.value.code == "review_extension_used"
    services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 3, 27),
                                      reason="提前完成", acting_user=people["office"])


def test_a_deadline_in_a_year_without_official_data_is_flagged(people):
    christmas_eve = datetime.datetime(2026, 12, 24, 9, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(christmas_eve, tick=False):
        journey = Journey(people)
    deadline = deadline_of(journey.decision, "initiation")
    assert deadline.due_on.year == 2027
    assert deadline.uncovered_year == 2027
