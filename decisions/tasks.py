"""Celery tasks: thin wrappers that call a service."""

from celery import shared_task
from viewflow.workflow.timers import fire_due_timers

from .audit_digest import audit_head_export as export_head
from .services.reminders import reminders_sweep as sweep


@shared_task(name="decisions.tasks.reminders_sweep", acks_late=True,
             autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
             max_retries=10)
def reminders_sweep() -> dict:
    """The beat's periodic sweep: reminders due today, then viewflow's due timers."""
    sent = sweep()
    fired = fire_due_timers()
    return {**sent, "timers_fired": fired}


@shared_task(name="decisions.tasks.audit_export_head", acks_late=True)
def audit_export_head() -> dict:
    """The beat's nightly head digest; a broken chain fails the task and exports nothing."""
    digest, path = export_head(via="celery beat")
    return {"sequence": digest.sequence, "sha256": digest.sha256, "file": str(path)}
