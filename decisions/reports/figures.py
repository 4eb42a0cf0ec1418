"""The year's figures: one selector per figure, each returning its numbers and the decisions
behind them, so that every number on the dashboard and in the annual report leads to the files
it counts.

What "the year" means differs by figure, and each says so: decisions are of the year they were
proposed in; a decision is decided in the year of the meeting that adopted it or not (Art. 30);
a review, a closed task, a consultation in the year it was recorded, closed, or its window
closed. A lead unit narrows every figure to the decisions (and catalogue items) of that unit;
``readable`` narrows them to the decisions a reader may read, so a page never counts a file it
would not open for him.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Catalogue,
    CatalogueItem,
    Decision,
    LegalReview,
    Meeting,
    PublicParticipation,
    StageTask,
    TaskDeadline,
)
from ..people import display_name
from ..rulebook import (
    COUNSEL_OPINION_STEP,
    HEAD_DECISIONS_CONCLUDING,
    REVIEW_OUTCOMES_CLEARING_THE_GATE,
    RULES,
    DecisionStatus,
    HeadDecision,
    ParticipationMethod,
    Stage,
    rule_for,
    step_label,
)


@dataclass(frozen=True)
class Scope:
    """Which decisions a figure counts: those of ``lead_unit`` (all units when empty) that
    ``readable`` holds (every decision when None), in ``year``."""

    year: int
    lead_unit: str = ""
    readable: QuerySet | None = field(default=None, compare=False, repr=False)

    @property
    def starts(self) -> datetime.datetime:
        return _start_of(datetime.date(self.year, 1, 1))

    @property
    def ends(self) -> datetime.datetime:
        return _start_of(datetime.date(self.year + 1, 1, 1))

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def decisions(self) -> QuerySet[Decision]:
        """The decisions in scope, whatever their year."""
        decisions = Decision.objects.all()
        if self.lead_unit:
            decisions = decisions.filter(lead_unit=self.lead_unit)
        if self.readable is not None:
            decisions = decisions.filter(pk__in=self.readable.values("pk"))
        return decisions

    def within(self, moment_field: str) -> dict:
        """A filter keeping the rows whose ``moment_field`` (a time) falls in the year."""
        return {f"{moment_field}__gte": self.starts, f"{moment_field}__lt": self.ends}

    def within_days(self, day_field: str) -> dict:
        """A filter keeping the rows whose ``day_field`` (a date) falls in the year."""
        return {f"{day_field}__gte": self.first_day, f"{day_field}__lte": self.last_day}


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min,
                                     tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class Tally:
    """One number of a figure (``count``: decisions, reviews, tasks or comments, as the figure
    says) and the decisions behind it, by id."""

    key: str
    label: str
    count: int
    decision_ids: tuple[int, ...] = ()


def tally_of(key: str, label, decision_ids: Iterable[int], count: int | None = None) -> Tally:
    ids = tuple(sorted(set(decision_ids)))
    return Tally(key=key, label=str(label), count=len(ids) if count is None else count,
                 decision_ids=ids)


@dataclass(frozen=True)
class Share:
    """``part`` out of ``whole``; no percentage when there is nothing to count."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return (Decimal(100 * self.part) / Decimal(self.whole)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        """"80%", "83.3%", or "—" when nothing was counted."""
        percent = self.percent
        if percent is None:
            return "—"
        return f"{percent.normalize():f}%" if percent % 1 else f"{int(percent)}%"


def _days(delta: datetime.timedelta) -> Decimal:
    return (Decimal(delta.total_seconds()) / Decimal(86400)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)


# The year's decisions, by stage and by outcome.

def decisions_of_year(scope: Scope) -> QuerySet[Decision]:
    """The decisions proposed in the year."""
    return scope.decisions().filter(**scope.within("created_at"))


def decisions_by_stage(scope: Scope) -> tuple[Tally, ...]:
    """The year's decisions by the stage each stands at now, in the statute's order."""
    ids = defaultdict(list)
    for pk, stage in decisions_of_year(scope).values_list("pk", "stage"):
        ids[stage].append(pk)
    return tuple(tally_of(rule.stage.value, rule.stage.label, ids[rule.stage.value])
                 for rule in RULES)


