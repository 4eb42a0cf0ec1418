"""Arts. 29-31: the collective decision. Members speak, the head speaks last."""

import datetime
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record, snapshot
from ..deadlines.notices import clause, in_language, notify, role_members
from ..errors import StatutoryGateError
from ..links import decision_link
from ..models import Decision, Meeting, MeetingAbsence, MemberPositionRecord
from ..people import display_name
from ..rulebook import (
    MEETING_QUORUM_MIN,
    DecisionStatus,
    HeadDecision,
    MeetingKind,
    MemberPosition,
    Role,
    Stage,
)
from ._common import locked, raise_if, require_open


def configured_meeting_quorum() -> Fraction:
    """The deployment's quorum, ``settings.JUECE_MEETING_QUORUM`` ("1/2", "2/3", "0.6"); a value
    that is not a fraction between 0 and 1 raises ValueError (system check juece.E020)."""
    value = Fraction(str(getattr(settings, "JUECE_MEETING_QUORUM", MEETING_QUORUM_MIN)).strip())
    if not 0 < value < 1:
        raise ValueError(f"the meeting quorum must be a fraction between 0 and 1, not {value}")
    return value


def meeting_quorum() -> Fraction:
    """The fraction of the decision organ's members that those attending must exceed: half
    (Art. 30 and the meeting rules), or the deployment's higher setting."""
    return max(configured_meeting_quorum(), MEETING_QUORUM_MIN)


def quorum_met(attending: int, members: int) -> bool:
    return members > 0 and Fraction(attending, members) > meeting_quorum()


def _deployment_day(moment: datetime.datetime) -> datetime.date:
    """The day of ``moment`` in the deployment's time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _absences(absent, errors: dict) -> dict:
    """``absent`` (each ``{"member", "reason"}``) as member -> reason, its shape checked."""
    recorded: dict = {}
    for entry in absent or []:
        member, reason = entry.get("member"), (entry.get("reason") or "").strip()
        if member is None:
            errors.setdefault("absent", []).append(_("Name each absent member."))
            continue
        if member in recorded:
            errors.setdefault("absent", []).append(
                _("%(name)s is recorded absent twice.") % {"name": display_name(member)})
        if not reason:
            errors.setdefault("absent", []).append(
                _("%(name)s did not attend: give the reason for the absence.")
                % {"name": display_name(member)})
        recorded[member] = reason
    return recorded


def head_departs_from_majority(head_decision: str, positions: list[str]) -> bool:
    """Whether the head's decision differs from the majority, so a reason must be stated."""
    agree = sum(1 for p in positions if p == MemberPosition.AGREE)
    majority_agrees = agree * 2 > len(positions)
    return (head_decision == HeadDecision.ADOPTED) != majority_agrees


