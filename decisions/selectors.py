"""Reads: querysets and small derived facts about decisions, shaped for the pages that use them."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .audit.labels import AUDITORS_ONLY
from .audit.refusals import refusal_counts as audit_refusal_counts
from .models import (
    AuditEvent,
    CounselOpinion,
    DeadlineChange,
    Decision,
    DraftAttachment,
    DraftVersion,
    ExpertOpinion,
    LegalReview,
    Meeting,
    MeetingAbsence,
    MemberPositionRecord,
    Notification,
    PublicComment,
    PublicParticipation,
    RiskAssessment,
    StageSkip,
    StageTask,
    TaskDeadline,
)
from .people import display_name
from .profiles.models import unit_of
from .rulebook import (
    HEAD_DECISIONS_CONCLUDING,
    REVIEW_OUTCOMES_CLEARING_THE_GATE,
    AdoptionStatus,
    DecisionStatus,
    HeadDecision,
    ReviewOutcome,
    Stage,
    stage_rank,
)
from .stage_tasks.open import all_open_tasks, open_deadlines, open_tasks


def decisions_for_user(user, *, per_row: bool = False) -> QuerySet[Decision]:
    """The decisions ``user`` may read, with what a list row shows, newest first. ``per_row``
    for a page of them (``permissions.readable_by``)."""
    return (permissions.decisions_visible_to(user, per_row=per_row)
            .select_related("current_version", "drafter", "counsel",
                            "participation_skip_confirmed_by")
            .order_by("-created_at", "-id"))


def _late(today: datetime.date) -> Exists:
    return Exists(open_deadlines().filter(decision=OuterRef("pk"), due_on__lt=today))


def decisions_overdue(decisions: QuerySet[Decision], today: datetime.date) -> QuerySet[Decision]:
    """Those of ``decisions`` with an open task past its due day: late from the day after."""
    return decisions.filter(_late(today))


def decisions_not_overdue(decisions: QuerySet[Decision],
                          today: datetime.date) -> QuerySet[Decision]:
    return decisions.filter(~_late(today))


def decision_for_page(pk: int) -> Decision:
    """One decision with everything its page shows, in a fixed number of queries."""
    return _decision_with_records(pk=pk)


def _decision_with_records(**lookup) -> Decision:
    return (Decision.objects
            .select_related("current_version", "drafter", "reviewer", "counsel",
                            "risk_assessor", "publication", "withdrawal__withdrawn_by",
                            "participation_skip_confirmed_by", "catalogue_item__catalogue")
            .prefetch_related(
                # People and their records in a fixed order (by number), not as the database
                # happens to return them.
                Prefetch("experts", queryset=get_user_model().objects.order_by("id")),
                "disagreements", "returns",
                # Each record with its person in one query, not a second one for the people.
                Prefetch("stage_skips", queryset=StageSkip.objects.select_related("decided_by")),
                Prefetch("versions", queryset=DraftVersion.objects.select_related("created_by")
                         .prefetch_related("attachments").order_by("number")),
                Prefetch("participations",
                         queryset=PublicParticipation.objects.prefetch_related("comments")),
                Prefetch("expert_opinions",
                         queryset=ExpertOpinion.objects.select_related("expert").order_by("id")),
                Prefetch("risk_assessments",
                         queryset=RiskAssessment.objects.select_related("assessed_by")),
                Prefetch("reviews", queryset=LegalReview.objects.select_related(
                    "reviewed_by", "draft_version", "document_number").order_by("id")),
                Prefetch("counsel_opinions", queryset=CounselOpinion.objects.select_related(
                    "draft_version")),
                Prefetch("meetings", queryset=Meeting.objects.select_related(
                    "head", "recorded_by", "draft_version").prefetch_related(
                    Prefetch("attendees", queryset=get_user_model().objects.order_by("id")),
                    Prefetch("absences", queryset=MeetingAbsence.objects
                             .select_related("member").order_by("id")),
                    Prefetch("positions", queryset=MemberPositionRecord.objects
                             .select_related("member").order_by("id")),
                ).order_by("id")),
            )
            .get(**lookup))


def decision_for_timeline_by_process(process_pk: int) -> Decision:
    """One decision with its draft versions, which its timeline's rows name."""
    return (Decision.objects
            .prefetch_related(Prefetch("versions",
                                       queryset=DraftVersion.objects.order_by("number")))
            .get(process_id=process_pk))


