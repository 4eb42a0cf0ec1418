"""Driving the flow without a browser: the same services and gates as the web forms.

Used by management commands (``seed_demo``) and by any other door into the procedure; the web
views call the same services and ``finish_task``.
"""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from decisions import services
from decisions.audit import acting_as
from decisions.errors import StatutoryGateError

from .flows import DecisionFlow
from .stages import finish_task, is_open


def start_decision(*, acting_user, **proposal):
    """Propose a decision (the flow's start step) and return it, waiting at initiation."""
    node = DecisionFlow.start
    with acting_as(acting_user), transaction.atomic():
        activation = node.activation_class.create(node, None, None)
        if not node.can_execute(acting_user, activation.task):
            raise PermissionDenied(_("Only a drafter of a lead unit may propose a decision."))
        activation.start(SimpleNamespace(user=acting_user))
        activation.process.save()
        decision = services.decision_create(**proposal, process_id=activation.process.pk,
                                            acting_user=acting_user)
        finish_task(activation, acting_user=acting_user)
    return decision


def claim_task(task: Task, *, acting_user) -> Task:
    """Take an unassigned task from the queue (needs the stage's permission on the decision)."""
    with acting_as(acting_user), DecisionFlow.lock(task.process_id), transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not is_open(task):
            raise StatutoryGateError("task_not_open", _("This task is no longer open."))
        activation = task.flow_task.activation_class(task)
        if not task.flow_task.can_assign(acting_user, task):
            raise PermissionDenied(_("You may not take this task."))
        activation.assign(acting_user)
    return task


def run_task(task: Task, *, acting_user, perform) -> None:
    """Complete an open task: ``perform(task)`` calls the stage's service, then the flow moves.

    A task still in the queue is claimed first, if the user may.
    """
    with acting_as(acting_user), DecisionFlow.lock(task.process_id), transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not is_open(task):
            raise StatutoryGateError("task_not_open",
                                     _("This task was completed by someone else or is closed."))
        flow_task = task.flow_task
        activation = flow_task.activation_class(task)
        if task.owner_id is None:
            if not flow_task.can_assign(acting_user, task):
                raise PermissionDenied(_("You may not take this task."))
            activation.assign(acting_user)
        if not flow_task.can_execute(acting_user, task):
            raise PermissionDenied(_("This task is not yours to complete."))
        activation.start(SimpleNamespace(user=acting_user))
        perform(task)
        finish_task(activation, acting_user=acting_user)
