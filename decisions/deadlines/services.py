"""Deadlines of open tasks: opened when a task starts, closed when it ends, changed by the
office with a recorded reason, never leaving the legality reviewer under 7 working days."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record
from ..calendar.working import WorkingCalendar
from ..errors import StatutoryGateError
from ..links import decision_link, task_link
from ..models import DeadlineChange, Decision, LegalReview, StageTask, TaskDeadline
from ..records._common import raise_if, require_open, require_text
from ..rulebook import LEGAL_REVIEW_MIN_WORKING_DAYS, ReviewOutcome, Role, Stage
from ..stage_tasks.open import OPEN, open_tasks
from .notices import clause, in_language, notify, role_members, stage_holders
from .reckoning import reckon, stage_periods


def deadlines_sync(decision: Decision, *, now: datetime.datetime | None = None,
                   acting_user=None) -> None:
    """Give each newly opened human task its due date, and tell its holder; close the
    deadlines of ended tasks.

    Called in the transaction that moved the flow on, by ``acting_user``.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    TaskDeadline.objects.filter(decision=decision, closed_at__isnull=True).exclude(
        task__status__in=OPEN).update(closed_at=now)
    new_tasks = list(open_tasks(decision).filter(deadline__isnull=True)
                     .select_related("holder", "decision"))
    if not new_tasks:
        return
    periods = stage_periods()
    calendar = WorkingCalendar.around(today)
    uncovered_years = set()
    for task in new_tasks:
        stage = task.stage
        period = periods[stage]
        credited = _review_days_already_used(decision, calendar) if stage == Stage.LEGAL_REVIEW \
            else 0
        days = max(period.days - credited, 1)
        reckoning = reckon(calendar, today, days, period.working_days)
        deadline = TaskDeadline.objects.create(
            task=task, decision=decision, stage=stage, starts_on=today, due_on=reckoning.day,
            period_days=period.days, working_days=period.working_days, credited_days=credited,
            uncovered_year=reckoning.uncovered_year)
        if reckoning.uncovered_year:
            uncovered_years.add(reckoning.uncovered_year)
        _tell_the_task_holder(decision, task, deadline, acting_user)
    for year in sorted(uncovered_years):
        _tell_the_office_the_calendar_is_missing(decision, year)


def _tell_the_task_holder(decision: Decision, task: StageTask, deadline: TaskDeadline,
                          acting_user) -> None:
    """A task assigned to a person (the reviewer, each expert, the risk assessor, the drafter
    revising) is told to him, with its link; a queue task waits in its group's queue."""
    if task.holder_id is None:
        return

    def message():
        values = {"title": decision.title, "stage": Stage(deadline.stage).label,
                  "due": deadline.due_on.isoformat()}
        ground = selectors.revision_ground(decision) if deadline.stage == Stage.REVISION else None
        if ground is not None and ground.stage == Stage.RISK_ASSESSMENT:
            return _("The risk assessment found the risk of “%(title)s” not controllable: "
                     "revise the draft by %(due)s.") % values
        return _("A task for you: %(stage)s of “%(title)s”, due on %(due)s.") % values

    notify(users=[task.holder], decision=decision, event=_task_event(decision, task),
           url=task_link(task), acting_user=acting_user, message=in_language(message))


def _task_event(decision: Decision, task: StageTask) -> str:
    """The event a task comes from: a proposal reopened by the office's return, or a draft sent
    back by a review, a risk finding or the meeting, is that event; it is told once."""
    stage = task.stage
    if stage == Stage.INITIATION:
        returned = decision.returns.order_by("-id").values_list("pk", flat=True).first()
        if returned:
            return f"return:{returned}"
    if stage == Stage.REVISION:
        ground = selectors.revision_ground(decision)
        if ground is not None:
            kind = {Stage.LEGAL_REVIEW: "review", Stage.RISK_ASSESSMENT: "risk",
                    Stage.COLLECTIVE_DECISION: "meeting"}[Stage(ground.stage)]
            return f"{kind}:{ground.record.pk}"
    return f"task:{task.pk}"


def _tell_the_office_the_calendar_is_missing(decision: Decision, year: int) -> None:
    """A due date counted Monday to Friday in a year without the State Council's holiday
    notice may be wrong: the office is told, so that an administrator loads the year.

    Once a year, not once per task; an archived decision has no deadline to worry about.
    """
    stage = Decision.objects.filter(pk=decision.pk).values_list("stage", flat=True).get()
    if stage == Stage.ARCHIVED:
        return

    def message():
        values = {"title": decision.title, "year": year}
        return (_("The deadline of the decision “%(title)s” runs into %(year)d, but the holiday "
                  "arrangements for %(year)d are not loaded: ask an administrator to load the "
                  "calendar.") % values
                + _(" Other deadlines running into %(year)d are flagged on their pages; this "
                    "notice is sent once a year.") % values)

    notify(users=role_members(Role.OFFICE), decision=decision, event=f"calendar:{year}",
           url=decision_link(decision), message=in_language(message))


