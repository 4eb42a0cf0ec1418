"""Celery tasks: thin wrappers that call a service. The reminder sweep, which also fires the
flow's due timers, is the workflow layer's (workflows/tasks.py)."""

from celery import shared_task

from .audit.digest import audit_head_export as export_head
from .audit.refusals import seal_refusal_tallies as seal_tallies


@shared_task(name="decisions.tasks.audit_export_head", acks_late=True)
def audit_export_head() -> dict:
    """The beat's nightly head digest; a broken chain fails the task and exports nothing."""
    digest, path = export_head(via="celery beat")
    return {"sequence": digest.sequence, "sha256": digest.sha256, "file": str(path)}


@shared_task(name="decisions.tasks.seal_refusal_tallies", acks_late=True)
def seal_refusal_tallies() -> dict:
    """The beat's, every minute: the counts of identical refusals of the minutes past, sealed
    into the chain."""
    return {"sealed": seal_tallies()}
