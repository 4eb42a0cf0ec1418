"""What the audit trail's codes mean, in the reader's language: actions, the fields of an
event's before and after, and the coded values in them (stages, outcomes, people...).

The codes are stored in every event (and hashed), so they never change; only their labels do.
A code missing here is shown as it is, so a new kind of event is never hidden from an auditor.
"""

import datetime
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from ..rulebook import (
    RULES,
    VIEW_PERMISSION,
    AdoptionStatus,
    DecisionStatus,
    DocumentKind,
    HeadDecision,
    MeetingKind,
    MemberPosition,
    ParticipationMethod,
    ParticipationSkipGround,
    ProposalSource,
    ReviewOutcome,
    Role,
    Stage,
)

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
    "counsel_opinion_record": _("Legal adviser's opinion signed"),
    # Decision, publication, archive
    "meeting_record": _("Meeting record entered"),
    "publication_record": _("Publication recorded"),
    "decision_archive": _("Decision archived"),
    "decision_withdraw": _("Decision withdrawn"),
    # The annual catalogue (Art. 3 para. 3)
    "catalogue_create": _("Decision catalogue drafted"),
    "catalogue_item_add": _("Item added to the decision catalogue"),
    "catalogue_item_remove": _("Item removed from the decision catalogue"),
    "catalogue_consent_record": _("Party committee's consent to the catalogue recorded"),
    "catalogue_publish": _("Decision catalogue published"),
    "decision_catalogue_link": _("Decision's catalogue item corrected"),
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
    "login_locked_out": _("Login locked after repeated failures"),
    "session_expired": _("Session ended (idle or too old)"),
    "credentials_revoked": _("API tokens and sessions ended"),
    "otp_device_confirmed": _("Two-step verification set up"),
    "otp_verified": _("Two-step verification code entered at login"),
    "otp_device_removed": _("Two-step verification removed"),
    "access_refused": _("Access refused"),
    "access_refusals_counted": _("Identical refusals counted"),
    "dossier_read": _("Dossier read by an auditor"),
    "dossier_export": _("Archive dossier exported"),
    "document_download": _("Document downloaded for printing"),
    "annual_report_download": _("Annual report downloaded"),
    "figures_export": _("Figures of the year exported"),
    "audit_head_export": _("Audit chain head exported"),
    "audit_chain_verify": _("Audit chain verified"),
    # Deployment settings
    "calendar_year_load": _("Working-day calendar loaded"),
    "calendar_year_edit": _("Working-day calendar edited"),
    "calendar_year_delete": _("Working-day calendar deleted"),
    "stage_period_edit": _("Stage period edited"),
    "stage_period_delete": _("Stage period deleted"),
    "administrator_create": _("First administrator created"),  # manage.py create_admin
    # The admin
    "admin_add": _("Added in the admin"),
    "admin_change": _("Changed in the admin"),
    "admin_delete": _("Deleted in the admin"),
}

#: Actions shown highlighted: someone reached for what he may not see or do.
REFUSALS = frozenset({"access_refused", "access_refusals_counted", "login_failed",
                      "login_locked_out"})

#: What of a decision's trail only an auditor reads: refused attempts, and reads (of a dossier,
#: an attachment, the chain), the auditor's own among them. Participants read the decision's
#: history: its acts, who did them and when (selectors.decision_timeline).
AUDITORS_ONLY = REFUSALS | frozenset({"dossier_read", "dossier_export", "attachment_download",
                                      "document_download",
                                      "audit_chain_verify", "audit_head_export"})


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """Every known action, for the search page's select, in the order listed above."""
    return [(code, str(label)) for code, label in ACTION_LABELS.items()]


#: The flow engine's own events about its tasks: shown folded under the step they belong to.
ENGINE_ACTIONS = frozenset({"task_created", "task_assigned", "task_unassigned", "task_started",
                            "task_completed", "task_cancelled"})

#: The acts by which a person does a stage's work (Art. 33's full-process record names them as
#: the stage's 经办人); the engine's events, grants, stage changes and reads are not among them.
STAGE_ACTS = frozenset({
    "decision_create", "stage_switch_off", "disagreement_record", "decision_submit",
    "decision_accept", "decision_return", "draft_version_create", "attachment_upload",
    "decision_revise", "public_participation_record", "expert_opinion_submit",
    "expert_opinion_adoption_record", "risk_assessment_record", "legal_review_record",
    "counsel_opinion_record", "meeting_record", "publication_record", "decision_archive",
    "decision_withdraw",
})

