"""Withdrawal: the proposal taken back before the head's decision, and archived as withdrawn.

The decree has no article on withdrawal; the local rule is this. The drafter may withdraw his
proposal until the office accepts it; the office may withdraw it at any time until the head of
the decision organ decides on it (Art. 30: adopted or not adopted). Either gives its reason. The
decision is then archived as withdrawn: every record made until then stays (Art. 33), its open
stage tasks close, its deadlines close and every stage grant ends; the grants to read it stay.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..audit import audit_record
from ..deadlines.notices import clause, in_language, notify
from ..deadlines.services import deadlines_sync
from ..errors import StatutoryGateError
from ..links import decision_link
from ..models import Decision, Withdrawal
from ..rulebook import DecisionStatus, Stage
from ..stage_tasks.open import open_tasks
from ..stage_tasks.services import task_closed
from ._common import locked


@transaction.atomic
def decision_withdraw(*, decision: Decision, reason: str, acting_user, task=None) -> Withdrawal:
    """The drafter (before acceptance) or the office (before the head's decision) withdraws the
    proposal, giving the reason; the decision is archived as withdrawn, its record intact.

    The workflow layer stops its own run of the procedure first (workflows.actions); any stage
    task still open here (a decision carried by no workflow run) is closed as cancelled."""
    decision = locked(decision)
    permissions.require_withdraw(acting_user, decision)
    problem = selectors.withdrawal_problem(decision)
    if problem is not None:
        raise StatutoryGateError(*problem)
    if not reason or not str(reason).strip():
        raise ValidationError({"reason": [_("Give the reason for withdrawing the decision.")]})
    stage = decision.stage
    record = Withdrawal.objects.create(decision=decision, stage=stage, reason=str(reason).strip(),
                                       withdrawn_by=acting_user)
    for open_task in open_tasks(decision).order_by("pk"):
        task_closed(task_id=open_task.pk, cancelled=True, acting_user=acting_user)
    before = {"stage": stage, "status": decision.status}
    decision.status = DecisionStatus.WITHDRAWN
    decision.stage = Stage.ARCHIVED
    decision.save(update_fields=["status", "stage", "updated_at"])
    audit_record(action="decision_withdraw", actor=acting_user, decision=decision, task=task,
                 stage=stage, before=before,
                 after={"stage": decision.stage, "status": decision.status,
                        "reason": record.reason})
    deadlines_sync(decision, acting_user=acting_user)
    permissions.revoke_ended_grants(decision, acting_user=acting_user, task=task)
    _tell_the_drafter(decision, record, acting_user)
    return record


def _tell_the_drafter(decision: Decision, record: Withdrawal, acting_user) -> None:
    """The office's withdrawal is told to the drafter whose proposal it was (his own needs no
    notice), with the office's reason."""
    notify(users=[decision.drafter], decision=decision, event=f"withdrawal:{record.pk}",
           url=decision_link(decision), acting_user=acting_user,
           message=in_language(lambda: _(
               "The office withdrew the decision “%(title)s”. Reason: %(reason)s.") % {
                   "title": decision.title, "reason": clause(record.reason)}))
