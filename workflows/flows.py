"""The statutory procedure of a major administrative decision, step by step (Decree No. 713).

Each human step is one stage of the rulebook, gated by that stage's object permission on the
decision; the routing reads the domain records the services wrote.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from decisions import permissions, selectors, services
from decisions.models import Decision
from decisions.rulebook import CONSULTATION_STAGES, HeadDecision, Stage

from . import views
from .models import DecisionProcess
from .nodes import Check, FanOutSplit, StageView

SUMMARY = "{{ process.decision.title }}"


def _decision(activation):
    """The decision as the services just left it (never a copy cached on the process)."""
    return Decision.objects.get(process_id=activation.process.pk)


def _drafter(activation):
    return _decision(activation).drafter


def _reviewer(activation):
    return _decision(activation).reviewer


def _counsel(activation):
    return _decision(activation).counsel


def _risk_assessor(activation):
    return _decision(activation).risk_assessor


def _expert_of_task(activation):
    return get_user_model()._default_manager.get(pk=activation.task.data["expert"])


def _experts(activation):
    return [{"expert": pk} for pk in
            _decision(activation).experts.order_by("pk").values_list("pk", flat=True)]


class DecisionFlow(flow.Flow):
    """重大行政决策 — a major administrative decision through its statutory procedure."""

    process_class = DecisionProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Major administrative decision")
    process_description = _("A decision proposal through initiation, consultation, legality "
                            "review, collective decision, publication and archive.")
    summary_template = SUMMARY

    # Drafter of the lead unit (Arts. 10-13)
    start = (
        flow.Start(views.ProposeView.as_view())
        .Annotation(title=_("Propose a decision"))
        .Permission("decisions.add_decision")
        .Next(this.initiation)
    )
    initiation = (
        StageView(views.InitiationView.as_view(), stage=Stage.INITIATION)
        .Annotation(title=_("Complete and submit the proposal"), summary_template=SUMMARY)
        .Assign(_drafter)
        .Next(this.acceptance)
    )

    # Office of the decision organ (Art. 12)
    acceptance = (
        StageView(views.AcceptanceView.as_view(), stage=Stage.ACCEPTANCE)
        .Annotation(title=_("Accept or return the proposal"), summary_template=SUMMARY)
        .Next(this.is_accepted)
    )
    is_accepted = (
        Check(lambda activation: _decision(activation).accepted_at is not None)
        .Annotation(title=_("Accepted?"))
        .Then(this.consultation)
        .Else(this.initiation)
    )

    # Public participation, expert input, risk assessment, side by side (Arts. 14-24)
    consultation = (
        FanOutSplit()
        .Annotation(title=_("Consultation"))
        .Next(this.public_participation,
              case=lambda activation: _decision(activation).needs(Stage.PUBLIC_PARTICIPATION))
        .Next(this.expert_input,
              case=lambda activation: _decision(activation).needs(Stage.EXPERT_INPUT),
              data_source=_experts)
        .Next(this.risk_assessment,
              case=lambda activation: _decision(activation).needs(Stage.RISK_ASSESSMENT))
        .Next(this.consultation_done, case=lambda activation: not any(
            _decision(activation).needs(stage) for stage in CONSULTATION_STAGES))
    )

    # Lead unit
    public_participation = (
        StageView(views.PublicParticipationView.as_view(), stage=Stage.PUBLIC_PARTICIPATION)
        .Annotation(title=_("Record public participation"), summary_template=SUMMARY)
        .Assign(_drafter)
        .Next(this.consultation_done)
    )

    # Each named expert, himself
    expert_input = (
        StageView(views.ExpertOpinionView.as_view(), stage=Stage.EXPERT_INPUT)
        .Annotation(title=_("Submit a signed expert opinion"), summary_template=SUMMARY)
        .Assign(_expert_of_task)
        .Next(this.consultation_done)
    )

    # Risk assessor; a risk found not controllable sends the draft back for revision
    risk_assessment = (
        StageView(views.RiskAssessmentView.as_view(), stage=Stage.RISK_ASSESSMENT)
        .Annotation(title=_("Assess the risk"), summary_template=SUMMARY)
        .Assign(_risk_assessor)
        .Next(this.is_risk_controllable)
    )
    is_risk_controllable = (
        Check(lambda activation: _decision(activation).risk_assessments
                .order_by("-id").values_list("controllable", flat=True).first())
        .Annotation(title=_("Risk controllable?"))
        .Then(this.consultation_done)
        .Else(this.revision_after_risk)
    )
    revision_after_risk = (
        StageView(views.RevisionView.as_view(), stage=Stage.REVISION)
        .Annotation(title=_("Revise the draft after the risk assessment"),
                    summary_template=SUMMARY)
        .Assign(_drafter)
        .Next(this.risk_assessment)
    )

    consultation_done = flow.Join().Annotation(title=_("Consultation done")).Next(
        this.review_round)

    # Legality review body: 司法所 (Arts. 25-28). Each round of review, on one draft version,
    # hears the legal adviser's or government lawyer's own opinion (Art. 28) beside the
    # reviewer's; the reviewer can find the draft lawful only once the adviser has signed.
    review_round = (
        flow.Split()
        .Annotation(title=_("Round of legality review"))
        .Next(this.counsel_opinion)
        .Next(this.legal_review)
    )
    counsel_opinion = (
        StageView(views.CounselOpinionView.as_view(), stage=Stage.LEGAL_REVIEW, named="counsel")
        .Annotation(title=_("Give the legal adviser's opinion"), summary_template=SUMMARY)
        .Assign(_counsel)
        .Next(this.review_round_done)
    )
    legal_review = (
        StageView(views.LegalReviewView.as_view(), stage=Stage.LEGAL_REVIEW, named="reviewer")
        .Annotation(title=_("Review the legality of the draft"), summary_template=SUMMARY)
        .Assign(_reviewer)
        .Next(this.review_round_done)
    )
    review_round_done = (
        flow.Join().Annotation(title=_("Review round done")).Next(this.is_lawful)
    )
    is_lawful = (
        Check(lambda activation: selectors.review_gate_problem(_decision(activation)) is None)
        .Annotation(title=_("Lawful?"))
        .Then(this.collective_decision)
        .Else(this.revision)
    )
    revision = (
        StageView(views.RevisionView.as_view(), stage=Stage.REVISION)
        .Annotation(title=_("Revise the draft per the opinion"), summary_template=SUMMARY)
        .Assign(_drafter)
        .Next(this.review_round)
    )

    # Meeting secretary records the decision organ's meeting; the head speaks last (Arts. 29-31)
    collective_decision = (
        StageView(views.MeetingView.as_view(), stage=Stage.COLLECTIVE_DECISION)
        .Annotation(title=_("Record the collective decision"), summary_template=SUMMARY)
        .Next(this.head_decided)
    )
    head_decided = (
        flow.Switch()
        .Annotation(title=_("Head's decision"))
        .Case(this.publication, cond=lambda a: _head_decision(a) == HeadDecision.ADOPTED)
        .Case(this.revision, cond=lambda a: _head_decision(a) == HeadDecision.REVISE)
        .Case(this.collective_decision, cond=lambda a: _head_decision(a) == HeadDecision.DEFERRED)
        .Default(this.archive)
    )

    # Office (Art. 32)
    publication = (
        StageView(views.PublicationView.as_view(), stage=Stage.PUBLICATION)
        .Annotation(title=_("Publish the decision"), summary_template=SUMMARY)
        .Next(this.archive)
    )

    # Archive (Art. 33)
    archive = (
        flow.Function(this.archive_decision)
        .Annotation(title=_("Archive"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Closed"))

    def archive_decision(self, activation):
        services.decision_archive(decision=_decision(activation),
                                  acting_user=_last_actor(activation.task))

    # Who may see what: the flow defers to the decision's object permissions.

    def has_view_permission(self, user, obj=None):
        if obj is None:
            return user.is_authenticated
        decision = getattr(obj, "decision", None)
        return decision is not None and permissions.can_view(user, decision)

    def has_manage_permission(self, user, obj=None):
        """Nobody rewrites the procedure by hand: no cancelling, undoing or reassigning."""
        return False


def _last_actor(task):
    """Who closed the file: the owner of the last human step before it (a switch has none)."""
    previous = task.previous.select_related("owner").first()
    while previous is not None and previous.owner_id is None:
        previous = previous.previous.select_related("owner").first()
    return previous.owner if previous else None


def _head_decision(activation):
    meeting = _decision(activation).meetings.order_by("-id").first()
    return meeting.head_decision if meeting else None


