"""The flow's tasks of a decision, and moving the flow on after a stage's service has run."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import services

#: A flow task waiting for, or in, someone's hands (the domain's ``StageTask.OPEN`` names the
#: same statuses for its own rows).
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def is_open(task) -> bool:
    return task.status in OPEN


def open_tasks(process_id: int):
    """The open human tasks of a workflow run, as the engine holds them."""
    return Task.objects.filter(process_id=process_id, flow_task_type="HUMAN", status__in=OPEN)


def finish_task(activation, *, acting_user):
    """Move the flow on after the task's service wrote its record, and note the new stage."""
    activation.execute()
    return services.decision_sync_stage(decision=activation.process.decision,
                                        acting_user=acting_user, task=activation.task)
