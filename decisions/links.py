"""Links into the site, for notices and e-mails written where no request is at hand.

The paths are the flow pages' own (tests/test_notices.py checks them against the flow's URLs);
the domain writes them without reaching the web layer.
"""

from django.conf import settings


def site_path(url: str) -> str | None:
    """The path of a link into this site, or None for anything else."""
    base = settings.JUECE_SITE_URL
    path = url[len(base):] if url.startswith(base + "/") else ""
    safe = path.startswith("/") and not path.startswith("//") and "\\" not in path
    return path if safe else None


def decision_link(decision) -> str:
    return f"{settings.JUECE_SITE_URL}/decision/{decision.process_id}/"


def task_link(task) -> str:
    """The task's own page: it opens the form for its holder, the task's detail for others."""
    return (f"{settings.JUECE_SITE_URL}/decision/{task.process_id}/{task.flow_task.name}/"
            f"{task.pk}/")