#: What a field of an event's record is called; the order is the order a summary names them in.
FIELD_LABELS = {
    # An export of the year's figures
    "figures_year": _("Year of the figures"),
    "file_format": _("File format"),
    # What was decided
    "outcome": _("outcome"),
    "head_decision": _("head's decision"),
    "head_id": _("Head of the decision organ"),
    "positions": _("Members' positions"),
    "attendees": _("attending members"),
    "absent": _("Absent members"),
    "head_reason": _("head's reason"),
    "risk_acknowledged": _("stated legal risk put to the meeting"),
    "controllable": _("risk controllable"),
    "adoption": _("adoption"),
    "adoption_reason": _("Reason for the adoption"),
    "stage": _("stage"),
    "open": _("Open stages"),
    "status": _("status"),
    "reason": _("reason"),
    # Who was named
    "reviewer_id": _("Legality reviewer"),
    "counsel_id": _("Legal adviser or government lawyer"),
    "experts": _("Experts"),
    "risk_assessor_id": _("Risk assessor"),
    "holder": _("Granted to"),
    "permissions": _("Permissions"),
    "owner": _("Owner"),
    "node": _("Step"),
    "task": _("Task"),
    # Drafts
    "version": _("version"),
    "note": _("explanation of the revision"),
    "grounds": _("Revised in answer to"),
    "response": _("Response to the opinion"),
    "name": _("file name"),
    "size": _("size in bytes"),
    "draft_version_id": _("Draft version"),
    # The proposal
    "title": _("title"),
    "proposal_source": _("Source of the proposal"),
    "lead_unit": _("lead unit"),
    "problem": _("problem and reasons"),
    "legal_basis": _("legal basis"),
    "plan": _("preliminary plan"),
    "necessity": _("necessity and feasibility"),
    "alternatives": _("alternative plans"),
    "needs_public_participation": _("public participation needed"),
    "needs_expert_input": _("expert input needed"),
    "needs_risk_assessment": _("risk assessment needed"),
    "exploratory_reform": _("exploratory reform"),
    "participation_skip_ground": _("ground for not hearing the public"),
    "participation_skip_basis": _("law that bars disclosure"),
    "participation_skip_confirmed_by_id": _("skip of public participation confirmed by"),
    "participation_skip_confirmed_at": _("skip of public participation confirmed at"),
    "issue": _("issue in dispute"),
    "reasons": _("reasons"),
    # The annual catalogue
    "catalogue_year": _("Catalogue of the year"),
    "organ": _("decision organ"),
    "number": _("item number"),
    "planned_quarter": _("planned quarter"),
    "basis": _("basis"),
    "published": _("catalogue already published"),
    "added_reason": _("reason for the addition"),
    "removed_at": _("removed at"),
    "removed_reason": _("reason for the removal"),
    "party_consent_date": _("date of the Party committee's consent"),
    "party_consent_reference": _("reference of the Party committee's consent"),
    "published_at": _("published at"),
    "catalogue_item_id": _("catalogue item (record number)"),
    "catalogue_item": _("catalogue item"),
    "outside_catalogue_reason": _("reason it is outside the catalogue"),
    # Consultation, review, meeting, publication
    "method": _("method"),
    "window_start": _("window opens"),
    "window_end": _("window closes"),
    "shortening_reason": _("reason for a window under 30 days"),
    "channel": _("channel"),
    "notice": _("notice"),
    "hearing_on": _("hearing held on"),
    "materials_sent_on": _("hearing materials sent to participants on"),
    "record_confirmed": _("participants confirmed and signed the hearing record"),
    "consultations": _("Consultations of the public"),
    "comments": _("Public comments"),
    "opinion": _("opinion"),
    "expert_id": _("Expert"),
    "signature": _("signature"),
    "declares_no_interest": _("declares no direct interest in the matter"),
    "signed_at": _("Signed at"),
    "risk_points": _("risk points"),
    "measures": _("prevention measures"),
    "response_plan": _("response plan"),
    "assessed_by_id": _("Assessed by"),
    "assessed_at": _("Assessed at"),
    "opinion_authority": _("opinion on authority"),
    "opinion_procedure": _("opinion on procedure"),
    "opinion_content": _("opinion on content"),
    "conclusion": _("overall conclusion"),
    "risk_statement": _("legal risk stated"),
    "reviewed_by_id": _("Reviewed by"),
    "reviewed_at": _("Reviewed at"),
    "reviewed_sha256": _("Reviewed draft (SHA-256)"),
    "counsel": _("legal adviser or government lawyer"),
    "kind": _("kind of meeting"),
    "meeting_date": _("meeting date"),
    "review_id": _("Legality review record"),
    "review_outcome": _("Outcome of the legality review"),
    "draft_sha256": _("Draft (SHA-256)"),
    "published_on": _("published on"),
    "published_text": _("published text"),
    "adoption_explanation": _("explanation of how opinions were adopted"),
    "party_report_on": _("reported to the Party committee on"),
    "party_report_ref": _("reference of the report to the Party committee"),
    # Dates, ids and seals
    "accepted_at": _("accepted at"),
    "due_on": _("Due on"),
    "recorded_by_id": _("Recorded by"),
    "recorded_at": _("Recorded at"),
    "created_by_id": _("Created by"),
    "uploaded_by_id": _("Uploaded by"),
    "sha256": _("SHA-256"),
    "decision_id": _("Decision"),
    "id": _("Record number"),
    # Reads, exports and verifications
    "page": _("Page read"),
    "path": _("Address"),
    "username": _("Login tried"),
    "manifest_sha256": _("Manifest (SHA-256)"),
    "document": _("Document"),
    "document_number": _("Document number"),
    "number_given": _("Number given with this download"),
    "record_id": _("Record printed (record number)"),
    "files": _("Files"),
    "events": _("Events"),
    "last_sequence": _("Last event in the dossier"),
    "via": _("Through"),
    "file": _("File"),
    "verified_sequence": _("Verified up to event"),
    "verified_sha256": _("Chain head (SHA-256)"),
    "ok": _("Chain intact"),
    "first_bad_sequence": _("First broken event"),
    "chain_problem": _("Problem found"),
    # Changes in the admin
    "model": _("Kind of record"),
    "object": _("Record"),
    "password_changed": _("Password changed"),
    "groups": _("Roles (groups)"),
    "user_permissions": _("The user's own permissions"),
    "is_active": _("Active"),
    "is_staff": _("May use the admin"),
    "is_superuser": _("Superuser"),
    "first_name": _("Given name"),
    "last_name": _("Family name"),
    "email": _("E-mail"),
}

