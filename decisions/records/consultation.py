"""Arts. 14-24: public participation, expert input and risk assessment, side by side."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record, snapshot
from ..errors import StatutoryGateError
from ..models import Decision, ExpertOpinion, PublicComment, PublicParticipation, RiskAssessment
from ..people import display_name
from ..rulebook import (
    DECIDED_ADOPTIONS,
    PUBLIC_CONSULTATION_MIN_DAYS,
    ParticipationMethod,
    Stage,
)
from ._common import locked, raise_if, require_open, require_text


def _require_accepted(decision: Decision, stage: str) -> None:
    if decision.accepted_at is None:
        raise StatutoryGateError("task_not_open",
                                 _("The office has not accepted this proposal yet."))
    if not decision.needs(stage):
        raise StatutoryGateError("stage_not_needed",
                                 _("This decision does not need %(stage)s.")
                                 % {"stage": Stage(stage).label})


@transaction.atomic
def decision_record_participation(*, decision: Decision, method: str,
                                  window_start: datetime.date, window_end: datetime.date,
                                  shortening_reason: str = "", comments=(), acting_user,
                                  task=None) -> PublicParticipation:
    """The lead unit records how the public was consulted and every comment (Arts. 14-17)."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.PUBLIC_PARTICIPATION, decision)
    _require_accepted(decision, Stage.PUBLIC_PARTICIPATION)
    if decision.participations.exists():
        raise StatutoryGateError("task_not_open",
                                 _("Public participation is already recorded."))
    errors: dict = {}
    if method not in ParticipationMethod.values:
        errors["method"] = [_("Choose how the public was consulted.")]
    if not isinstance(window_start, datetime.date) or not isinstance(window_end, datetime.date):
        errors["window_start"] = [_("Give the dates the consultation window opens and closes.")]
    elif window_end < window_start:
        errors["window_end"] = [_("The window cannot close before it opens.")]
    elif ((window_end - window_start).days + 1 < PUBLIC_CONSULTATION_MIN_DAYS
          and not (shortening_reason or "").strip()):
        errors["shortening_reason"] = [
            _("The window is shorter than %(days)d days: record the reason it was shortened "
              "(Art. 15).") % {"days": PUBLIC_CONSULTATION_MIN_DAYS}]
    comments = list(comments)
    for n, comment in enumerate(comments, 1):
        for key, label in (("source", _("source")), ("text", _("comment")),
                           ("reason", _("reason"))):
            if not str(comment.get(key, "")).strip():
                errors.setdefault("comments", []).append(
                    _("Comment %(n)d: the %(field)s is required.") % {"n": n, "field": label})
        if comment.get("adoption") not in DECIDED_ADOPTIONS:
            errors.setdefault("comments", []).append(
                _("Comment %(n)d: say whether it was adopted.") % {"n": n})
    raise_if(errors)
    participation = PublicParticipation.objects.create(
        decision=decision, draft_version=decision.current_version, method=method,
        window_start=window_start, window_end=window_end,
        shortening_reason=(shortening_reason or "").strip(), recorded_by=acting_user,
    )
    PublicComment.objects.bulk_create(
        PublicComment(participation=participation, source=c["source"].strip(),
                      text=c["text"].strip(), adoption=c["adoption"], reason=c["reason"].strip())
        for c in comments
    )
    after = snapshot(participation)
    after["comments"] = [
        {k: c[k] for k in ("source", "text", "adoption", "reason")} for c in comments]
    audit_record(action="public_participation_record", actor=acting_user, decision=decision,
                 task=task, stage=Stage.PUBLIC_PARTICIPATION, after=after)
    return participation


def _signature_matches(user, signature: str) -> bool:
    names = {user.get_username().strip(), user.get_full_name().strip(), display_name(user)}
    return signature.strip() in {n for n in names if n}


