"""The archive dossier of one decision (Art. 33: the full-process record, filed completely).

One ZIP: the decision's records (``decision.json``), every event of its audit trail with the
chain fields (``events.json``), the text of every draft version, every attachment, a summary in
Chinese (``summary.pdf``), and a manifest of SHA-256 sums, itself sealed in ``manifest.sha256``.
``decisions.dossier.check`` verifies it offline, without this code or a database.
"""

import hashlib
import io
import json
import re
import tempfile
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation

from .. import selectors
from ..audit import audit_record, event_fields
from ..models import AuditEvent, DeadlineChange, Decision, TaskDeadline
from ..people import display_name
from .pdf import summary_pdf

FORMAT = "juece-dossier/1"
#: The archive's language: the summary and the labels in decision.json.
DOSSIER_LANGUAGE = "zh-hans"


def build_dossier(decision: Decision, *, acting_user) -> bytes:
    """The dossier as ZIP bytes (in memory: for tests and small decisions; a download streams
    ``dossier_file``)."""
    buffer = io.BytesIO()
    write_dossier(decision, buffer, acting_user=acting_user)
    return buffer.getvalue()


def dossier_file(decision: Decision, *, acting_user):
    """The dossier in a temporary file, positioned at its start, for a download to stream."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        write_dossier(decision, handle, acting_user=acting_user)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def write_dossier(decision: Decision, out, *, acting_user) -> str:
    """Write the dossier's ZIP to ``out``, each attachment copied chunk by chunk (never a whole
    file in memory), and return the manifest's digest; the export is itself an event."""
    with transaction.atomic(), translation.override(DOSSIER_LANGUAGE):
        decision = selectors.decision_for_page(decision.pk)
        events = list(decision.events.select_related("actor").order_by("sequence"))
        created_at = timezone.now()
        stamp = timezone.localtime(created_at).timetuple()[:6]
        record = decision_record(decision)
        listed: list[dict] = []
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            def add(path: str, content: bytes) -> None:
                archive.writestr(_entry(path, stamp), content)
                listed.append({"path": path, "size": len(content),
                               "sha256": hashlib.sha256(content).hexdigest()})

            add("decision.json", _json_bytes(record))
            add("events.json", _json_bytes(events_record(events)))
            for version in decision.versions.all():
                add(_draft_path(version.number), version.text.encode("utf-8"))
                for attachment, path in zip(version.attachments.all(),
                                            _attachment_paths(version), strict=True):
                    copied = _copy_file(archive, _entry(path, stamp), attachment)
                    if copied is not None:
                        listed.append(copied)
            add("summary.pdf", summary_pdf(record, events, created_at=created_at,
                                           created_by=_person(acting_user)))
            manifest = {
                "format": FORMAT,
                "decision": decision.pk,
                "title": decision.title,
                "created_at": created_at,
                "created_by": _person(acting_user),
                "events": {"count": len(events),
                           "first_sequence": events[0].sequence if events else None,
                           "last_sequence": events[-1].sequence if events else None,
                           "last_hash": events[-1].hash if events else None},
                "files": listed,
            }
            manifest_bytes = _json_bytes(manifest)
            digest = hashlib.sha256(manifest_bytes).hexdigest()
            archive.writestr(_entry("manifest.json", stamp), manifest_bytes)
            archive.writestr(_entry("manifest.sha256", stamp),
                             f"{digest}  manifest.json\n".encode("ascii"))
        # Recorded once the dossier is assembled: a dossier cannot contain the event of its own
        # export, whose digest covers the dossier. The next export will contain this one.
        audit_record(action="dossier_export", actor=acting_user, decision=decision,
                     after={"manifest_sha256": digest, "files": len(listed),
                            "events": len(events),
                            "last_sequence": manifest["events"]["last_sequence"]})
    return digest


def events_record(events: list[AuditEvent]) -> list[dict]:
    """Each event's hashed fields exactly as the chain hashes them, and its hash."""
    return [{**event_fields(event), "hash": event.hash} for event in events]


