"""Arts. 31-33: the report to the Party committee and the publication of an adopted decision,
and the archive."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..audit import audit_record, snapshot
from ..deadlines.services import deadlines_sync
from ..errors import StatutoryGateError
from ..models import Decision, Publication
from ..rulebook import DecisionStatus, HeadDecision, Stage
from ._common import locked, raise_if, require_open, require_text


def _plain(text) -> str:
    """A text as compared for sameness: line ends as a browser's form or the API send them."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def decision_publish(*, decision: Decision, published_on: datetime.date,
                     adoption_explanation: str, published_text: str = "",
                     party_report_on: datetime.date | None = None, party_report_ref: str = "",
                     acting_user, task=None) -> Publication:
    """The office publishes the adopted decision and explains how opinions were adopted.

    What is published is the draft version the meeting adopted, bound by its SHA-256: the text
    may be left out (that version's text is published) and, when given, must be that text. The
    decision was reported to the Party committee before it is issued (Art. 31), and it is
    published on or after the day of the meeting that adopted it (Art. 32).
    """
    decision = locked(decision)
    require_open(decision)
    permissions.require_act(acting_user, Stage.PUBLICATION, decision)
    meeting = decision.meetings.order_by("-id").first()
    if meeting is None or meeting.head_decision != HeadDecision.ADOPTED:
        raise StatutoryGateError("not_adopted", _("Only a decision the meeting adopted is "
                                                  "published."))
    if hasattr(decision, "publication"):
        raise StatutoryGateError("task_not_open", _("This decision is already published."))
    errors: dict = {}
    if not isinstance(published_on, datetime.date):
        errors["published_on"] = [_("Give the date of publication.")]
    if party_report_on is not None and not isinstance(party_report_on, datetime.date):
        errors["party_report_on"] = [_("Give the date of the report to the Party committee.")]
    require_text(errors, "adoption_explanation", adoption_explanation,
                 _("The explanation of how opinions were adopted"))
    raise_if(errors)

    adopted = meeting.draft_version
    given = _plain(published_text)
    if given and given != _plain(adopted.text):
        raise StatutoryGateError("published_text_not_adopted", _(
            "The text given is not the draft the meeting of %(date)s adopted (version %(n)d): "
            "the published decision is the adopted draft, word for word. Leave the text out "
            "to publish the adopted version.")
            % {"date": meeting.meeting_date.isoformat(), "n": adopted.number})
    if published_on < meeting.meeting_date:
        raise StatutoryGateError("publication_date_invalid", _(
            "Published on %(date)s, before the meeting of %(meeting)s that adopted the decision: "
            "only an adopted decision is published (Arts. 30, 32).")
            % {"date": published_on.isoformat(), "meeting": meeting.meeting_date.isoformat()})
    reference = (party_report_ref or "").strip()
    if party_report_on is None or not reference:
        raise StatutoryGateError("party_report_missing", _(
            "Before it is issued, the decision is reported to the Party committee at the same "
            "level (Art. 31): record the date and the reference of the report."))
    if party_report_on > published_on:
        raise StatutoryGateError("party_report_missing", _(
            "The report to the Party committee is dated %(report)s, after the publication on "
            "%(date)s: the decision is reported before it is issued (Art. 31).")
            % {"report": party_report_on.isoformat(), "date": published_on.isoformat()})
    publication = Publication.objects.create(
        decision=decision, draft_version=adopted, draft_sha256=adopted.sha256,
        published_on=published_on, published_text=adopted.text,
        adoption_explanation=adoption_explanation.strip(), party_report_on=party_report_on,
        party_report_ref=reference, recorded_by=acting_user,
    )
    decision.status = DecisionStatus.PUBLISHED
    decision.save(update_fields=["status", "updated_at"])
    audit_record(action="publication_record", actor=acting_user, decision=decision, task=task,
                 stage=Stage.PUBLICATION, after=snapshot(publication))
    return publication


@transaction.atomic
def decision_archive(*, decision: Decision, acting_user, task=None) -> Decision:
    """Close the file (Art. 33): from now on the decision is read-only.

    Whoever concluded the procedure closes it: the office that published the decision, or the
    secretary whose meeting record did not adopt it. Nobody closes a decision still in procedure.
    Every deadline closes and every stage grant of everyone ends; the grants to read it stay.
    """
    decision = locked(decision)
    if not any(permissions.can_act(acting_user, stage, decision)
               for stage in (Stage.PUBLICATION, Stage.COLLECTIVE_DECISION)):
        raise PermissionDenied(_("Only the office or the meeting secretary of this decision "
                                 "closes its file."))
    if decision.stage == Stage.ARCHIVED:
        return decision
    if decision.status == DecisionStatus.ACTIVE:
        raise StatutoryGateError("not_concluded", _("The decision is still in procedure: it is "
                                                    "archived once published or not adopted."))
    before = {"stage": decision.stage, "status": decision.status}
    decision.stage = Stage.ARCHIVED
    decision.save(update_fields=["stage", "updated_at"])
    audit_record(action="decision_archive", actor=acting_user, decision=decision, task=task,
                 stage=Stage.ARCHIVED, before=before,
                 after={"stage": decision.stage, "status": decision.status})
    deadlines_sync(decision, acting_user=acting_user)
    permissions.revoke_ended_grants(decision, acting_user=acting_user, task=task)
    return decision