#: A decision's outcome: withdrawn, else what the head decided at its latest meeting (Art. 30),
#: else not yet put to the decision organ.
OUTCOME_PENDING = "pending"
OUTCOME_WITHDRAWN = "withdrawn"
OUTCOMES: tuple[str, ...] = (
    OUTCOME_PENDING, HeadDecision.DEFERRED.value, HeadDecision.REVISE.value,
    HeadDecision.ADOPTED.value, HeadDecision.NOT_ADOPTED.value, OUTCOME_WITHDRAWN)


def outcome_label(outcome: str) -> str:
    if outcome == OUTCOME_PENDING:
        return _("Not yet put to the meeting")
    if outcome == OUTCOME_WITHDRAWN:
        return str(DecisionStatus.WITHDRAWN.label)
    return str(HeadDecision(outcome).label)


def decisions_by_outcome(scope: Scope) -> tuple[Tally, ...]:
    """The year's decisions by outcome: adopted (published or not yet), not adopted, to be
    revised and discussed again, deferred, withdrawn, or not yet put to the meeting."""
    latest = (Meeting.objects.filter(decision=OuterRef("pk")).order_by("-id")
              .values("head_decision")[:1])
    ids = defaultdict(list)
    for pk, status, head_decision in (decisions_of_year(scope)
                                      .annotate(latest_head_decision=Subquery(latest))
                                      .values_list("pk", "status", "latest_head_decision")):
        if status == DecisionStatus.WITHDRAWN:
            ids[OUTCOME_WITHDRAWN].append(pk)
        else:
            ids[head_decision or OUTCOME_PENDING].append(pk)
    return tuple(tally_of(outcome, outcome_label(outcome), ids[outcome]) for outcome in OUTCOMES)


# Legality-review coverage (Art. 25) and the catalogue's items (Art. 3 para. 3).

def concluding_meetings(scope: Scope) -> QuerySet[Meeting]:
    """The meetings of the year at which the head adopted a decision in scope or not: each
    decision decided in the year, once."""
    return (Meeting.objects.filter(decision__in=scope.decisions(),
                                   head_decision__in=sorted(HEAD_DECISIONS_CONCLUDING),
                                   **scope.within_days("meeting_date"))
            .order_by("meeting_date", "id"))


def lawful_review_of_decided_version() -> Exists:
    """A review of the very version the meeting decided on that let it go to the meeting: an
    earlier version's review says nothing of it (Art. 25)."""
    return Exists(LegalReview.objects.filter(
        decision=OuterRef("decision"), draft_version=OuterRef("draft_version"),
        outcome__in=sorted(REVIEW_OUTCOMES_CLEARING_THE_GATE)))


@dataclass(frozen=True)
class Coverage:
    """Legality-review coverage: of the decisions decided in the year, those whose decided draft
    version was found lawful (or lawful with the risk stated) by a review of that version."""

    decided: Tally
    covered: Tally
    not_covered: Tally

    @property
    def share(self) -> Share:
        return Share(self.covered.count, self.decided.count)

    def tallies(self) -> tuple[Tally, ...]:
        return (self.decided, self.covered, self.not_covered)


def review_coverage(scope: Scope) -> Coverage:
    rows = list(concluding_meetings(scope)
                .annotate(covered=lawful_review_of_decided_version())
                .values_list("decision_id", "covered"))
    decided = [pk for pk, _covered in rows]
    covered = [pk for pk, is_covered in rows if is_covered]
    return Coverage(
        decided=tally_of("decided", _("Decided in the year"), decided),
        covered=tally_of("covered", _("With a lawful review of the decided version"), covered),
        not_covered=tally_of("not_covered", _("Without a lawful review of the decided version"),
                           set(decided) - set(covered)))


@dataclass(frozen=True)
class CatalogueItemRow:
    """An item of the year's catalogue not yet decided, and its decisions still in procedure
    (none: its procedure has not started, or its decision was withdrawn)."""

    item_id: int
    number: int
    title: str
    lead_unit: str
    planned_quarter: int
    decision_ids: tuple[int, ...]