def decision_timeline(decision: Decision, *, reader) -> QuerySet[AuditEvent]:
    """The decision's events in the order they happened, with who acted and in which task: all
    of them for an auditor; for anyone else its history, without refused attempts and reads
    (labels.AUDITORS_ONLY). IP addresses are the auditor's too (``shows_ip``)."""
    events = decision.events.select_related("actor", "task").order_by("sequence")
    if not shows_ip(reader):
        events = events.exclude(action__in=AUDITORS_ONLY)
    return events


def shows_ip(reader) -> bool:
    """Whether ``reader`` sees the IP addresses and the refusals of the audit trail."""
    return permissions.can_search_audit_trail(reader)


def refusal_counts(events) -> dict[int, int]:
    """How many identical refusals each refusal event stands for (audit/refusals.py)."""
    return audit_refusal_counts(events)


def version_number_before(decision: Decision, sequence: int) -> int | None:
    """The number of the draft version current just before event ``sequence``."""
    after = (decision.events.filter(action="draft_version_create", sequence__lt=sequence)
             .order_by("-sequence").values_list("after", flat=True).first())
    return after.get("version") if after else None


def audit_events_search(*, person: str = "", action: str = "", decision: str = "",
                        date_from: datetime.date | None = None,
                        date_to: datetime.date | None = None) -> QuerySet[AuditEvent]:
    """Events of the whole trail, newest first; dates are days of the deployment's time zone,
    both ends included."""
    events = AuditEvent.objects.select_related("actor", "decision").order_by("-sequence")
    if person:
        events = events.annotate(
            actor_written_name=Concat("actor__last_name", "actor__first_name")).filter(
            Q(actor_name__icontains=person) | Q(actor__username__icontains=person)
            | Q(actor__first_name__icontains=person) | Q(actor__last_name__icontains=person)
            | Q(actor_written_name__icontains=person)
            | Q(action="login_failed", after__username__icontains=person))
    if action:
        events = events.filter(action=action)
    if decision:
        matches = Q(decision__title__icontains=decision)
        if decision.strip().lstrip("#").isdigit():
            matches |= Q(decision_id=int(decision.strip().lstrip("#")))
        events = events.filter(matches)
    if date_from:
        events = events.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return events


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min,
                                     tzinfo=timezone.get_default_timezone())


def latest_review(decision: Decision) -> LegalReview | None:
    return decision.reviews.order_by("-id").first()


def review_is_current(decision: Decision, review: LegalReview | None) -> bool:
    """Whether ``review`` covers the draft as it stands: a review of an earlier version says
    nothing of the current one (Art. 25)."""
    return review is not None and review.draft_version_id == decision.current_version_id


def counsel_opinion_of(decision: Decision, version: DraftVersion) -> CounselOpinion | None:
    """The legal opinion the decision's named legal adviser signed on ``version`` (Art. 28)."""
    if decision.counsel_id is None or version is None:
        return None
    return (decision.counsel_opinions.filter(draft_version=version,
                                             recorded_by_id=decision.counsel_id)
            .order_by("-id").first())


def review_gate_problem(decision: Decision) -> tuple[str, str] | None:
    """Why the draft may not go to the decision organ now (Art. 25), or None."""
    review = latest_review(decision)
    if review is None:
        return "review_missing", _("The draft has not been through legality review.")
    if review.outcome not in REVIEW_OUTCOMES_CLEARING_THE_GATE:
        return "review_not_lawful", _(
            "The latest legality review found the draft “%(outcome)s”: it may not go to the "
            "decision organ.") % {"outcome": review.get_outcome_display()}
    if not review_is_current(decision, review):
        return "review_stale_version", _(
            "The draft changed after its legality review (the review covers version "
            "%(reviewed)d, the current draft is version %(current)d): review it again.") % {
            "reviewed": review.draft_version.number,
            "current": decision.current_version.number}
    return None