@transaction.atomic
def decision_submit_expert_opinion(*, decision: Decision, opinion: str, signature: str,
                                   declares_no_interest: bool | None = None, acting_user,
                                   task=None) -> ExpertOpinion:
    """An expert submits his own written, signed opinion (Art. 19 para. 2)."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.EXPERT_INPUT, decision)
    _require_accepted(decision, Stage.EXPERT_INPUT)
    if not decision.experts.filter(pk=acting_user.pk).exists():
        raise PermissionDenied(_("You are not one of the experts named for this decision."))
    if decision.expert_opinions.filter(expert=acting_user).exists():
        raise StatutoryGateError("task_not_open", _("You have already submitted your opinion."))
    errors: dict = {}
    require_text(errors, "opinion", opinion, _("The opinion"))
    require_text(errors, "signature", signature, _("The signature"))
    if not errors and not _signature_matches(acting_user, signature):
        errors["signature"] = [_("Sign with your own name as registered: %(name)s.")
                               % {"name": display_name(acting_user)}]
    if declares_no_interest is None:
        errors["declares_no_interest"] = [_("Declare whether you have a direct interest in the "
                                            "matter (Art. 20).")]
    raise_if(errors)
    if not declares_no_interest:
        raise StatutoryGateError("conflict_of_interest", _(
            "An expert with a direct interest in the matter may not give an opinion on it "
            "(Art. 20): the office names another expert."))
    record = ExpertOpinion.objects.create(
        decision=decision, draft_version=decision.current_version, expert=acting_user,
        opinion=opinion.strip(), signature=signature.strip(), declares_no_interest=True,
    )
    audit_record(action="expert_opinion_submit", actor=acting_user, decision=decision,
                 task=task, stage=Stage.EXPERT_INPUT, after=snapshot(record))
    return record


@transaction.atomic
def decision_record_risk_assessment(*, decision: Decision, risk_points: str, measures: str,
                                    response_plan: str, controllable: bool, acting_user,
                                    task=None) -> RiskAssessment:
    """The assessor reports risk points, measures and plan, and concludes (Arts. 22-24)."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.RISK_ASSESSMENT, decision)
    _require_accepted(decision, Stage.RISK_ASSESSMENT)
    last = decision.risk_assessments.order_by("-id").first()
    if last is not None and (last.controllable or last.draft_version_id ==
                             decision.current_version_id):
        raise StatutoryGateError(
            "task_not_open",
            _("The risk of this draft version is already assessed; a new assessment follows a "
              "revised draft."))
    errors: dict = {}
    require_text(errors, "risk_points", risk_points, _("Risk points"))
    require_text(errors, "measures", measures, _("Prevention measures"))
    require_text(errors, "response_plan", response_plan, _("Response plan"))
    if controllable not in (True, False):
        errors["controllable"] = [_("Conclude whether the risk is controllable.")]
    raise_if(errors)
    record = RiskAssessment.objects.create(
        decision=decision, draft_version=decision.current_version,
        risk_points=risk_points.strip(), measures=measures.strip(),
        response_plan=response_plan.strip(), controllable=controllable, assessed_by=acting_user,
    )
    audit_record(action="risk_assessment_record", actor=acting_user, decision=decision,
                 task=task, stage=Stage.RISK_ASSESSMENT, after=snapshot(record))
    return record


@transaction.atomic
def decision_record_opinion_adoption(*, decision: Decision, opinion: ExpertOpinion,
                                     adoption: str, reason: str, acting_user,
                                     task=None) -> ExpertOpinion:
    """The lead unit records whether each expert opinion was adopted, and why (Art. 21), from
    its signature until the meeting is recorded."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.REVISION, decision)
    if opinion.decision_id != decision.pk:
        raise ValidationError(_("This opinion belongs to another decision."))
    problem = selectors.opinion_adoption_problem(decision)
    if problem:
        raise StatutoryGateError(*problem)
    errors: dict = {}
    if adoption not in DECIDED_ADOPTIONS:
        errors["adoption"] = [_("Say whether the opinion was adopted.")]
    require_text(errors, "reason", reason, _("The reason"))
    raise_if(errors)
    opinion = ExpertOpinion.objects.select_for_update().get(pk=opinion.pk)
    before = snapshot(opinion, ["adoption", "adoption_reason"])
    opinion.adoption = adoption
    opinion.adoption_reason = reason.strip()
    opinion.save(update_fields=["adoption", "adoption_reason"])
    audit_record(action="expert_opinion_adoption_record", actor=acting_user, decision=decision,
                 task=task, stage=Stage.EXPERT_INPUT, before=before,
                 after={**snapshot(opinion, ["adoption", "adoption_reason"]),
                        "opinion": opinion.pk})
    return opinion
