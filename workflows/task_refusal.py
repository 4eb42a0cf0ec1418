"""A task opened by someone who may not act on it: where it stands and who holds it, in a 403.

viewflow answers such a visit with a bare 403, or redirects to ``/`` with a passing message; a
person who followed a link needs to know which stage the task is at, who has it now (a named
person, or the queue of the role that acts at that stage) and the way back to his own inbox.
Someone who may not even read the decision is told nothing: the site's 404, as for any page of
a decision he may not see. Either refusal is an audit event (workflows/middleware.py).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import generic
from viewflow.workflow.models import Task

from decisions import permissions
from decisions.people import display_name
from decisions.rulebook import RULES_BY_STAGE, Stage

from .models import decision_of_task
from .stages import is_open


def task_holder(task) -> str:
    """Who has the task: its owner by name, or the queue of the role acting at its stage."""
    if task.owner_id:
        return display_name(task.owner)
    role = RULES_BY_STAGE[str(task.flow_task.stage)].actor
    return _("the queue of the %(role)s") % {"role": role.label}


def task_refused(request, task) -> TemplateResponse:
    decision = decision_of_task(task)
    if not permissions.can_view(request.user, decision):
        raise Http404
    context = {
        "task": task,
        "stage": Stage(str(task.flow_task.stage)).label,
        "holder": task_holder(task),
        "is_open": is_open(task),
        "decision": decision,
        "process": task.process,
    }
    return TemplateResponse(request, "workflows/task_refused.html", context, status=403)


def refusing_with_task_page(view):
    """Wrap a task URL's view: a refusal shows where the task stands instead of a bare 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            task = Task.objects.filter(pk=kwargs.get("task_pk"),
                                       process_id=kwargs.get("process_pk")).first()
            if task is None or not request.user.is_authenticated:
                raise
            return task_refused(request, task)

    return wrapper


class TaskIndexView(generic.View):
    """A task's own address: its form for the holder, the claim for one who may take it from
    the queue, and for anyone else the page saying where it stands."""

    def get(self, request, *args, **kwargs):
        activation = request.activation
        task, flow_task = activation.task, activation.flow_task
        if activation.start.can_proceed() and flow_task.can_execute(request.user, task):
            return redirect(flow_task.reverse("execute", args=[task.process_id, task.pk]))
        if activation.assign.can_proceed() and flow_task.can_assign(request.user, task):
            return redirect(flow_task.reverse("assign", args=[task.process_id, task.pk]))
        if not is_open(task) and flow_task.can_view(request.user, task):
            return redirect(flow_task.reverse("detail", args=[task.process_id, task.pk]))
        return task_refused(request, task)
