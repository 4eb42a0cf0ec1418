"""Issue 10, slice A: public participation is left out only for a matter that may not be
disclosed by law, with the law cited and the office's confirmation (Art. 14); "lawful with the
legal risk stated" only for a declared exploratory reform, and the meeting's record says the risk
was put to it (Art. 25 para. 2). Each gate through the service, the API and the page."""

import pytest
from django.core.exceptions import ValidationError

from decisions import services
from decisions.errors import StatutoryGateError
from decisions.models import AuditEvent, Decision, LegalReview, Meeting, StageSkip
from workflows import actions

from .api import proposal as api_proposal
from .factories import Journey, open_task, proposal
from .http_client import Office, proposal_form, start_url, task_url

BASIS = "《中华人民共和国保守国家秘密法》第十三条"
SKIPPED = {"needs_public_participation": False, "participation_skip_ground": "not_disclosable",
           "participation_skip_basis": BASIS}
RISK = "社会资本参与建后管护属探索性做法，国家尚无明确规定。"


def gate(response, code):
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


def page_text(response) -> str:
    return response.content.decode()


# Through the services: Art. 14


@pytest.mark.parametrize("overrides", [
    {"needs_public_participation": False},
    {"needs_public_participation": False,
     "skip_reasons": {"public_participation": "仅涉及内部管理", "expert_input": "无",
                      "risk_assessment": "无"}},
    {"needs_public_participation": False, "participation_skip_ground": "internal_matter",
     "participation_skip_basis": "内部管理事项"},
], ids=["no ground", "a free-text reason", "another ground"])
def test_participation_is_left_out_only_on_the_ground_of_non_disclosure(people, overrides):
    with pytest.raises(StatutoryGateError) as refused:
        actions.start_decision(acting_user=people["drafter"], **proposal(**overrides))
    assert refused.value.code == "participation_skip_not_allowed"
    assert "第十四条" in refused.value.message
    assert not Decision.objects.exists()


def test_the_ground_needs_the_law_that_bars_disclosure(people):
    with pytest.raises(ValidationError) as refused:
        actions.start_decision(acting_user=people["drafter"], **proposal(
            **{**SKIPPED, "participation_skip_basis": "  "}))
    assert "participation_skip_basis" in refused.value.message_dict


def test_the_ground_and_its_basis_are_recorded_as_the_reason_for_leaving_it_out(people):
    journey = Journey(people, **SKIPPED)
    decision = journey.decision
    assert decision.participation_skip_ground == "not_disclosable"
    assert decision.participation_skip_basis == BASIS
    skip = StageSkip.objects.get(decision=decision, stage="public_participation")
    assert BASIS in skip.reason and "依法不予公开" in skip.reason


def test_held_participation_keeps_no_ground(people):
    decision = Journey(people, participation_skip_ground="not_disclosable",
                       participation_skip_basis=BASIS).decision
    assert decision.needs_public_participation
    assert (decision.participation_skip_ground, decision.participation_skip_basis) == ("", "")


def test_the_office_confirms_the_ground_at_acceptance(people):
    journey = Journey(people, **SKIPPED).submit()
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_accept(decision=journey.decision, reviewer=people["reviewer"],
                                 counsel=people["counsel"], acting_user=people["office"])
    assert refused.value.code == "participation_skip_not_allowed"
    assert journey.decision.accepted_at is None

    journey.accept()
    decision = journey.decision
    assert decision.participation_skip_confirmed_by == people["office"]
    assert decision.participation_skip_confirmed_at == decision.accepted_at
    event = AuditEvent.objects.get(decision=decision, action="decision_accept")
    assert event.after["participation_skip_confirmed_by_id"] == people["office"].pk
    assert event.after["participation_skip_basis"] == BASIS


def test_a_skip_without_the_ground_cannot_be_confirmed(people):
    """A proposal recorded before the rule (a free-text reason, no ground) is refused at
    acceptance even when the office would confirm it: it goes back to the drafter."""
    journey = Journey(people, **SKIPPED).submit()
    Decision.objects.filter(pk=journey.decision.pk).update(participation_skip_ground="",
                                                           participation_skip_basis="")
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_accept(decision=journey.decision, reviewer=people["reviewer"],
                                 counsel=people["counsel"], participation_skip_confirmed=True,
                                 acting_user=people["office"])
    assert refused.value.code == "participation_skip_not_allowed"


# Through the services: Art. 25 para. 2


def review(journey, people, outcome="lawful_with_risk", risk_statement=RISK):
    """The reviewer's review, the legal adviser having signed his opinion first (Art. 28)."""
    if not journey.decision.counsel_opinions.exists():
        services.decision_submit_counsel_opinion(
            decision=journey.decision, reviewed_version=journey.decision.current_version.sha256,
            opinion="未发现与上位法相抵触之处。", signature="counsel", declares_no_interest=True,
            acting_user=people["counsel"])
    return services.decision_record_legal_review(
        decision=journey.decision, reviewed_version=journey.decision.current_version.sha256,
        outcome=outcome, opinion_authority="主体适格", opinion_procedure="程序完备",
        opinion_content="内容合法", risk_statement=risk_statement,
        acting_user=people["reviewer"])


def test_lawful_with_risk_only_for_a_declared_exploratory_reform(people):
    journey = Journey(people).submit().accept().participate()
    with pytest.raises(StatutoryGateError) as refused:
        review(journey, people)
    assert refused.value.code == "lawful_with_risk_not_exploratory"
    assert "第二十五条第二款" in refused.value.message
    assert not LegalReview.objects.exists()

    exploratory = Journey(people, exploratory_reform=True).submit().accept().participate()
    assert review(exploratory, people).outcome == "lawful_with_risk"


