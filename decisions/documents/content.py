"""What each document says, taken from the record: plain values for its template (names as
Chinese writes them, dates as 2026年3月10日, labels in Chinese)."""

import datetime

from django.conf import settings
from django.utils import timezone

from ..models import Decision, LegalReview, Meeting, Publication
from ..people import display_name
from ..records.meeting import head_departs_from_majority
from ..rulebook import AdoptionStatus, MemberPosition, ReviewOutcome


def chinese_date(value) -> str:
    """2026年3月10日 (GB/T 9704: the year, month and day in full, in Arabic numerals)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, timezone.get_default_timezone()).date()
    return f"{value.year}年{value.month}月{value.day}日"


def organ_names() -> dict:
    organ = getattr(settings, "JUECE_ORGAN_NAME", "")
    return {"organ": organ, "review_body": getattr(settings, "JUECE_REVIEW_BODY_NAME", "") or organ}


def _decision(decision: Decision) -> dict:
    return {"title": decision.title, "lead_unit": decision.lead_unit,
            "drafter": display_name(decision.drafter), "decision_id": decision.pk,
            "legal_basis": list(decision.legal_basis or []),
            "exploratory_reform": decision.exploratory_reform}


def review_opinion(decision: Decision, review: LegalReview, number) -> dict:
    """The 合法性审查意见书 (Arts. 25-28): the review of one draft version, its three opinions
    (Art. 27), its outcome, and the legal adviser's own signed opinion on that version."""
    version = review.draft_version
    counsel = next((c for c in decision.counsel_opinions.all()
                    if c.draft_version_id == version.pk), None)
    return {
        **organ_names(), **_decision(decision),
        "number": str(number), "year": number.year, "serial": number.serial,
        "version": version.number, "sha256": version.sha256,
        "version_created_on": chinese_date(version.created_at),
        "reviewed_on": chinese_date(review.reviewed_at),
        "reviewer": display_name(review.reviewed_by),
        "outcome": review.outcome, "outcome_label": ReviewOutcome(review.outcome).label,
        "opinion_authority": review.opinion_authority,
        "opinion_procedure": review.opinion_procedure,
        "opinion_content": review.opinion_content,
        "conclusion": review.conclusion, "risk_statement": review.risk_statement,
        "counsel": counsel and {
            "name": counsel.counsel, "opinion": counsel.opinion,
            "signature": counsel.signature or counsel.counsel,
            "signed_on": chinese_date(counsel.recorded_at)},
    }


def meeting_record(decision: Decision, meeting: Meeting) -> dict:
    """The 集体讨论决定记录 (Art. 30): who attended and who did not and why, each member's
    position and reason, the head's decision, spoken last, and his reason."""
    positions = list(meeting.positions.all())
    counts = {code: sum(1 for p in positions if p.position == code)
              for code in MemberPosition.values}
    review = meeting.review
    number = getattr(review, "document_number", None) if review else None
    absences = list(meeting.absences.all())
    attendees = [display_name(u) for u in meeting.attendees.order_by("pk")]  # a fixed order
    return {
        **organ_names(), **_decision(decision),
        "date": chinese_date(meeting.meeting_date),
        "kind": meeting.get_kind_display(),
        "head": display_name(meeting.head),
        "attendees": attendees,
        "absences": [{"name": display_name(a.member), "reason": a.reason} for a in absences],
        "members_total": len(attendees) + len(absences),
        "attending": len(attendees),
        "positions": [{"name": display_name(p.member), "position": p.get_position_display(),
                       "reason": p.reason} for p in positions],
        "agree": counts[MemberPosition.AGREE], "disagree": counts[MemberPosition.DISAGREE],
        "abstain": counts[MemberPosition.ABSTAIN],
        "head_decision": meeting.head_decision,
        "head_decision_label": meeting.get_head_decision_display(),
        "head_reason": meeting.head_reason,
        "departs_from_majority": head_departs_from_majority(
            meeting.head_decision, [p.position for p in positions]),
        "risk_acknowledged": meeting.risk_acknowledged,
        "risk_statement": review.risk_statement if review else "",
        "version": meeting.draft_version.number, "sha256": meeting.draft_version.sha256,
        "review_outcome_label": ReviewOutcome(meeting.review_outcome).label,
        "review_number": str(number) if number else "",
        "review_on": chinese_date(review.reviewed_at) if review else "",
        "recorded_by": display_name(meeting.recorded_by),
        "recorded_on": chinese_date(meeting.recorded_at),
    }


def decision_explanation(decision: Decision, publication: Publication) -> dict:
    """The 决策说明 published with the decision (Art. 32): how the public's comments and the
    experts' opinions were adopted, with the explanation the office wrote."""
    meeting = decision.meetings.order_by("-id").first()
    consultations = []
    for participation in decision.participations.all():
        comments = list(participation.comments.all())
        consultations.append({
            "method": participation.get_method_display(),
            "channel": participation.channel,
            "start": chinese_date(participation.window_start),
            "end": chinese_date(participation.window_end),
            "single_day": participation.window_start == participation.window_end,
            "count": len(comments),
            **_adoption_counts(comments, "adoption"),
            "comments": [{"text": c.text, "adoption": c.get_adoption_display(),
                          "reason": c.reason} for c in comments],
        })
    opinions = list(decision.expert_opinions.all())
    return {
        **organ_names(), **_decision(decision),
        "published_on": chinese_date(publication.published_on),
        "version": publication.draft_version.number,
        "sha256": publication.draft_sha256 or publication.draft_version.sha256,
        "meeting_date": chinese_date(meeting.meeting_date) if meeting else "",
        "meeting_kind": meeting.get_kind_display() if meeting else "",
        "adoption_explanation": publication.adoption_explanation,
        "consultations": consultations,
        "comments_total": sum(c["count"] for c in consultations),
        "comments_adopted": sum(c["adopted"] for c in consultations),
        "comments_partly": sum(c["partly_adopted"] for c in consultations),
        "comments_not_adopted": sum(c["not_adopted"] for c in consultations),
        "expert_opinions": [{"expert": display_name(o.expert),
                             "adoption": o.get_adoption_display(),
                             "reason": o.adoption_reason} for o in opinions],
        **{f"opinions_{key}": value
           for key, value in _adoption_counts(opinions, "adoption").items()},
    }


def _adoption_counts(items, attribute: str) -> dict:
    return {status.value: sum(1 for item in items if getattr(item, attribute) == status)
            for status in AdoptionStatus}