#: Where one action's field means something else than the same key elsewhere.
ACTION_FIELD_LABELS = {
    ("disagreement_record", "positions"): _("each side's position"),
    ("access_refused", "method"): _("Request method"),
    ("access_refused", "status"): _("Answer (HTTP status)"),
    ("access_refused", "decision"): _("Decision asked for"),
    ("access_refused", "task"): _("Task asked for"),
    ("access_refused", "overflow"): _("Further refusals of this user and address this minute "
                                      "counted here"),
    ("access_refused", "earlier_refusals"): _("Identical refusals of an earlier minute"),
    ("access_refusals_counted", "sequence"): _("First refusal (event number)"),
    ("access_refusals_counted", "count"): _("Identical refusals that minute"),
    ("access_refusals_counted", "minute"): _("Minute"),
    ("access_refusals_counted", "method"): _("Request method"),
    ("access_refusals_counted", "overflow"): _("Further refusals of this user and address this "
                                               "minute counted here"),
    **{(action, key): label
       for action in ("admin_add", "admin_change", "admin_delete")
       for key, label in (("username", _("login")), ("name", _("name")))},
    ("login_locked_out", "failures"): _("Failed logins"),
    ("credentials_revoked", "username"): _("Whose tokens and sessions"),
    ("credentials_revoked", "reason"): _("Why (password_changed, role_changed, logout_all)"),
    ("credentials_revoked", "tokens"): _("API tokens ended"),
    ("credentials_revoked", "sessions"): _("Browser sessions ended"),
    ("session_expired", "reason"): _("Why (idle, lifetime)"),
    **{(action, "username"): _("Whose two-step verification")
       for action in ("otp_device_confirmed", "otp_device_removed")},
    ("otp_device_confirmed", "device"): _("Device"),
    ("otp_device_confirmed", "required"): _("Required of this role by the deployment"),
    ("otp_device_removed", "device"): _("Device"),
    ("otp_device_removed", "reason"): _("Why (by_owner: by the user with a current code; "
                                        "admin_reset: by an administrator, for a lost phone)"),
    ("otp_verified", "username"): _("login"),
    ("expert_opinion_adoption_record", "opinion"): _("Expert opinion record"),
    ("counsel_opinion_record", "opinion"): _("legal opinion"),
    ("catalogue_publish", "items"): _("Items published (their numbers)"),
    ("decision_catalogue_link", "reason"): _("Reason for the correction"),
}

