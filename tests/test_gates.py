"""The statutory gates refuse, through the services and through HTTP, with a clear message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions import services
from decisions.errors import StatutoryGateError
from decisions.models import LegalReview, Meeting
from decisions.records.drafts import draft_version_create
from decisions.rulebook import Stage

from .factories import Journey, open_task
from .http_client import Office, http_at_meeting


def at_meeting(people, **overrides) -> Journey:
    journey = Journey(people, **overrides)
    journey.submit().accept().participate().review("lawful")
    assert journey.decision.stage == Stage.COLLECTIVE_DECISION
    return journey


def meeting_kwargs(people, journey, **overrides):
    members = [people["member"], people["member2"]]
    kwargs = {
        "decision": journey.decision, "meeting_date": timezone.localdate(),
        "kind": "leadership", "head": people["head"], "attendees": members,
        "positions": {m: ("agree", "") for m in members}, "head_decision": "adopted",
        "acting_user": people["secretary"],
    }
    kwargs.update(overrides)
    return kwargs


def change_draft(journey, people):
    """Someone changes the draft after its review (a new version, through the service)."""
    draft_version_create(decision=journey.decision, text="第一条 改过的草案。",
                         note="审查后改动", acting_user=people["drafter"])


# Through the services


def test_meeting_refused_when_draft_changed_after_review(people):
    journey = at_meeting(people)
    change_draft(journey, people)
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_meeting(**meeting_kwargs(people, journey))
    assert refused.value.code == "review_stale_version"
    assert "review it again" in refused.value.message or "审查" in refused.value.message
    assert not Meeting.objects.exists()


def test_meeting_refused_when_latest_review_not_lawful(people):
    journey = at_meeting(people)
    change_draft(journey, people)
    services.decision_record_legal_review(
        decision=journey.decision, reviewed_version=journey.decision.current_version.sha256,
        outcome="unlawful", opinion_authority="a", opinion_procedure="b", opinion_content="c",
        acting_user=people["reviewer"])
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_meeting(**meeting_kwargs(people, journey))
    assert refused.value.code == "review_not_lawful"
    assert not Meeting.objects.exists()


def test_meeting_refused_without_any_review(people):
    journey = Journey(people)
    journey.submit().accept().participate()
    from decisions.models import Decision

    Decision.objects.filter(pk=journey.decision.pk).update(stage=Stage.COLLECTIVE_DECISION)
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_meeting(**meeting_kwargs(people, journey))
    assert refused.value.code == "review_missing"


def test_head_decision_refused_until_every_attendee_has_a_position(people):
    journey = at_meeting(people)
    kwargs = meeting_kwargs(people, journey,
                            positions={people["member"]: ("agree", "")})
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_meeting(**kwargs)
    assert refused.value.code == "positions_missing"
    assert people["member2"].get_full_name() in refused.value.message
    assert not Meeting.objects.exists()


def test_head_departing_from_majority_must_state_reason(people):
    journey = at_meeting(people)
    kwargs = meeting_kwargs(people, journey, head_decision="adopted", positions={
        people["member"]: ("disagree", "资金不足"), people["member2"]: ("disagree", "")})
    with pytest.raises(ValidationError) as refused:
        services.decision_record_meeting(**kwargs)
    assert "head_reason" in refused.value.message_dict
    kwargs["head_reason"] = "项目紧迫，资金可统筹"
    meeting = services.decision_record_meeting(**kwargs)
    assert meeting.positions.filter(position="disagree").count() == 2


def test_review_refused_for_a_version_that_is_not_current(people):
    journey = Journey(people)
    journey.submit().accept().participate()
    old_sha = journey.decision.current_version.sha256
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_legal_review(
            decision=journey.decision, reviewed_version="0" * 64, outcome="lawful",
            opinion_authority="a", opinion_procedure="b", opinion_content="c",
            acting_user=people["reviewer"])
    assert refused.value.code == "review_stale_version"
    change_draft(journey, people)
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_legal_review(
            decision=journey.decision, reviewed_version=old_sha, outcome="lawful",
            opinion_authority="a", opinion_procedure="b", opinion_content="c",
            acting_user=people["reviewer"])
    assert refused.value.code == "review_stale_version"
    assert not LegalReview.objects.exists()


def test_review_refused_before_consultation_is_complete(people):
    journey = Journey(people)
    journey.submit().accept()
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_record_legal_review(
            decision=journey.decision, reviewed_version=journey.decision.current_version.sha256,
            outcome="lawful", opinion_authority="a", opinion_procedure="b",
            opinion_content="c", acting_user=people["reviewer"])
    assert refused.value.code == "consultation_incomplete"


def test_lawful_with_risk_needs_the_risk_stated(people):
    journey = Journey(people, exploratory_reform=True)
    journey.submit().accept().participate().counsel_opinion()
    with pytest.raises(ValidationError) as refused:
        services.decision_record_legal_review(
            decision=journey.decision, reviewed_version=journey.decision.current_version.sha256,
            outcome="lawful_with_risk", opinion_authority="a", opinion_procedure="b",
            opinion_content="c", acting_user=people["reviewer"])
    assert "risk_statement" in refused.value.message_dict


def test_short_consultation_window_needs_a_reason(people):
    journey = Journey(people)
    journey.submit().accept()
    start = datetime.date(2026, 3, 1)
    kwargs = {"decision": journey.decision, "method": "online", "window_start": start,
              "window_end": start + datetime.timedelta(days=14), "comments": [],
              "acting_user": people["drafter"]}
    with pytest.raises(ValidationError) as refused:
        services.decision_record_participation(**kwargs)
    assert "shortening_reason" in refused.value.message_dict
    services.decision_record_participation(**kwargs, shortening_reason="防汛工作紧迫")


def test_revision_refused_without_grounds(people):
    journey = at_meeting(people)
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_revise(decision=journey.decision, draft_text="新文本",
                                 response="无", acting_user=people["drafter"])
    assert refused.value.code == "task_not_open"


def test_expert_signs_with_his_own_name(people):
    journey = Journey(people, needs_expert_input=True, skip_reasons={
        "risk_assessment": "无"})
    journey.submit().accept(experts=[people["expert"]])
    with pytest.raises(ValidationError) as refused:
        services.decision_submit_expert_opinion(
            decision=journey.decision, opinion="可行", signature="别人",
            declares_no_interest=True, acting_user=people["expert"])
    assert "signature" in refused.value.message_dict


def test_publication_refused_unless_adopted(people):
    journey = at_meeting(people)
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_publish(decision=journey.decision,
                                  published_on=datetime.date(2026, 5, 1), published_text="x",
                                  adoption_explanation="y", acting_user=people["office"])
    assert refused.value.code == "not_adopted"


def test_archived_decision_is_read_only(people):
    journey = at_meeting(people)
    journey.meet("not_adopted", positions={people["member"]: ("disagree", ""),
                                           people["member2"]: ("disagree", "")})
    assert journey.decision.stage == Stage.ARCHIVED
    with pytest.raises(ValidationError):
        services.decision_revise(decision=journey.decision, draft_text="x", response="y",
                                 acting_user=people["drafter"])


# Through HTTP


def test_http_review_of_a_stale_version_is_refused(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    response = office.review("lawful", reviewed_version="a" * 64, expect=409)
    assert "当前" in response.content.decode() or "current draft" in response.content.decode()
    assert not LegalReview.objects.exists()
    assert office.decision.stage == Stage.LEGAL_REVIEW


def test_http_meeting_refused_after_the_draft_changed(people):
    office = http_at_meeting(people)
    change_draft(office, people)
    office.meet("adopted", expect=409)
    assert not Meeting.objects.exists()
    assert office.decision.stage == Stage.COLLECTIVE_DECISION


def test_http_head_decision_refused_with_a_position_missing(people):
    office = http_at_meeting(people)
    response = office.meet("adopted", positions={"member": "agree"}, expect=409)
    assert people["member2"].get_full_name() in response.content.decode()
    assert not Meeting.objects.exists()
    open_task(office.decision, "collective_decision")


def test_http_completed_task_cannot_be_posted_again(people):
    office = http_at_meeting(people)
    task = open_task(office.decision, "collective_decision")
    office.meet("adopted")
    from .http_client import task_url

    response = office.client("secretary").post(task_url(task), {"head_decision": "adopted"})
    assert response.status_code in (403, 404)
    assert Meeting.objects.count() == 1


def test_http_meeting_refused_when_latest_review_is_not_lawful(people):
    office = http_at_meeting(people)
    change_draft(office, people)
    services.decision_record_legal_review(
        decision=office.decision, reviewed_version=office.decision.current_version.sha256,
        outcome="unlawful", opinion_authority="a", opinion_procedure="b", opinion_content="c",
        acting_user=people["reviewer"])
    response = office.meet("adopted", expect=409)
    assert "不合法" in response.content.decode()
    assert not Meeting.objects.exists()
