"""What the workflow tells the domain about its steps: a stage task opened, assigned or released,
started, closed.

The workflow layer calls these as its engine moves (workflows/signals.py); nothing here asks
the engine anything. Each call keeps the decision's ``StageTask`` row and appends the audit
event of that move, so the trail shows who opened, took and finished every step.
"""

from django.db import transaction
from django.utils import timezone

from ..audit import audit_record
from ..models import Decision, StageTask

Status = StageTask.Status


def _event(task: StageTask, action: str, *, acting_user) -> None:
    after = {"task": task.pk, "node": task.step,
             "owner": task.holder.get_username() if task.holder_id else None,
             "status": task.status}
    audit_record(action=action, actor=acting_user, decision=task.decision, task=task,
                 stage=task.stage, after=after)


@transaction.atomic
def task_opened(*, decision: Decision, task_id: int, stage: str, step: str, holder=None,
                holder_opened_it: bool = False, acting_user) -> StageTask:
    """A step of ``decision``'s procedure opened at ``stage``, numbered ``task_id`` by the
    workflow, for ``holder`` or (without one) in the queue of those holding the stage's grant.

    A step its holder opens himself (a proposal) is not also told as assigned to him.
    """
    task = StageTask.objects.create(
        id=task_id, decision=decision, stage=stage, step=step, holder=holder,
        status=Status.ASSIGNED if holder is not None else Status.NEW, opened_at=timezone.now())
    _event(task, "task_created", acting_user=acting_user)
    if holder is not None and not holder_opened_it:
        _event(task, "task_assigned", acting_user=acting_user)
    return task


def _open_task(task_id: int) -> StageTask:
    return (StageTask.objects.select_for_update(of=("self",))
            .select_related("decision", "holder").get(pk=task_id))


@transaction.atomic
def task_assigned(*, task_id: int, holder, acting_user) -> StageTask:
    """The step was taken by ``holder`` (from the queue, or named by the flow), or released back
    to the queue (``holder`` None)."""
    task = _open_task(task_id)
    if task.holder_id == getattr(holder, "pk", None):
        return task
    task.holder = holder
    if task.is_open:
        task.status = Status.ASSIGNED if holder is not None else Status.NEW
    task.save(update_fields=["holder", "status"])
    _event(task, "task_assigned" if holder is not None else "task_unassigned",
           acting_user=acting_user)
    return task


@transaction.atomic
def task_started(*, task_id: int, acting_user) -> StageTask:
    """Its holder began the step's work."""
    task = _open_task(task_id)
    if task.status == Status.STARTED or not task.is_open:
        return task
    task.status = Status.STARTED
    task.save(update_fields=["status"])
    _event(task, "task_started", acting_user=acting_user)
    return task


@transaction.atomic
def task_closed(*, task_id: int, cancelled: bool = False, acting_user) -> StageTask:
    """The step is done (or cancelled by the workflow): it leaves its holder's hands and the
    queue. The decision's stage and deadlines follow in ``decision_sync_stage``."""
    task = _open_task(task_id)
    if not task.is_open:
        return task
    task.status = Status.CANCELED if cancelled else Status.DONE
    task.closed_at = timezone.now()
    task.save(update_fields=["status", "closed_at"])
    _event(task, "task_cancelled" if cancelled else "task_completed", acting_user=acting_user)
    return task