#: Fields that a summary leaves to the full record.
SUMMARY_SKIPPED = frozenset({"id", "decision_id"})

TASK_STATUS_LABELS = {
    "NEW": _("waiting to be claimed"),
    "ASSIGNED": _("assigned"),
    "STARTED": _("started"),
    "DONE": _("done"),
    "CANCELED": _("cancelled"),
    "ERROR": _("failed"),
    "SCHEDULED": _("scheduled"),
    "REVIVED": _("revived"),
}

#: The flow's steps that are not a stage of their own.
NODE_LABELS = {"start": _("Propose a decision"), "revision_after_risk": Stage.REVISION.label}

CHAIN_PROBLEMS = {
    "gap": _("an event is missing or was inserted before it"),
    "link": _("it does not link to the event before it (events removed, inserted or "
              "reordered)"),
    "hash": _("its content does not match its hash (the event was altered)"),
}

_CHOICES = {
    "stage": Stage, "grounds": Stage, "outcome": ReviewOutcome, "review_outcome": ReviewOutcome,
    "adoption": AdoptionStatus, "position": MemberPosition, "head_decision": HeadDecision,
    "proposal_source": ProposalSource, "method": ParticipationMethod, "kind": MeetingKind,
    "participation_skip_ground": ParticipationSkipGround, "document": DocumentKind,
}
#: Fields holding a user's id, a list of ids, a login or a list of logins.
PERSON_ID_FIELDS = frozenset({"reviewer_id", "counsel_id", "risk_assessor_id",
                              "head_id", "recorded_by_id",
                              "assessed_by_id", "reviewed_by_id", "expert_id", "created_by_id",
                              "uploaded_by_id", "drafter_id",
                              "participation_skip_confirmed_by_id"})
PERSON_IDS_FIELDS = frozenset({"experts"})
PERSON_LOGIN_FIELDS = frozenset({"owner", "username"})
PERSON_LOGINS_FIELDS = frozenset({"attendees"})


@dataclass(frozen=True)
class Names:
    """What a record's ids and logins name: people (by id and by login) and draft versions."""

    users_by_id: dict = field(default_factory=dict)
    users_by_login: dict = field(default_factory=dict)
    version_numbers: dict = field(default_factory=dict)

    def person(self, key) -> str:
        if isinstance(key, int):
            return self.users_by_id.get(key) or f"#{key}"
        return self.users_by_login.get(key) or str(key)


def field_label(key: str, action: str = "") -> str:
    return str(ACTION_FIELD_LABELS.get((action, key)) or FIELD_LABELS.get(key, key))


def code_label(key: str, value) -> str:
    """A coded value's label: stages, outcomes, positions, decisions, statuses; else as is."""
    choices = _CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if key == "status" and value in DecisionStatus.values:
        return str(DecisionStatus(value).label)
    if key == "status" and value in TASK_STATUS_LABELS:
        return str(TASK_STATUS_LABELS[value])
    if key == "node":
        return str(Stage(value).label) if value in Stage.values else str(
            NODE_LABELS.get(value, value))
    return str(value)


