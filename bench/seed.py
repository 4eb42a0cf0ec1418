"""Seed a database at a county's scale, fast, with rows the real engine wrote.

The demo (``seed_demo``) first plays its fifteen decisions through the real flow, services and
gates: every stage and outcome, with its viewflow process and tasks, stage tasks, deadlines,
notifications, guardian grants and audit events. Those decisions are the templates. Each of the
30 towns gets its own people (``drafter_07``, ``office_07``... the demo's password), then every
table a decision owns is cloned in set-based ``INSERT ... SELECT`` statements, one per table and
batch of clones: ids shifted by a stride per table (so every foreign key lands on the clone's own
rows), people mapped to the clone's town, times moved back by the clone's years and weeks. The
audit trail is then written anew in time order with ``COPY``, each event's hash computed in
Python by ``decisions.audit.chain.event_hash`` exactly as the app computes it, so
``manage.py audit_verify`` passes. Triggers are off while the rows load (``session_replication_role
= replica``); every foreign key is checked afterwards with an anti-join, and the seed fails if
any row points nowhere.

Decisions spread over ten years and thirty towns: the older a year, the more of its decisions are
closed (published, not adopted, archived), as in a real county.
"""

from __future__ import annotations

import datetime
import heapq
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: decisions per scale
SCALES = {"small": 150, "1k": 1_000, "20k": 20_000, "100k": 100_000}

TOWNS = [
    "季家镇", "李家镇", "王庄镇", "柳河镇", "石桥镇", "青山镇", "白沙镇", "枫林镇", "桃源镇",
    "龙泉镇", "双河镇", "新集镇", "高庙镇", "黄土镇", "马坊镇", "杨柳镇", "东岗镇", "西湖镇",
    "南塘镇", "北寨镇", "金山镇", "银河镇", "长乐镇", "永安镇", "太平镇", "和平镇", "兴隆镇",
    "安宁镇", "清水镇", "河口镇",
]
YEARS = 10
#: 364 days: moving a clone back by whole years of weeks keeps its days' weekdays
YEAR_DAYS = 364

#: Tables the clone leaves alone although a path leads from them to a decision: the audit trail
#: is written apart (in time order, hashed), and a refusal's tally belongs to its event.
NOT_CLONED = {"decisions_auditevent", "decisions_refusaltally"}
#: Users' own rows, cloned once per town.
USER_TABLES = ("auth_user_groups", "auth_user_user_permissions", "decisions_profile")


