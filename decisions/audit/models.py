"""The audit trail: every attributable act, chained by SHA-256 so that no row can be altered,
removed, inserted or reordered without the chain showing where."""

from django.conf import settings
from django.db import connections, models
from django.utils.translation import gettext_lazy as _

from ..records.models import Decision, ImmutableRecord
from ..stage_tasks.models import StageTask

#: The ``prev_hash`` of the first event.
GENESIS_HASH = "0" * 64


class AuditEventManager(models.Manager):
    """Reading events in a transaction first appends the events it recorded (they wait for its
    end otherwise, decisions/audit/backends), so that a read sees them as it always did."""

    def get_queryset(self):
        connection = connections[self.db]
        if getattr(connection, "audit_pending", None):
            connection.audit_append_pending()
        return super().get_queryset()


class AuditEvent(ImmutableRecord):
    """One attributable act: who, what, when, from where, on which decision and task."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", null=True, verbose_name=_("actor"))
    actor_name = models.CharField(_("actor's login"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="events",
                                 null=True, blank=True)
    task = models.ForeignKey(StageTask, on_delete=models.PROTECT, related_name="+",
                             null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(_("previous event's SHA-256"), max_length=64)
    hash = models.CharField(_("SHA-256"), max_length=64, unique=True)

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["decision", "sequence"],
                                name="decisions_a_decisio_seq_idx"),
                   models.Index(fields=["actor", "sequence"], name="decisions_a_actor_seq_idx")]

    def __str__(self):
        return f"#{self.sequence} {self.occurred_at:%Y-%m-%d %H:%M} {self.action}"


class RefusalTally(models.Model):
    """Identical refusals within one clock minute: the first is an audit event, the others only
    add to ``count`` here, so that a scanner or a reloading browser cannot flood the chain.

    Identical means the same user (or none), IP address, method and path. The next event of the
    same kind carries this count into the chain (its ``earlier_refusals``), and once the minute
    is over the beat seals it there in its own event (``sealed_by``, ``seal_refusal_tallies``),
    so no count stays outside the chain; a source past the minute's limit of events has its
    further refusals counted under one overflow tally."""

    key = models.CharField(max_length=64)
    source = models.CharField(max_length=64)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT,
                                 related_name="refusal_tally")
    sealed_by = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="sealed_tally")

    class Meta:
        verbose_name = _("refusal tally")
        verbose_name_plural = _("refusal tallies")
        constraints = [models.UniqueConstraint(fields=["key", "minute"],
                                               name="decisions_refusal_once_a_minute")]
        indexes = [
            models.Index(fields=["source", "minute"], name="decisions_refusal_source_idx"),
            # What seal_refusal_tallies looks for: counts not yet in the chain.
            models.Index(fields=["minute"], name="decisions_refusal_unsealed_idx",
                         condition=models.Q(sealed_by__isnull=True, count__gt=1)),
        ]

    def __str__(self):
        return f"{self.minute:%Y-%m-%d %H:%M} ×{self.count}"
