"""Where a decision's and a task's pages are, for the domain's links (decisions/links.py).

The paths are relative to the site's root, whatever the script prefix of the request at hand:
``JUECE_SITE_URL`` is the site's address, and a reminder sent by a worker has no request.
"""

from django.urls import get_resolver, get_script_prefix

from .flows import DecisionFlow


def _site_path(viewset, name: str, args: list) -> str:
    # A flow step learns its URL namespace when the URLconf is built, which a worker that has
    # served no request has not yet done.
    get_resolver().url_patterns  # noqa: B018
    return "/" + viewset.reverse(name, args=args).removeprefix(get_script_prefix())


def decision_path(decision) -> str:
    return _site_path(DecisionFlow.instance, "process_detail", [decision.process_id])


def step_title(task) -> str:
    """The title of the flow step a stage task is at ("Review the legality of the draft")."""
    return DecisionFlow.instance.node(task.step).task_title


def task_path(task) -> str:
    """The stage task's own page (the domain's ``StageTask``, numbered as the flow's task): it
    opens the form for its holder, the task's detail for others."""
    node = DecisionFlow.instance.node(task.step)
    return _site_path(node, "index", [task.decision.process_id, task.pk])
