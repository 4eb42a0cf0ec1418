"""Celery tasks: thin wrappers that call a service."""

from celery import shared_task
from viewflow.workflow.timers import fire_due_timers

from .services.reminders import reminders_sweep as sweep


@shared_task(name="decisions.tasks.reminders_sweep", acks_late=True,
             autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
             max_retries=10)
def reminders_sweep() -> dict:
    """The beat's periodic sweep: reminders due today, then viewflow's due timers."""
    sent = sweep()
    fired = fire_due_timers()
    return {**sent, "timers_fired": fired}