def stated_legal_risk(decision: Decision) -> str:
    """The legal risk the latest legality review stated, which the meeting must hear (Art. 25
    para. 2); empty when the review found the draft plainly lawful (or not at all)."""
    review = latest_review(decision)
    if review is not None and review.outcome == ReviewOutcome.LAWFUL_WITH_RISK:
        return review.risk_statement
    return ""


@dataclass(frozen=True)
class ReviewMaterial:
    """What the legality review body reads beside the current draft (Arts. 26-27): the review
    it made last and the revisions since, the procedures performed or skipped with the reason,
    the public comments with their adoption, the signed expert opinions, the risk assessments."""

    last_review: LegalReview | None
    revisions_since: list[DraftVersion]
    skip_reasons: dict[str, str]
    participations: list[PublicParticipation]
    expert_opinions: list[ExpertOpinion]
    risk_assessments: list[RiskAssessment]
    #: Art. 28: the legal adviser's signed opinion on the current draft, once he has given it.
    counsel_opinion: CounselOpinion | None = None


def legal_review_material(decision: Decision) -> ReviewMaterial:
    last_review = (decision.reviews.select_related("draft_version", "reviewed_by")
                   .order_by("-id").first())
    revisions = decision.versions.select_related("created_by").order_by("number")
    if last_review is not None:
        revisions = revisions.filter(number__gt=last_review.draft_version.number)
    else:
        revisions = revisions.none()
    return ReviewMaterial(
        last_review=last_review,
        revisions_since=list(revisions),
        skip_reasons=dict(decision.stage_skips.values_list("stage", "reason")),
        participations=list(decision.participations.prefetch_related("comments").order_by("id")),
        expert_opinions=list(decision.expert_opinions.select_related("expert", "draft_version")
                             .order_by("id")),
        risk_assessments=list(decision.risk_assessments
                              .select_related("assessed_by", "draft_version").order_by("id")),
        counsel_opinion=counsel_opinion_of(decision, decision.current_version),
    )


@dataclass(frozen=True)
class RevisionGround:
    """What sent the draft back to the lead unit, and the record that says so: a review found
    it unlawful or asked for more material (Arts. 26, 28), a risk was found not controllable
    (Art. 24), or the head decided "revise and discuss again" (Art. 30)."""

    stage: str
    record: LegalReview | RiskAssessment | Meeting


def revision_ground(decision: Decision) -> RevisionGround | None:
    """Why the draft may be revised now, or None."""
    current = decision.current_version_id
    review = (decision.reviews.select_related("reviewed_by", "draft_version")
              .order_by("-id").first())
    if (review_is_current(decision, review)
            and review.outcome in (ReviewOutcome.UNLAWFUL, ReviewOutcome.RETURNED)):
        return RevisionGround(Stage.LEGAL_REVIEW.value, review)
    risk = (decision.risk_assessments.select_related("assessed_by", "draft_version")
            .order_by("-id").first())
    if risk and risk.draft_version_id == current and not risk.controllable:
        return RevisionGround(Stage.RISK_ASSESSMENT.value, risk)
    meeting = decision.meetings.select_related("head", "draft_version").order_by("-id").first()
    if (meeting and meeting.draft_version_id == current
            and meeting.head_decision == HeadDecision.REVISE):
        return RevisionGround(Stage.COLLECTIVE_DECISION.value, meeting)
    return None


def adopted_meeting(decision: Decision) -> Meeting | None:
    """The latest meeting of the decision organ, if it adopted the draft: what is published."""
    meeting = (decision.meetings.select_related("draft_version", "head").order_by("-id")
               .first())
    return meeting if meeting and meeting.head_decision == HeadDecision.ADOPTED else None


