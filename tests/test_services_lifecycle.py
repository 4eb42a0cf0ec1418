"""The procedure driven through the services and the flow engine, without HTTP."""

from decisions.models import AuditEvent
from decisions.rulebook import DecisionStatus, Stage

from .factories import Journey


def test_happy_path_reaches_archive_published(people):
    journey = Journey(people)
    assert journey.decision.stage == Stage.INITIATION
    journey.submit()
    assert journey.decision.stage == Stage.ACCEPTANCE
    journey.accept()
    assert journey.decision.stage == Stage.PUBLIC_PARTICIPATION
    journey.participate()
    assert journey.decision.stage == Stage.LEGAL_REVIEW
    journey.review("lawful")
    assert journey.decision.stage == Stage.COLLECTIVE_DECISION
    journey.meet("adopted")
    assert journey.decision.stage == Stage.PUBLICATION
    journey.publish()
    assert journey.decision.stage == Stage.ARCHIVED
    assert journey.decision.status == DecisionStatus.PUBLISHED
    actions = list(AuditEvent.objects.filter(decision=journey.decision)
                   .values_list("action", flat=True))
    for expected in ("decision_create", "decision_submit", "decision_accept",
                     "public_participation_record", "legal_review_record", "meeting_record",
                     "publication_record", "decision_archive"):
        assert expected in actions
    assert not AuditEvent.objects.filter(decision=journey.decision, actor__isnull=True).exists()