def decision_record(decision: Decision) -> dict:
    """Every record of the decision, as loaded by ``selectors.decision_for_page``."""
    versions = list(decision.versions.all())
    number = {version.pk: version.number for version in versions}
    return {
        "decision": {
            "id": decision.pk, "title": decision.title,
            "proposal_source": decision.proposal_source,
            "proposal_source_label": decision.get_proposal_source_display(),
            "lead_unit": decision.lead_unit, "problem": decision.problem,
            "legal_basis": decision.legal_basis, "plan": decision.plan,
            "necessity": decision.necessity, "alternatives": decision.alternatives,
            "needs_public_participation": decision.needs_public_participation,
            "needs_expert_input": decision.needs_expert_input,
            "needs_risk_assessment": decision.needs_risk_assessment,
            "exploratory_reform": decision.exploratory_reform,
            "participation_skip_ground": decision.participation_skip_ground,
            "participation_skip_basis": decision.participation_skip_basis,
            "participation_skip_confirmed_by": _person(decision.participation_skip_confirmed_by),
            "participation_skip_confirmed_at": decision.participation_skip_confirmed_at,
            "stage": decision.stage, "stage_label": decision.get_stage_display(),
            "status": decision.status, "status_label": decision.get_status_display(),
            "drafter": _person(decision.drafter), "reviewer": _person(decision.reviewer),
            "counsel": _person(decision.counsel),
            "risk_assessor": _person(decision.risk_assessor),
            "experts": [_person(expert) for expert in decision.experts.all()],
            "accepted_at": decision.accepted_at,
            "current_version": number.get(decision.current_version_id),
            "process": decision.process_id,
            "created_at": decision.created_at, "updated_at": decision.updated_at,
        },
        "stage_skips": [
            {"stage": skip.stage, "stage_label": skip.get_stage_display(),
             "reason": skip.reason, "decided_by": _person(skip.decided_by),
             "decided_at": skip.decided_at}
            for skip in decision.stage_skips.all()],
        "disagreements": [
            {"issue": d.issue, "positions": d.positions, "reasons": d.reasons,
             "recorded_by": _person(d.recorded_by), "recorded_at": d.recorded_at}
            for d in decision.disagreements.all()],
        "returns": [
            {"reason": r.reason, "returned_by": _person(r.returned_by),
             "returned_at": r.returned_at}
            for r in decision.returns.all()],
        "versions": [
            {"number": v.number, "sha256": v.sha256, "note": v.note,
             "created_by": _person(v.created_by), "created_at": v.created_at,
             "text": _draft_path(v.number),
             "attachments": [
                 {"name": a.name, "size": a.size, "sha256": a.sha256,
                  "uploaded_by": _person(a.uploaded_by), "uploaded_at": a.uploaded_at,
                  "path": path}
                 for a, path in zip(v.attachments.all(), _attachment_paths(v), strict=True)]}
            for v in versions],
        "participations": [
            {"draft_version": number.get(p.draft_version_id), "method": p.method,
             "method_label": p.get_method_display(), "channel": p.channel, "notice": p.notice,
             "window_start": p.window_start, "window_end": p.window_end,
             "window_days": p.window_days, "shortening_reason": p.shortening_reason,
             "hearing_on": p.hearing_on, "materials_sent_on": p.materials_sent_on,
             "record_confirmed": p.record_confirmed, "recorded_by": _person(p.recorded_by),
             "recorded_at": p.recorded_at,
             "comments": [
                 {"source": c.source, "text": c.text, "adoption": c.adoption,
                  "adoption_label": c.get_adoption_display(), "reason": c.reason}
                 for c in p.comments.all()]}
            for p in decision.participations.all()],
        "expert_opinions": [
            {"draft_version": number.get(o.draft_version_id), "expert": _person(o.expert),
             "opinion": o.opinion, "signature": o.signature, "signed_at": o.signed_at,
             "declares_no_interest": o.declares_no_interest,
             "adoption": o.adoption, "adoption_label": o.get_adoption_display(),
             "adoption_reason": o.adoption_reason}
            for o in decision.expert_opinions.all()],
        "risk_assessments": [
            {"draft_version": number.get(r.draft_version_id), "risk_points": r.risk_points,
             "measures": r.measures, "response_plan": r.response_plan,
             "controllable": r.controllable, "assessed_by": _person(r.assessed_by),
             "assessed_at": r.assessed_at}
            for r in decision.risk_assessments.all()],
        "reviews": [
            {"id": r.pk, "draft_version": number.get(r.draft_version_id), "outcome": r.outcome,
             "outcome_label": r.get_outcome_display(),
             "opinion_authority": r.opinion_authority,
             "opinion_procedure": r.opinion_procedure, "opinion_content": r.opinion_content,
             "conclusion": r.conclusion, "risk_statement": r.risk_statement,
             "reviewed_by": _person(r.reviewed_by), "reviewed_at": r.reviewed_at}
            for r in decision.reviews.all()],
        "counsel_opinions": [
            {"draft_version": number.get(c.draft_version_id), "counsel": c.counsel,
             "opinion": c.opinion, "signature": c.signature,
             "declares_no_interest": c.declares_no_interest,
             "recorded_by": _person(c.recorded_by), "recorded_at": c.recorded_at}
            for c in decision.counsel_opinions.all()],
        "meetings": [
            {"draft_version": number.get(m.draft_version_id), "review": m.review_id,
             "review_outcome": m.review_outcome, "meeting_date": m.meeting_date,
             "kind": m.kind, "kind_label": m.get_kind_display(), "head": _person(m.head),
             "attendees": [_person(a) for a in m.attendees.order_by("pk")],
             "risk_acknowledged": m.risk_acknowledged,
             "absent": [{"member": _person(a.member), "reason": a.reason}
                        for a in m.absences.all()],
             "positions": [
                 {"member": _person(p.member), "position": p.position,
                  "position_label": p.get_position_display(), "reason": p.reason}
                 for p in m.positions.all()],
             "head_decision": m.head_decision,
             "head_decision_label": m.get_head_decision_display(),
             "head_reason": m.head_reason, "recorded_by": _person(m.recorded_by),
             "recorded_at": m.recorded_at}
            for m in decision.meetings.all()],
        "publication": _publication(decision, number),
        "withdrawal": _withdrawal(decision),
        "deadlines": _deadlines(decision),
    }


