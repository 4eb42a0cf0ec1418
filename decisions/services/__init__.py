"""Every write to a decision goes through one of these services.

Each runs in a transaction, checks the acting user's object permission and the statutory gates,
and appends an audit event naming its actor. Views, flow steps, the admin and commands call them.
"""

from collections.abc import Callable

from ..audit.reads import attachment_download, audit_chain_verify, decision_record_dossier_read
from ..deadlines.services import decision_change_deadline
from ..documents.annual import annual_report_issue
from ..documents.issue import document_issue
from ..records.closing import decision_archive, decision_publish
from ..records.consultation import (
    decision_record_opinion_adoption,
    decision_record_participation,
    decision_record_risk_assessment,
    decision_submit_expert_opinion,
)
from ..records.drafts import draft_sha256
from ..records.initiation import decision_accept, decision_create, decision_return, decision_submit
from ..records.meeting import decision_record_meeting
from ..records.review import (
    decision_record_legal_review,
    decision_revise,
    decision_submit_counsel_opinion,
)
from ..records.withdrawal import decision_withdraw
from ..rulebook import Stage
from ..stage_tasks.services import task_assigned, task_closed, task_opened, task_started
from ..stage_tasks.stage import decision_sync_stage

#: The services that do each stage's work, each with the audit action it records (the system
#: check finds a stage without one, and an action without its label). The archive is filed by
#: the flow itself once the decision is published or not adopted.
BY_STAGE: dict[str, tuple[tuple[Callable, str], ...]] = {
    Stage.INITIATION: ((decision_submit, "decision_submit"),),
    Stage.ACCEPTANCE: ((decision_accept, "decision_accept"),
                       (decision_return, "decision_return")),
    Stage.PUBLIC_PARTICIPATION: ((decision_record_participation, "public_participation_record"),),
    Stage.EXPERT_INPUT: ((decision_submit_expert_opinion, "expert_opinion_submit"),),
    Stage.RISK_ASSESSMENT: ((decision_record_risk_assessment, "risk_assessment_record"),),
    Stage.LEGAL_REVIEW: ((decision_record_legal_review, "legal_review_record"),
                         (decision_submit_counsel_opinion, "counsel_opinion_record")),
    Stage.REVISION: ((decision_revise, "decision_revise"),),
    Stage.COLLECTIVE_DECISION: ((decision_record_meeting, "meeting_record"),),
    Stage.PUBLICATION: ((decision_publish, "publication_record"),),
    Stage.ARCHIVED: ((decision_archive, "decision_archive"),),
}

__all__ = [
    "BY_STAGE",
    "annual_report_issue",
    "attachment_download",
    "audit_chain_verify",
    "decision_accept",
    "decision_archive",
    "decision_change_deadline",
    "decision_create",
    "decision_publish",
    "decision_record_dossier_read",
    "decision_record_legal_review",
    "decision_record_meeting",
    "decision_record_opinion_adoption",
    "decision_record_participation",
    "decision_record_risk_assessment",
    "decision_return",
    "decision_revise",
    "decision_submit",
    "decision_submit_counsel_opinion",
    "decision_submit_expert_opinion",
    "decision_sync_stage",
    "decision_withdraw",
    "document_issue",
    "draft_sha256",
    "task_assigned",
    "task_closed",
    "task_opened",
    "task_started",
]