def _review_days_already_used(decision: Decision, calendar: WorkingCalendar) -> int:
    """Time waiting for supplementary material is not counted (local rule): a review that
    resumes after "returned for more material" keeps the working days its last round used."""
    last = (LegalReview.objects.filter(decision=decision).order_by("-id")
            .values_list("outcome", flat=True).first())
    if last != ReviewOutcome.RETURNED:
        return 0
    previous = (TaskDeadline.objects.filter(decision=decision, stage=Stage.LEGAL_REVIEW,
                                            closed_at__isnull=False)
                .order_by("-id").first())
    if previous is None:
        return 0
    closed_on = timezone.localdate(previous.closed_at)
    used = calendar.working_days_between(previous.starts_on, closed_on)
    return previous.credited_days + used


@transaction.atomic
def decision_change_deadline(*, deadline: TaskDeadline, due_on: datetime.date, reason: str,
                             acting_user) -> TaskDeadline:
    """The office extends a deadline (or shortens it for urgency), saying why.

    The legality reviewer keeps at least 7 working days from the start of his review (Art. 26),
    and his own limit is extended at most once, by the local rule's number of working days.
    """
    deadline = TaskDeadline.objects.select_for_update().select_related("decision").get(
        pk=deadline.pk)
    decision = deadline.decision
    require_open(decision)
    permissions.require_may_change_deadlines(acting_user, decision)
    if deadline.closed_at is not None:
        raise StatutoryGateError("task_not_open", _("This task is finished; its deadline is "
                                                    "closed."))
    errors: dict = {}
    require_text(errors, "reason", reason, _("The reason for the change"))
    if not isinstance(due_on, datetime.date):
        errors["due_on"] = [_("Give the new due date.")]
    elif due_on < deadline.starts_on:
        errors["due_on"] = [_("The due date cannot be before the task started.")]
    raise_if(errors)
    calendar = WorkingCalendar.around(deadline.starts_on, years_after=3)
    if deadline.stage == Stage.LEGAL_REVIEW:
        floor = calendar.add_working_days(deadline.starts_on, LEGAL_REVIEW_MIN_WORKING_DAYS).day
        if due_on < floor:
            raise StatutoryGateError(
                "review_period_too_short",
                _("The legality reviewer must be given at least %(days)d working days "
                  "(Art. 26): the earliest due date is %(floor)s.")
                % {"days": LEGAL_REVIEW_MIN_WORKING_DAYS, "floor": floor.isoformat()})
        period = stage_periods()[Stage.LEGAL_REVIEW]
        standard = calendar.add_working_days(
            deadline.starts_on, max(deadline.period_days - deadline.credited_days, 1)).day
        if due_on > standard:
            ceiling = calendar.add_working_days(standard, period.extension_days).day
            if deadline.extended and due_on > deadline.due_on:
                raise StatutoryGateError(
                    "review_extension_used",
                    _("The reviewer's limit was already extended once."))
            if due_on > ceiling:
                raise StatutoryGateError(
                    "review_extension_too_long",
                    _("The reviewer's limit may be extended once by at most %(days)d working "
                      "days: the latest due date is %(ceiling)s.")
                    % {"days": period.extension_days, "ceiling": ceiling.isoformat()})
            deadline.extended = True
    before = deadline.due_on
    deadline.due_on = due_on
    deadline.uncovered_year = None if calendar.covers(due_on.year) else due_on.year
    deadline.save(update_fields=["due_on", "extended", "uncovered_year"])
    change = DeadlineChange.objects.create(deadline=deadline, due_before=before,
                                           due_after=due_on, reason=reason.strip(),
                                           changed_by=acting_user)
    audit_record(action="deadline_change", actor=acting_user, decision=decision,
                 task=deadline.task, stage=deadline.stage,
                 before={"due_on": before}, after={"due_on": due_on, "reason": reason.strip()})
    _tell_the_change(deadline, change, acting_user)
    if deadline.uncovered_year:
        _tell_the_office_the_calendar_is_missing(decision, deadline.uncovered_year)
    return deadline


def _tell_the_change(deadline: TaskDeadline, change: DeadlineChange, acting_user) -> None:
    """Whoever holds the task (and, for a legality review, the named reviewer) learns the new
    date and the office's reason."""
    decision, task = deadline.decision, deadline.task
    holders = [task.holder] if task.holder_id else stage_holders(decision, deadline.stage)
    if deadline.stage == Stage.LEGAL_REVIEW:
        holders.append(decision.reviewer)
    notify(users=holders, decision=decision, event=f"deadline:{change.pk}", url=task_link(task),
           acting_user=acting_user, message=in_language(lambda: _(
               "The office changed the deadline of %(stage)s of “%(title)s” from %(before)s to "
               "%(after)s. Reason: %(reason)s.") % {
                   "stage": Stage(deadline.stage).label, "title": decision.title,
                   "before": change.due_before.isoformat(), "after": change.due_after.isoformat(),
                   "reason": clause(change.reason)}))
