"""The audit trail: appending events to the hash chain, and verifying it.

Every write names its actor and appends its event in the same transaction. Each event stores
the SHA-256 of its canonical content, which includes the previous event's hash; appends are
serialised by a chain lock, so concurrent writers never fork the chain or leave a gap.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditEvent

#: Where the current request comes from: set by the middleware, read when an event is appended.
_client_ip: ContextVar[str | None] = ContextVar("juece_client_ip", default=None)
#: Who is acting, for events recorded by signal handlers that do not know it themselves.
_current_actor: ContextVar[object | None] = ContextVar("juece_current_actor", default=None)

#: An arbitrary constant identifying the chain's advisory lock in PostgreSQL.
CHAIN_LOCK_KEY = 7_020_713


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


@contextmanager
def acting_as(user):
    """Name the actor of the events that flow-engine signals record inside this block."""
    token = _current_actor.set(user)
    try:
        yield
    finally:
        _current_actor.reset(token)


def current_actor():
    actor = _current_actor.get()
    return actor if getattr(actor, "is_authenticated", False) else None


def canonical(fields: dict) -> bytes:
    """The bytes an event's hash is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      cls=DjangoJSONEncoder).encode("utf-8")


def event_fields(event: AuditEvent) -> dict:
    occurred = event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return {
        "sequence": event.sequence, "occurred_at": occurred, "actor": event.actor_id,
        "actor_name": event.actor_name, "ip": event.ip, "action": event.action,
        "decision": event.decision_id, "task": event.task_id, "stage": event.stage,
        "before": event.before, "after": event.after, "prev_hash": event.prev_hash,
    }


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event_fields(event))).hexdigest()


def _lock_chain() -> None:
    """Serialise appends until the surrounding transaction ends (SQLite serialises writes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def audit_record(*, action: str, actor, decision=None, task=None, stage: str = "",
                 before: dict | None = None, after: dict | None = None,
                 ip: str | None = None) -> AuditEvent:
    """Append one event; call it inside the transaction of the write it records.

    The ``atomic`` block below is then a savepoint of that transaction, not a transaction of
    its own: the event commits or rolls back with the write, and the chain lock is held until
    the caller's transaction ends. Called outside any transaction, the block is the whole
    transaction and the event commits alone.

    ``task`` is the stage task the act belongs to (stage_tasks/models.py), or its number: the
    workflow's own task object names the same task by the same number.
    """
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        event = AuditEvent(
            sequence=sequence,
            occurred_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=actor.get_username() if getattr(actor, "pk", None) else "",
            ip=ip or _client_ip.get(),
            action=action,
            decision=decision,
            task_id=getattr(task, "pk", task),
            stage=str(stage or (decision.stage if decision is not None else "")),
            before=jsonable(before or {}),
            after=jsonable(after or {}),
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event)
        event.save()
        return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_bad: int | None = None
    reason: str = ""
    head_sequence: int | None = None
    head_hash: str | None = None
    first_bad_sequence: int | None = None
    #: What is wrong at the first bad event, as a code a page can name in its reader's
    #: language: ``gap`` (missing or inserted), ``link`` (reordered) or ``hash`` (altered).
    problem: str = ""


def verify_events(rows: Iterable[AuditEvent], *, after_sequence: int = 0,
                  after_hash: str = GENESIS_HASH) -> ChainReport:
    """Walk events in sequence order: each must hash to its stored hash, link to its
    predecessor, and follow it without a gap. Streams: holds one event at a time.

    ``after_sequence``/``after_hash`` continue from an event already verified, so a tail can be
    checked without walking the whole chain again."""
    expected_prev, expected_sequence, count = after_hash, after_sequence + 1, 0
    last = None
    for event in rows:
        count += 1
        if event.sequence != expected_sequence:
            return ChainReport(False, count, event.pk,
                               f"sequence {event.sequence} where {expected_sequence} was "
                               "expected: an event is missing or was inserted",
                               first_bad_sequence=event.sequence, problem="gap")
        if event.prev_hash != expected_prev:
            return ChainReport(False, count, event.pk,
                               "it does not link to the event before it (removed, inserted "
                               "or reordered events)", first_bad_sequence=event.sequence,
                               problem="link")
        if event_hash(event) != event.hash:
            return ChainReport(False, count, event.pk, "its content does not match its hash "
                                                       "(the event was altered)",
                               first_bad_sequence=event.sequence, problem="hash")
        expected_prev, expected_sequence, last = event.hash, event.sequence + 1, event
    if last is None:
        return ChainReport(True, 0, None, "", after_sequence or None,
                           after_hash if after_sequence else None)
    return ChainReport(True, count, None, "", last.sequence, last.hash)


def chain_rows(chunk_size: int = 2000, *, after_sequence: int = 0) -> Iterator[AuditEvent]:
    """Every event (after ``after_sequence``) in order, streamed from the database in chunks."""
    rows = AuditEvent.objects.order_by("sequence")
    if after_sequence:
        rows = rows.filter(sequence__gt=after_sequence)
    return rows.iterator(chunk_size=chunk_size)


def verify_chain() -> ChainReport:
    return verify_events(chain_rows())
