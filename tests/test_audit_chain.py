"""The audit hash chain: appends, the database's refusal to change it, tamper detection by
``audit_verify``, head digests proving the past against a forger who re-chains, concurrent writers
and bounded memory.

Tampering goes around the immutability trigger the way someone with database access would
(``session_replication_role = replica``); on SQLite, which has no trigger, raw SQL suffices.
"""

import datetime
import multiprocessing
import tracemalloc
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.audit import audit_record, chain_rows, event_hash, verify_chain, verify_events
from decisions.audit.digest import NOTICE, DigestFormatError, HeadDigest
from decisions.models import GENESIS_HASH, AuditEvent
from decisions.records.drafts import draft_version_create

from .factories import Journey


@pytest.fixture(autouse=True)
def digest_dir(settings, tmp_path):
    settings.JUECE_AUDIT_DIGEST_DIR = tmp_path / "digests"
    return settings.JUECE_AUDIT_DIGEST_DIR


@pytest.fixture
def journey(people) -> Journey:
    return Journey(people).submit().accept().participate().review("lawful")


def audit_verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def export_head(path) -> HeadDigest:
    call_command("audit_export_head", "--out", str(path), stdout=StringIO())
    return HeadDigest.parse(path.read_text(encoding="utf-8"))


def event(sequence: int) -> AuditEvent:
    return AuditEvent.objects.get(sequence=sequence)


