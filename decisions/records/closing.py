"""Arts. 32-33: publication of an adopted decision, and the archive."""

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


@transaction.atomic
def decision_publish(*, decision: Decision, published_on: datetime.date, published_text: str,
                     adoption_explanation: str, acting_user, task=None) -> Publication:
    """The office publishes the adopted decision and explains how opinions were adopted."""
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
    require_text(errors, "published_text", published_text, _("The published text"))
    require_text(errors, "adoption_explanation", adoption_explanation,
                 _("The explanation of how opinions were adopted"))
    raise_if(errors)
    publication = Publication.objects.create(
        decision=decision, draft_version=meeting.draft_version, published_on=published_on,
        published_text=published_text.strip(), adoption_explanation=adoption_explanation.strip(),
        recorded_by=acting_user,
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
