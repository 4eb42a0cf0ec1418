"""Driving the flow without a browser: the same services and gates as the web forms.

Used by management commands (``seed_demo``) and by any other door into the procedure; the web
views call the same services and ``finish_task``.
"""

from contextlib import nullcontext
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

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


def withdraw_decision(decision, *, reason: str, acting_user):
    """Withdraw a decision (``services.decision_withdraw``, which checks who may and until when)
    and stop its run of the flow: every open task of the run is cancelled, then the run itself.

    One transaction: a refused withdrawal leaves the flow as it was.
    """
    run = decision.process_id
    with acting_as(acting_user), (DecisionFlow.lock(run) if run is not None else nullcontext()), \
            transaction.atomic():
        if run is not None:
            _stop_run(run)
        return services.decision_withdraw(decision=decision, reason=reason,
                                          acting_user=acting_user)


def _stop_run(process_id: int) -> None:
    """Cancel the run's open tasks (each cancellation reaches the domain through the task
    signals, workflows/signals.py) and mark the run cancelled; the flow never moves again."""
    process = Process.objects.select_for_update().get(pk=process_id)
    active = (Task.objects.select_for_update().filter(process_id=process_id)
              .exclude(status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED]).order_by("pk"))
    for task in active:
        activation = task.flow_task.activation_class(task)
        cancel = getattr(activation, "cancel", None)
        if cancel is not None and cancel.can_proceed():
            cancel()
        else:  # a step already started has no cancel transition in viewflow: close it as such
            task.status = STATUS.CANCELED
            task.finished = timezone.now()
            task.save()
    process.status = PROCESS.CANCELED
    process.finished = timezone.now()
    process.save(update_fields=["status", "finished"])