def _publication(decision: Decision, number: dict) -> dict | None:
    publication = getattr(decision, "publication", None)
    if publication is None:
        return None
    return {"draft_version": number.get(publication.draft_version_id),
            "draft_sha256": publication.draft_sha256,
            "party_report_on": publication.party_report_on,
            "party_report_ref": publication.party_report_ref,
            "published_on": publication.published_on,
            "published_text": publication.published_text,
            "adoption_explanation": publication.adoption_explanation,
            "recorded_by": _person(publication.recorded_by),
            "recorded_at": publication.recorded_at}


def _withdrawal(decision: Decision) -> dict | None:
    withdrawal = getattr(decision, "withdrawal", None)
    if withdrawal is None:
        return None
    return {"stage": withdrawal.stage, "stage_label": withdrawal.get_stage_display(),
            "reason": withdrawal.reason, "withdrawn_by": _person(withdrawal.withdrawn_by),
            "withdrawn_at": withdrawal.withdrawn_at}


def _deadlines(decision: Decision) -> list[dict]:
    changes: dict[int, list[dict]] = {}
    for change in (DeadlineChange.objects.filter(deadline__decision=decision)
                   .select_related("changed_by").order_by("changed_at", "id")):
        changes.setdefault(change.deadline_id, []).append(
            {"due_before": change.due_before, "due_after": change.due_after,
             "reason": change.reason, "changed_by": _person(change.changed_by),
             "changed_at": change.changed_at})
    return [
        {"task": d.task_id, "stage": d.stage, "stage_label": d.get_stage_display(),
         "starts_on": d.starts_on, "due_on": d.due_on, "period_days": d.period_days,
         "working_days": d.working_days, "credited_days": d.credited_days,
         "uncovered_year": d.uncovered_year, "extended": d.extended, "closed_at": d.closed_at,
         "changes": changes.get(d.pk, [])}
        for d in TaskDeadline.objects.filter(decision=decision).order_by("starts_on", "id")]


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "login": user.get_username(),
            "name": display_name(user)}


def _draft_path(number: int) -> str:
    return f"drafts/v{number}.txt"


def _attachment_paths(version) -> list[str]:
    """Where each attachment of ``version`` lies in the ZIP: its name, made safe and unique."""
    paths, taken = [], set()
    for attachment in version.attachments.all():
        name = re.sub(r"[\\/\x00-\x1f]", "_", attachment.name).lstrip(".") or "file"
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{n}-{name}"
        taken.add(candidate)
        paths.append(f"attachments/v{version.number}/{candidate}")
    return paths


def _copy_file(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, attachment) -> dict | None:
    """Copy the stored file into the ZIP in chunks, hashing it on the way; None when the storage
    lost it: the manifest then lacks it, and the offline check reports the attachment missing."""
    try:
        source = attachment.file.open("rb")
    except FileNotFoundError:
        return None
    digest, size = hashlib.sha256(), 0
    entry.file_size = attachment.size  # ZIP64 is chosen before the first byte is written
    with source, archive.open(entry, "w") as target:
        for chunk in source.chunks():
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"path": entry.filename, "size": size, "sha256": digest.hexdigest()}


def _json_bytes(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2,
                      sort_keys=False).encode("utf-8") + b"\n"


def _entry(path: str, stamp) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