@dataclass(frozen=True)
class CatalogueGap:
    """The year's catalogue (Art. 3 para. 3) against what was decided: its items (removed ones
    left out); those decided (a decision carrying the item out was adopted or not, Art. 30);
    those not decided, and among them those whose procedure has not started (no decision
    carrying them out is in procedure). Items are counted whoever reads (the catalogue is
    public); the decisions behind them are those the reader may read."""

    has_catalogue: bool
    items: Tally
    decided: Tally
    undecided: Tally
    not_started: Tally
    undecided_items: tuple[CatalogueItemRow, ...]

    def tallies(self) -> tuple[Tally, ...]:
        return (self.items, self.decided, self.undecided, self.not_started)


def catalogue_items_undecided(scope: Scope) -> CatalogueGap:
    items = (CatalogueItem.objects.filter(catalogue__year=scope.year, removed_at__isnull=True)
             .order_by("number", "id"))
    if scope.lead_unit:
        items = items.filter(lead_unit=scope.lead_unit)
    items = list(items)
    readable = None if scope.readable is None else set(scope.readable.values_list("pk",
                                                                                 flat=True))
    decided: dict[int, list[int]] = {}
    in_procedure: dict[int, list[int]] = {}
    concluded = Exists(Meeting.objects.filter(
        decision=OuterRef("pk"), head_decision__in=sorted(HEAD_DECISIONS_CONCLUDING)))
    for pk, item_id, status, is_decided in (
            Decision.objects.filter(catalogue_item__in=[item.pk for item in items])
            .annotate(is_decided=concluded)
            .values_list("pk", "catalogue_item_id", "status", "is_decided")):
        if is_decided:
            decided.setdefault(item_id, []).append(pk)
        elif status == DecisionStatus.ACTIVE:
            in_procedure.setdefault(item_id, []).append(pk)

    def shown(pks):
        return [pk for pk in pks if readable is None or pk in readable]

    undecided = [item for item in items if item.pk not in decided]
    rows = tuple(
        CatalogueItemRow(item_id=item.pk, number=item.number, title=item.title,
                         lead_unit=item.lead_unit, planned_quarter=item.planned_quarter,
                         decision_ids=tuple(sorted(shown(in_procedure.get(item.pk, [])))))
        for item in undecided)
    return CatalogueGap(
        has_catalogue=Catalogue.objects.filter(year=scope.year).exists(),
        items=tally_of("items", _("Items of the year's catalogue"),
                       shown(pk for pks in (*decided.values(), *in_procedure.values())
                             for pk in pks),
                       count=len(items)),
        decided=tally_of("decided", _("Items decided"),
                         shown(pk for pks in decided.values() for pk in pks),
                         count=len(decided)),
        undecided=tally_of("undecided", _("Items not yet decided"),
                           [pk for row in rows for pk in row.decision_ids],
                           count=len(undecided)),
        not_started=tally_of("not_started", _("Items whose procedure has not started"), (),
                             count=sum(1 for item in undecided
                                       if item.pk not in in_procedure)),
        undecided_items=rows)


# Deadlines: on time per stage, and the tasks overdue now.

#: The legal adviser's opinion (Art. 28) is timed apart from the reviewer's own review.
COUNSEL_KEY = COUNSEL_OPINION_STEP


def _timed_steps() -> list[tuple[str, str]]:
    """The rows of the on-time figure: each stage at which a person acts, in the statute's
    order, the legal adviser's opinion after the review."""
    rows = []
    for rule in RULES:
        if rule.permission:
            rows.append((rule.stage.value, str(rule.stage.label)))
            if rule.stage == Stage.LEGAL_REVIEW:
                rows.append((COUNSEL_KEY, step_label(rule.stage, COUNSEL_OPINION_STEP)))
    return rows


@dataclass(frozen=True)
class StageTimeliness:
    """The tasks of one stage finished in the year, and those finished by their due day (the
    day in force when they closed, after any change the office recorded)."""

    key: str
    label: str
    closed: Tally
    on_time: Tally
    late: Tally

    @property
    def share(self) -> Share:
        return Share(self.on_time.count, self.closed.count)

    def tallies(self) -> tuple[Tally, ...]:
        return (self.closed, self.on_time, self.late)