class Progress:
    """A plain progress bar on standard error: ``label [#####-----]  45%  12,345/27,000  3.2 s``."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 30):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.width, self.started, self.shown = width, time.perf_counter(), 0.0

    def update(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self.shown >= 0.2 or self.done >= self.total:
            self.shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * self.width)
        self.stream.write(f"\r{self.label:<24} [{bar:<{self.width}}] {share:4.0%} "
                          f"{self.done:>11,}/{self.total:,} {now - self.started:6.1f} s")
        self.stream.flush()

    def close(self) -> float:
        elapsed = time.perf_counter() - self.started
        if self.done < self.total:
            self.done = self.total
            self._draw(time.perf_counter())
        self.stream.write("\n")
        return elapsed


@dataclass
class Clone:
    """One decision of the seeded county: a copy of template ``template``, number ``n`` (0: the
    template itself), in ``town``, moved back ``shift`` days."""

    n: int
    template: int
    town: int
    shift: int


def plan(total: int, templates: dict[int, str], *, seed: int = 13) -> list[Clone]:
    """Which template each decision copies, in which town and year. ``templates`` maps each
    template decision's id to its status: the templates themselves are the first decisions (this
    year, town 0); the rest spread over thirty towns and ten years, older years mostly closed."""
    rng = random.Random(seed)
    ids = sorted(templates)
    closed = [pk for pk in ids if templates[pk] != "active"] or ids
    clones = [Clone(0, pk, 0, 0) for pk in ids]
    for n in range(1, max(total - len(ids), 0) + 1):
        years_back = rng.randrange(YEARS)
        share_closed = 0.0 if years_back == 0 else 0.7 if years_back == 1 else 0.98
        template = rng.choice(closed if rng.random() < share_closed else ids)
        shift = years_back * YEAR_DAYS + 7 * rng.randrange(52 if years_back else 4)
        clones.append(Clone(n, template, n % len(TOWNS), shift))
    return clones


# --- the schema, read from Django's models ----------------------------------------------------


@dataclass
class Table:
    name: str
    model: type
    #: FROM/JOIN text after ``FROM <table> t`` that reaches the decision, and the expression
    #: naming the template decision's id
    joins: str
    decision: str
    where: str = ""


def decision_tables() -> list[Table]:
    """Every table whose rows belong to one decision, with the SQL that finds that decision."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from viewflow.workflow.models import Process, Task

    from decisions.models import Decision

    decision_ct = ContentType.objects.get_for_model(Decision).pk
    known: dict[type, Table] = {
        Decision: Table(Decision._meta.db_table, Decision, "", "t.id"),
        Process: Table(Process._meta.db_table, Process,
                       "JOIN decisions_decision d0 ON d0.process_id = t.id", "d0.id"),
        Task: Table(Task._meta.db_table, Task,
                    "JOIN decisions_decision d0 ON d0.process_id = t.process_id", "d0.id"),
        Task.previous.through: Table(
            Task.previous.through._meta.db_table, Task.previous.through,
            "JOIN viewflow_task p0 ON p0.id = t.from_task_id "
            "JOIN decisions_decision d0 ON d0.process_id = p0.process_id", "d0.id"),
    }
    for model in (UserObjectPermission, GroupObjectPermission):
        known[model] = Table(model._meta.db_table, model, "",
                             "CASE WHEN t.object_pk ~ '^[0-9]+$' THEN t.object_pk::bigint END",
                             where=f"t.content_type_id = {decision_ct}")

    models = [m for m in apps.get_models(include_auto_created=True)
              if m._meta.db_table not in NOT_CLONED and not m._meta.proxy]
    changed = True
    while changed:  # a model whose parent (by foreign key) belongs to a decision belongs to it
        changed = False
        for model in models:
            if model in known:
                continue
            for field in model._meta.concrete_fields:
                parent = field.related_model if field.is_relation else None
                if parent is None or parent._meta.concrete_model not in known:
                    continue
                above = known[parent._meta.concrete_model]
                if parent._meta.concrete_model is Decision:
                    joins, expr = "", f"t.{field.column}"
                else:
                    alias = f"a{len(known)}"
                    inner = above.joins.replace(" t.", f" {alias}.").replace("(t.", f"({alias}.")
                    joins = (f"JOIN {above.name} {alias} ON {alias}.id = t.{field.column} "
                             + inner)
                    expr = above.decision.replace("t.", f"{alias}.")
                known[model] = Table(model._meta.db_table, model, joins, expr)
                changed = True
                break
    return [known[m] for m in known]


def fk_targets(model) -> dict[str, str]:
    """column -> referenced table, for each foreign key of ``model``."""
    return {f.column: f.related_model._meta.db_table
            for f in model._meta.concrete_fields if f.is_relation}


# --- the clone -------------------------------------------------------------------------------


