"""Which stage tasks are still open: the one definition the domain, the pages and the API share."""

from ..models import StageTask, TaskDeadline

OPEN = StageTask.OPEN


def is_open(task) -> bool:
    """Whether ``task`` is waiting for, or in, someone's hands."""
    return task.status in OPEN


def all_open_tasks():
    """The stage tasks of every decision that are waiting for, or in, someone's hands."""
    return StageTask.objects.filter(status__in=OPEN)


def open_tasks(decision):
    """The stage tasks of ``decision`` that are waiting for, or in, someone's hands."""
    return all_open_tasks().filter(decision=decision)


def open_deadlines():
    """The deadlines still running: not closed, and their task still open."""
    return TaskDeadline.objects.filter(closed_at__isnull=True, task__status__in=OPEN)
