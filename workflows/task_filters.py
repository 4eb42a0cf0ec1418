"""The filters above the inbox, the queue and the completed tasks: by step, by date.

viewflow's own filters also offer every decision of the list as a ``<select>`` (800 options at
20,000 decisions, a megabyte of HTML at 100,000, all of it drawn on every page) and read the
steps to offer with a ``DISTINCT`` over the whole list. The steps here are the flow's human
steps, known without a query, named by their translated titles; the decision is the row's link.
"""

from django_filters import ChoiceFilter, DateRangeFilter, FilterSet
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Task
from viewflow.workflow.nodes import View

from decisions.rulebook import Stage

from .flows import DecisionFlow


def step_choices() -> list[tuple[str, str]]:
    """Each step a person does, in the statute's order of its stage, named as the pages name
    it."""
    order = {stage: rank for rank, stage in enumerate(Stage)}
    steps = [node for node in DecisionFlow.instance.nodes() if isinstance(node, View)]
    steps.sort(key=lambda node: (order.get(getattr(node, "stage", None), len(order)), node.name))
    return [(get_task_ref(node), node.task_title) for node in steps]


class TaskFilter(FilterSet):
    """The inbox and the queue."""

    flow_task = ChoiceFilter()
    created = DateRangeFilter()

    class Meta:
        model = Task
        fields = ("flow_task", "created")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["flow_task"].field.choices = step_choices()


class CompletedTaskFilter(TaskFilter):
    """The completed tasks: also by the day they were done."""

    finished = DateRangeFilter()

    class Meta:
        model = Task
        fields = ("flow_task", "created", "finished")
