"""Reckoning deadlines: each stage's period (the rulebook, or the deployment's own), due dates
in working days, and the red / yellow / green state of an open task."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from .. import rulebook
from ..calendar.working import Reckoning, WorkingCalendar
from ..rulebook import Stage
from .models import StagePeriod, TaskDeadline


@dataclass(frozen=True)
class Period:
    days: int
    working_days: bool
    extension_days: int
    source: str


def stage_periods() -> dict[str, Period]:
    """Every stage's period: the deployment's override where an administrator set one."""
    periods = {
        rule.stage.value: Period(
            rule.period_days, rule.working_days,
            rulebook.LEGAL_REVIEW_EXTENSION_WORKING_DAYS if rule.stage == Stage.LEGAL_REVIEW
            else 0,
            rule.period_source)
        for rule in rulebook.RULES
    }
    for override in StagePeriod.objects.all():
        if override.stage == Stage.LEGAL_REVIEW and rulebook.review_period_problem(
                override.period_days, override.working_days):
            continue  # never under Art. 26's floor; the system check juece.E011 names the row
        periods[override.stage] = Period(override.period_days, override.working_days,
                                         override.extension_days,
                                         override.source or "deployment override")
    return periods


def reckon(calendar: WorkingCalendar, start: datetime.date, days: int,
           working_days: bool) -> Reckoning:
    if working_days:
        return calendar.add_working_days(start, days)
    return calendar.add_days(start, days)


def reminder_lead_days() -> int:
    """How many working days before the due date the first reminder goes out."""
    return settings.JUECE_REMINDER_LEAD_WORKING_DAYS


class State:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def deadline_state(deadline: TaskDeadline, today: datetime.date,
                   calendar: WorkingCalendar) -> str:
    """Red once overdue; yellow within the reminder lead; green before."""
    if today > deadline.due_on:
        return State.RED
    if calendar.working_days_between(today, deadline.due_on) <= reminder_lead_days():
        return State.YELLOW
    return State.GREEN
