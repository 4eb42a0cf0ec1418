from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..audit import audit_record
from ..deadlines.services import deadlines_sync
from ..models import Decision
from ..rulebook import STAGE_ORDER, Stage
from .open import open_tasks


@transaction.atomic
def decision_sync_stage(*, decision: Decision, acting_user, task=None) -> Decision:
    """Record where the procedure stands: the deadlines of its open tasks, and its stage, the
    earliest stage among its open stage tasks (as the workflow reported them,
    stage_tasks/services.py).

    While the consultation stages run side by side, that is the first still open in the order
    public participation, expert input, risk assessment. Only someone taking part in this
    decision's procedure moves it on; a reader (the auditor) does not. The stage grants the
    procedure can no longer come back to end here. An archived decision stands still: its
    archive closed its deadlines and ended every stage grant.
    """
    current = Decision.objects.filter(pk=decision.pk).values_list("stage", flat=True).get()
    if current == Stage.ARCHIVED:
        decision.stage = Stage.ARCHIVED
        return decision
    if not permissions.takes_part(acting_user, decision):
        raise PermissionDenied(_("Only those taking part in this decision record its stage."))
    deadlines_sync(decision, acting_user=acting_user)
    open_stages = list(open_tasks(decision).values_list("stage", flat=True))
    if open_stages:
        _move_to(decision, current, min(open_stages, key=STAGE_ORDER.index), open_stages,
                 acting_user=acting_user, task=task)
    permissions.revoke_ended_grants(decision, acting_user=acting_user, task=task)
    return decision


def _move_to(decision: Decision, current: str, stage: str, open_stages: list[str], *,
             acting_user, task) -> None:
    """``current``: the stage as read at the start of the sync, in the step's transaction (the
    flow's lock on the run keeps any other step of this decision out meanwhile)."""
    if current == stage or current == Stage.ARCHIVED:
        decision.stage = current
        return
    Decision.objects.filter(pk=decision.pk).update(stage=stage)
    decision.stage = stage
    audit_record(action="stage_change", actor=acting_user, decision=decision, task=task,
                 stage=stage, before={"stage": current}, after={"stage": stage,
                                                                "open": sorted(set(open_stages))})