def meeting_package_missing(decision: Decision) -> list[str]:
    """What the package the lead unit submits to the decision organ still lacks (Art. 29): the
    adoption of every public comment (item 2) and of every expert opinion (item 3) decided, and
    the risk assessment report where one is needed (item 4). The legality review's opinion
    (item 5) is the review gate's (``review_gate_problem``)."""
    missing = []
    if decision.needs_public_participation and not decision.participations.exists():
        missing.append(_("the record of public participation (Art. 29 item 2)"))
    comments = PublicComment.objects.filter(participation__decision=decision,
                                            adoption=AdoptionStatus.PENDING).count()
    if comments:
        missing.append(_("whether %(n)d public comment(s) were adopted (Art. 29 item 2)")
                       % {"n": comments})
    if decision.needs_expert_input:
        waiting = decision.experts.exclude(
            pk__in=decision.expert_opinions.values("expert_id")).count()
        if waiting or not decision.experts.exists():
            missing.append(_("%(n)d signed expert opinion(s) (Art. 29 item 3)")
                           % {"n": max(waiting, 1)})
    opinions = decision.expert_opinions.filter(adoption=AdoptionStatus.PENDING).count()
    if opinions:
        missing.append(_("whether %(n)d expert opinion(s) were adopted (Art. 29 item 3)")
                       % {"n": opinions})
    if decision.needs_risk_assessment:
        risk = decision.risk_assessments.order_by("-id").first()
        if risk is None or not risk.controllable:
            missing.append(_("the risk assessment report finding the risk controllable "
                             "(Art. 29 item 4, Art. 24)"))
    return missing


def opinion_adoption_problem(decision: Decision) -> tuple[str, str] | None:
    """Why the lead unit may no longer record whether an expert opinion was adopted, or None:
    the adoption is what the decision organ reads (Art. 21), so it is settled once the meeting
    is recorded."""
    if decision.is_closed or decision.meetings.exists():
        return "adoption_after_meeting", _(
            "The meeting of the decision organ is recorded: the adoption of expert opinions "
            "can no longer be changed.")
    return None


def withdrawal_problem(decision: Decision) -> tuple[str, str] | None:
    """Why ``decision`` can no longer be withdrawn, as (code, message), or None: once the
    head of the decision organ has adopted it or not (Art. 30), or it is archived."""
    if decision.status == DecisionStatus.WITHDRAWN:
        return ("withdrawal_not_allowed", _("This decision is already withdrawn."))
    # The latest meeting, from those the decision page has loaded already if it has.
    meeting = max(decision.meetings.all(), key=attrgetter("pk"), default=None)
    decided = meeting is not None and meeting.head_decision in HEAD_DECISIONS_CONCLUDING
    if decided or decision.status != DecisionStatus.ACTIVE or decision.stage == Stage.ARCHIVED:
        return ("withdrawal_not_allowed",
                _("The head of the decision organ has decided on this decision (Art. 30): it "
                  "can no longer be withdrawn."))
    return None


def conflict_of_interest(decision: Decision, user, *, lead_unit: str | None = None) -> str | None:
    """Why ``user`` has a direct interest in ``decision`` (Art. 20), or None: he drafted the
    proposal, or he is of its lead unit (``lead_unit``, the one the office names, else the
    proposal's)."""
    if user is None:
        return None
    name = display_name(user)
    if user.pk == decision.drafter_id:
        return _("%(name)s drafted the proposal") % {"name": name}
    unit = unit_of(user)
    lead = (lead_unit or decision.lead_unit or "").strip()
    if unit and unit == lead:
        return _("%(name)s is of the lead unit %(unit)s") % {"name": name, "unit": unit}
    return None


def consultation_missing(decision: Decision) -> list[str]:
    """What public participation, expert input and risk assessment still lack."""
    missing = []
    if decision.needs_public_participation and not decision.participations.exists():
        missing.append(_("public participation is not recorded"))
    if decision.needs_expert_input:
        waiting = decision.experts.exclude(
            pk__in=decision.expert_opinions.values("expert_id")).count()
        if waiting or not decision.experts.exists():
            missing.append(_("%(n)d expert opinion(s) outstanding") % {"n": max(waiting, 1)})
    if decision.needs_risk_assessment:
        risk = decision.risk_assessments.order_by("-id").first()
        if risk is None or not risk.controllable:
            missing.append(_("the risk is not assessed as controllable"))
    return missing


def earliest_open_deadlines(decisions) -> dict[int, TaskDeadline]:
    """Each decision's most pressing open deadline, by decision id, in one query."""
    earliest = {}
    for deadline in (open_deadlines().filter(decision__in=[d.pk for d in decisions])
                     .order_by("-due_on", "-id")):
        earliest[deadline.decision_id] = deadline
    return earliest


