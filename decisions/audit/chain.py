"""The audit trail: appending events to the hash chain, and verifying it.

Every write names its actor and appends its event in the same transaction. Each event stores
the SHA-256 of its canonical content, which includes the previous event's hash; appends are
serialised by a chain lock, so concurrent writers never fork the chain or leave a gap. A
transaction's events are appended when it commits: an event's time is when it was recorded,
its place in the chain when its transaction committed, so the times of two steps committing
side by side may stand a moment out of order along the chain.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
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


#: The canonical JSON form: sorted keys, no spaces (one encoder, made once).
_CANONICAL = DjangoJSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical(fields: dict) -> bytes:
    """The bytes an event's hash is taken over: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(fields).encode("utf-8")


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


def _lock_and_read_head(connection) -> tuple[int, str]:
    """Take the chain lock (held until the transaction ends; SQLite serialises writes) and read
    the chain's head after it: on PostgreSQL in one round trip, two statements, the second
    reading with a snapshot taken once the first has the lock."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    head = f"SELECT sequence, hash FROM {table} ORDER BY sequence DESC LIMIT 1"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY:d}); {head}")
            cursor.nextset()
        else:
            cursor.execute(head)
        last = cursor.fetchone()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def audit_record(*, action: str, actor, decision=None, task=None, stage: str = "",
                 before: dict | None = None, after: dict | None = None,
                 ip: str | None = None, at_once: bool = False) -> AuditEvent:
    """Record one event; call it inside the transaction of the write it records.

    The event is appended to the chain when that transaction commits, together with the
    transaction's other events, just before its COMMIT (decisions/audit/backends): it commits or
    rolls back with the write, and the chain lock is held only for that append and the commit.
    Called outside any transaction, the event is appended at once, in a transaction of its own.
    The returned event gets its sequence, hash and id when it is appended; ``at_once`` appends it
    (and the transaction's events before it) now, for a caller that needs the stored row before
    the transaction ends: the chain lock is then held from now to the end of the transaction.
    Reading the audit events in the transaction appends its pending events first.

    ``task`` is the stage task the act belongs to (stage_tasks/models.py), or its number: the
    workflow's own task object names the same task by the same number.
    """
    event = AuditEvent(
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
    )
    db = connections[DEFAULT_DB_ALIAS]
    if not hasattr(db, "audit_pending"):  # a backend without the hook: append at once
        with transaction.atomic():
            _append(db, [event])
        return event
    if not db.in_atomic_block or db.audit_block_ends_transaction():
        with transaction.atomic():
            db.audit_pending.append(event)
            if at_once:
                db.audit_append_pending()
        return event
    db.audit_pending.append(event)
    if at_once:
        db.audit_append_pending()
    return event


def append_pending(connection) -> None:
    """Append the transaction's pending events to the chain, in the order they were recorded,
    under the chain lock (held to the end of the transaction)."""
    events, connection.audit_pending = connection.audit_pending, []
    connection.audit_flushes += 1
    for sid, mark in connection.audit_marks.items():
        if mark:  # events recorded before this savepoint, now appended inside it
            connection.audit_requeue[sid] = (connection.audit_flushes, events[:mark])
    connection.audit_marks = dict.fromkeys(connection.audit_marks, 0)
    _append(connection, events)


def _append(connection, events: list[AuditEvent]) -> None:
    if not events:
        return
    sequence, prev_hash = _lock_and_read_head(connection)
    for event in events:
        sequence += 1
        event.sequence, event.prev_hash = sequence, prev_hash
        event.hash = prev_hash = event_hash(event)
    _insert_events(connection, events)


def _insert_events(connection, events: list[AuditEvent]) -> None:
    """One INSERT of the appended events (their ids set from it)."""
    AuditEvent._base_manager.using(connection.alias).bulk_create(events)


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


def verify_events(rows: Iterable, *, after_sequence: int = 0,
                  after_hash: str = GENESIS_HASH) -> ChainReport:
    """Walk events in sequence order: each must hash to its stored hash, link to its
    predecessor, and follow it without a gap. Streams: holds one event at a time.

    ``rows`` are events or the light rows of ``chain_rows`` (the same attribute names).
    ``after_sequence``/``after_hash`` continue from an event already verified, so a tail can be
    checked without walking the whole chain again."""
    expected_prev, expected_sequence, count = after_hash, after_sequence + 1, 0
    last = None
    sha256, encode, utc = hashlib.sha256, _CANONICAL.encode, datetime.UTC
    for event in rows:
        count += 1
        sequence, prev_hash = event.sequence, event.prev_hash
        if sequence != expected_sequence:
            return ChainReport(False, count, event.pk,
                               f"sequence {sequence} where {expected_sequence} was "
                               "expected: an event is missing or was inserted",
                               first_bad_sequence=sequence, problem="gap")
        if prev_hash != expected_prev:
            return ChainReport(False, count, event.pk,
                               "it does not link to the event before it (removed, inserted "
                               "or reordered events)", first_bad_sequence=sequence,
                               problem="link")
        fields = {  # event_fields(), inlined: this loop is the verification's whole cost
            "sequence": sequence,
            "occurred_at": event.occurred_at.astimezone(utc).isoformat(timespec="microseconds"),
            "actor": event.actor_id, "actor_name": event.actor_name, "ip": event.ip,
            "action": event.action, "decision": event.decision_id, "task": event.task_id,
            "stage": event.stage, "before": event.before, "after": event.after,
            "prev_hash": prev_hash,
        }
        if sha256(encode(fields).encode("utf-8")).hexdigest() != event.hash:
            return ChainReport(False, count, event.pk, "its content does not match its hash "
                                                       "(the event was altered)",
                               first_bad_sequence=sequence, problem="hash")
        expected_prev, expected_sequence, last = event.hash, sequence + 1, event
    if last is None:
        return ChainReport(True, 0, None, "", after_sequence or None,
                           after_hash if after_sequence else None)
    return ChainReport(True, count, None, "", last.sequence, last.hash)


#: What verifying reads of each event: its id and every field its hash covers.
CHAIN_COLUMNS = ("pk", "sequence", "occurred_at", "actor_id", "actor_name", "ip", "action",
                 "decision_id", "task_id", "stage", "before", "after", "prev_hash", "hash")


def chain_rows(chunk_size: int = 2000, *, after_sequence: int = 0) -> Iterator:
    """Every event (after ``after_sequence``) in order, streamed by a server-side cursor in
    chunks, as light rows (named tuples with the model's attribute names), not model objects."""
    rows = AuditEvent.objects.order_by("sequence")
    if after_sequence:
        rows = rows.filter(sequence__gt=after_sequence)
    return rows.values_list(*CHAIN_COLUMNS, named=True).iterator(chunk_size=chunk_size)


def verify_chain() -> ChainReport:
    return verify_events(chain_rows())