@contextmanager
def forging():
    """A cursor that writes around the immutability trigger, as an attacker with DB access."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def rewrite(cursor, forged: AuditEvent) -> None:
    cursor.execute('UPDATE decisions_auditevent SET "after" = %s, prev_hash = %s, hash = %s '
                   "WHERE id = %s", [json_param(forged.after), forged.prev_hash, forged.hash,
                                     forged.pk])


def json_param(value: dict):
    return AuditEvent._meta.get_field("after").get_db_prep_value(value, connection)


def shift_sequences(cursor, *, above: int, by: int) -> None:
    """Move events after ``above`` in two steps, so the unique index never sees a collision."""
    cursor.execute("UPDATE decisions_auditevent SET sequence = sequence + 1000000 "
                   "WHERE sequence > %s", [above])
    cursor.execute("UPDATE decisions_auditevent SET sequence = sequence - 1000000 + %s "
                   "WHERE sequence > %s", [by, above + 1000000])


def bulk_chain(count: int, batch: int = 2000) -> None:
    """Append ``count`` valid events quickly: hashes computed here, rows inserted in batches."""
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = head or (0, GENESIS_HASH)
    start, rows = timezone.now(), []
    for n in range(count):
        sequence += 1
        row = AuditEvent(sequence=sequence, occurred_at=start + datetime.timedelta(microseconds=n),
                         action="bulk_probe", after={"n": n, "note": "批量写入的测试事件"},
                         prev_hash=prev_hash)
        row.hash = prev_hash = event_hash(row)
        rows.append(row)
        if len(rows) == batch:
            AuditEvent.objects.bulk_create(rows)
            rows = []
    AuditEvent.objects.bulk_create(rows)


# Appending


def test_a_service_write_appends_exactly_one_linked_event(journey, people):
    head = AuditEvent.objects.latest("sequence")
    draft_version_create(decision=journey.decision, text="第二稿", acting_user=people["drafter"])
    new = list(AuditEvent.objects.filter(sequence__gt=head.sequence))
    assert [e.action for e in new] == ["draft_version_create"]
    assert new[0].sequence == head.sequence + 1 and new[0].prev_hash == head.hash
    assert new[0].actor == people["drafter"] and new[0].decision == journey.decision


@pytest.mark.postgres
def test_a_step_appends_all_its_events_at_its_end_under_one_lock(people):
    """A step's events wait for its end and go into the chain together: one round trip takes the
    chain lock and reads the head, one INSERT writes them all, however many the step recorded
    (the acceptance: grants, the task's moves, the stage). Each event used to cost its own lock,
    head, insert and savepoint."""
    submitted = Journey(people).submit()
    head = AuditEvent.objects.latest("sequence").sequence
    with CaptureQueriesContext(connection) as queries:
        submitted.accept()
    events = AuditEvent.objects.filter(sequence__gt=head).count()
    locks = [q for q in queries if "pg_advisory_xact_lock" in q["sql"]]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "decisions_auditevent"')]
    assert events >= 10
    assert len(locks) == len(inserts) <= 2  # the office claims the task, then completes it
    assert all("ORDER BY sequence DESC LIMIT 1" in q["sql"] for q in locks)


def test_a_journey_leaves_one_unbroken_chain(journey):
    events = list(AuditEvent.objects.order_by("sequence"))
    assert len(events) > 10
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    report = verify_chain()
    assert report.ok and report.events == len(events)
    assert (report.head_sequence, report.head_hash) == (events[-1].sequence, events[-1].hash)


def test_audit_verify_prints_the_head_of_an_intact_chain(journey):
    head = AuditEvent.objects.latest("sequence")
    assert audit_verify().strip() == (f"Audit chain intact: {head.sequence} events, "
                                      f"head #{head.sequence} sha256={head.hash}")


def test_an_empty_chain_is_intact(db):
    assert audit_verify().startswith("Audit chain intact: 0 events")


# The database refuses to change the chain


@pytest.mark.postgres
def test_the_database_refuses_to_update_or_delete_an_event(journey):
    target = event(3)
    for attempt in (lambda: AuditEvent.objects.filter(pk=target.pk).update(action="forged"),
                    lambda: AuditEvent.objects.filter(pk=target.pk).delete()):
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            attempt()
    for sql in ("UPDATE decisions_auditevent SET action = 'forged' WHERE id = %s",
                "DELETE FROM decisions_auditevent WHERE id = %s"):
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [target.pk])
    assert event(3).hash == target.hash and verify_chain().ok


# Tampering is detected, and the first bad event named


def test_an_altered_event_is_named(journey):
    target = event(4)
    with forging() as cursor:
        cursor.execute('UPDATE decisions_auditevent SET "after" = %s WHERE id = %s',
                       [json_param({"outcome": "unlawful"}), target.pk])
    with pytest.raises(CommandError, match=rf"BROKEN at event #4 \(id {target.pk}\): its content"):
        audit_verify()


def test_a_removed_event_is_named_by_the_one_after_it(journey):
    with forging() as cursor:
        cursor.execute("DELETE FROM decisions_auditevent WHERE sequence = 5")
    with pytest.raises(CommandError, match=rf"BROKEN at event #6 \(id {event(6).pk}\): "
                                           "sequence 6 where 5 was expected"):
        audit_verify()


def test_an_event_inserted_in_the_middle_is_detected(journey, people):
    with forging() as cursor:
        shift_sequences(cursor, above=5, by=1)
    forged = AuditEvent(sequence=6, occurred_at=event(5).occurred_at, actor=people["reviewer"],
                        actor_name="reviewer", action="legal_review_record",
                        decision=journey.decision, after={"outcome": "lawful"},
                        prev_hash=event(5).hash)
    forged.hash = event_hash(forged)
    forged.save()
    with pytest.raises(CommandError, match=r"BROKEN at event #7 .*does not link"):
        audit_verify()


def test_reordered_events_are_detected(journey):
    with forging() as cursor:
        cursor.execute("UPDATE decisions_auditevent SET sequence = 1000000 WHERE sequence = 3")
        cursor.execute("UPDATE decisions_auditevent SET sequence = 3 WHERE sequence = 4")
        cursor.execute("UPDATE decisions_auditevent SET sequence = 4 WHERE sequence = 1000000")
    with pytest.raises(CommandError, match=r"BROKEN at event #3 .*does not link"):
        audit_verify()


def test_an_altered_event_with_its_own_hash_recomputed_breaks_the_next_link(journey):
    forged = event(4)
    forged.after = {**forged.after, "forged": True}
    forged.hash = event_hash(forged)
    with forging() as cursor:
        rewrite(cursor, forged)
    with pytest.raises(CommandError, match=r"BROKEN at event #5 .*does not link"):
        audit_verify()


# The fast check gives the verdict of the canonical encoder

#: Values orjson writes, or reads, otherwise than the canonical encoder and the ORM do.
AWKWARD = {"small": 1e-7, "tiny": -2.5e-9, "wide": 2**70, "narrow": -(2**64) - 1,
           "separators": "\u2028\u2029", "controls": "\x01\x1f\x7f\t\n",
           "\U0001f600": "an astral-plane key", "\uffff": "after the astral one in UTF-16 only",
           "nested": [{"b": 0.1, "a": 1e-5}, {"ü": "ÿ"}]}


def both_verdicts():
    """The report of the streamed check (PostgreSQL) and of the ORM's light rows."""
    return verify_chain(), verify_events(chain_rows())


def test_events_the_two_encoders_write_differently_still_verify(journey):
    audit_record(action="login", actor=None, ip="127.0.0.1", before=AWKWARD,
                 after={"values": AWKWARD, "n": 1})
    head = AuditEvent.objects.latest("sequence")
    streamed, light = both_verdicts()
    assert streamed == light
    assert streamed.ok and streamed.head_sequence == head.sequence


def test_an_altered_awkward_event_is_still_named(journey):
    audit_record(action="login", actor=None, after={"values": AWKWARD})
    target = AuditEvent.objects.latest("sequence")
    with forging() as cursor:
        cursor.execute('UPDATE decisions_auditevent SET "after" = %s WHERE id = %s',
                       [json_param({"values": {**AWKWARD, "small": 2e-7}}), target.pk])
    streamed, light = both_verdicts()
    assert streamed == light
    assert (streamed.problem, streamed.first_bad, streamed.first_bad_sequence) == (
        "hash", target.pk, target.sequence)


@pytest.mark.postgres
def test_a_number_orjson_reads_otherwise_than_the_orm_is_judged_as_the_orm_reads_it(journey):
    """orjson reads an integer beyond 64 bits as a float, whose sorted bytes can be those of an
    event hashed over that float; the ORM reads an integer, so the event is altered."""
    target = event(4)
    forged = AuditEvent(**{f.attname: getattr(target, f.attname)
                           for f in AuditEvent._meta.concrete_fields})
    forged.after = {"n": float(2**64)}
    forged.hash = event_hash(forged)
    with forging() as cursor:
        cursor.execute('UPDATE decisions_auditevent SET "after" = %s::jsonb, hash = %s '
                       "WHERE id = %s", ['{"n": 18446744073709551616}', forged.hash, target.pk])
    streamed, light = both_verdicts()
    assert streamed == light
    assert (streamed.problem, streamed.first_bad_sequence) == ("hash", 4)


@pytest.mark.postgres
@pytest.mark.parametrize("change", [
    # the same day and time, BC:
    "occurred_at = occurred_at - make_interval(years => 2 * extract(year FROM occurred_at)::int"
    " - 1)",
    "ip = '127.0.0.1/24'",  # the same host, with a netmask
    "actor_name = actor_name || ' '",
])
def test_alterations_the_streamed_text_could_hide_are_named(people, change):
    audit_record(action="login", actor=people["auditor"], ip="127.0.0.1", after={"n": 1})
    audit_record(action="login", actor=people["auditor"], ip="127.0.0.1", after={"n": 2})
    target = AuditEvent.objects.get(sequence=1)
    with forging() as cursor:
        cursor.execute(f"UPDATE decisions_auditevent SET {change} WHERE id = %s", [target.pk])
    report = verify_chain()
    assert (report.ok, report.problem, report.first_bad_sequence) == (False, "hash", 1)


@pytest.mark.postgres
@pytest.mark.parametrize("tamper", [
    "UPDATE decisions_auditevent SET action = 'forged' WHERE sequence = 20",
    "DELETE FROM decisions_auditevent WHERE sequence = 20",
    "UPDATE decisions_auditevent SET prev_hash = hash WHERE sequence = 4020",
])
def test_stopping_early_leaves_the_surrounding_transaction_usable(db, tamper):
    """A broken chain ends the stream long before its end: the query is cancelled inside a
    savepoint of its own, and the caller's transaction (here the test's) goes on."""
    bulk_chain(6000)
    with forging() as cursor:
        cursor.execute(tamper)
    streamed, light = both_verdicts()
    assert streamed == light and not streamed.ok
    assert AuditEvent.objects.count() == 6000 - tamper.startswith("DELETE")
    audit_record(action="login", actor=None)
    assert AuditEvent.objects.latest("sequence").action == "login"


# Head digests


def test_the_digest_is_readable_by_an_office_and_by_the_machine(journey, digest_dir):
    call_command("audit_export_head", stdout=StringIO())
    path = digest_dir / f"audit-head-{timezone.localdate():%Y-%m-%d}.txt"
    text = path.read_text(encoding="utf-8")
    head = AuditEvent.objects.latest("sequence")
    assert head.action == "audit_head_export"
    assert text.splitlines()[:2] == ["juece audit chain head", NOTICE]
    assert f"sequence: {head.sequence}\nsha256: {head.hash}\nevents: {head.sequence}\n" in text
    assert "+08:00" in text and text.endswith("verified: yes\n")
    assert HeadDigest.parse(text + "签章：\n") == HeadDigest.parse(text)
    with pytest.raises(DigestFormatError):
        HeadDigest.parse(text.replace("sha256: ", "sha256: x"))


def test_a_broken_chain_is_not_exported(journey, tmp_path):
    with forging() as cursor:
        cursor.execute("DELETE FROM decisions_auditevent WHERE sequence = 2")
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"No digest exported\. .*BROKEN at event #3"):
        call_command("audit_export_head", "--out", str(tmp_path / "d.txt"), stdout=StringIO())
    assert not (tmp_path / "d.txt").exists() and AuditEvent.objects.count() == count


