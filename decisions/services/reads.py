"""The auditor changes nothing, yet his reading of a dossier is itself on the record."""

from .. import permissions
from ..audit import audit_record
from ..models import AuditEvent, Decision


def decision_record_dossier_read(*, decision: Decision, acting_user,
                                 page: str) -> AuditEvent | None:
    """Record a read by someone who reads every decision (the auditor role); other readers hold
    a grant on this decision, so their reading needs no record."""
    if not permissions.reads_every_decision(acting_user):
        return None
    return audit_record(action="dossier_read", actor=acting_user, decision=decision,
                        after={"page": page})
