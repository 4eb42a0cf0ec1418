"""Links into the site, for notices and e-mails written where no request is at hand.

The workflow layer says where a decision's and a task's pages are (``register_paths``, called
from workflows/apps.py); the domain asks here and knows nothing of the flow's URLs
(tests/test_notices.py checks the links against them).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_paths: dict[str, Callable] = {}


def register_paths(*, decision: Callable, task: Callable) -> None:
    """``decision(decision)`` and ``task(task)`` give the site path of each one's page."""
    _paths.update(decision=decision, task=task)


def _path(kind: str, obj) -> str:
    if kind not in _paths:
        raise ImproperlyConfigured("No page paths registered: the workflow app registers them.")
    return _paths[kind](obj)


def site_path(url: str) -> str | None:
    """The path of a link into this site, or None for anything else."""
    base = settings.JUECE_SITE_URL
    path = url[len(base):] if url.startswith(base + "/") else ""
    safe = path.startswith("/") and not path.startswith("//") and "\\" not in path
    return path if safe else None


def decision_link(decision) -> str:
    return settings.JUECE_SITE_URL + _path("decision", decision)


def task_link(task) -> str:
    """The task's own page: it opens the form for its holder, the task's detail for others."""
    return settings.JUECE_SITE_URL + _path("task", task)
