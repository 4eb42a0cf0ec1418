"""Arts. 10-13: the proposal, its submission, and the office's acceptance or return."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record, snapshot
from ..catalogue.services import LINK_FIELDS, catalogue_link_problems, decision_year
from ..deadlines.notices import clause, in_language, notify
from ..errors import StatutoryGateError
from ..links import decision_link
from ..models import AcceptanceReturn, Decision, StageSkip, UnitDisagreement
from ..rulebook import (
    CONSULTATION_STAGES,
    STAGE_FLAGS,
    ParticipationSkipGround,
    ProposalSource,
    Role,
    Stage,
)
from ._common import locked, raise_if, require_open, require_text
from .drafts import draft_version_create

PROPOSAL_FIELDS = ["title", "proposal_source", "lead_unit", "problem", "legal_basis", "plan",
                   "necessity", "alternatives", "needs_public_participation",
                   "needs_expert_input", "needs_risk_assessment", "exploratory_reform",
                   "participation_skip_ground", "participation_skip_basis",
                   "catalogue_item", "outside_catalogue_reason"]


def _participation_skip_fields(data: dict) -> None:
    """The ground and basis for not hearing the public belong only to a decision that does not
    hear it: once public participation is held, they are cleared."""
    if data.get("needs_public_participation"):
        data["participation_skip_ground"] = ""
        data["participation_skip_basis"] = ""
    else:
        data["participation_skip_ground"] = str(data.get("participation_skip_ground") or "").strip()
        data["participation_skip_basis"] = str(data.get("participation_skip_basis") or "").strip()


def participation_skip_refusal() -> StatutoryGateError:
    return StatutoryGateError(
        "participation_skip_not_allowed",
        _("Public participation may be left out only for a matter that may not be disclosed by "
          "law (Art. 14): choose that ground and cite the law that bars disclosure, or hold "
          "public participation."))


def _validate_proposal(data: dict, skip_reasons: dict, *, link=None,
                       link_year: int | None = None) -> None:
    """The proposal's fields; with ``link_year``, also the catalogue item it carries out or
    its reason for being outside the catalogue, ``link`` = (item, reason) (Art. 3 para. 3)."""
    errors: dict = {}
    labels = {"title": _("Title"), "lead_unit": _("Lead unit"),
              "problem": _("Problem and reasons"), "plan": _("Preliminary plan"),
              "necessity": _("Necessity and feasibility")}
    for field, label in labels.items():
        require_text(errors, field, data.get(field), label)
    if data.get("proposal_source") not in ProposalSource.values:
        errors.setdefault("proposal_source", []).append(_("Choose the source of the proposal."))
    basis = data.get("legal_basis")
    if not isinstance(basis, list) or not [b for b in basis if str(b).strip()]:
        errors.setdefault("legal_basis", []).append(
            _("List at least one legal basis (Art. 10)."))
    for stage in CONSULTATION_STAGES:
        if stage == Stage.PUBLIC_PARTICIPATION:
            continue  # Art. 14: one ground only, below; no free-text reason
        if not data.get(STAGE_FLAGS[stage]) and not str(skip_reasons.get(stage, "")).strip():
            errors.setdefault("skip_reasons", []).append(
                _("Give the reason why %(stage)s is not needed.") % {"stage": stage.label})
    if link_year is not None:
        catalogue_link_problems(catalogue_item=link[0], outside_catalogue_reason=link[1],
                                year=link_year, errors=errors)
    skipped = not data.get("needs_public_participation")
    ground = data.get("participation_skip_ground")
    if skipped and ground == ParticipationSkipGround.NOT_DISCLOSABLE:
        require_text(errors, "participation_skip_basis", data.get("participation_skip_basis"),
                     _("The law that bars disclosure"))
    raise_if(errors)
    if skipped and ground != ParticipationSkipGround.NOT_DISCLOSABLE:
        raise participation_skip_refusal()


def _skip_reason(decision: Decision, stage: Stage, skip_reasons: dict) -> str:
    """Why ``stage`` is left out: for public participation, its one ground and the law cited."""
    if stage == Stage.PUBLIC_PARTICIPATION:
        ground = ParticipationSkipGround(decision.participation_skip_ground).label
        return f"{ground}: {decision.participation_skip_basis}"
    return str(skip_reasons.get(stage, "")).strip()


def _record_skips(decision: Decision, skip_reasons: dict, acting_user, task=None) -> None:
    for stage in CONSULTATION_STAGES:
        existing = decision.stage_skips.filter(stage=stage)
        if decision.needs(stage):
            existing.delete()
            continue
        reason = _skip_reason(decision, stage, skip_reasons)
        if existing.filter(reason=reason).exists():
            continue
        existing.delete()
        StageSkip.objects.create(decision=decision, stage=stage, reason=reason,
                                 decided_by=acting_user)
        audit_record(action="stage_switch_off", actor=acting_user, decision=decision, task=task,
                     after={"stage": stage.value, "reason": reason})


@transaction.atomic
def decision_create(*, title: str, proposal_source: str, lead_unit: str, problem: str,
                    legal_basis: list[str], plan: str, necessity: str, draft_text: str,
                    alternatives: str = "", needs_public_participation: bool = True,
                    needs_expert_input: bool = False, needs_risk_assessment: bool = False,
                    exploratory_reform: bool = False, participation_skip_ground: str = "",
                    participation_skip_basis: str = "", catalogue_item=None,
                    outside_catalogue_reason: str = "",
                    skip_reasons: dict | None = None, disagreements=(), attachments=(),
                    process_id: int | None = None, acting_user) -> Decision:
    """A drafter of the lead unit proposes a decision (Art. 10); it starts at initiation.

    It carries out ``catalogue_item``, an item of this year's published catalogue, or says why
    it is outside the catalogue (Art. 3 para. 3): one or the other.

    Public participation is left out only on the ground that the matter may not be disclosed
    by law, the law cited (Art. 14); ``exploratory_reform`` declares an exploratory reform on
    which the state has no clear rule (Art. 25 para. 2). ``process_id`` is the number of the
    workflow run that will carry it, when one does."""
    if not acting_user.has_perm("decisions.add_decision"):
        raise PermissionDenied(_("Only a drafter of a lead unit may propose a decision."))
    skip_reasons = {str(k): v for k, v in (skip_reasons or {}).items()}
    data = {
        "title": title, "proposal_source": proposal_source, "lead_unit": lead_unit,
        "problem": problem, "legal_basis": [str(b).strip() for b in legal_basis or []
                                            if str(b).strip()],
        "plan": plan, "necessity": necessity, "alternatives": alternatives or "",
        "needs_public_participation": bool(needs_public_participation),
        "needs_expert_input": bool(needs_expert_input),
        "needs_risk_assessment": bool(needs_risk_assessment),
        "exploratory_reform": bool(exploratory_reform),
        "participation_skip_ground": participation_skip_ground,
        "participation_skip_basis": participation_skip_basis,
        "catalogue_item": catalogue_item,
        "outside_catalogue_reason": (outside_catalogue_reason or "").strip(),
    }
    _participation_skip_fields(data)
    _validate_proposal(data, skip_reasons,
                       link=(catalogue_item, data["outside_catalogue_reason"]),
                       link_year=decision_year())
    if not draft_text or not draft_text.strip():
        raise ValidationError({"draft_text": [_("The draft text is required.")]})
    decision = Decision(**data, drafter=acting_user, process_id=process_id)
    decision.full_clean(exclude=["current_version", "process_id"])
    decision.save()
    audit_record(action="decision_create", actor=acting_user, decision=decision,
                 after=snapshot(decision, PROPOSAL_FIELDS))
    _record_skips(decision, skip_reasons, acting_user)
    for item in disagreements:
        if any(str(item.get(k, "")).strip() for k in ("issue", "positions", "reasons")):
            _add_disagreement(decision, item, acting_user)
    draft_version_create(decision=decision, text=draft_text, attachments=attachments,
                         note=_("First draft"), acting_user=acting_user)
    permissions.grant_for_initiation(decision, acting_user=acting_user)
    return decision


def _add_disagreement(decision, item, acting_user, task=None):
    errors: dict = {}
    require_text(errors, "disagreement_issue", item.get("issue"), _("Issue in dispute"))
    require_text(errors, "disagreement_positions", item.get("positions"), _("Each side"))
    require_text(errors, "disagreement_reasons", item.get("reasons"), _("Reasons"))
    raise_if(errors)
    record = UnitDisagreement.objects.create(
        decision=decision, issue=item["issue"], positions=item["positions"],
        reasons=item["reasons"], recorded_by=acting_user)
    audit_record(action="disagreement_record", actor=acting_user, decision=decision, task=task,
                 after=snapshot(record, ["issue", "positions", "reasons"]))


@transaction.atomic
def decision_submit(*, decision: Decision, acting_user, task=None, changes: dict | None = None,
                    skip_reasons: dict | None = None, disagreements=()) -> Decision:
    """The drafter submits the proposal to the office; he may amend it first. The catalogue
    item, or the reason for being outside the catalogue, is checked where the amendment gives
    either: a decision proposed before the catalogue existed keeps neither until then."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.INITIATION, decision)
    if decision.stage != Stage.INITIATION:
        raise StatutoryGateError("task_not_open", _("The proposal is not at initiation."))
    before = snapshot(decision, PROPOSAL_FIELDS)
    if changes:
        for field, value in changes.items():
            if field not in PROPOSAL_FIELDS:
                raise ValidationError({field: [_("This field cannot be changed here.")]})
            if field == "outside_catalogue_reason":
                value = (value or "").strip()
            setattr(decision, field, value)
    proposed = snapshot(decision, PROPOSAL_FIELDS)
    link_given = bool(changes) and any(field in changes for field in LINK_FIELDS)
    link_changed = any(before.get(key) != proposed.get(key)
                       for key in ("catalogue_item_id", "outside_catalogue_reason"))
    link_missing = decision.catalogue_item is None and not decision.outside_catalogue_reason
    _participation_skip_fields(proposed)
    decision.participation_skip_ground = proposed["participation_skip_ground"]
    decision.participation_skip_basis = proposed["participation_skip_basis"]
    skips = {str(k): v for k, v in (skip_reasons or {}).items()}
    for skip in decision.stage_skips.all():
        skips.setdefault(skip.stage, skip.reason)
    _validate_proposal(proposed, skips,
                       link=(decision.catalogue_item, decision.outside_catalogue_reason),
                       link_year=(decision_year(decision)
                                  if link_given and (link_changed or link_missing) else None))
    decision.full_clean(exclude=["current_version", "process_id"])
    decision.save()
    _record_skips(decision, skips, acting_user, task)
    for item in disagreements:
        if any(str(item.get(k, "")).strip() for k in ("issue", "positions", "reasons")):
            _add_disagreement(decision, item, acting_user, task)
    audit_record(action="decision_submit", actor=acting_user, decision=decision, task=task,
                 stage=Stage.INITIATION, before=before,
                 after=snapshot(decision, PROPOSAL_FIELDS))
    permissions.grant_for_acceptance(decision, acting_user=acting_user, task=task)
    return decision


