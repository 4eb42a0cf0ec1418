"""What the audit trail's action codes mean, in the reader's language.

The codes are stored in every event (and hashed), so they never change; only their labels do.
A code missing here is shown as it is, so a new kind of event is never hidden from an auditor.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # Proposal and acceptance
    "decision_create": _("Decision proposed"),
    "stage_switch_off": _("Stage declared not needed"),
    "disagreement_record": _("Disagreement between units recorded"),
    "decision_submit": _("Proposal submitted"),
    "decision_accept": _("Proposal accepted"),
    "decision_return": _("Proposal returned"),
    # Drafts
    "draft_version_create": _("Draft version created"),
    "attachment_upload": _("Attachment uploaded"),
    "attachment_download": _("Attachment downloaded"),
    "decision_revise": _("Draft revised"),
    # Consultation and review
    "public_participation_record": _("Public participation recorded"),
    "expert_opinion_submit": _("Expert opinion submitted"),
    "expert_opinion_adoption_record": _("Adoption of an expert opinion recorded"),
    "risk_assessment_record": _("Risk assessment recorded"),
    "legal_review_record": _("Legality review recorded"),
    "counsel_opinion_record": _("Outside counsel's opinion recorded"),
    # Decision, publication, archive
    "meeting_record": _("Meeting record entered"),
    "publication_record": _("Publication recorded"),
    "decision_archive": _("Decision archived"),
    # Procedure
    "stage_change": _("Stage changed"),
    "deadline_change": _("Due date changed"),
    "permission_grant": _("Permission granted"),
    "permission_revoke": _("Permission revoked"),
    "task_created": _("Task created"),
    "task_assigned": _("Task assigned"),
    "task_unassigned": _("Task released"),
    "task_started": _("Task started"),
    "task_completed": _("Task completed"),
    "task_cancelled": _("Task cancelled"),
    # Access
    "login": _("Logged in"),
    "logout": _("Logged out"),
    "login_failed": _("Failed login"),
    "access_refused": _("Access refused"),
    "dossier_read": _("Dossier read by an auditor"),
    "dossier_export": _("Archive dossier exported"),
    "audit_head_export": _("Audit chain head exported"),
    # Deployment settings
    "calendar_year_load": _("Working-day calendar loaded"),
    "calendar_year_edit": _("Working-day calendar edited"),
    "calendar_year_delete": _("Working-day calendar deleted"),
    "stage_period_edit": _("Stage period edited"),
    "stage_period_delete": _("Stage period deleted"),
}

#: Actions shown highlighted: someone reached for what he may not see or do.
REFUSALS = frozenset({"access_refused", "login_failed"})


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """Every known action, for the search page's select, in the order listed above."""
    return [(code, str(label)) for code, label in ACTION_LABELS.items()]