def test_the_beat_task_exports_the_digest(journey, digest_dir):
    from decisions.tasks import audit_export_head

    result = audit_export_head()
    assert result["sha256"] == AuditEvent.objects.latest("sequence").hash
    assert settings.CELERY_BEAT_SCHEDULE["audit-export-head"]["task"] == (
        "decisions.tasks.audit_export_head")


def test_verifying_against_a_digest_covers_later_events(journey, people, tmp_path):
    digest = export_head(tmp_path / "head.txt")
    Journey(people).submit()
    output = audit_verify("--against", str(tmp_path / "head.txt"))
    assert f"Matches the digest head.txt: event #{digest.sequence}" in output
    assert AuditEvent.objects.latest("sequence").sequence > digest.sequence


def test_a_rechained_forgery_passes_alone_but_not_against_the_digest(journey, people, tmp_path):
    """A forger who alters an old event and recomputes every later hash leaves a valid chain;
    only the digest sealed before the forgery exposes it."""
    digest = export_head(tmp_path / "head.txt")
    Journey(people).submit()
    prev_hash = event(3).hash
    with forging() as cursor:
        for row in AuditEvent.objects.filter(sequence__gte=4).order_by("sequence"):
            if row.sequence == 4:
                row.after = {**row.after, "forged": True}
            row.prev_hash = prev_hash
            row.hash = prev_hash = event_hash(row)
            rewrite(cursor, row)
    assert audit_verify().startswith("Audit chain intact")
    with pytest.raises(CommandError, match=rf"BROKEN at event #{digest.sequence} .*"
                                           "the digest sealed .*rewritten"):
        audit_verify("--against", str(tmp_path / "head.txt"))