class Seeder:
    def __init__(self, connection, *, say: Callable[[str], None] = print, batch: int = 5000):
        self.connection, self.say, self.batch = connection, say, batch

    def sql(self, statement: str, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None

    def one(self, statement: str, params=None):
        rows = self.sql(statement, params)
        return rows[0][0] if rows else None

    # strides: a clone's rows of table T have the template's ids plus n * stride[T]
    def strides(self, tables: list[Table]) -> dict[str, int]:
        stride = {t.name: (self.one(f"SELECT max(id) FROM {t.name}") or 0) + 1 for t in tables}
        shared = max(stride["viewflow_task"], stride["decisions_stagetask"])
        stride["viewflow_task"] = stride["decisions_stagetask"] = shared  # one number per task
        stride["auth_user"] = self.one("SELECT max(id) FROM auth_user") + 1
        if "decisions_documentnumber" in stride:  # numbers stay unique within their year
            stride["decisions_documentnumber.serial"] = (
                self.one("SELECT max(serial) FROM decisions_documentnumber") or 0) + 1
        return stride

    def fix_counters(self) -> None:
        """Each kind of document's counter at its year's last number, so that the next number
        the app gives is new (decisions/documents)."""
        tables = {row[0] for row in self.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        if {"decisions_documentnumber", "decisions_documentcounter"} <= tables:
            self.sql("""
                INSERT INTO decisions_documentcounter (kind, year, last)
                SELECT kind, year, max(serial) FROM decisions_documentnumber GROUP BY kind, year
                ON CONFLICT (kind, year) DO UPDATE SET last = GREATEST(
                    decisions_documentcounter.last, EXCLUDED.last)""")

    def column_expr(self, model, column: str, field, stride: dict[str, int], *,
                    table: str, town_only: bool = False) -> str:
        """The SQL giving a clone's value of ``column`` from its template row ``t``."""
        from django.db import models as djm

        col = f"t.{column}"
        if column == "id" and not town_only:
            return f"{col} + c.n * {stride[table]}"
        if column == "id":
            return f"{col} + c.town * {stride[table]}"
        target = fk_targets(model).get(column)
        if target == "auth_user":
            return f"{col} + c.town * {stride['auth_user']}"
        if target in stride and not town_only:
            return f"{col} + c.n * {stride[target]}"
        if table == "decisions_decision":
            if column == "process_id":
                return f"{col} + c.n * {stride['viewflow_process']}"
            if column == "title":
                return f"left(replace({col}, '{TOWNS[0]}', c.town_name), 200)"
            if column == "lead_unit":
                return f"left(c.town_name || {col}, 120)"
        if table == "decisions_profile" and column == "unit":
            return f"left(c.town_name || {col}, {field.max_length or 120})"
        if column == "object_pk" and table.startswith("guardian_"):
            return f"({col}::bigint + c.n * {stride['decisions_decision']})::text"
        if table == "viewflow_task" and column == "owner_permission_obj_pk":
            return (f"CASE WHEN {col} ~ '^[0-9]+$' THEN ({col}::bigint + c.n * "
                    f"{stride['decisions_decision']})::text ELSE {col} END")
        if table == "decisions_notification" and column == "event":
            return (f"CASE WHEN {col} ~ '^task:[0-9]+$' THEN 'task:' || (split_part({col}, ':', 2)"
                    f"::bigint + c.n * {stride['viewflow_task']}) WHEN {col} ~ '^[a-z_]+:[0-9]+$' "
                    f"THEN split_part({col}, ':', 1) || ':' || (split_part({col}, ':', 2)::bigint"
                    f" + c.n * {stride['decisions_decision']}) ELSE {col} END")
        if table == "decisions_notification" and column == "url":
            step = stride["decisions_decision"]
            return (f"COALESCE((SELECT x[1] || (x[2]::bigint + c.n * {step})"
                    f" || x[3] || COALESCE((x[4]::bigint + c.n * {stride['viewflow_task']})::text,"
                    f" '') || x[5] FROM (SELECT regexp_match({col}, "
                    r"'^(.*/decision/)([0-9]+)(/(?:[a-z_]+/)?)([0-9]+)?(/?.*)$') AS x) s), "
                    f"{col})")
        if table == "auth_user":
            if column == "username":
                return f"{col} || '_' || lpad(c.town::text, 2, '0')"
            if column == "email":
                return (f"CASE WHEN {col} = '' THEN '' ELSE split_part({col}, '@', 1) || '_' || "
                        f"lpad(c.town::text, 2, '0') || '@' || split_part({col}, '@', 2) END")
            if column in ("is_superuser", "is_staff"):
                return "false"
            if column == "first_name":
                return col
        if table == "decisions_documentnumber" and column == "year":
            return f"{col} - c.shift / {YEAR_DAYS}"  # numbered in the clone's own year
        if table == "decisions_documentnumber" and column == "serial":
            return f"{col} + c.n * {stride['decisions_documentnumber.serial']}"
        if isinstance(field, djm.DateTimeField):
            return f"{col} - make_interval(days => c.shift)"
        if isinstance(field, djm.DateField):
            return f"{col} - c.shift"
        return col

    def insert_select(self, table: str, model, stride, *, joins: str, decision: str,
                      where: str, clone_filter: str, town_only: bool = False) -> int:
        fields = {f.column: f for f in model._meta.concrete_fields}
        columns = list(fields)
        exprs = [self.column_expr(model, c, fields[c], stride, table=table, town_only=town_only)
                 for c in columns]
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} "
               f"FROM {table} t {joins} JOIN bench_clone c ON c.template = {decision} "
               f"WHERE {clone_filter} AND t.id < {stride[table]}"
               + (f" AND {where}" if where else ""))
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.rowcount

    # --- steps ---------------------------------------------------------------------------------

    def write_plan(self, clones: list[Clone]) -> None:
        self.sql("DROP TABLE IF EXISTS bench_clone")
        self.sql("CREATE UNLOGGED TABLE bench_clone (n bigint PRIMARY KEY, template bigint, "
                 "town int, town_name text, shift int)")
        with self.connection.cursor() as cursor, cursor.copy(
                "COPY bench_clone (n, template, town, town_name, shift) FROM STDIN") as copy:
            for c in clones:
                if c.n == 0:  # the templates themselves
                    continue
                copy.write_row((c.n, c.template, c.town, TOWNS[c.town], c.shift))
        self.sql("CREATE INDEX ON bench_clone (template)")
        self.sql("ANALYZE bench_clone")

    def clone_users(self, stride) -> int:
        """Each town after the first gets a copy of the demo's people and their groups."""
        from django.apps import apps
        from django.contrib.auth import get_user_model

        self.sql("DROP TABLE IF EXISTS bench_town")
        self.sql("CREATE UNLOGGED TABLE bench_town (town int, town_name text)")
        self.sql("INSERT INTO bench_town SELECT g, (%s::text[])[g + 1] FROM "
                 "generate_series(1, %s) g", [TOWNS, len(TOWNS) - 1])
        count = 0
        user = get_user_model()
        owned = [(user._meta.db_table, user)]
        for model in apps.get_models(include_auto_created=True):
            if model._meta.db_table in USER_TABLES:
                owned.append((model._meta.db_table, model))
        for table, _model in owned:
            stride.setdefault(table, (self.one(f"SELECT max(id) FROM {table}") or 0) + 1)
        for table, model in owned:
            fields = {f.column: f for f in model._meta.concrete_fields}
            exprs = [self.column_expr(model, c, fields[c], stride, table=table, town_only=True)
                     for c in fields]
            exprs = [e.replace("c.shift", "0") for e in exprs]
            with self.connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {table} ({', '.join(fields)}) SELECT "
                               f"{', '.join(exprs)} FROM {table} t CROSS JOIN bench_town c")
                count += cursor.rowcount if table == user._meta.db_table else 0
        return count

    def clone_decisions(self, tables: list[Table], stride, clones: list[Clone]) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        last = clones[-1].n if clones else 0
        if last == 0:
            return counts
        bar = Progress("decisions' rows", last)
        for start in range(1, last + 1, self.batch):
            end = min(start + self.batch - 1, last)
            for table in tables:
                counts[table.name] += self.insert_select(
                    table.name, table.model, stride, joins=table.joins, decision=table.decision,
                    where=table.where, clone_filter=f"c.n BETWEEN {start} AND {end}")
            bar.update(end - start + 1)
        bar.close()
        return counts

    def write_audit(self, stride, clones: list[Clone], templates: dict[int, str]) -> int:
        """The whole chain anew: the templates' events and every clone's, in time order."""
        from decisions.audit.chain import event_hash
        from decisions.models import GENESIS_HASH, AuditEvent

        columns = ["id", "sequence", "occurred_at", "actor_id", "actor_name", "ip", "action",
                   "decision_id", "task_id", "stage", "before", "after", "prev_hash", "hash"]
        table = AuditEvent._meta.db_table
        extra = [f.column for f in AuditEvent._meta.concrete_fields if f.column not in columns]
        if extra:  # a field this seeder does not know would be lost: refuse rather than guess
            raise RuntimeError(f"{table} has columns the seeder does not fill: {extra}")
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns[2:12])} FROM {table} ORDER BY sequence")
            template_events = cursor.fetchall()
        names = dict(self.sql("SELECT id, username FROM auth_user"))
        by_decision: dict[int | None, list[tuple]] = defaultdict(list)
        for row in template_events:
            by_decision[row[5]].append(row)
        total = sum(len(by_decision.get(c.template, ())) for c in clones) + len(by_decision[None])
        step_d, step_t, step_u = (stride["decisions_decision"], stride["decisions_stagetask"],
                                  stride["auth_user"])

        def events_of(clone: Clone | None) -> Iterator[tuple]:
            if clone is None:
                for row in by_decision[None]:
                    yield (row[0], -1, row)
                return
            delta = datetime.timedelta(days=clone.shift)
            for row in by_decision.get(clone.template, ()):
                yield (row[0] - delta, clone.n, row, clone)

        streams = [events_of(None)] + [events_of(c) for c in clones]
        merged = heapq.merge(*streams, key=lambda item: (item[0], item[1]))

        class Event:  # what event_hash reads, without a model instance per row
            __slots__ = ("sequence", "occurred_at", "actor_id", "actor_name", "ip", "action",
                         "decision_id", "task_id", "stage", "before", "after", "prev_hash")

        self.sql("SET LOCAL session_replication_role = replica")
        self.sql(f"TRUNCATE {table} CASCADE")
        rebuild = self.drop_secondary_indexes(table)
        bar = Progress("audit chain", total)
        prev, sequence = GENESIS_HASH, 0
        with self.connection.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for item in merged:
                occurred, n, row = item[0], item[1], item[2]
                (_, actor, actor_name, ip, action, decision, task, stage, before,
                 after) = row
                ip = None if ip is None else str(ip)
                if n > 0:
                    clone = item[3]
                    if actor is not None:
                        actor = actor + clone.town * step_u
                        actor_name = names.get(actor, actor_name)
                    decision = decision + n * step_d
                    if task is not None:
                        task = task + n * step_t
                sequence += 1
                event = Event()
                event.sequence, event.occurred_at = sequence, occurred
                event.actor_id, event.actor_name, event.ip = actor, actor_name, ip
                event.action, event.decision_id, event.task_id = action, decision, task
                event.stage, event.before, event.after = stage, before, after
                event.prev_hash = prev
                digest = event_hash(event)
                copy.write_row((sequence, sequence, occurred, actor, actor_name, ip, action,
                                decision, task, stage, _json(before), _json(after), prev,
                                digest))
                prev = digest
                bar.update()
        bar.close()
        mark = time.perf_counter()
        for statement in rebuild:
            self.sql(statement)
        self.say(f"audit chain: {len(rebuild)} indexes rebuilt in "
                 f"{time.perf_counter() - mark:.1f} s")
        return sequence

    def drop_secondary_indexes(self, table: str) -> list[str]:
        """Drop ``table``'s indexes and unique constraints but its primary key, and answer the
        statements that make them again: built once by sorting, after the rows are in, instead
        of row by row (the unique index of the events' SHA-256 hashes, random values, made the
        audit trail's COPY five times slower)."""
        constraints = self.sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
        names = {name for name, _definition in constraints}
        primary = self.one("SELECT conname FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'p'", [table])
        indexes = [(name, definition) for name, definition in self.sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename = %s", [table]) if name not in names and name != primary]
        for name, _definition in constraints:
            self.sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            self.sql(f'DROP INDEX "{name}"')
        return ([definition for _name, definition in indexes]
                + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                   for name, definition in constraints])

    def check_foreign_keys(self) -> tuple[int, list[str]]:
        """Every foreign key of the database, checked with an anti-join: (checked, broken)."""
        keys = self.sql("""
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
            ORDER BY 1, 2""")
        broken = []
        bar = Progress("foreign keys checked", len(keys))
        for table, column, target, target_column in keys:
            missing = self.one(
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {target} r WHERE r.{target_column} = t.{column})")
            if missing:
                broken.append(f"{table}.{column} -> {target}: {missing} rows point nowhere")
            bar.update()
        bar.close()
        return len(keys), broken

    def reset_sequences(self) -> None:
        rows = self.sql("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND (is_identity = 'YES' OR column_default LIKE 'nextval%%')""")
        for table, column in rows:
            self.sql(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                     f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")


def _json(value) -> str:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)


