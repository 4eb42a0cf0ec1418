"""The same gates hold in PostgreSQL itself, for writes that bypass the services."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from decisions.models import (
    DraftVersion,
    LegalReview,
    Meeting,
    MeetingAbsence,
    MemberPositionRecord,
    Publication,
)
from decisions.records.drafts import draft_version_create

from .factories import Journey, make_user

pytestmark = pytest.mark.postgres


def at_meeting(people) -> Journey:
    return Journey(people).submit().accept().participate().review("lawful")


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def meeting_row(journey, people, **overrides) -> Meeting:
    review = journey.decision.reviews.latest("id")
    fields = {"decision": journey.decision, "draft_version": journey.decision.current_version,
              "review": review, "review_outcome": review.outcome,
              "meeting_date": datetime.date(2026, 5, 1), "kind": "leadership",
              "head": people["head"], "head_decision": "adopted",
              "recorded_by": people["secretary"]}
    fields.update(overrides)
    return Meeting(**fields)


def test_draft_versions_cannot_be_updated_or_deleted(people):
    journey = Journey(people)
    version = journey.decision.current_version
    with pytest.raises(IntegrityError, match="immutable"):
        raw("UPDATE decisions_draftversion SET text = 'forged' WHERE id = %s", [version.pk])
    with pytest.raises(IntegrityError, match="immutable"):
        raw("DELETE FROM decisions_draftversion WHERE id = %s", [version.pk])
    assert DraftVersion.objects.get(pk=version.pk).text == version.text


def test_review_rows_cannot_be_rewritten(people):
    journey = at_meeting(people)
    review = journey.decision.reviews.get()
    with pytest.raises(IntegrityError, match="immutable"):
        raw("UPDATE decisions_legalreview SET outcome = 'unlawful' WHERE id = %s", [review.pk])


def test_review_must_name_the_current_version(people):
    journey = Journey(people).submit().accept().participate()
    first = journey.decision.current_version
    draft_version_create(decision=journey.decision, text="第二稿", acting_user=people["drafter"])
    with pytest.raises(IntegrityError, match="current draft version"), transaction.atomic():
        LegalReview.objects.create(
            decision=journey.decision, draft_version=first, outcome="lawful",
            opinion_authority="a", opinion_procedure="b", opinion_content="c",
            reviewed_by=people["reviewer"])


def test_meeting_cannot_claim_a_lawful_outcome_its_review_lacks(people):
    journey = at_meeting(people)
    draft_version_create(decision=journey.decision, text="第二稿", acting_user=people["drafter"])
    unlawful = LegalReview.objects.create(
        decision=journey.decision, draft_version=journey.decision.current_version,
        outcome="unlawful", opinion_authority="a", opinion_procedure="b", opinion_content="c",
        reviewed_by=people["reviewer"])
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting_row(journey, people, review=unlawful, review_outcome="lawful").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting_row(journey, people, review=unlawful, review_outcome="unlawful").save()


def test_meeting_on_a_changed_draft_is_refused(people):
    journey = at_meeting(people)
    reviewed = journey.decision.current_version
    draft_version_create(decision=journey.decision, text="第二稿", acting_user=people["drafter"])
    with pytest.raises(IntegrityError, match="current draft version"), transaction.atomic():
        meeting_row(journey, people, draft_version=reviewed).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting_row(journey, people).save()


def test_head_decision_needs_every_attendee_position_at_commit(people):
    journey = at_meeting(people)
    with pytest.raises(IntegrityError, match="position"), transaction.atomic():
        meeting = meeting_row(journey, people)
        meeting.save()
        meeting.attendees.set([people["member"], people["member2"]])
        MemberPositionRecord.objects.create(meeting=meeting, member=people["member"],
                                            position="agree")
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    with transaction.atomic():
        meeting = meeting_row(journey, people)
        meeting.save()
        meeting.attendees.set([people["member"]])
        MemberPositionRecord.objects.create(meeting=meeting, member=people["member"],
                                            position="agree")
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    assert Meeting.objects.count() == 1


def test_an_absence_cannot_be_rewritten(people):
    journey = at_meeting(people)
    third = make_user("member3", "member", "褚委员")
    journey.meet("adopted", absent=[{"member": third, "reason": "出差"}])
    absence = MeetingAbsence.objects.get()
    with pytest.raises(IntegrityError, match="immutable"):
        raw("UPDATE decisions_meetingabsence SET reason = '在会' WHERE id = %s", [absence.pk])
    with pytest.raises(IntegrityError, match="immutable"):
        raw("DELETE FROM decisions_meetingabsence WHERE id = %s", [absence.pk])


def test_a_publication_is_bound_to_its_draft_version(people):
    journey = at_meeting(people).meet("adopted")
    version = journey.decision.current_version
    fields = {"decision": journey.decision, "draft_version": version,
              "draft_sha256": version.sha256, "published_on": datetime.date(2026, 5, 20),
              "published_text": version.text, "adoption_explanation": "采纳",
              "recorded_by": people["office"]}
    for forged in ({"published_text": "另一个文本"}, {"draft_sha256": "0" * 64}):
        with pytest.raises(IntegrityError, match="adopted draft"), transaction.atomic():
            Publication.objects.create(**{**fields, **forged})
    assert Publication.objects.create(**fields).draft_sha256 == version.sha256
