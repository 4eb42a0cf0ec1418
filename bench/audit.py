"""The audit chain's rows: chained appends (4 writers and 1) beside a plain INSERT of the same
row, and ``audit_verify`` over a seeded chain beside the same check without the ORM and beside
streaming + SHA-256 alone, with the verifier's memory.

Each runs on a scratch database (bench/scratch.py) in worker processes::

    python -m bench run --rows audit              # through the runner
    python -m bench.audit appends|verify|seed ...  # one worker (the runner starts them)
"""

from __future__ import annotations

import datetime
import hashlib
import sys
import time

from bench.core import Context, Measure, Row, interleaved
from bench.scratch import (
    emit,
    peak_rss_mib,
    rss_mib,
    run_workers,
    scratch_database,
    wait_until,
    worker_setup,
)

#: What the issue's table asks of each row.
APPEND_TARGET = ">= 1,000 events/s with 4 writers, more writers never slower"
VERIFY_TARGET = ">= 200,000 events/s, flat memory at 5M events"

PLAIN_TABLE = "bench_plain_event"


def rows(context: Context) -> list[Row]:
    found: list[Row] = []
    if context.wants("audit.appends") or context.wants("audit.appends_1"):
        with scratch_database(context.database_url, "audit_appends", context.say) as url:
            _create_plain_table(url)
            for writers, key in ((context.clients, "audit.appends"), (1, "audit.appends_1")):
                if not context.wants(key):
                    continue
                context.say(f"{key}: {writers} writer(s), {context.rounds} rounds")
                mine, base = interleaved(
                    context.rounds,
                    lambda w=writers: _appends(url, w, context.seconds, "chained"),
                    lambda w=writers: _appends(url, w, context.seconds, "plain"))
                found.append(Row(
                    key=key, title=f"chained audit appends, {writers} writer(s)",
                    unit="events/s", rounds=mine, target=APPEND_TARGET,
                    notes="one event per transaction, each writer a process of its own",
                    baseline=Row(key=f"{key}.baseline", unit="events/s", rounds=base,
                                 title="plain INSERT of the same row, same transactions")))
    if context.wants("audit.verify"):
        count = 100_000 if context.scale == "small" else 1_000_000
        found.extend(_verify_rows(context, count, "audit.verify"))
    if ((context.scale == "100k" and context.wants("audit.verify"))
            or "audit.verify_5m" in context.selected):  # flat memory at 5M events
        found.extend(_verify_rows(context, 5_000_000, "audit.verify_5m", baselines=False))
    return found


def _verify_rows(context: Context, count: int, key: str, baselines: bool = True) -> list[Row]:
    with scratch_database(context.database_url, f"audit_verify_{count}", context.say) as url:
        context.say(f"{key}: seeding {count:,} chained events")
        run_workers("bench.audit", "seed", url, 1, count)
        measures = [lambda: _verify(url, "django")]
        if baselines:
            measures += [lambda: _verify(url, "raw"), lambda: _verify(url, "stream")]
        context.say(f"{key}: verifying {count:,} events, {context.rounds} rounds")
        results = interleaved(context.rounds, *measures)
    label = f"{count / 1e6:g}M" if count >= 1_000_000 else f"{count // 1000}k"
    row = Row(key=key, title=f"audit_verify, {label} events", unit="events/s",
              rounds=results[0], target=VERIFY_TARGET,
              notes="extra.rss_growth_mib: the verifier's resident memory above its start")
    found = [row]
    if baselines:
        row.baseline = Row(key=f"{key}.baseline", title="the same check without the ORM",
                           unit="events/s", rounds=results[1])
        found.append(Row(key=f"{key}.floor", title="streaming + SHA-256 alone",
                         unit="events/s", rounds=results[2],
                         notes="each row's text read and hashed: the floor of any verifier"))
    return found


def _appends(url: str, writers: int, seconds: float, mode: str) -> Measure:
    results = run_workers("bench.audit", "appends", url, writers, seconds, mode)
    events = sum(r["events"] for r in results)
    elapsed = max(r["seconds"] for r in results)
    latencies = sorted(x for r in results for x in r["latencies_ms"])
    return Measure(value=events / elapsed, p50_ms=_percentile(latencies, 50),
                   p99_ms=_percentile(latencies, 99),
                   extra={"events": events, "seconds": elapsed, "writers": writers})


def _verify(url: str, mode: str) -> Measure:
    (result,) = run_workers("bench.audit", "verify", url, 1, mode)
    return Measure(value=result["events"] / result["seconds"],
                   extra={"events": result["events"], "seconds": result["seconds"],
                          "rss_growth_mib": result["rss_growth_mib"],
                          "peak_rss_mib": result["peak_rss_mib"]})


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def _create_plain_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {PLAIN_TABLE} "
                           "(LIKE decisions_auditevent INCLUDING DEFAULTS)")
        connection.execute(f"CREATE SEQUENCE IF NOT EXISTS {PLAIN_TABLE}_id")
        connection.execute(f"ALTER TABLE {PLAIN_TABLE} ALTER id "
                           f"SET DEFAULT nextval('{PLAIN_TABLE}_id')")


# The workers ---------------------------------------------------------------------------------

def _event_content(n: int) -> dict:
    """What a typical event carries: a task's move, its before and after."""
    return {"action": "task_completed", "stage": "legal_review",
            "before": {"status": "started", "holder": 7},
            "after": {"status": "done", "step": "legal_review", "holder": 7, "n": n,
                      "note": "基准测试"}}


