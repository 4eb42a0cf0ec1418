"""Each expert opinion carries its adoption status and reason, recorded by the lead unit."""

import pytest
from django.core.exceptions import PermissionDenied

from decisions import services
from decisions.models import AuditEvent, ExpertOpinion
from workflows.flows import DecisionFlow

from .http_client import Office, decision_url


@pytest.fixture
def office_with_opinion(people):
    office = Office(people)
    office.propose(needs_expert_input=True, skip_reasons={"risk_assessment": "无"})
    office.submit(needs_expert_input="on")
    office.accept(experts=["expert"])
    office.expert_opinion("expert")
    return office


def test_drafter_records_adoption_from_the_decision_page(office_with_opinion, people):
    office = office_with_opinion
    opinion = ExpertOpinion.objects.get(decision=office.decision)
    assert opinion.adoption == "pending"
    assert opinion.signature == people["expert"].get_full_name()
    page = office.client("drafter").get(decision_url(office.decision))
    url = DecisionFlow.instance.reverse("opinion_adoption",
                                        args=[office.decision.process_id, opinion.pk])
    assert url in page.content.decode()
    response = office.client("drafter").post(url, {"adoption": "partly_adopted",
                                                   "reason": "资金来源部分采纳"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (opinion.adoption, opinion.adoption_reason) == ("partly_adopted", "资金来源部分采纳")
    event = AuditEvent.objects.get(action="expert_opinion_adoption_record")
    assert event.actor == people["drafter"]
    assert event.before["adoption"] == "pending"


def test_adoption_needs_a_reason_and_the_lead_units_permission(office_with_opinion, people):
    office = office_with_opinion
    opinion = ExpertOpinion.objects.get(decision=office.decision)
    url = DecisionFlow.instance.reverse("opinion_adoption",
                                        args=[office.decision.process_id, opinion.pk])
    office.client("drafter").post(url, {"adoption": "adopted", "reason": ""})
    opinion.refresh_from_db()
    assert opinion.adoption == "pending"
    response = office.client("expert").post(url, {"adoption": "adopted", "reason": "自评"})
    assert response.status_code in (302, 403)
    opinion.refresh_from_db()
    assert opinion.adoption == "pending"
    with pytest.raises(PermissionDenied):
        services.decision_record_opinion_adoption(
            decision=office.decision, opinion=opinion, adoption="adopted", reason="x",
            acting_user=people["drafter2"])
