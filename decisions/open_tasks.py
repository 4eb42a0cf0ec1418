"""Which of a decision's flow tasks are still open: the one definition the domain and the
flow share."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .models import TaskDeadline

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def is_open(task) -> bool:
    """Whether ``task`` is waiting for, or in, someone's hands."""
    return task.status in OPEN


def human_tasks(process_id):
    """The tasks of a decision's process that a person does, open or done."""
    return Task.objects.filter(process_id=process_id, flow_task_type="HUMAN")


def all_open_human_tasks():
    """The human tasks of every process that are waiting for, or in, someone's hands."""
    return Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN)


def open_human_tasks(process_id):
    """The human tasks of a decision's process that are waiting for, or in, someone's hands."""
    return all_open_human_tasks().filter(process_id=process_id)


def open_deadlines():
    """The deadlines still running: not closed, and their task still open."""
    return TaskDeadline.objects.filter(closed_at__isnull=True, task__status__in=OPEN)