def seed(decisions: int, *, say: Callable[[str], None] = print, batch: int = 5000,
         demo_url: str = "http://127.0.0.1:8000/") -> dict:
    """Fill the (migrated, empty) database Django is connected to with ``decisions`` decisions.
    Answers what it wrote and how long each step took."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from decisions.models import Decision

    if Decision.objects.exists():
        raise RuntimeError("the database already has decisions: seed an empty one")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    say("templates: the demo's fifteen decisions, played through the real flow (seed_demo)")
    call_command("seed_demo", url=demo_url, verbosity=0)
    timings["templates"] = time.perf_counter() - started

    templates = dict(Decision.objects.values_list("id", "status"))
    clones = plan(decisions, templates)
    seeder = Seeder(connection, say=say, batch=batch)
    tables = decision_tables()
    with transaction.atomic():
        stride = seeder.strides(tables)
        seeder.sql("SET LOCAL session_replication_role = replica")
        mark = time.perf_counter()
        users = seeder.clone_users(stride)
        seeder.write_plan(clones)
        say(f"people: {users} more in {len(TOWNS) - 1} towns; cloning "
            f"{len(clones) - len(templates):,} decisions over {len(tables)} tables")
        counts = seeder.clone_decisions(tables, stride, clones)
        timings["clone"] = time.perf_counter() - mark
        mark = time.perf_counter()
        events = seeder.write_audit(stride, clones, templates)
        timings["audit"] = time.perf_counter() - mark
        seeder.fix_counters()
        seeder.sql("DROP TABLE bench_clone")
        seeder.sql("DROP TABLE bench_town")
        seeder.reset_sequences()
    mark = time.perf_counter()
    checked, broken = seeder.check_foreign_keys()
    timings["foreign_keys"] = time.perf_counter() - mark
    if broken:
        raise RuntimeError("the seed broke foreign keys:\n" + "\n".join(broken))
    mark = time.perf_counter()
    with connection.cursor() as cursor:  # as autovacuum would: statistics, visibility map
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    totals = dict(seeder.sql("""
        SELECT 'decisions', count(*) FROM decisions_decision UNION ALL
        SELECT 'flow tasks', count(*) FROM viewflow_task UNION ALL
        SELECT 'stage tasks', count(*) FROM decisions_stagetask UNION ALL
        SELECT 'audit events', count(*) FROM decisions_auditevent UNION ALL
        SELECT 'object permissions', count(*) FROM guardian_userobjectpermission UNION ALL
        SELECT 'deadlines', count(*) FROM decisions_taskdeadline UNION ALL
        SELECT 'users', count(*) FROM auth_user"""))
    return {"decisions": decisions, "rows": totals, "cloned": dict(counts), "events": events,
            "foreign_keys_checked": checked, "seconds": timings}
