"""Which of a decision's flow tasks are still open: the one definition the domain and the
flow share."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_human_tasks(process_id):
    """The human tasks of a decision's process that are waiting for, or in, someone's hands."""
    return Task.objects.filter(process_id=process_id, flow_task_type="HUMAN", status__in=OPEN)