def value_text(key: str, value, names: Names = Names(), action: str = "") -> str:
    """An event's field value as its reader says it: labels for codes, names for people."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return gettext_now("yes") if value else gettext_now("no")
    if key in PERSON_ID_FIELDS or key in PERSON_LOGIN_FIELDS:
        return names.person(value)
    if key in PERSON_IDS_FIELDS or key in PERSON_LOGINS_FIELDS:
        return "、".join(names.person(v) for v in value)
    if key == "draft_version_id" and value in names.version_numbers:
        return f"v{names.version_numbers[value]}"
    if key == "holder":
        return _holder_text(str(value), names)
    if key == "permissions":
        return "、".join(_permission_text(p) for p in value)
    if key == "open":
        return "、".join(code_label("stage", v) for v in value)
    if key == "positions" and isinstance(value, dict):
        return "；".join(_position_text(login, p, names) for login, p in value.items())
    if key == "absent" and isinstance(value, dict):
        return "；".join(f"{names.person(login)}（{reason}）" for login, reason in value.items())
    if key == "comments" and isinstance(value, list):
        return "；".join(_comment_text(c) for c in value)
    if key == "consultations" and isinstance(value, list):
        return "\n".join(_consultation_text(c) for c in value)
    if key == "chain_problem" and value in CHAIN_PROBLEMS:
        return str(CHAIN_PROBLEMS[value])
    if key.endswith("_at") and isinstance(value, str):
        return _moment_text(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "、".join(value)
    if isinstance(value, str | int | float):
        return code_label(key, value)
    return json.dumps(value, ensure_ascii=False)


#: Fields whose values are machine text (digests, addresses, logins), shown as code.
VERBATIM_FIELDS = frozenset({"sha256", "reviewed_sha256", "draft_sha256", "manifest_sha256",
                             "verified_sha256", "page", "path", "file", "via", "username",
                             "signature"})


class Change(NamedTuple):
    label: str
    before: str
    after: str
    verbatim: bool = False


def record_changes(before: dict, after: dict, names: Names = Names(),
                   action: str = "") -> list[Change]:
    """The fields an event changed or recorded, each as (label, before, after), in the order
    of FIELD_LABELS (unknown keys last); empty fields, and the ids a summary leaves to the full
    record, omitted."""
    order = {key: n for n, key in enumerate(FIELD_LABELS)}
    keys = sorted((key for key in set(before) | set(after)
                   if before.get(key) != after.get(key) and key not in SUMMARY_SKIPPED),
                  key=lambda key: (order.get(key, len(order)), key))
    changes = [Change(field_label(key, action), value_text(key, before.get(key), names, action),
                      value_text(key, after.get(key), names, action), key in VERBATIM_FIELDS)
               for key in keys]
    return [change for change in changes if change.before or change.after]


def people_named(records) -> tuple[set[int], set[str]]:
    """The user ids and logins that ``records`` (before/after dicts) name, to look them up."""
    ids, logins = set(), set()
    for record in records:
        for key, value in record.items():
            if key in PERSON_ID_FIELDS and isinstance(value, int):
                ids.add(value)
            elif key in PERSON_IDS_FIELDS and isinstance(value, list):
                ids.update(v for v in value if isinstance(v, int))
            elif key in PERSON_LOGIN_FIELDS and isinstance(value, str):
                logins.add(value)
            elif key in PERSON_LOGINS_FIELDS and isinstance(value, list):
                logins.update(v for v in value if isinstance(v, str))
            elif key in ("positions", "absent") and isinstance(value, dict):
                logins.update(value)
            elif key == "holder" and isinstance(value, str) and value.startswith("user:"):
                logins.add(value.removeprefix("user:"))
    return ids, logins


def _holder_text(holder: str, names: Names) -> str:
    kind, _sep, name = holder.partition(":")
    if kind == "group":
        return str(Role(name).label) if name in Role.values else name
    return names.person(name) if kind == "user" else holder


def _permission_text(permission: str) -> str:
    codename = permission.removeprefix("decisions.")
    if codename == VIEW_PERMISSION:
        return gettext_now("read the decision")
    for rule in RULES:
        if rule.permission == codename:
            return gettext_now("act at %(stage)s") % {"stage": rule.stage.label}
    return permission


def _position_text(login: str, record, names: Names) -> str:
    if not isinstance(record, dict):
        return f"{names.person(login)}：{record}"
    reason = f"（{record['reason']}）" if record.get("reason") else ""
    return f"{names.person(login)}：{code_label('position', record.get('position'))}{reason}"


def _comment_text(comment) -> str:
    if not isinstance(comment, dict):
        return str(comment)
    adoption = code_label("adoption", comment.get("adoption"))
    reason = f"，{comment['reason']}" if comment.get("reason") else ""
    return f"{comment.get('source', '')}：{comment.get('text', '')}（{adoption}{reason}）"


def _consultation_text(consultation) -> str:
    """One consultation of the public as a line: method, channel, dates, hearing, comments."""
    if not isinstance(consultation, dict):
        return str(consultation)
    start, end = consultation.get("window_start"), consultation.get("window_end")
    parts = [code_label("method", consultation.get("method")),
             consultation.get("channel") or "",
             start if start == end else f"{start}—{end}"]
    if consultation.get("hearing_on"):
        parts.append(gettext_now("materials sent %(sent)s, record confirmed: %(confirmed)s") % {
            "sent": consultation.get("materials_sent_on"),
            "confirmed": value_text("record_confirmed", consultation.get("record_confirmed"))})
    comments = value_text("comments", consultation.get("comments") or [])
    return "，".join(p for p in parts if p) + (f"：{comments}" if comments else "")


def _moment_text(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
