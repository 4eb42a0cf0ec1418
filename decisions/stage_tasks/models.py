"""The stage tasks of a decision: the steps people do, as the workflow opened and closed them.

The workflow layer tells the domain about each step through the services in
``stage_tasks/services.py`` (opened, assigned, started, closed); the domain keeps its own row for it
and never asks the flow engine. A task's number is the one the workflow gave it, so that links
and the audit trail name the same task on both sides.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..records.models import Decision
from ..rulebook import Stage


class StageTask(models.Model):
    """One step of one decision's procedure at one stage, held by a person or waiting in a queue."""

    class Status(models.TextChoices):
        NEW = "NEW", _("Waiting")
        ASSIGNED = "ASSIGNED", _("Assigned")
        STARTED = "STARTED", _("In progress")
        DONE = "DONE", _("Done")
        CANCELED = "CANCELED", _("Cancelled")

    id = models.BigIntegerField(_("task number"), primary_key=True,
                                help_text=_("The number the workflow gave the task."))
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="tasks")
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    step = models.CharField(_("step of the procedure"), max_length=64)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("holder"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.NEW)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    #: A task waiting for, or in, someone's hands.
    OPEN = (Status.NEW, Status.ASSIGNED, Status.STARTED)

    class Meta:
        verbose_name = _("stage task")
        verbose_name_plural = _("stage tasks")
        ordering = ["id"]
        indexes = [models.Index(fields=["decision", "status"], name="decisions_task_open_idx"),
                   models.Index(fields=["holder", "status"], name="decisions_task_holder_idx")]

    def __str__(self):
        return f"#{self.pk} {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
