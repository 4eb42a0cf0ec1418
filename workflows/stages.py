"""Where a decision stands: the stages of its open tasks, as the rulebook names them."""

from decisions import services
from decisions.open_tasks import open_human_tasks


def open_tasks(process):
    return open_human_tasks(process.pk)


def open_stages(process) -> list[str]:
    return [str(task.flow_task.stage) for task in open_tasks(process)]


def sync_stage(process, *, acting_user, task=None):
    return services.decision_sync_stage(decision=process.decision, acting_user=acting_user,
                                        task=task)


def finish_task(activation, *, acting_user):
    """Move the flow on after the task's service wrote its record, and note the new stage."""
    activation.execute()
    return sync_stage(activation.process, acting_user=acting_user, task=activation.task)
