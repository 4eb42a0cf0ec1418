"""The audit trail: appending events to the hash chain, and verifying it.

Every write names its actor and appends its event in the same transaction. Each event stores
the SHA-256 of its canonical content, which includes the previous event's hash; appends are
serialised by a chain lock, so concurrent writers never fork the chain or leave a gap. A
transaction's events are appended when it commits: an event's time is when it was recorded,
its place in the chain when its transaction committed, so the times of two steps committing
side by side may stand a moment out of order along the chain.
"""

import datetime
import decimal
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.utils import timezone
from psycopg import pq as psycopg_pq

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


def _number_as_stored(text: str):
    """A JSON number with a fraction or an exponent, as PostgreSQL's jsonb will give it back.
    The database keeps the number exactly (``numeric``) and writes one of Python's large floats,
    ``1e+16``, as the integer ``10000000000000000``: recorded as a float, such an event would
    be read back as another value than the one its hash was taken over, and never verify."""
    if "e+" in text:
        return int(decimal.Decimal(text))
    return float(text)


def jsonable(data):
    """``data`` as the audit trail stores and reads it back: JSON's types only."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False),
                      parse_float=_number_as_stored)


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
            return _gap(count, event.pk, sequence, expected_sequence)
        if prev_hash != expected_prev:
            return _unlinked(count, event.pk, sequence)
        fields = {  # event_fields(), inlined: this loop is the verification's whole cost
            "sequence": sequence,
            "occurred_at": event.occurred_at.astimezone(utc).isoformat(timespec="microseconds"),
            "actor": event.actor_id, "actor_name": event.actor_name, "ip": event.ip,
            "action": event.action, "decision": event.decision_id, "task": event.task_id,
            "stage": event.stage, "before": event.before, "after": event.after,
            "prev_hash": prev_hash,
        }
        if (not _quick_match(fields, event.hash)
                and sha256(encode(fields).encode("utf-8")).hexdigest() != event.hash):
            return _altered(count, event.pk, sequence)
        expected_prev, expected_sequence, last = event.hash, sequence + 1, event
    if last is None:
        return ChainReport(True, 0, None, "", after_sequence or None,
                           after_hash if after_sequence else None)
    return ChainReport(True, count, None, "", last.sequence, last.hash)


def _quick_match(fields: dict, stored: str) -> bool:
    """Whether orjson's sorted bytes of ``fields`` hash to ``stored``: they are the canonical
    bytes for nearly every event, and a match proves it; where orjson writes a value otherwise
    (``1e-7`` for ``1e-07``; it refuses integers beyond 64 bits) the canonical encoder has the
    last word."""
    try:
        data = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits
        return False
    return hashlib.sha256(data).hexdigest() == stored


def _gap(count: int, pk, sequence: int, expected: int) -> ChainReport:
    return ChainReport(False, count, pk, f"sequence {sequence} where {expected} was expected: "
                                         "an event is missing or was inserted",
                       first_bad_sequence=sequence, problem="gap")


def _unlinked(count: int, pk, sequence: int) -> ChainReport:
    return ChainReport(False, count, pk, "it does not link to the event before it (removed, "
                                         "inserted or reordered events)",
                       first_bad_sequence=sequence, problem="link")


def _altered(count: int, pk, sequence: int) -> ChainReport:
    return ChainReport(False, count, pk, "its content does not match its hash (the event was "
                                         "altered)", first_bad_sequence=sequence, problem="hash")


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
    """Walk the whole chain: on PostgreSQL straight from psycopg (``_verify_streamed``; its
    chunked streaming needs libpq 17), elsewhere through the ORM's light rows."""
    connection = connections[router.db_for_read(AuditEvent)]
    if connection.vendor != "postgresql" or psycopg_pq.version() < 170000:
        return verify_events(chain_rows())
    if getattr(connection, "audit_pending", None):  # as AuditEventManager does before a read
        connection.audit_append_pending()
    return _verify_streamed(connection)


