"""The audit trail becomes a hash chain: sequence, previous hash, own hash, IP and login.

Events already recorded are chained here in their id order, with the hashing rule frozen below
(the same rule as decisions.audit at the time of writing).
"""

import datetime
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

GENESIS = "0" * 64
TRIGGER = "juece_immutable_decisions_auditevent"


def _hash(event, username):
    fields = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(
            timespec="microseconds"),
        "actor": event.actor_id, "actor_name": username, "ip": event.ip,
        "action": event.action, "decision": event.decision_id, "task": event.task_id,
        "stage": event.stage, "before": event.before, "after": event.after,
        "prev_hash": event.prev_hash,
    }
    data = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      cls=DjangoJSONEncoder)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("decisions", "AuditEvent")
    User = apps.get_model("auth", "User")
    names = dict(User.objects.values_list("id", "username"))
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE decisions_auditevent DISABLE TRIGGER {TRIGGER}")
    prev = GENESIS
    for sequence, event in enumerate(AuditEvent.objects.order_by("id").iterator(), 1):
        event.sequence = sequence
        event.actor_name = names.get(event.actor_id, "")
        event.prev_hash = prev
        event.hash = _hash(event, event.actor_name)
        AuditEvent.objects.filter(pk=event.pk).update(
            sequence=sequence, actor_name=event.actor_name, prev_hash=prev, hash=event.hash)
        prev = event.hash
    if postgres:
        schema_editor.execute(f"ALTER TABLE decisions_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_official_calendar")]

    operations = [
        migrations.AddField("auditevent", "sequence",
                            models.PositiveBigIntegerField(null=True, verbose_name="sequence")),
        migrations.AddField("auditevent", "actor_name",
                            models.CharField(blank=True, default="", max_length=150,
                                             verbose_name="actor's login"),
                            preserve_default=False),
        migrations.AddField("auditevent", "ip",
                            models.GenericIPAddressField(blank=True, null=True,
                                                         verbose_name="IP address")),
        migrations.AddField("auditevent", "prev_hash",
                            models.CharField(default="", max_length=64,
                                             verbose_name="previous event's SHA-256"),
                            preserve_default=False),
        migrations.AddField("auditevent", "hash",
                            models.CharField(default="", max_length=64, verbose_name="SHA-256"),
                            preserve_default=False),
        migrations.AlterField("auditevent", "occurred_at",
                              models.DateTimeField(db_index=True, verbose_name="time")),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField("auditevent", "sequence",
                              models.PositiveBigIntegerField(unique=True, verbose_name="sequence")),
        migrations.AlterField("auditevent", "hash",
                              models.CharField(max_length=64, unique=True, verbose_name="SHA-256")),
        migrations.RemoveIndex("auditevent", "decisions_a_decisio_0c5825_idx"),
        migrations.AlterModelOptions("auditevent", {
            "ordering": ["sequence"], "verbose_name": "audit event",
            "verbose_name_plural": "audit events"}),
        migrations.AddIndex("auditevent", models.Index(fields=["decision", "sequence"],
                                                       name="decisions_a_decisio_seq_idx")),
        migrations.AddIndex("auditevent", models.Index(fields=["actor", "sequence"],
                                                       name="decisions_a_actor_seq_idx")),
    ]