def test_the_meeting_states_that_the_risk_was_put_to_it(people):
    journey = Journey(people, exploratory_reform=True).submit().accept().participate()
    journey.review("lawful_with_risk", risk_statement=RISK)
    with pytest.raises(StatutoryGateError) as refused:
        journey.meet(risk_acknowledged=False)
    assert refused.value.code == "meeting_package_incomplete"
    assert RISK in refused.value.message
    assert not Meeting.objects.exists()

    journey.meet(risk_acknowledged=True)
    assert Meeting.objects.get().risk_acknowledged is True


def test_a_plainly_lawful_review_asks_no_acknowledgement(people):
    journey = Journey(people).submit().accept().participate().review("lawful")
    journey.meet(risk_acknowledged=False)
    assert Meeting.objects.get().risk_acknowledged is False


# Through the API


def test_api_proposal_refuses_a_skip_without_the_ground(api):
    body = api_proposal(needs_public_participation=False,
                        skip_reasons={"public_participation": "仅涉及内部管理",
                                      "expert_input": "无", "risk_assessment": "无"})
    gate(api.post("drafter", "/api/v1/decisions/", body), "participation_skip_not_allowed")
    body["participation_skip_ground"] = "not_disclosable"
    response = api.post("drafter", "/api/v1/decisions/", body)
    assert response.status_code == 400, response.content
    assert "participation_skip_basis" in response.json()
    body["participation_skip_basis"] = BASIS
    response = api.post("drafter", "/api/v1/decisions/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["participation_skip_ground"] == "not_disclosable"
    assert created["participation_skip_basis"] == BASIS
    assert created["participation_skip_confirmed_by"] is None
    assert created["exploratory_reform"] is False


def test_api_acceptance_needs_the_office_confirmation(api):
    pk = api.propose(**SKIPPED)["id"]
    api.submit(pk)
    response = api.complete("office", pk, "acceptance",
                            {"outcome": "accept", "reviewer": "reviewer", "counsel": "counsel"},
                            expect=409)
    assert response["code"] == "participation_skip_not_allowed"
    decision = api.accept(pk)  # with participation_skip_confirmed: true
    assert decision["participation_skip_confirmed_by"] == "office"
    assert decision["participation_skip_confirmed_at"]
    assert decision["stage"] != "acceptance"


def test_api_lawful_with_risk_and_the_meeting_after_it(api):
    pk = api.to_review()
    body = api.review(pk, "lawful_with_risk", expect=409, risk_statement=RISK)
    assert body["code"] == "lawful_with_risk_not_exploratory"

    pk = api.to_review(exploratory_reform=True)
    assert api.decision(pk)["exploratory_reform"] is True
    api.review(pk, "lawful_with_risk", risk_statement=RISK)
    body = api.meet(pk, expect=409)
    assert body["code"] == "meeting_package_incomplete"
    assert api.meet(pk, risk_acknowledged=True)["stage"] == "publication"


# Through the pages


def test_page_proposal_refuses_a_skip_without_the_ground(people):
    office = Office(people)
    response = office.client("drafter").get(start_url())
    assert 'name="exploratory_reform"' in page_text(response)
    assert 'name="participation_skip_ground"' in page_text(response)
    response = office.client("drafter").post(start_url(), proposal_form(
        needs_public_participation=False))
    assert response.status_code == 409
    assert "只有依法不予公开的决策事项才可以不开展公众参与" in page_text(response)
    assert not Decision.objects.exists()


def test_page_acceptance_shows_the_ground_and_asks_the_confirmation(people):
    office = Office(people)
    office.propose(**SKIPPED, skip_reasons={"expert_input": "无", "risk_assessment": "无"})
    office.submit(needs_public_participation="", participation_skip_ground="not_disclosable",
                  participation_skip_basis=BASIS)
    task = open_task(office.decision, "acceptance")
    client = office.client("office")
    client.post(task_url(task, "assign"))
    page = page_text(client.get(task_url(task)))
    assert BASIS in page and "依法不予公开的决策事项（第十四条）" in page
    assert 'name="participation_skip_confirmed"' in page
    response = office.accept(confirm_skip=False, expect=409)
    assert response.status_code == 409
    assert "请确认该理由及其法律依据" in page_text(response)
    office.accept()
    assert office.decision.participation_skip_confirmed_by == people["office"]


def test_page_review_and_meeting_after_a_stated_risk(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    response = office.review("lawful_with_risk", risk_statement=RISK, expect=409)
    assert "仅适用于建议中已声明为国家尚无明确规定的探索性改革决策事项" in page_text(response)

    office = Office(people)
    office.propose(exploratory_reform=True)
    office.submit(exploratory_reform="on")
    office.accept()
    office.participate()
    office.review("lawful_with_risk", risk_statement=RISK)
    task = open_task(office.decision, "collective_decision")
    client = office.client("secretary")
    client.post(task_url(task, "assign"))
    page = page_text(client.get(task_url(task)))
    assert RISK in page and 'name="risk_acknowledged"' in page
    response = office.meet(risk_acknowledged=False, expect=409)
    assert "请记录已向会议说明该风险" in page_text(response)
    office.meet()
    assert Meeting.objects.get(decision=office.decision).risk_acknowledged is True