def on_time_by_stage(scope: Scope) -> tuple[StageTimeliness, ...]:
    """Per stage, the share of the tasks done in the year that were done by their due day.
    A task cancelled (a withdrawal) was not done, and is not counted."""
    done = defaultdict(list)
    on_time = defaultdict(list)
    late = defaultdict(list)
    for decision_id, stage, step, due_on, closed_at in (
            TaskDeadline.objects.filter(decision__in=scope.decisions(),
                                        task__status=StageTask.Status.DONE,
                                        **scope.within("closed_at"))
            .values_list("decision_id", "stage", "task__step", "due_on", "closed_at")):
        key = COUNSEL_KEY if step == COUNSEL_OPINION_STEP else stage
        done[key].append(decision_id)
        (on_time if timezone.localdate(closed_at) <= due_on else late)[key].append(decision_id)
    return tuple(
        StageTimeliness(
            key=key, label=label,
            closed=tally_of(f"{key}.closed", _("Done"), done[key], count=len(done[key])),
            on_time=tally_of(f"{key}.on_time", _("Done on time"), on_time[key],
                           count=len(on_time[key])),
            late=tally_of(f"{key}.late", _("Done late"), late[key], count=len(late[key])))
        for key, label in _timed_steps())


@dataclass(frozen=True)
class OverdueTask:
    task_id: int
    decision_id: int
    decision_title: str
    process_id: int | None
    step: str
    holder: str
    due_on: datetime.date
    days_overdue: int


@dataclass(frozen=True)
class Overdue:
    """The open tasks past their due day, as of ``today``, with who holds each."""

    today: datetime.date
    tasks: tuple[OverdueTask, ...]
    tally: Tally

    def tallies(self) -> tuple[Tally, ...]:
        return (self.tally,)


def overdue_tasks(scope: Scope, *, today: datetime.date | None = None) -> Overdue:
    """The open tasks of the decisions in scope (whatever their year: this is where things
    stand today) whose due day has passed: late from the day after it. A task waiting in a
    queue is held by the role whose queue it is in."""
    today = today or timezone.localdate()
    tasks = (StageTask.objects
             .filter(decision__in=scope.decisions(), status__in=StageTask.OPEN,
                     deadline__closed_at__isnull=True, deadline__due_on__lt=today)
             .select_related("holder", "deadline", "decision")
             .order_by("deadline__due_on", "id"))
    rows = tuple(
        OverdueTask(
            task_id=task.pk, decision_id=task.decision_id, decision_title=task.decision.title,
            process_id=task.decision.process_id, step=step_label(task.stage, task.step),
            holder=(display_name(task.holder) if task.holder_id else
                    _("%(role)s (waiting in the queue)") % {
                        "role": rule_for(task.stage).actor.label}),
            due_on=task.deadline.due_on, days_overdue=(today - task.deadline.due_on).days)
        for task in tasks)
    return Overdue(today=today, tasks=rows,
                   tally=tally_of("overdue", _("Overdue tasks"), [t.decision_id for t in rows],
                                count=len(rows)))


# Legality review time (Art. 26).

@dataclass(frozen=True)
class ReviewTimes:
    """How long the reviews recorded in the year took, from the reviewer's task opening to the
    review being recorded, in days (calendar days, to a tenth)."""

    reviews: Tally
    timed: int
    average_days: Decimal | None
    longest_days: Decimal | None
    longest: Tally

    def tallies(self) -> tuple[Tally, ...]:
        return (self.reviews, self.longest)


def legality_reviews(scope: Scope) -> QuerySet[LegalReview]:
    """The legality reviews recorded in the year, of every outcome."""
    return LegalReview.objects.filter(decision__in=scope.decisions(), **scope.within("reviewed_at"))


def review_times(scope: Scope) -> ReviewTimes:
    reviews = list(legality_reviews(scope).values_list("decision_id", "reviewed_at"))
    opened = defaultdict(list)
    for decision_id, opened_at in (
            StageTask.objects.filter(decision__in={pk for pk, _at in reviews},
                                     stage=Stage.LEGAL_REVIEW)
            .exclude(step=COUNSEL_OPINION_STEP).values_list("decision_id", "opened_at")):
        opened[decision_id].append(opened_at)
    durations = []
    for decision_id, reviewed_at in reviews:
        started = [at for at in opened[decision_id] if at <= reviewed_at]
        if started:
            durations.append((reviewed_at - max(started), decision_id))
    longest = max(durations, default=None, key=lambda pair: pair[0])
    average = (sum((d for d, _pk in durations), datetime.timedelta()) / len(durations)
               if durations else None)
    return ReviewTimes(
        reviews=tally_of("reviews", _("Legality reviews recorded"), [pk for pk, _at in reviews],
                       count=len(reviews)),
        timed=len(durations),
        average_days=_days(average) if average is not None else None,
        longest_days=_days(longest[0]) if longest else None,
        longest=tally_of("longest", _("Longest review"), [longest[1]] if longest else []))


