"""Arts. 29-31: the collective decision. Members speak, the head speaks last."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record, snapshot
from ..deadlines.notices import clause, in_language, notify, role_members
from ..errors import StatutoryGateError
from ..links import decision_link
from ..models import Decision, Meeting, MemberPositionRecord
from ..people import display_name
from ..rulebook import DecisionStatus, HeadDecision, MeetingKind, MemberPosition, Role, Stage
from ._common import locked, raise_if, require_open


def head_departs_from_majority(head_decision: str, positions: list[str]) -> bool:
    """Whether the head's decision differs from the majority, so a reason must be stated."""
    agree = sum(1 for p in positions if p == MemberPosition.AGREE)
    majority_agrees = agree * 2 > len(positions)
    return (head_decision == HeadDecision.ADOPTED) != majority_agrees


@transaction.atomic
def decision_record_meeting(*, decision: Decision, meeting_date: datetime.date, kind: str,
                            head, attendees, positions: dict, head_decision: str,
                            head_reason: str = "", acting_user, task=None) -> Meeting:
    """The secretary records the meeting truthfully, each member's position kept (Art. 30).

    ``positions`` maps each attending member to ``(position, reason)``. The gates: the latest
    legality review found the draft lawful and covers the current version; every attending
    member's position is recorded before the head's decision is accepted.
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
    for member, (position, _reason) in positions.items():
        if position not in MemberPosition.values:
            errors.setdefault("positions", []).append(
                _("%(name)s: the position must be agree, disagree or abstain.")
                % {"name": member.get_username()})
    if head_decision not in HeadDecision.values:
        errors["head_decision"] = [_("Record the head's decision.")]
    raise_if(errors)

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

    review = selectors.latest_review(decision)
    meeting = Meeting.objects.create(
        decision=decision, draft_version=decision.current_version, review=review,
        review_outcome=review.outcome, meeting_date=meeting_date, kind=kind, head=head,
        head_decision=head_decision, head_reason=(head_reason or "").strip(),
        recorded_by=acting_user,
    )
    meeting.attendees.set(attendees)
    MemberPositionRecord.objects.bulk_create(
        MemberPositionRecord(meeting=meeting, member=member, position=position,
                             reason=(reason or "").strip())
        for member, (position, reason) in positions.items()
    )
    if head_decision == HeadDecision.NOT_ADOPTED:
        decision.status = DecisionStatus.NOT_ADOPTED
        decision.save(update_fields=["status", "updated_at"])
    after = snapshot(meeting)
    after["draft_sha256"] = decision.current_version.sha256
    after["attendees"] = [u.get_username() for u in attendees]
    after["positions"] = {u.get_username(): {"position": p, "reason": r}
                          for u, (p, r) in positions.items()}
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