def _stream_query(connection) -> str:
    """The events in order, in the text the ORM decodes: the time already in its canonical
    form (UTC, microseconds), NULL outside the years a Python datetime can hold (the ORM
    could not read it, so no hash was taken over it); JSON as its text; the address as its
    output form (``abbrev``: no ``/32``)."""
    column = {name: connection.ops.quote_name(AuditEvent._meta.get_field(name).column)
              for name in ("id", "sequence", "occurred_at", "actor", "actor_name", "ip",
                           "action", "decision", "task", "stage", "before", "after",
                           "prev_hash", "hash")}
    occurred = column["occurred_at"]
    return (
        f"SELECT {column['id']}, {column['sequence']}, "  # noqa: S608
        f"CASE WHEN {occurred} >= '0001-01-01T00:00:00Z' AND {occurred} < '10000-01-01T00:00:00Z'"
        f" THEN to_char({occurred} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
        f" END, {column['actor']}, {column['actor_name']}, abbrev({column['ip']}), "
        f"{column['action']}, {column['decision']}, {column['task']}, {column['stage']}, "
        f"{column['before']}::text, {column['after']}::text, {column['prev_hash']}, "
        f"{column['hash']} FROM {connection.ops.quote_name(AuditEvent._meta.db_table)} "
        f"ORDER BY {column['sequence']}")


def _verify_streamed(connection, chunk_size: int = 2000) -> ChainReport:
    """The whole chain from one query in psycopg's chunked streaming mode: the server sends
    the next rows while this process checks the last ones, no round trip per chunk, no model
    field decoding; memory holds one chunk. Leaving early cancels the query, inside a savepoint
    rolled back, so a surrounding transaction goes on."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        rows = cursor.cursor.stream(_stream_query(connection), size=chunk_size)
        try:
            report = _verify_rows_of_text(rows)
        finally:
            rows.close()
        if not report.ok:
            transaction.set_rollback(True, using=connection.alias)
    return report


#: A float orjson read from an integer beyond 64 bits (the ORM reads an int): its exponent's
#: ``+`` is a second one beside the time's, found by two byte searches cheaper than one search
#: for ``e+``.
_WIDE_NUMBER = re.compile(rb"[0-9]e\+")


def _verify_rows_of_text(rows: Iterable[tuple]) -> ChainReport:
    """``verify_events`` over the tuples of ``_stream_query``: the JSON read and written by
    orjson, sorted; where that does not give the stored hash, or may have read a number
    otherwise than the ORM does, the event is read and written as ``verify_events`` does
    before it is called altered."""
    expected_prev, expected_sequence, count = GENESIS_HASH, 1, 0
    head = None
    sha256, loads, dumps, sort = hashlib.sha256, orjson.loads, orjson.dumps, orjson.OPT_SORT_KEYS
    for row in rows:
        (pk, sequence, occurred, actor, actor_name, ip, action, decision, task, stage, before,
         after, prev_hash, stored) = row
        count += 1
        if sequence != expected_sequence:
            return _gap(count, pk, sequence, expected_sequence)
        if prev_hash != expected_prev:
            return _unlinked(count, pk, sequence)
        try:
            data = dumps({"sequence": sequence, "occurred_at": occurred, "actor": actor,
                          "actor_name": actor_name, "ip": ip, "action": action,
                          "decision": decision, "task": task, "stage": stage,
                          "before": loads(before), "after": loads(after),
                          "prev_hash": prev_hash}, option=sort)
        except (orjson.JSONDecodeError, TypeError):  # NaN, a lone surrogate, a wide integer
            data = b""
        if ((sha256(data).hexdigest() != stored
             or (data.find(b"+") != data.rfind(b"+") and _WIDE_NUMBER.search(data)))
                and not _canonical_match(row)):
            return _altered(count, pk, sequence)
        expected_prev, expected_sequence, head = stored, sequence + 1, sequence
    if head is None:
        return ChainReport(True, 0)
    return ChainReport(True, count, None, "", head, expected_prev)


def _canonical_match(row: tuple) -> bool:
    """The hash check of ``verify_events``: the JSON as the ORM reads it, the canonical
    encoder."""
    (_pk, sequence, occurred, actor, actor_name, ip, action, decision, task, stage, before,
     after, prev_hash, stored) = row
    try:
        before, after = json.loads(before), json.loads(after)
    except ValueError:  # beyond the digits Python reads as an integer
        return False
    fields = {"sequence": sequence, "occurred_at": occurred, "actor": actor,
              "actor_name": actor_name, "ip": ip, "action": action, "decision": decision,
              "task": task, "stage": stage, "before": before, "after": after,
              "prev_hash": prev_hash}
    return hashlib.sha256(canonical(fields)).hexdigest() == stored
