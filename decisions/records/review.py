"""Arts. 25-28: the legality review of one draft version, and the drafter's revision."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record, snapshot
from ..deadlines.notices import clause, in_language, notify, role_members
from ..documents.numbering import review_opinion_number
from ..errors import StatutoryGateError
from ..links import decision_link
from ..models import CounselOpinion, Decision, DraftVersion, LegalReview
from ..people import display_name
from ..rulebook import REVIEW_OUTCOMES_CLEARING_THE_GATE, ReviewOutcome, Role, Stage
from ._common import locked, raise_if, require_open, require_signed_opinion, require_text
from .drafts import draft_version_create


def _require_consultation_complete(decision: Decision) -> None:
    missing = selectors.consultation_missing(decision)
    if missing:
        raise StatutoryGateError(
            "consultation_incomplete",
            _("The draft cannot go to legality review yet: %(missing)s.")
            % {"missing": "; ".join(missing)})


@transaction.atomic
def decision_record_legal_review(*, decision: Decision, reviewed_version: str, outcome: str,
                                 opinion_authority: str, opinion_procedure: str,
                                 opinion_content: str, conclusion: str = "",
                                 risk_statement: str = "", acting_user,
                                 task=None) -> LegalReview:
    """The reviewer's written opinion on the draft version named by its SHA-256 (Arts. 25-28):
    one on authority, one on procedure, one on content, and an overall conclusion if any.

    The draft clears the gate (lawful, or lawful with the risk stated) only once the legal
    adviser has signed his own opinion on the same version (Art. 28)."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.LEGAL_REVIEW, decision)
    if acting_user.pk != decision.reviewer_id:
        raise PermissionDenied(_("Only the legality reviewer named by the office records the "
                                 "review."))
    current = _require_round_open(decision, reviewed_version)
    if decision.reviews.filter(draft_version=current).exists():
        raise StatutoryGateError("task_not_open",
                                 _("This draft version has already been reviewed."))
    if outcome == ReviewOutcome.LAWFUL_WITH_RISK and not decision.exploratory_reform:
        raise StatutoryGateError(
            "lawful_with_risk_not_exploratory",
            _("“Lawful, with the legal risk stated” is only for an exploratory reform on which "
              "the state has no clear rule, declared as such in the proposal (Art. 25 para. 2). "
              "This decision is not declared one: find the draft lawful, or not lawful."))
    if (outcome in REVIEW_OUTCOMES_CLEARING_THE_GATE
            and selectors.counsel_opinion_of(decision, current) is None):
        raise StatutoryGateError("counsel_opinion_missing", _(
            "The legal opinion of the legal adviser or government lawyer on draft version "
            "%(number)d is not in yet: during the legality review it is required (Art. 28). The "
            "draft can be found lawful once %(counsel)s has signed it.")
            % {"number": current.number,
               "counsel": display_name(decision.counsel) or _("the legal adviser")})
    errors: dict = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [_("Choose the outcome of the review.")]
    require_text(errors, "opinion_authority", opinion_authority, _("The opinion on authority"))
    require_text(errors, "opinion_procedure", opinion_procedure, _("The opinion on procedure"))
    require_text(errors, "opinion_content", opinion_content, _("The opinion on content"))
    if outcome == ReviewOutcome.LAWFUL_WITH_RISK and not (risk_statement or "").strip():
        errors["risk_statement"] = [_("State the legal risk explicitly (Art. 25 para. 2).")]
    raise_if(errors)
    review = LegalReview.objects.create(
        decision=decision, draft_version=current, outcome=outcome,
        opinion_authority=opinion_authority.strip(), opinion_procedure=opinion_procedure.strip(),
        opinion_content=opinion_content.strip(), conclusion=(conclusion or "").strip(),
        risk_statement=(risk_statement or "").strip(), reviewed_by=acting_user,
    )
    number, _given = review_opinion_number(review, acting_user=acting_user)
    audit_record(action="legal_review_record", actor=acting_user, decision=decision, task=task,
                 stage=Stage.LEGAL_REVIEW,
                 after={**snapshot(review), "reviewed_sha256": current.sha256,
                        "document_number": str(number)})
    _tell_the_outcome(decision, review, acting_user)
    return review


def _require_round_open(decision: Decision, reviewed_version: str) -> DraftVersion:
    """The round of review is open on the current draft, and the version named is that one."""
    if decision.accepted_at is None:
        raise StatutoryGateError("task_not_open",
                                 _("The office has not accepted this proposal yet."))
    _require_consultation_complete(decision)
    current = decision.current_version
    if (reviewed_version or "").strip().lower() != current.sha256:
        raise StatutoryGateError(
            "review_stale_version",
            _("The opinion names draft version %(named)s, but the current draft is version "
              "%(number)d (%(sha)s). Give the opinion on the current draft.")
            % {"named": (reviewed_version or "?")[:12], "number": current.number,
               "sha": current.sha256[:12]})
    return current


