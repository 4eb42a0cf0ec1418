"""The auditor changes nothing, yet his reading of a dossier is itself on the record."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .. import permissions
from ..models import AuditEvent, Decision, DraftAttachment
from .chain import ChainReport, audit_record, verify_chain


def decision_record_dossier_read(*, decision: Decision, acting_user,
                                 page: str) -> AuditEvent | None:
    """Record a read by someone who reads every decision (the auditor role); other readers hold
    a grant on this decision, so their reading needs no record."""
    if not permissions.reads_every_decision(acting_user):
        return None
    return audit_record(action="dossier_read", actor=acting_user, decision=decision,
                        after={"page": page})


def audit_chain_verify(*, acting_user, via: str) -> tuple[ChainReport, AuditEvent]:
    """Walk the whole hash chain (streaming) for an auditor, then put on the record who verified
    it and what he was shown, so a verification can be cited like any other act."""
    if not permissions.can_search_audit_trail(acting_user):
        raise PermissionDenied(_("Only an auditor verifies the audit trail."))
    report = verify_chain()
    after = {"via": via, "ok": report.ok, "events": report.events}
    if report.ok:
        after.update(verified_sequence=report.head_sequence, verified_sha256=report.head_hash)
    else:
        after.update(first_bad_sequence=report.first_bad_sequence, chain_problem=report.problem)
    event = audit_record(action="audit_chain_verify", actor=acting_user, after=after)
    return report, event


def attachment_download(*, attachment: DraftAttachment, acting_user) -> DraftAttachment:
    """Put on the record who took a copy of an attached file, of which version, with its hash;
    the caller has checked that ``acting_user`` may read the decision."""
    version = attachment.version
    audit_record(action="attachment_download", actor=acting_user, decision=version.decision,
                 after={"version": version.number, "name": attachment.name,
                        "sha256": attachment.sha256})
    return attachment
