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


def task_path(task) -> str:
    """The task's own page: it opens the form for its holder, the task's detail for others."""
    return _site_path(task.flow_task, "index", [task.process_id, task.pk])