def test_against_a_digest_the_first_fault_along_the_chain_is_named(journey, people, tmp_path):
    """A fault before the sealed event is named before the seal's; the seal's before a fault
    after it, as a walk along the chain meets them."""
    digest = export_head(tmp_path / "head.txt")
    Journey(people).submit()
    prev_hash = event(3).hash
    with forging() as cursor:
        for row in AuditEvent.objects.filter(sequence__gte=4).order_by("sequence"):
            row.after = {**row.after, "forged": row.sequence == 4}
            row.prev_hash = prev_hash
            row.hash = prev_hash = event_hash(row)
            rewrite(cursor, row)
        cursor.execute("UPDATE decisions_auditevent SET action = 'forged' WHERE sequence = %s",
                       [digest.sequence + 2])
    with pytest.raises(CommandError, match=rf"BROKEN at event #{digest.sequence + 2} "):
        audit_verify()
    with pytest.raises(CommandError, match=rf"BROKEN at event #{digest.sequence} .*rewritten"):
        audit_verify("--against", str(tmp_path / "head.txt"))
    with forging() as cursor:
        cursor.execute("UPDATE decisions_auditevent SET action = 'forged' WHERE sequence = 2")
    with pytest.raises(CommandError, match=r"BROKEN at event #2 .*its content"):
        audit_verify("--against", str(tmp_path / "head.txt"))


