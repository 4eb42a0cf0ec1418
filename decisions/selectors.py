"""Reads: querysets and small derived facts about decisions, shaped for the pages that use them."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from . import permissions
from .models import (
    AuditEvent,
    Decision,
    DraftVersion,
    LegalReview,
    Meeting,
    MemberPositionRecord,
    Notification,
    PublicParticipation,
)
from .rulebook import REVIEW_OUTCOMES_CLEARING_THE_GATE


def decisions_for_user(user) -> QuerySet[Decision]:
    """The decisions ``user`` may read, with what a list row shows."""
    return (permissions.decisions_visible_to(user)
            .select_related("current_version", "drafter")
            .order_by("-created_at", "-id"))


def decision_for_page(pk: int) -> Decision:
    """One decision with everything its page shows, in a fixed number of queries."""
    return (Decision.objects
            .select_related("current_version", "drafter", "reviewer", "risk_assessor",
                            "process", "publication")
            .prefetch_related(
                "experts", "stage_skips__decided_by", "disagreements", "returns",
                Prefetch("versions", queryset=DraftVersion.objects.select_related("created_by")
                         .prefetch_related("attachments").order_by("number")),
                Prefetch("participations",
                         queryset=PublicParticipation.objects.prefetch_related("comments")),
                "expert_opinions__expert",
                "risk_assessments__assessed_by",
                Prefetch("reviews", queryset=LegalReview.objects.select_related(
                    "reviewed_by", "draft_version").order_by("id")),
                "counsel_opinions",
                Prefetch("meetings", queryset=Meeting.objects.select_related(
                    "head", "recorded_by", "draft_version").prefetch_related(
                    "attendees",
                    Prefetch("positions",
                             queryset=MemberPositionRecord.objects.select_related("member")),
                ).order_by("id")),
            )
            .get(pk=pk))


def decision_events(decision: Decision) -> QuerySet[AuditEvent]:
    return decision.events.select_related("actor").order_by("id")


def latest_review(decision: Decision) -> LegalReview | None:
    return decision.reviews.order_by("-id").first()


def review_gate_problem(decision: Decision) -> tuple[str, str] | None:
    """Why the draft may not go to the decision organ now (Art. 28), or None."""
    review = latest_review(decision)
    if review is None:
        return "review_missing", _("The draft has not been through legality review.")
    if review.outcome not in REVIEW_OUTCOMES_CLEARING_THE_GATE:
        return "review_not_lawful", _(
            "The latest legality review found the draft “%(outcome)s”: it may not go to the "
            "decision organ.") % {"outcome": review.get_outcome_display()}
    if review.draft_version_id != decision.current_version_id:
        return "review_stale_version", _(
            "The draft changed after its legality review (the review covers version "
            "%(reviewed)d, the current draft is version %(current)d): review it again.") % {
            "reviewed": review.draft_version.number,
            "current": decision.current_version.number}
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


def decision_for_page_by_process(process_pk: int) -> Decision:
    pk = Decision.objects.filter(process_id=process_pk).values_list("pk", flat=True).first()
    if pk is None:
        raise Decision.DoesNotExist
    return decision_for_page(pk)


def notifications_for_user(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with the decision each links to."""
    return (Notification.objects.filter(user=user).select_related("decision")
            .order_by("-created_at", "-id"))


def notifications_unread_count(user) -> int:
    """The header badge: one COUNT over the (user, read_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
