"""Celery tasks of the workflow layer: the beat's periodic sweep."""

from celery import shared_task
from viewflow.workflow.timers import fire_due_timers

from decisions.deadlines.reminders import reminders_sweep as sweep


@shared_task(name="workflows.tasks.reminders_sweep", acks_late=True,
             autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
             max_retries=10)
def reminders_sweep() -> dict:
    """The beat's periodic sweep: reminders due today (the domain's), then viewflow's due
    timers."""
    sent = sweep()
    fired = fire_due_timers()
    return {**sent, "timers_fired": fired}