def test_events_cut_off_the_end_pass_alone_but_not_against_the_digest(journey, tmp_path):
    digest = export_head(tmp_path / "head.txt")
    with forging() as cursor:
        cursor.execute("DELETE FROM decisions_auditevent WHERE sequence >= %s",
                       [digest.sequence - 2])
    assert audit_verify().startswith("Audit chain intact")
    with pytest.raises(CommandError, match=rf"seals event #{digest.sequence}, but the chain "
                                           rf"ends at #{digest.sequence - 3}"):
        audit_verify("--against", str(tmp_path / "head.txt"))


def test_a_digest_whose_count_disagrees_is_refused(journey, tmp_path):
    export_head(tmp_path / "head.txt")
    path = tmp_path / "head.txt"
    text = path.read_text(encoding="utf-8")
    events = HeadDigest.parse(text).events
    path.write_text(text.replace(f"events: {events}", f"events: {events + 1}"), encoding="utf-8")
    with pytest.raises(CommandError, match="the digest counted"):
        audit_verify("--against", str(path))
    with pytest.raises(CommandError, match="Cannot read the digest"):
        audit_verify("--against", str(tmp_path / "missing.txt"))


# Concurrent writers


def _append_events(database_name: str, worker: int, count: int, start) -> None:
    connections["default"].settings_dict["NAME"] = database_name
    start.wait()
    for n in range(count):
        with transaction.atomic():
            audit_record(action="concurrency_probe", actor=None, after={"worker": worker, "n": n})
    connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_several_processes_keep_one_chain():
    workers, each = 4, 50
    database_name = connection.settings_dict["NAME"]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(workers)
    processes = [context.Process(target=_append_events, args=(database_name, w, each, start))
                 for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * workers
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, workers * each + 1))
    report = verify_chain()
    assert report.ok and report.events == workers * each


# Bounded memory


def test_verification_streams_in_bounded_memory(db):
    bulk_chain(20_000)
    tracemalloc.start()
    try:
        report = verify_chain()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report.events == 20_000
    assert peak < 5 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("depth", [1, 2])
def test_events_appended_inside_a_savepoint_rolled_back_wait_for_their_own_commit(depth):
    """Events of a transaction are appended when its events are read; if that happened inside a
    savepoint later rolled back, the append is undone with it, and the events recorded before
    the savepoint still reach the chain with their transaction (no change without its event)."""
    with transaction.atomic():
        audit_record(action="login", actor=None, after={"n": 1})
        with transaction.atomic():  # an outer savepoint the append empties too
            audit_record(action="login", actor=None, after={"n": 2})
            try:
                with transaction.atomic():
                    if depth == 2:
                        audit_record(action="login", actor=None, after={"n": "lost"})
                    assert AuditEvent.objects.count() == 2 + (depth == 2)  # appended here
                    raise IntegrityError("a caught failure")
            except IntegrityError:
                pass
            audit_record(action="login", actor=None, after={"n": 3})
    assert [e.after["n"] for e in AuditEvent.objects.order_by("sequence")] == [1, 2, 3]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_an_outer_savepoint_rolled_back_after_such_an_append_keeps_only_the_events_before_it():
    with transaction.atomic():
        audit_record(action="login", actor=None, after={"n": 1})
        try:
            with transaction.atomic():
                audit_record(action="login", actor=None, after={"n": "lost"})
                with transaction.atomic():
                    assert AuditEvent.objects.count() == 2
                raise IntegrityError("a caught failure")
        except IntegrityError:
            pass
    assert [e.after["n"] for e in AuditEvent.objects.order_by("sequence")] == [1]
    assert verify_chain().ok


@pytest.mark.postgres
def test_large_floats_are_recorded_as_the_database_gives_them_back(journey):
    """PostgreSQL keeps a JSON number exactly and gives Python's ``1e+16`` back as an integer:
    the event records what will be read back, so its hash still holds."""
    audit_record(action="login", actor=None, after={
        "large": 1e16, "huge": 2.0**60, "negative": -3.5e20, "round": 100.0, "small": 1e-7})
    event = AuditEvent.objects.latest("sequence")
    assert event.after == {"large": 10**16, "huge": 1152921504606847000,
                           "negative": -350000000000000000000, "round": 100.0, "small": 1e-7}
    streamed, light = both_verdicts()
    assert streamed.ok and light.ok
