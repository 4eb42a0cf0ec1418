"""Deadlines of open tasks, the deployment's own periods, and the reminders sent about them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..records.models import Decision, ImmutableRecord
from ..rulebook import Stage, review_period_problem
from ..stage_tasks.models import StageTask

User = settings.AUTH_USER_MODEL


class StagePeriod(models.Model):
    """A deployment's own period for a stage, replacing the rulebook's default without code."""

    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices, unique=True)
    period_days = models.PositiveSmallIntegerField(_("period in days"))
    working_days = models.BooleanField(_("counted in working days"), default=True)
    extension_days = models.PositiveSmallIntegerField(
        _("one extension of at most (days)"), default=0,
        help_text=_("For the legality review: the local rule's single extension."))
    source = models.CharField(_("source of the rule"), max_length=200, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("period of a stage")
        verbose_name_plural = _("periods of the stages")
        ordering = ["stage"]
        constraints = [
            models.CheckConstraint(condition=Q(period_days__gt=0), name="stage_period_positive"),
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.period_days}"

    def clean(self):
        super().clean()
        if self.stage == Stage.LEGAL_REVIEW and self.period_days is not None:
            problem = review_period_problem(self.period_days, self.working_days)
            if problem:
                raise ValidationError({"period_days": problem})


class TaskDeadline(models.Model):
    """When an open task is due, and how that date was reckoned."""

    task = models.OneToOneField(StageTask, on_delete=models.CASCADE, related_name="deadline")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="deadlines")
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"), db_index=True)
    period_days = models.PositiveSmallIntegerField(_("period in days"))
    working_days = models.BooleanField(_("counted in working days"))
    credited_days = models.PositiveSmallIntegerField(
        _("working days already used in an earlier round"), default=0)
    uncovered_year = models.PositiveSmallIntegerField(
        _("year without official calendar"), null=True, blank=True,
        help_text=_("The reckoning crossed a year whose holidays are not loaded."))
    extended = models.BooleanField(_("extension used"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")),
                                   name="deadline_after_start"),
        ]

    def __str__(self):
        return f"{self.stage} → {self.due_on}"


class DeadlineChange(ImmutableRecord):
    """The office extended or shortened a deadline, with its reason."""

    deadline = models.ForeignKey(TaskDeadline, on_delete=models.PROTECT, related_name="changes")
    due_before = models.DateField(_("due before"))
    due_after = models.DateField(_("due after"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="deadline_change_reason"),
        ]

    def __str__(self):
        return f"{self.due_before} → {self.due_after}"


class Reminder(models.Model):
    """One reminder about one task, of one kind, on one calendar day: recorded, then delivered.

    The uniqueness of (task, kind, day) is what keeps two sweeps, a retried job or a restarted
    worker from recording it twice. Delivery is at least once (see deadlines/reminders.py): a
    crash between the mail server's acceptance and the commit sends it again.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Due soon")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")

    task = models.ForeignKey(StageTask, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.ForeignKey(TaskDeadline, on_delete=models.CASCADE,
                                 related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    day = models.DateField(_("day"))
    recipients = models.ManyToManyField(User, related_name="+", verbose_name=_("recipients"))
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "day"], name="one_reminder_per_day"),
        ]
        # The delivery's walk over the undelivered rows, in id order: this index holds only
        # them, so it stays as small as the backlog whatever the history (deadlines/reminders.py).
        indexes = [models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True),
                                name="decisions_reminder_undelivered")]

    def __str__(self):
        return f"{self.kind} {self.day} task {self.task_id}"


class Notification(models.Model):
    """An in-app notice for one user, read or not."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="notifications")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")
    event = models.CharField(
        _("event"), max_length=80, blank=True,
        help_text=_("What the notice is about, e.g. “review:12”: one notice per person and "
                    "event."))
    message = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "reminder"], name="one_notification_each"),
            models.UniqueConstraint(fields=["user", "event"], condition=~Q(event=""),
                                    name="one_notification_per_event"),
        ]

    def __str__(self):
        return self.message[:50]