@transaction.atomic
def decision_record_meeting(*, decision: Decision, meeting_date: datetime.date, kind: str,
                            head, attendees, positions: dict, head_decision: str,
                            head_reason: str = "", risk_acknowledged: bool = False,
                            absent=(), acting_user, task=None) -> Meeting:
    """The secretary records the meeting truthfully, each member's position kept (Art. 30).

    ``positions`` maps each attending member to ``(position, reason)``; ``absent`` lists each
    member who did not attend, ``{"member": user, "reason": str}``. The gates: the latest
    legality review found the draft lawful and covers the current version; the package the
    organ reads is complete (Art. 29); every member of the organ (the active users of the member
    role) attended or is recorded absent with a reason, and more than half of them attended (the
    quorum); the meeting is dated neither before the review it relies on nor in the future
    (days of the deployment's time zone); every attending member's position is recorded
    before the head's decision is accepted; after a review that
    found it lawful with the legal risk stated, the record says the risk was put to the meeting
    (``risk_acknowledged``, Art. 25 para. 2).
    """
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.COLLECTIVE_DECISION, decision)
    if decision.stage != Stage.COLLECTIVE_DECISION:
        raise StatutoryGateError("task_not_open",
                                 _("The decision is not awaiting the decision organ."))
    problem = selectors.review_gate_problem(decision)
    if problem:
        raise StatutoryGateError(*problem)
    missing = selectors.meeting_package_missing(decision)
    if missing:
        raise StatutoryGateError("meeting_package_incomplete", _(
            "The draft may not go to the decision organ yet: its package is incomplete "
            "(Art. 29). Missing: %(missing)s.") % {"missing": _("; ").join(missing)})
    stated_risk = selectors.stated_legal_risk(decision)
    if stated_risk and risk_acknowledged is not True:
        raise StatutoryGateError(
            "meeting_package_incomplete",
            _("The legality review found the draft lawful with a legal risk stated (Art. 25 "
              "para. 2): record that this risk was put to the meeting (“%(risk)s”).")
            % {"risk": stated_risk})

    errors: dict = {}
    attendees = list(dict.fromkeys(attendees or []))
    if kind not in MeetingKind.values:
        errors["meeting_kind"] = [_("Choose the kind of meeting.")]
    if not isinstance(meeting_date, datetime.date):
        errors["meeting_date"] = [_("Give the date of the meeting.")]
    if head is None or not permissions.has_role(head, Role.HEAD):
        errors["head"] = [_("Name the head who presided (a user of the head role).")]
    if not attendees:
        errors["attendees"] = [_("Name the members who attended.")]
    not_members = [u.get_username() for u in attendees if not permissions.has_role(u, Role.MEMBER)]
    if not_members:
        errors["attendees"] = [_("Not members of the decision organ: %(names)s.")
                               % {"names": ", ".join(not_members)}]
    if head is not None and head in attendees:
        errors["attendees"] = [_("The head is not counted among the attending members: he "
                                 "speaks last, through his decision.")]
    strangers = [u.get_username() for u in positions if u not in attendees]
    if strangers:
        errors["positions"] = [_("Positions recorded for members who did not attend: "
                                 "%(names)s.") % {"names": ", ".join(strangers)}]
    absences = _absences(absent, errors)
    organ = role_members(Role.MEMBER)
    outsiders = [u.get_username() for u in absences if u not in organ]
    if outsiders:
        errors.setdefault("absent", []).append(
            _("Not members of the decision organ: %(names)s.") % {"names": ", ".join(outsiders)})
    both = [display_name(u) for u in absences if u in attendees]
    if both:
        errors.setdefault("absent", []).append(
            _("Recorded both attending and absent: %(names)s.") % {"names": ", ".join(both)})
    unaccounted = [display_name(u) for u in organ if u not in attendees and u not in absences]
    if unaccounted:
        errors.setdefault("absent", []).append(_(
            "Record the attendance of every member of the decision organ: %(names)s neither "
            "attended nor is recorded absent with a reason.") % {"names": ", ".join(unaccounted)})
    for member, (position, _reason) in positions.items():
        if position not in MemberPosition.values:
            errors.setdefault("positions", []).append(
                _("%(name)s: the position must be agree, disagree or abstain.")
                % {"name": member.get_username()})
    if head_decision not in HeadDecision.values:
        errors["head_decision"] = [_("Record the head's decision.")]
    raise_if(errors)

    review = selectors.latest_review(decision)
    reviewed_on = _deployment_day(review.reviewed_at)
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    if meeting_date < reviewed_on:
        raise StatutoryGateError("meeting_date_invalid", _(
            "The meeting is dated %(date)s, before the legality review it relies on "
            "(%(reviewed)s): the draft goes to the decision organ only after its review "
            "(Art. 25).") % {"date": meeting_date.isoformat(), "reviewed": reviewed_on.isoformat()})
    if meeting_date > today:
        raise StatutoryGateError("meeting_date_invalid", _(
            "The meeting is dated %(date)s, in the future: record a meeting once it has been "
            "held (Art. 30).") % {"date": meeting_date.isoformat()})
    if not quorum_met(len(attendees), len(organ)):
        quorum = meeting_quorum()
        raise StatutoryGateError("quorum_not_met", _(
            "%(attending)d of the %(members)d members of the decision organ attended: the "
            "meeting decides only when more than %(quorum)s of them attend (Art. 30 and the "
            "meeting rules).") % {
            "attending": len(attendees), "members": len(organ),
            "quorum": _("half") if quorum == MEETING_QUORUM_MIN else str(quorum)})

    silent = [u for u in attendees if u not in positions]
    if silent:
        raise StatutoryGateError(
            "positions_missing",
            _("The head decides last: first record the position of every attending member "
              "(missing: %(names)s).")
            % {"names": ", ".join(display_name(u) for u in silent)})
    if (head_departs_from_majority(head_decision, [p for p, _r in positions.values()])
            and not (head_reason or "").strip()):
        raise ValidationError({"head_reason": [
            _("The head's decision differs from the majority: state the reason (Art. 30).")]})

    meeting = Meeting.objects.create(
        decision=decision, draft_version=decision.current_version, review=review,
        review_outcome=review.outcome, meeting_date=meeting_date, kind=kind, head=head,
        head_decision=head_decision, head_reason=(head_reason or "").strip(),
        risk_acknowledged=bool(stated_risk), recorded_by=acting_user,
    )
    meeting.attendees.set(attendees)
    MemberPositionRecord.objects.bulk_create(
        MemberPositionRecord(meeting=meeting, member=member, position=position,
                             reason=(reason or "").strip())
        for member, (position, reason) in positions.items()
    )
    MeetingAbsence.objects.bulk_create(
        MeetingAbsence(meeting=meeting, member=member, reason=reason)
        for member, reason in absences.items()
    )
    if head_decision == HeadDecision.NOT_ADOPTED:
        decision.status = DecisionStatus.NOT_ADOPTED
        decision.save(update_fields=["status", "updated_at"])
    after = snapshot(meeting)
    after["draft_sha256"] = decision.current_version.sha256
    after["attendees"] = [u.get_username() for u in attendees]
    after["positions"] = {u.get_username(): {"position": p, "reason": r}
                          for u, (p, r) in positions.items()}
    after["absent"] = {u.get_username(): reason for u, reason in absences.items()}
    audit_record(action="meeting_record", actor=acting_user, decision=decision, task=task,
                 stage=Stage.COLLECTIVE_DECISION, after=after)
    _tell_the_decision(decision, meeting, acting_user)
    return meeting


def _tell_the_decision(decision: Decision, meeting: Meeting, acting_user) -> None:
    """The drafter, the office and the members of the decision organ learn what was decided;
    a "revise" is the drafter's revision task too, told once."""
    def message():
        values = {"title": decision.title, "date": meeting.meeting_date.isoformat(),
                  "kind": MeetingKind(meeting.kind).label,
                  "decision": HeadDecision(meeting.head_decision).label,
                  "reason": clause(meeting.head_reason)}
        text = _("The %(kind)s of %(date)s decided on “%(title)s”: %(decision)s.") % values
        if meeting.head_reason:
            text += _(" Reason: %(reason)s.") % values
        return text

    notify(users=[decision.drafter, *role_members(Role.OFFICE), *role_members(Role.MEMBER)],
           decision=decision, event=f"meeting:{meeting.pk}", url=decision_link(decision),
           acting_user=acting_user, message=in_language(message))
