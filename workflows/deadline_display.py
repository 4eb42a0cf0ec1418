"""How a task's deadline shows on a page: its due date, a coloured state, and a warning when the
date was counted into a year whose official holidays are not loaded."""

import datetime

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from decisions.calendar.working import WorkingCalendar
from decisions.deadlines.reckoning import State, deadline_state
from decisions.models import TaskDeadline

STATE_LABELS = {
    State.GREEN: pgettext_lazy("deadline state", "On time"),
    State.YELLOW: pgettext_lazy("deadline state", "Due soon"),
    State.RED: pgettext_lazy("deadline state", "Overdue"),
}


def deadline_of(task) -> TaskDeadline | None:
    """The task's deadline, loaded with ``select_related("deadline")``; None for an old task."""
    try:
        return task.deadline
    except TaskDeadline.DoesNotExist:
        return None


def uncovered_warning(deadline: TaskDeadline) -> str:
    return _("calendar for %(year)d not loaded") % {"year": deadline.uncovered_year}


def state_badge(deadline: TaskDeadline | None, today: datetime.date,
                calendar: WorkingCalendar) -> str:
    """A coloured dot and its label, and the missing-calendar warning where there is one."""
    if deadline is None:
        return ""
    state = deadline_state(deadline, today, calendar)
    badge = format_html('<span class="juece-due juece-due--{}" data-state="{}">{}</span>',
                        state, state, STATE_LABELS[state])
    if deadline.uncovered_year:
        badge += format_html(' <span class="juece-uncovered" data-uncovered-year="{}">{}</span>',
                             deadline.uncovered_year, uncovered_warning(deadline))
    return badge

