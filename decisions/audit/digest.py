"""The chain head digest: a small text file naming the last event and its SHA-256.

The chain alone proves that no event was altered, removed, inserted or reordered *unless* the
forger rewrote every later hash as well, or cut events off the end. A digest printed, sealed and
handed to a higher authority closes both: a later verification against it proves that nothing up
to its event changed (Art. 38: liability is lifelong, so the record must outlive its keepers).
"""

import datetime
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .chain import (
    CHAIN_COLUMNS,
    ChainReport,
    audit_record,
    chain_rows,
    verify_chain,
    verify_events,
)
from .models import AuditEvent

HEADER = "juece audit chain head"
NOTICE = ("本文件记录审计链截至导出时的最后一条记录及其摘要值，可打印签章后交上级机关留存。"
          "日后运行 manage.py audit_verify --against 本文件，"
          "可证明该记录及其之前的全部记录未被篡改。")
_LINE = re.compile(r"^([a-z0-9_]+):\s*(\S.*?)\s*$")


class DigestFormatError(ValueError):
    """The file is not a digest this system wrote (or it was edited by hand)."""


class ChainBroken(Exception):
    """The chain failed verification; no digest of it may be exported."""

    def __init__(self, report: ChainReport):
        super().__init__(report.reason)
        self.report = report


@dataclass(frozen=True)
class HeadDigest:
    sequence: int
    sha256: str
    events: int | None = None
    head_occurred_at: datetime.datetime | None = None
    exported_at: datetime.datetime | None = None

    def render(self) -> str:
        lines = [HEADER, NOTICE, f"sequence: {self.sequence}", f"sha256: {self.sha256}"]
        if self.events is not None:
            lines.append(f"events: {self.events}")
        if self.head_occurred_at is not None:
            lines.append(f"head_occurred_at: {_local_iso(self.head_occurred_at, 'microseconds')}")
        if self.exported_at is not None:
            lines.append(f"exported_at: {_local_iso(self.exported_at, 'seconds')}")
        lines.append("verified: yes")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> "HeadDigest":
        """Reads the ``key: value`` lines; other lines (the notice, a signature) are ignored."""
        lines = text.lstrip("\ufeff").splitlines()
        if not lines or lines[0].strip() != HEADER:
            raise DigestFormatError(f"the first line is not {HEADER!r}")
        fields = {}
        for line in lines[1:]:
            match = _LINE.match(line)
            if match:
                fields[match[1]] = match[2]
        try:
            sequence = int(fields["sequence"])
            sha256 = fields["sha256"].lower()
            events = int(fields["events"]) if "events" in fields else None
            occurred = _parse_time(fields.get("head_occurred_at"))
            exported = _parse_time(fields.get("exported_at"))
        except (KeyError, ValueError) as error:
            raise DigestFormatError(f"missing or unreadable field: {error}") from error
        if not re.fullmatch(r"[0-9a-f]{64}", sha256) or sequence < 1:
            raise DigestFormatError("sequence or sha256 is malformed")
        return cls(sequence, sha256, events, occurred, exported)


def _local_iso(moment: datetime.datetime, timespec: str) -> str:
    return timezone.localtime(moment).isoformat(timespec=timespec)


def _parse_time(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        raise ValueError(f"{value} has no UTC offset")
    return moment


def default_digest_path(now: datetime.datetime | None = None) -> Path:
    day = timezone.localdate(now or timezone.now())
    return Path(settings.JUECE_AUDIT_DIGEST_DIR) / f"audit-head-{day:%Y-%m-%d}.txt"


def audit_head_export(*, acting_user=None, via: str, out: Path | None = None) -> tuple[HeadDigest,
                                                                                        Path]:
    """Verify the chain, append the export as an event, and write the digest covering it.

    The event is appended first so the digest seals its own export; the tail between the
    verified head and that event is verified under the chain lock before the file is written,
    and the file appears (atomically renamed) only once the event is committed."""
    report = verify_chain()
    if not report.ok:
        raise ChainBroken(report)
    now = timezone.now()
    path = Path(out) if out else default_digest_path(now)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-head-", suffix=".tmp")
    try:
        with transaction.atomic():
            event = audit_record(action="audit_head_export", actor=acting_user,
                                 after={"via": via, "file": path.name,
                                        "verified_sequence": report.head_sequence,
                                        "verified_sha256": report.head_hash})
            tail = verify_events(chain_rows(after_sequence=report.head_sequence or 0),
                                 after_sequence=report.head_sequence or 0,
                                 after_hash=report.head_hash or event.prev_hash)
            if not tail.ok or tail.head_sequence != event.sequence:
                raise ChainBroken(tail)
            digest = HeadDigest(sequence=event.sequence, sha256=event.hash,
                                events=report.events + tail.events,
                                head_occurred_at=event.occurred_at,
                                exported_at=timezone.now())
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(digest.render())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest, path


def verify_against(digest: HeadDigest) -> ChainReport:
    """Verify the whole chain, and that the digest's event is still the one sealed in it.

    The first fault along the chain is reported: one before the sealed event, else the sealed
    event's own disagreement with the digest, else the chain's verdict from there on."""
    report = verify_chain()
    if not report.ok and report.first_bad_sequence < digest.sequence:
        return report
    anchor = (AuditEvent.objects.filter(sequence=digest.sequence)
              .values_list(*CHAIN_COLUMNS, named=True).first())
    if anchor is not None:
        events = AuditEvent.objects.filter(sequence__lte=digest.sequence).count()
        problem = _anchor_problem(anchor, digest, events)
        if problem:
            return ChainReport(False, events, anchor.pk, problem,
                               first_bad_sequence=anchor.sequence)
    elif report.ok:
        return ChainReport(False, report.events, None,
                           f"the digest seals event #{digest.sequence}, but the chain ends at "
                           f"#{report.head_sequence or 0}: events were cut off its end",
                           first_bad_sequence=digest.sequence)
    return report


def _anchor_problem(event, digest: HeadDigest, events: int) -> str:
    if event.hash != digest.sha256:
        return (f"its SHA-256 is {event.hash}, but the digest sealed {digest.sha256}: "
                "the chain up to it was rewritten")
    if digest.events is not None and events != digest.events:
        return f"{events} events lead up to it, but the digest counted {digest.events}"
    if digest.head_occurred_at is not None and event.occurred_at != digest.head_occurred_at:
        return (f"it occurred at {_local_iso(event.occurred_at, 'microseconds')}, but the "
                f"digest recorded {_local_iso(digest.head_occurred_at, 'microseconds')}")
    if (digest.exported_at is not None
            and event.occurred_at.replace(microsecond=0) > digest.exported_at):
        return "it occurred after the digest was exported"
    return ""