@transaction.atomic
def decision_accept(*, decision: Decision, reviewer, counsel=None, lead_unit: str | None = None,
                    experts=(), risk_assessor=None, participation_skip_confirmed: bool = False,
                    acting_user, task=None) -> Decision:
    """The office accepts (Art. 12), names the lead unit and assigns reviewer, the legal adviser
    who gives his opinion in the review (Art. 28), experts and risk assessor.

    Where public participation is left out, the office confirms its ground, that the matter
    may not be disclosed by law (Art. 14); who confirmed it and when are recorded."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.ACCEPTANCE, decision)
    if decision.stage != Stage.ACCEPTANCE:
        raise StatutoryGateError("task_not_open", _("The proposal is not awaiting acceptance."))
    errors: dict = {}
    if reviewer is None or not permissions.has_role(reviewer, Role.REVIEWER):
        errors["reviewer"] = [_("Choose a legality reviewer (a user of the reviewer role).")]
    if counsel is None or not permissions.has_role(counsel, Role.COUNSEL):
        errors["counsel"] = [_("Choose the legal adviser or government lawyer who gives the legal "
                               "opinion during the review (Art. 28): a user of the counsel role.")]
    experts = list(experts or [])
    if decision.needs_expert_input:
        if not experts:
            errors["experts"] = [_("Name at least one expert: this decision needs expert input.")]
        elif any(not permissions.has_role(e, Role.EXPERT) for e in experts):
            errors["experts"] = [_("Every expert must be a user of the expert role.")]
    elif experts:
        errors["experts"] = [_("This decision does not need expert input.")]
    if decision.needs_risk_assessment:
        if risk_assessor is None or not permissions.has_role(risk_assessor, Role.RISK_ASSESSOR):
            errors["risk_assessor"] = [_("Choose a risk assessor: this decision needs a risk "
                                         "assessment.")]
    elif risk_assessor is not None:
        errors["risk_assessor"] = [_("This decision does not need a risk assessment.")]
    if lead_unit is not None and not lead_unit.strip():
        errors["lead_unit"] = [_("The lead unit is required.")]
    raise_if(errors)
    _refuse_conflicts(decision, lead_unit, [(reviewer, Role.REVIEWER.label),
                                            (counsel, Role.COUNSEL.label)]
                      + [(expert, Role.EXPERT.label) for expert in experts]
                      + [(risk_assessor, Role.RISK_ASSESSOR.label)])
    skipped = not decision.needs_public_participation
    if skipped and (decision.participation_skip_ground != ParticipationSkipGround.NOT_DISCLOSABLE
                    or not decision.participation_skip_basis.strip()):
        raise participation_skip_refusal()
    if skipped and participation_skip_confirmed is not True:
        raise StatutoryGateError(
            "participation_skip_not_allowed",
            _("Public participation is left out on the ground that the matter may not be "
              "disclosed by law (Art. 14): confirm that ground and its legal basis, or return "
              "the proposal to the drafter."))
    before = snapshot(decision, ["lead_unit", "reviewer", "counsel", "risk_assessor",
                                 "accepted_at"])
    if lead_unit:
        decision.lead_unit = lead_unit.strip()
    decision.reviewer = reviewer
    decision.counsel = counsel
    decision.risk_assessor = risk_assessor
    decision.accepted_at = timezone.now()
    if skipped:
        decision.participation_skip_confirmed_by = acting_user
        decision.participation_skip_confirmed_at = decision.accepted_at
    decision.save()
    decision.experts.set(experts)
    after = snapshot(decision, ["lead_unit", "reviewer", "counsel", "risk_assessor",
                                "accepted_at"])
    after["experts"] = [e.pk for e in experts]
    if skipped:
        after.update(snapshot(decision, ["participation_skip_ground", "participation_skip_basis",
                                         "participation_skip_confirmed_by",
                                         "participation_skip_confirmed_at"]))
    audit_record(action="decision_accept", actor=acting_user, decision=decision, task=task,
                 stage=Stage.ACCEPTANCE, before=before, after=after)
    permissions.grant_after_acceptance(decision, acting_user=acting_user, task=task)
    return decision


def _refuse_conflicts(decision: Decision, lead_unit: str | None, named) -> None:
    """Art. 20: no one with a direct interest in the matter is named to weigh it: not the
    drafter, nor anyone of the lead unit."""
    conflicts = [f"{reason} ({role})" for user, role in named
                 if (reason := selectors.conflict_of_interest(decision, user,
                                                              lead_unit=lead_unit))]
    if conflicts:
        raise StatutoryGateError("conflict_of_interest", _(
            "No one with a direct interest in the matter may be named to weigh it (Art. 20): "
            "%(conflicts)s. Name someone else.") % {"conflicts": "; ".join(conflicts)})


@transaction.atomic
def decision_return(*, decision: Decision, reason: str, acting_user, task=None) -> Decision:
    """The office returns the proposal to the drafter, with its reasons (Art. 12)."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.ACCEPTANCE, decision)
    if decision.stage != Stage.ACCEPTANCE:
        raise StatutoryGateError("task_not_open", _("The proposal is not awaiting acceptance."))
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give the reasons for returning the proposal.")]})
    record = AcceptanceReturn.objects.create(decision=decision, reason=reason.strip(),
                                             returned_by=acting_user)
    decision.accepted_at = None
    decision.save()
    audit_record(action="decision_return", actor=acting_user, decision=decision, task=task,
                 stage=Stage.ACCEPTANCE, after={"reason": record.reason})
    notify(users=[decision.drafter], decision=decision, event=f"return:{record.pk}",
           url=decision_link(decision), acting_user=acting_user, message=in_language(
               lambda: _("The office returned the proposal “%(title)s”. Reason: %(reason)s. "
                         "Amend it and submit it again.")
               % {"title": decision.title, "reason": clause(record.reason)}))
    return decision
