"""A decision's timeline as its auditor reads it: one row per step, in Chinese.

Each act of a person is a row, with the draft version it concerned and what it recorded, its
codes given their labels and its ids the people's names. The flow engine's events about the
act's task (created, assigned, started, completed) are folded under it; a task with no act on
the page (the start, one still open, one cancelled) is a row of its own. The raw before and
after, and the chain fields (sequence, hashes), are kept in each row's full record.
"""

import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from decisions import selectors
from decisions.audit import event_fields
from decisions.audit.labels import (
    ENGINE_ACTIONS,
    REFUSALS,
    STAGE_ACTS,
    Change,
    Names,
    action_label,
    code_label,
    people_named,
    record_changes,
    value_text,
)
from decisions.models import AuditEvent, DraftVersion
from decisions.people import display_name
from decisions.rulebook import Stage

#: How many fields a row's summary names before the rest are left to "all fields".
SUMMARY_FIELDS = 4
SUMMARY_VALUE_CHARS = 40


@dataclass
class EngineLine:
    """One of the flow engine's events about a task, folded under its step."""

    event: AuditEvent
    label: str
    who: str
    owner: str
    status: str


@dataclass
class TimelineRow:
    event: AuditEvent
    label: str
    who: str
    stage_label: str
    version: DraftVersion | None = None
    previous_version: DraftVersion | None = None  # set on draft_version_create: the diff's side
    changes: list[Change] = field(default_factory=list)  # values cut, for the summary
    all_changes: list[Change] = field(default_factory=list)
    refused: bool = False
    repeats: int = 1  # a refusal: how many identical ones within its minute it stands for
    task_only: bool = False  # a row for a task of the engine with no act on this page
    engine: list[EngineLine] = field(default_factory=list)
    shows_ip: bool = False  # the reader is an auditor: the full record keeps the IP address

    @property
    def more_changes(self) -> bool:
        return self.all_changes != self.changes

    @property
    def details(self) -> str:
        """The full record: every event of the row exactly as the chain hashes it, and its hash."""
        events = sorted({event.sequence: event for event in
                         [self.event, *(line.event for line in self.engine)]}.values(),
                        key=lambda event: event.sequence)
        records = [{**event_fields(event), "hash": event.hash} for event in events]
        if not self.shows_ip:
            for record in records:
                record.pop("ip")
        return json.dumps(records if len(records) > 1 else records[0], ensure_ascii=False,
                          indent=2, sort_keys=True, default=str)


def timeline_rows(decision, events: list[AuditEvent], *,
                  shows_ip: bool = False) -> list[TimelineRow]:
    """The rows of one page of the decision's events (sequence order); ``shows_ip`` for an
    auditor, whose rows' full records keep the IP addresses."""
    names = _names(decision, events)
    repeats = selectors.refusal_counts(events) if shows_ip else {}
    versions = list(decision.versions.all())  # prefetched
    by_number = {v.number: v for v in versions}
    by_sha = {v.sha256: v for v in versions}
    current = (by_number.get(selectors.version_number_before(decision, events[0].sequence))
               if events else None)
    act_of_task = {}
    for event in events:
        if event.task_id and event.action in STAGE_ACTS:
            act_of_task.setdefault(event.task_id, event.sequence)

    rows: list[TimelineRow] = []
    row_of_task: dict[int, TimelineRow] = {}
    folded: list[AuditEvent] = []
    untasked_act = None  # the first of the latest acts recorded before their task existed
    for event in events:
        if event.action in ENGINE_ACTIONS and event.task_id:
            if event.task_id not in act_of_task and event.task_id not in row_of_task:
                if untasked_act is not None and untasked_act.event.stage == event.stage:
                    row_of_task[event.task_id] = untasked_act  # the proposal's start task
                else:
                    row_of_task[event.task_id] = _task_row(event, shows_ip)
                    rows.append(row_of_task[event.task_id])
            folded.append(event)
            continue
        named = _named_version(event, by_number, by_sha)
        previous = None
        if event.action == "draft_version_create" and named is not None:
            previous = by_number.get(named.number - 1)
            current = named
        changes = record_changes(event.before or {}, event.after or {}, names, event.action)
        cut = [c._replace(before=_short(c.before), after=_short(c.after)) for c in changes]
        row = TimelineRow(
            event=event, label=action_label(event.action), who=_who(event),
            stage_label=_stage_label(event.stage), version=named or current,
            previous_version=previous, changes=cut[:SUMMARY_FIELDS], all_changes=changes,
            refused=event.action in REFUSALS, repeats=repeats.get(event.pk, 1),
            shows_ip=shows_ip)
        if act_of_task.get(event.task_id) == event.sequence:
            row_of_task[event.task_id] = row
        if event.action in STAGE_ACTS:
            untasked_act = (untasked_act or row) if event.task_id is None else None
        rows.append(row)

    for event in folded:
        row = row_of_task[event.task_id]
        after = event.after or {}
        row.engine.append(EngineLine(
            event=event, label=action_label(event.action), who=_who(event),
            owner=value_text("owner", after.get("owner"), names),
            status=code_label("status", after.get("status", ""))))
    for row in rows:
        if row.task_only:
            _summarise_task(row)
    return rows


def _task_row(event: AuditEvent, shows_ip: bool) -> TimelineRow:
    step = code_label("node", (event.after or {}).get("node", ""))
    return TimelineRow(event=event, label=_("Task of the flow: %(step)s") % {"step": step},
                       who="", stage_label=_stage_label(event.stage), task_only=True,
                       shows_ip=shows_ip)


def _summarise_task(row: TimelineRow) -> None:
    """A task row says who holds the task and how it stands, as of its last engine event."""
    last = row.engine[-1]
    row.who = last.owner
    row.all_changes = row.changes = [
        Change(str(label), "", value) for label, value in ((_("Owner"), last.owner),
                                                           (_("status"), last.status)) if value]


def _names(decision, events: list[AuditEvent]) -> Names:
    ids, logins = people_named(record for event in events
                               for record in (event.before or {}, event.after or {}))
    users = _users_named(ids, logins)
    return Names(users_by_id={u.pk: display_name(u) for u in users},
                 users_by_login={u.username: display_name(u) for u in users},
                 version_numbers={v.pk: v.number for v in decision.versions.all()})


def _users_named(ids: set[int], logins: set[str]) -> list:
    """The people a page's records name by id or by login, in one query."""
    if not ids and not logins:
        return []
    return list(get_user_model().objects.filter(Q(pk__in=ids) | Q(username__in=logins))
                .only("pk", "username", "first_name", "last_name"))


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return display_name(event.actor)
    return event.actor_name


def _named_version(event, by_number, by_sha) -> DraftVersion | None:
    for record in (event.after or {}, event.before or {}):
        for key in ("reviewed_sha256", "sha256", "draft_sha256"):
            if record.get(key) in by_sha:
                return by_sha[record[key]]
        if isinstance(record.get("version"), int) and record["version"] in by_number:
            return by_number[record["version"]]
    return None


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_VALUE_CHARS else text[:SUMMARY_VALUE_CHARS - 1] + "…"