def deadline_changes(decision: Decision) -> dict[int, list[DeadlineChange]]:
    """The office's changes to each deadline of ``decision``, by deadline id, in one query."""
    changes = defaultdict(list)
    for change in DeadlineChange.objects.filter(deadline__decision=decision).select_related(
            "changed_by"):
        changes[change.deadline_id].append(change)
    return changes


def deadlines(decision: Decision) -> QuerySet[TaskDeadline]:
    return TaskDeadline.objects.filter(decision=decision).select_related("decision", "task")


def expert_opinions(decision: Decision) -> QuerySet[ExpertOpinion]:
    return ExpertOpinion.objects.filter(decision=decision).select_related("expert")


def attachments(decision: Decision) -> QuerySet[DraftAttachment]:
    """The files attached to any version of ``decision``'s draft."""
    return DraftAttachment.objects.filter(version__decision=decision).select_related("version")


def decisions_with_open_tasks(user, *, per_row: bool = False) -> QuerySet[Decision]:
    """The decisions ``user`` may read, each with its open stage tasks (``open_stage_tasks``,
    with holder and deadline) and its expert opinions, as the API lists them."""
    return decisions_for_user(user, per_row=per_row).prefetch_related(
        Prefetch("tasks", queryset=all_open_tasks()
                 .select_related("holder", "deadline"), to_attr="open_stage_tasks"),
        Prefetch("expert_opinions", queryset=ExpertOpinion.objects.select_related("expert")))


def open_stage_tasks(decision: Decision) -> QuerySet[StageTask]:
    """The open stage tasks of ``decision``, with holder and deadline."""
    return open_tasks(decision).select_related("holder", "deadline")


def task_deadline(task_id: int) -> TaskDeadline | None:
    """The deadline of the stage task numbered ``task_id``, if it has one."""
    return TaskDeadline.objects.filter(task_id=task_id).first()


def stage_tasks(decision: Decision) -> QuerySet[StageTask]:
    """Every stage task of ``decision``, open and done, oldest first, with holder and deadline."""
    return (StageTask.objects.filter(decision=decision)
            .select_related("holder", "deadline", "decision").order_by("opened_at", "id"))


def stage_tasks_by_id(task_ids) -> dict[int, StageTask]:
    """The stage tasks numbered ``task_ids``, with decision and deadline, in one query."""
    return {task.pk: task for task in StageTask.objects.filter(pk__in=task_ids)
            .select_related("decision", "deadline", "holder")}


def stage_tasks_visible_to(user) -> QuerySet[StageTask]:
    """The stage tasks of the decisions ``user`` may see."""
    return (StageTask.objects.filter(permissions.readable_by(user, "decision_id", per_row=True))
            .select_related("holder", "deadline", "decision"))


def decision_titles_by_process(process_ids) -> dict[int, str]:
    """The titles of the decisions carried by the workflow runs numbered ``process_ids``, by
    that number."""
    return dict(Decision.objects.filter(process_id__in=process_ids)
                .values_list("process_id", "title"))


def deadlines_by_task(task_ids) -> dict[int, TaskDeadline]:
    """The deadlines of the stage tasks numbered ``task_ids``, by that number (an old task may
    have none)."""
    return {deadline.task_id: deadline
            for deadline in TaskDeadline.objects.filter(task_id__in=task_ids)}


def stages_passed(decision: Decision) -> int:
    """How many stages of the rulebook's order the procedure went through: a withdrawn decision
    went through those before the stage it was withdrawn at, not through all of them."""
    withdrawal = getattr(decision, "withdrawal", None) if decision.status == \
        DecisionStatus.WITHDRAWN else None
    return stage_rank(withdrawal.stage if withdrawal else decision.stage)


def decision_by_process(process_pk: int) -> Decision | None:
    """The decision the workflow run numbered ``process_pk`` carries, if any."""
    return Decision.objects.filter(process_id=process_pk).first()


def decision_for_page_by_process(process_pk: int) -> Decision:
    """As ``decision_for_page``, found by its workflow run's number (unique: one query)."""
    return _decision_with_records(process_id=process_pk)


def notifications_for_user(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with the decision each links to."""
    return (Notification.objects.filter(user=user).select_related("decision")
            .order_by("-created_at", "-id"))


def notifications_unread_count(user) -> int:
    """The header badge: one COUNT over the (user, read_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
