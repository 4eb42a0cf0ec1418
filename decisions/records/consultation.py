"""Arts. 14-24: public participation, expert input and risk assessment, side by side."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record, snapshot
from ..errors import StatutoryGateError
from ..models import Decision, ExpertOpinion, PublicComment, PublicParticipation, RiskAssessment
from ..rulebook import (
    DECIDED_ADOPTIONS,
    HEARING_MATERIALS_MIN_DAYS,
    PUBLIC_CONSULTATION_METHODS,
    PUBLIC_CONSULTATION_MIN_DAYS,
    ParticipationMethod,
    Stage,
)
from ._common import locked, raise_if, require_open, require_signed_opinion, require_text


def _require_accepted(decision: Decision, stage: str) -> None:
    if decision.accepted_at is None:
        raise StatutoryGateError("task_not_open",
                                 _("The office has not accepted this proposal yet."))
    if not decision.needs(stage):
        raise StatutoryGateError("stage_not_needed",
                                 _("This decision does not need %(stage)s.")
                                 % {"stage": Stage(stage).label})


#: What one consultation records (Arts. 14-17); a call for one consultation gives its method,
#: window, shortening reason and comments by keyword, several come as ``consultations``.
CONSULTATION_FIELDS = ("method", "channel", "notice", "window_start", "window_end",
                       "shortening_reason", "hearing_on", "materials_sent_on",
                       "record_confirmed", "comments")
CHANNEL_MAX_LENGTH = 200


def _is_date(value) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _consultation_checked(item, add) -> dict:
    """One consultation's fields, cleaned; each problem given to ``add(field, message)``.

    A hearing is dated by its day: without a window, its window is that day; with one, the
    window contains it. Its notice, the day its materials reached the participants and the
    participants' confirmation of its record are required (Arts. 16-17). Only the open
    consultation of the public (``online``) has the 30-day minimum (Art. 15); any other method
    is dated by its day (start and end alike) or its own window."""
    item = dict(item) if isinstance(item, dict) else {}
    method = item.get("method") or ""
    start, end = item.get("window_start"), item.get("window_end")
    reason = str(item.get("shortening_reason") or "").strip()
    channel = str(item.get("channel") or "").strip()
    notice = str(item.get("notice") or "").strip()
    hearing = method == ParticipationMethod.HEARING
    hearing_on = item.get("hearing_on") if hearing else None
    sent_on = item.get("materials_sent_on") if hearing else None
    confirmed = item.get("record_confirmed") is True if hearing else False
    if method not in ParticipationMethod.values:
        add("method", _("Choose how the public was consulted (Art. 14)."))
    if len(channel) > CHANNEL_MAX_LENGTH:
        add("channel", _("The channel is at most %(n)d characters.") % {"n": CHANNEL_MAX_LENGTH})
    if hearing:
        if not _is_date(hearing_on):
            hearing_on = None
            add("hearing_on", _("Give the date of the hearing (Art. 16)."))
        if not _is_date(sent_on):
            sent_on = None
            add("materials_sent_on", _("Give the date the hearing's materials reached its "
                                       "participants (Art. 16)."))
        if not notice:
            add("notice", _("Record the hearing's notice: its time and place, published in "
                            "advance with the draft (Art. 16)."))
        if not confirmed:
            add("record_confirmed", _("The participants confirm and sign the hearing's record "
                                      "(Art. 17): record that they did."))
        if hearing_on is not None and start is None and end is None:
            start = end = hearing_on
    if not _is_date(start):
        add("window_start", _("Give the date the consultation opened, or the day it was held."))
    if not _is_date(end):
        add("window_end", _("Give the date the consultation closed, or the day it was held."))
    if _is_date(start) and _is_date(end):
        if end < start:
            add("window_end", _("The window cannot close before it opens."))
        elif (method in PUBLIC_CONSULTATION_METHODS
              and (end - start).days + 1 < PUBLIC_CONSULTATION_MIN_DAYS and not reason):
            add("shortening_reason", _(
                "The window is shorter than %(days)d days: record the reason it was shortened "
                "(Art. 15).") % {"days": PUBLIC_CONSULTATION_MIN_DAYS})
        elif hearing_on is not None and not start <= hearing_on <= end:
            add("hearing_on", _("The hearing's date falls outside the consultation's window."))
    comments = []
    for n, comment in enumerate(item.get("comments") or (), 1):
        comment = comment if isinstance(comment, dict) else {}
        for key, label in (("source", _("source")), ("text", _("comment")),
                           ("reason", _("reason"))):
            if not str(comment.get(key, "")).strip():
                add("comments", _("Comment %(n)d: the %(field)s is required.")
                    % {"n": n, "field": label})
        if comment.get("adoption") not in DECIDED_ADOPTIONS:
            add("comments", _("Comment %(n)d: say whether it was adopted (Art. 18).") % {"n": n})
        comments.append({"source": str(comment.get("source", "")).strip(),
                         "text": str(comment.get("text", "")).strip(),
                         "adoption": str(comment.get("adoption", "")),
                         "reason": str(comment.get("reason", "")).strip()})
    return {"method": method, "channel": channel, "notice": notice, "window_start": start,
            "window_end": end, "shortening_reason": reason, "hearing_on": hearing_on,
            "materials_sent_on": sent_on, "record_confirmed": confirmed, "comments": comments}


def _consultation_gate(number: int, consultation: dict, today: datetime.date) -> None:
    """The statutory gates of one well-formed consultation: a hearing's materials reach its
    participants 7 days before it (Art. 16); a consultation is recorded once it has closed."""
    hearing_on, sent_on = consultation["hearing_on"], consultation["materials_sent_on"]
    if hearing_on is not None and (hearing_on - sent_on).days < HEARING_MATERIALS_MIN_DAYS:
        raise StatutoryGateError("hearing_notice_too_short", _(
            "Consultation %(n)d: the hearing's materials reach its participants at least "
            "%(days)d days before the hearing (Art. 16); sent on %(sent)s for a hearing on "
            "%(held)s.") % {"n": number, "days": HEARING_MATERIALS_MIN_DAYS,
                            "sent": sent_on.isoformat(), "held": hearing_on.isoformat()})
    end = consultation["window_end"]
    if end >= today:
        raise StatutoryGateError("consultation_window_open", _(
            "Consultation %(n)d is open until %(end)s, that day included: it can be recorded "
            "from %(from)s, once the public has had its whole window (Arts. 14-15).")
            % {"n": number, "end": end.isoformat(),
               "from": (end + datetime.timedelta(days=1)).isoformat()})


@transaction.atomic
def decision_record_participation(*, decision: Decision, method: str = "",
                                  window_start: datetime.date | None = None,
                                  window_end: datetime.date | None = None,
                                  shortening_reason: str = "", comments=(),
                                  consultations=None, acting_user,
                                  task=None) -> list[PublicParticipation]:
    """The lead unit records each consultation of the public and every comment with its
    adoption (Arts. 14-18), once every consultation has closed.

    One consultation is given by its fields; several as ``consultations``, dicts of
    ``CONSULTATION_FIELDS``, a field error of the n-th keyed ``consultations.<n-1>.<field>``.
    Its dates are what happened: they may precede the proposal's entry in the system."""
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.PUBLIC_PARTICIPATION, decision)
    _require_accepted(decision, Stage.PUBLIC_PARTICIPATION)
    if decision.participations.exists():
        raise StatutoryGateError("task_not_open",
                                 _("Public participation is already recorded."))
    errors: dict = {}

    def adder(prefix: str):
        return lambda field, message: errors.setdefault(f"{prefix}{field}", []).append(message)

    if consultations is None:
        checked = [_consultation_checked(
            {"method": method, "window_start": window_start, "window_end": window_end,
             "shortening_reason": shortening_reason, "comments": comments}, adder(""))]
    else:
        consultations = list(consultations)
        if method or window_start or window_end or (shortening_reason or "").strip() or comments:
            raise ValidationError({"consultations": [_(
                "Give the consultations as a list, or one consultation's fields, not both.")]})
        if not consultations:
            raise ValidationError({"consultations": [_(
                "Record at least one consultation of the public (Art. 14).")]})
        checked = [_consultation_checked(item, adder(f"consultations.{i}."))
                   for i, item in enumerate(consultations)]
    raise_if(errors)
    today = timezone.localdate()
    for number, consultation in enumerate(checked, 1):
        _consultation_gate(number, consultation, today)
    records, after = [], []
    for consultation in checked:
        fields = {k: v for k, v in consultation.items() if k != "comments"}
        participation = PublicParticipation.objects.create(
            decision=decision, draft_version=decision.current_version, recorded_by=acting_user,
            **fields)
        PublicComment.objects.bulk_create(
            PublicComment(participation=participation, **comment)
            for comment in consultation["comments"])
        records.append(participation)
        after.append({**snapshot(participation), "comments": consultation["comments"]})
    audit_record(action="public_participation_record", actor=acting_user, decision=decision,
                 task=task, stage=Stage.PUBLIC_PARTICIPATION, after={"consultations": after})
    return records


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
    require_signed_opinion(
        acting_user=acting_user, opinion=opinion, opinion_label=_("The opinion"),
        signature=signature, declares_no_interest=declares_no_interest,
        conflict_message=_("An expert with a direct interest in the matter may not give an "
                           "opinion on it (Art. 20): the office names another expert."))
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