def job_appends(start_at: float, index: int, seconds: float, mode: str) -> dict:
    """One writer: one event per transaction for ``seconds``, chained or plain."""
    worker_setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from decisions.audit import audit_record
    from decisions.audit.chain import canonical

    latencies, n = [], 0
    wait_until(start_at)
    started = time.perf_counter()
    while (now := time.perf_counter()) - started < seconds:
        content = _event_content(n)
        if mode == "chained":
            with transaction.atomic():
                audit_record(actor=None, ip="127.0.0.1", **content)
        else:
            digest = hashlib.sha256(canonical(content)).hexdigest()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {PLAIN_TABLE} (sequence, occurred_at, actor_name, ip, action, "
                    "stage, before, after, prev_hash, hash) VALUES "
                    "(%s, %s, '', %s, %s, %s, %s, %s, %s, %s)",
                    [index * 10**9 + n, timezone.now(), "127.0.0.1", content["action"],
                     content["stage"], _json(content["before"]), _json(content["after"]),
                     digest, digest])
        latencies.append((time.perf_counter() - now) * 1000)
        n += 1
    return {"events": n, "seconds": time.perf_counter() - started, "latencies_ms": latencies}


def _json(data: dict) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)


def job_seed(start_at: float, index: int, count: int) -> dict:
    """``count`` valid chained events, hashed with the chain's own ``event_hash``, by COPY."""
    worker_setup()
    from django.db import connection

    from decisions.audit import event_hash
    from decisions.models import GENESIS_HASH, AuditEvent

    started = time.perf_counter()
    first = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
    prev_hash = GENESIS_HASH
    columns = ("sequence", "occurred_at", "actor_name", "ip", "action", "stage", "before",
               "after", "prev_hash", "hash")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY decisions_auditevent ({', '.join(columns)}) FROM STDIN") as copy:
            for n in range(count):
                content = _event_content(n)
                event = AuditEvent(sequence=n + 1,
                                   occurred_at=first + datetime.timedelta(seconds=60 * n),
                                   actor_name="reviewer", ip="127.0.0.1", prev_hash=prev_hash,
                                   **content)
                event.hash = prev_hash = event_hash(event)
                copy.write_row((event.sequence, event.occurred_at, event.actor_name, event.ip,
                                event.action, event.stage, _json(event.before),
                                _json(event.after), event.prev_hash, event.hash))
        cursor.execute("ANALYZE decisions_auditevent")
    return {"events": count, "seconds": time.perf_counter() - started}


def job_verify(start_at: float, index: int, mode: str) -> dict:
    """Verify the whole chain: ``django`` the app's own ``verify_chain()``; ``raw`` the same
    check on plain rows of a server-side cursor, no model objects; ``stream`` each row's text
    read and hashed, nothing checked (the floor)."""
    worker_setup()
    from django.db import connection

    connection.ensure_connection()
    rss_before = rss_mib()
    started = time.perf_counter()
    if mode == "django":
        from decisions.audit import verify_chain

        report = verify_chain()
        assert report.ok, report
        events = report.events
    elif mode == "raw":
        events = _verify_raw(connection)
    else:
        events = _stream_and_hash(connection)
    elapsed = time.perf_counter() - started
    return {"events": events, "seconds": elapsed, "rss_growth_mib": peak_rss_mib() - rss_before,
            "peak_rss_mib": peak_rss_mib()}


def _verify_raw(connection) -> int:
    """The chain's check written against psycopg alone: a named cursor, tuples, the canonical
    bytes built by hand and SHA-256 in a tight loop."""
    from json import loads

    from decisions.audit.chain import canonical
    from decisions.models import GENESIS_HASH

    raw = connection.connection
    expected_prev, expected_sequence, count = GENESIS_HASH, 1, 0
    with raw.transaction(), raw.cursor(name="bench_verify") as cursor:
        cursor.itersize = 5000
        cursor.execute("SELECT sequence, occurred_at, actor_id, actor_name, host(ip), action, "
                       "decision_id, task_id, stage, before, after, prev_hash, hash "
                       "FROM decisions_auditevent ORDER BY sequence")
        for (sequence, occurred, actor, actor_name, ip, action, decision, task, stage, before,
             after, prev_hash, stored) in cursor:
            count += 1
            fields = {"sequence": sequence, "occurred_at": occurred.astimezone(datetime.UTC)
                      .isoformat(timespec="microseconds"), "actor": actor,
                      "actor_name": actor_name, "ip": ip, "action": action,
                      "decision": decision, "task": task, "stage": stage,
                      "before": loads(before), "after": loads(after), "prev_hash": prev_hash}
            if (sequence != expected_sequence or prev_hash != expected_prev
                    or hashlib.sha256(canonical(fields)).hexdigest() != stored):
                raise AssertionError(f"the seeded chain breaks at {sequence}")
            expected_prev, expected_sequence = stored, sequence + 1
    return count


def _stream_and_hash(connection) -> int:
    """Every row's text through COPY, each line hashed: reading and SHA-256, nothing else."""
    raw = connection.connection
    count = 0
    with raw.cursor() as cursor, cursor.copy(
            "COPY (SELECT * FROM decisions_auditevent ORDER BY sequence) TO STDOUT") as copy:
        for line in copy.rows():
            hashlib.sha256("\t".join(map(str, line)).encode()).hexdigest()
            count += 1
    return count


JOBS = {"appends": (job_appends, (float, str)), "seed": (job_seed, (int,)),
        "verify": (job_verify, (str,))}


if __name__ == "__main__":
    job, kinds = JOBS[sys.argv[1]]
    arguments = [kind(value) for kind, value in zip(kinds, sys.argv[4:], strict=True)]
    emit(job(float(sys.argv[2]), int(sys.argv[3]), *arguments))
