"""Appending audit events: every write names its actor, in the same transaction."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of ``instance``'s concrete fields (foreign keys as ids)."""
    if instance is None:
        return {}
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = getattr(instance, field.attname)
    return jsonable(data)


def jsonable(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(*, action: str, actor, decision=None, task=None, stage: str = "",
                 before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Append one event; call it inside the transaction of the write it records."""
    actor_id = getattr(actor, "pk", None)
    return AuditEvent.objects.create(
        actor_id=actor_id,
        action=action,
        decision=decision,
        task=task,
        stage=str(stage or (decision.stage if decision is not None else "")),
        before=jsonable(before or {}),
        after=jsonable(after or {}),
    )