@transaction.atomic
def decision_submit_counsel_opinion(*, decision: Decision, reviewed_version: str, opinion: str,
                                    signature: str, declares_no_interest: bool | None = None,
                                    acting_user, task=None) -> CounselOpinion:
    """The legal adviser or government lawyer named by the office gives and signs his own legal
    opinion on the draft version under review (Art. 28), declaring he has no direct interest in
    the matter (Art. 20). One opinion per version: a revised draft is a new round."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.LEGAL_REVIEW, decision)
    if acting_user.pk != decision.counsel_id:
        raise PermissionDenied(_("Only the legal adviser named by the office gives this "
                                 "opinion."))
    current = _require_round_open(decision, reviewed_version)
    if selectors.counsel_opinion_of(decision, current) is not None:
        raise StatutoryGateError("task_not_open", _("You have already given your opinion on "
                                                    "this draft version."))
    require_signed_opinion(
        acting_user=acting_user, opinion=opinion, opinion_label=_("The legal opinion"),
        signature=signature, declares_no_interest=declares_no_interest,
        conflict_message=_("A legal adviser with a direct interest in the matter may not give "
                           "the legal opinion on it (Art. 20): the office names another."))
    record = CounselOpinion.objects.create(
        decision=decision, draft_version=current, counsel=display_name(acting_user),
        opinion=opinion.strip(), signature=signature.strip(), declares_no_interest=True,
        recorded_by=acting_user)
    audit_record(action="counsel_opinion_record", actor=acting_user, decision=decision,
                 task=task, stage=Stage.LEGAL_REVIEW,
                 after={**snapshot(record), "reviewed_sha256": current.sha256})
    if decision.reviewer_id:
        notify(users=[decision.reviewer], decision=decision, event=f"counsel:{record.pk}",
               url=decision_link(decision), acting_user=acting_user, message=in_language(
                   lambda: _("%(counsel)s signed the legal opinion on “%(title)s”, draft version "
                             "%(number)d (Art. 28).")
                   % {"counsel": record.counsel, "title": decision.title,
                      "number": current.number}))
    return record


def _tell_the_outcome(decision: Decision, review: LegalReview, acting_user) -> None:
    """The drafter and the office wait for the review; a draft sent back is the drafter's to
    revise (the revision task he then gets is the same event, told once)."""
    def message():
        values = {"title": decision.title, "number": review.draft_version.number,
                  "outcome": ReviewOutcome(review.outcome).label,
                  "risk": clause(review.risk_statement)}
        text = _("Legality review of “%(title)s”, draft version %(number)d: %(outcome)s.") % values
        if review.outcome == ReviewOutcome.LAWFUL_WITH_RISK:
            text += _(" Legal risk stated: %(risk)s.") % values
        if review.outcome in (ReviewOutcome.UNLAWFUL, ReviewOutcome.RETURNED):
            text += _(" The drafter revises the draft per the opinion.")
        return text

    notify(users=[decision.drafter, *role_members(Role.OFFICE)], decision=decision,
           event=f"review:{review.pk}", url=decision_link(decision), acting_user=acting_user,
           message=in_language(message))


def revision_grounds(decision: Decision) -> str | None:
    """Why the draft may be revised now, or None: a review, a risk finding or the meeting."""
    ground = selectors.revision_ground(decision)
    return ground.stage if ground else None


@transaction.atomic
def decision_revise(*, decision: Decision, draft_text: str, response: str, attachments=(),
                    acting_user, task=None) -> DraftVersion:
    """The lead unit revises per the opinion and says why where it does not adopt a point.

    A new version invalidates every review of an earlier one: the review is of the draft the
    organ discusses (Arts. 25, 28).
    """
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.REVISION, decision)
    grounds = revision_grounds(decision)
    if grounds is None:
        raise StatutoryGateError("task_not_open", _("Nothing asks for a revision of this draft "
                                                    "now."))
    errors: dict = {}
    require_text(errors, "response", response, _("The response to the opinion"))
    require_text(errors, "draft_text", draft_text, _("The draft text"))
    raise_if(errors)
    previous = decision.current_version
    version = draft_version_create(decision=decision, text=draft_text, note=response.strip(),
                                   attachments=attachments, acting_user=acting_user, task=task)
    if version.sha256 == previous.sha256:
        raise ValidationError({"draft_text": [_("The revised draft is identical to the "
                                                "current one.")]})
    audit_record(action="decision_revise", actor=acting_user, decision=decision, task=task,
                 stage=Stage.REVISION,
                 before={"version": previous.number, "sha256": previous.sha256},
                 after={"version": version.number, "sha256": version.sha256,
                        "grounds": grounds, "response": response.strip()})
    return version