# Public participation (Arts. 14-18).

def consultations(scope: Scope) -> QuerySet[PublicParticipation]:
    """The consultations whose window (or day) closed in the year."""
    return PublicParticipation.objects.filter(decision__in=scope.decisions(),
                                              **scope.within_days("window_end"))


def consultation_methods(scope: Scope) -> tuple[Tally, ...]:
    """How many consultations of each method closed in the year, methods not used left out,
    in the order Art. 14's list gives them."""
    ids = defaultdict(list)
    for decision_id, method in consultations(scope).values_list("decision_id", "method"):
        ids[method].append(decision_id)
    return tuple(tally_of(method.value, method.label, ids[method.value],
                        count=len(ids[method.value]))
                 for method in ParticipationMethod if ids[method.value])


# Every figure of the dashboard, and the tallies a page links to.

@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    by_stage: tuple[Tally, ...]
    by_outcome: tuple[Tally, ...]
    coverage: Coverage
    catalogue: CatalogueGap
    on_time: tuple[StageTimeliness, ...]
    overdue: Overdue
    review_times: ReviewTimes
    methods: tuple[Tally, ...]

    @property
    def proposed(self) -> int:
        return sum(tally.count for tally in self.by_stage)


def dashboard(scope: Scope, *, today: datetime.date | None = None) -> Dashboard:
    return Dashboard(scope=scope, by_stage=decisions_by_stage(scope),
                     by_outcome=decisions_by_outcome(scope), coverage=review_coverage(scope),
                     catalogue=catalogue_items_undecided(scope),
                     on_time=on_time_by_stage(scope), overdue=overdue_tasks(scope, today=today),
                     review_times=review_times(scope), methods=consultation_methods(scope))


#: Each figure by the name a page's link gives it, and the tallies it is made of.
FIGURES: dict[str, Callable[[Scope], Iterable[Tally]]] = {
    "stage": decisions_by_stage,
    "outcome": decisions_by_outcome,
    "coverage": lambda scope: review_coverage(scope).tallies(),
    "catalogue": lambda scope: catalogue_items_undecided(scope).tallies(),
    "on_time": lambda scope: [tally for row in on_time_by_stage(scope)
                              for tally in row.tallies()],
    "overdue": lambda scope: overdue_tasks(scope).tallies(),
    "review_time": lambda scope: review_times(scope).tallies(),
    "methods": consultation_methods,
}


def tally_behind(scope: Scope, figure: str, key: str) -> Tally | None:
    """The tally of ``figure`` named ``key``, computed afresh, or None for no such figure."""
    compute = FIGURES.get(figure)
    if compute is None:
        return None
    return next((tally for tally in compute(scope) if tally.key == key), None)


def decisions_behind(tally: Tally, readable: QuerySet[Decision]) -> QuerySet[Decision]:
    """The decisions a tally counts, of those ``readable``, as a list shows them."""
    return (readable.filter(pk__in=tally.decision_ids)
            .order_by("-created_at", "-id"))


def lead_units(readable: QuerySet[Decision] | None = None) -> list[str]:
    """The lead units a filter offers: those of the decisions (and of the catalogue items)."""
    decisions = Decision.objects.all() if readable is None else \
        Decision.objects.filter(pk__in=readable.values("pk"))
    units = set(decisions.values_list("lead_unit", flat=True))
    units |= set(CatalogueItem.objects.values_list("lead_unit", flat=True))
    return sorted(unit for unit in units if unit)


def years(*, today: datetime.date | None = None) -> list[int]:
    """The years a filter offers, newest first: from the first decision's (or catalogue's) to
    this one."""
    today = today or timezone.localdate()
    known = [today.year, *Catalogue.objects.values_list("year", flat=True)]
    first = Decision.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is not None:
        known.append(timezone.localtime(first).year)
    return list(range(max(known), min(known) - 1, -1))
