"""Art. 13: a disagreement between units that consultation did not resolve is put to the
decision organ with its issue, the units' opinions and the lead unit's reasons. Art. 27: the
legality review states its opinion on authority, procedure and content, each one."""

import pytest
from django.core.exceptions import ValidationError

from decisions import selectors, services
from decisions.dossier.build import decision_record
from decisions.models import LegalReview, UnitDisagreement

from .api import proposal as api_proposal
from .factories import Journey, proposal
from .http_client import Office, decision_url

DISAGREEMENT = {"issue": "垃圾转运站选址",
                "positions": "自然资源所：应避开基本农田；承办单位：选址在村集体建设用地",
                "reasons": "经实地踏勘，拟选地块为集体建设用地，不占基本农田"}


def test_a_complete_disagreement_is_recorded_with_its_three_parts(people):
    decision = services.decision_create(**proposal(disagreements=[DISAGREEMENT]),
                                        acting_user=people["drafter"])
    [record] = decision.disagreements.all()
    assert (record.issue, record.positions, record.reasons, record.recorded_by) == (
        DISAGREEMENT["issue"], DISAGREEMENT["positions"], DISAGREEMENT["reasons"],
        people["drafter"])
    assert decision.events.filter(action="disagreement_record").count() == 1


@pytest.mark.parametrize("missing", ["issue", "positions", "reasons"])
def test_a_disagreement_without_one_of_its_parts_is_refused_and_nothing_is_kept(people, missing):
    item = {**DISAGREEMENT, missing: " "}
    with pytest.raises(ValidationError) as refused:
        services.decision_create(**proposal(disagreements=[item]), acting_user=people["drafter"])
    assert f"disagreement_{missing}" in refused.value.message_dict
    assert not UnitDisagreement.objects.exists()


def test_the_api_records_disagreements_and_refuses_an_incomplete_one(api):
    created = api.post("drafter", "/api/v1/decisions/",
                       api_proposal(disagreements=[DISAGREEMENT]))
    assert created.status_code == 201, created.content
    [record] = UnitDisagreement.objects.filter(decision_id=created.json()["id"])
    assert record.reasons == DISAGREEMENT["reasons"]
    refused = api.post("drafter", "/api/v1/decisions/",
                       api_proposal(disagreements=[{"issue": "选址"}]))
    assert refused.status_code == 400
    assert set(refused.json()["disagreements"]["0"]) == {"positions", "reasons"}


def test_the_decision_page_and_the_dossier_put_the_disagreement_before_the_organ(people):
    journey = Journey(people, disagreements=[DISAGREEMENT])
    page = Office(people).client("drafter").get(decision_url(journey.decision))
    html = page.content.decode()
    for part in DISAGREEMENT.values():
        assert part in html
    record = decision_record(selectors.decision_for_page(journey.decision.pk))
    assert record["disagreements"][0]["issue"] == DISAGREEMENT["issue"]


@pytest.mark.parametrize("missing", ["opinion_authority", "opinion_procedure", "opinion_content"])
def test_a_review_states_each_of_its_three_opinions(people, missing):
    journey = Journey(people).submit().accept().participate().counsel_opinion()
    opinions = {"opinion_authority": "主体适格", "opinion_procedure": "程序完备",
                "opinion_content": "内容合法", missing: ""}
    with pytest.raises(ValidationError) as refused:
        journey.run("legal_review", people["reviewer"],
                    lambda task: services.decision_record_legal_review(
                        decision=journey.decision,
                        reviewed_version=journey.decision.current_version.sha256,
                        outcome="lawful", acting_user=people["reviewer"], task=task,
                        **opinions))
    assert missing in refused.value.message_dict
    assert not LegalReview.objects.exists()
