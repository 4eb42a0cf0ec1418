"""Flow nodes shaped for the statute: each human step names its stage and obeys object grants."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.utils import is_owner
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.nodes.split import SplitActivation

from decisions import permissions, rulebook

from .models import decision_of_task
from .task_refusal import TaskIndexView, refusing_with_task_page


def _decision_of(process):
    return process.coerced.decision


class StageView(flow.View):
    """A human step at one statutory stage, gated by that stage's permission on the decision.

    viewflow's own ``can_assign`` also accepts a global grant of the permission; here only the
    object grant on this decision counts, and executing needs it as well as owning the task.
    Anyone else who opens the task's address is told its stage and who holds it (a 403 page).

    ``named`` is the decision's field holding the one person whose step it is, where two people
    hold the stage's permission (the reviewer and the legal adviser both act at the legality
    review): only he may take the step back from the queue.
    """

    index_view_class = TaskIndexView

    def __init__(self, view, *, stage: rulebook.Stage, named: str | None = None, **kwargs):
        super().__init__(view, **kwargs)
        self.stage = stage
        self.named = named
        self.Permission(rulebook.stage_permission(stage), obj=_decision_of)

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        expert = (task.data or {}).get("expert")
        if expert is not None and expert != user.pk:
            return False  # Art. 19 para. 2: each expert writes and signs his own opinion
        decision = decision_of_task(task)
        if self.named and getattr(decision, f"{self.named}_id") != user.pk:
            return False
        return permissions.can_act(user, self.stage, decision)

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and permissions.can_act(
            user, self.stage, decision_of_task(task))

    @property
    def view_path(self):
        return path(f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
                    refusing_with_task_page(flow_utils.wrap_view(self, self.view)),
                    name="execute")

    @property
    def assign_path(self):
        return path(f"<int:process_pk>/{self.name}/<int:task_pk>/assign/",
                    refusing_with_task_page(flow_utils.wrap_task_view(
                        self, self.assign_view, permission=self.can_assign)),
                    name="assign")


class FanOutSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, cond, data_source in self.flow_task._branches:
            if cond and not cond(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise RuntimeError(f"No next task available for {self.flow_task.name}")


class FanOutSplit(flow.Split):
    """A parallel split that can start one task per item, e.g. one per named expert."""

    activation_class = FanOutSplitActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


class Check(flow.If):
    """A yes/no gateway whose chart labels follow the reader's language."""

    def _outgoing(self):
        yield Edge(src=self, dst=self._on_true, edge_class="cond_true", label=_("yes"))
        yield Edge(src=self, dst=self._on_false, edge_class="cond_false", label=_("no"))
