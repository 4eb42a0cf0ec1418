"""Art. 20: no one with a direct interest in the matter weighs it. The drafter, and anyone of the
lead unit, cannot be named reviewer, expert or risk assessor of the same decision; an expert
declares, when signing, that he has no direct interest."""

from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import call_command

from decisions import services
from decisions.errors import StatutoryGateError
from decisions.models import AuditEvent, Decision, ExpertOpinion, Profile
from decisions.profiles.models import unit_of

from .api import PASSWORD as API_PASSWORD
from .factories import Journey, make_user
from .http_client import Office

pytestmark = pytest.mark.django_db

LEAD_UNIT = "农业服务中心"  # the lead unit of factories.proposal and api.proposal
EXPERTS = {"needs_expert_input": True, "needs_risk_assessment": True, "skip_reasons": {}}


def _of_unit(user, unit=LEAD_UNIT):
    Profile.objects.update_or_create(user=user, defaults={"unit": unit})
    return user


# Users carry their unit


def test_add_user_records_the_unit_and_keeps_it_when_not_given(db):
    call_command("add_user", "zhang", "--role", "reviewer", "--password", "pw-long-enough-1",
                 "--unit", " 司法所 ", stdout=StringIO())
    user = Profile.objects.get(user__username="zhang").user
    assert unit_of(user) == "司法所"
    call_command("add_user", "zhang", "--role", "reviewer", "--password", "pw-long-enough-2",
                 stdout=StringIO())
    assert unit_of(Profile.objects.get(user__username="zhang").user) == "司法所"
    call_command("add_user", "li", "--role", "expert", "--password", "pw-long-enough-1",
                 stdout=StringIO())
    assert not Profile.objects.filter(user__username="li").exists()


def test_the_admin_shows_the_units(db):
    assert Profile in site._registry


# At acceptance (service)


def _accepting(people, **kwargs):
    journey = Journey(people, **EXPERTS).submit()
    arguments = {"reviewer": people["reviewer"], "counsel": people["counsel"],
                 "experts": [people["expert"]],
                 "risk_assessor": people["risk_assessor"]}
    arguments.update(kwargs)
    return journey, arguments


@pytest.mark.parametrize("named", ["reviewer", "expert", "risk_assessor"])
def test_no_one_of_the_lead_unit_is_named(people, named):
    _of_unit(people[named])
    journey, arguments = _accepting(people)
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_accept(decision=journey.decision, acting_user=people["office"],
                                 **arguments)
    assert refused.value.code == "conflict_of_interest"
    assert "第二十条" in refused.value.message and LEAD_UNIT in refused.value.message
    assert Decision.objects.get(pk=journey.decision.pk).accepted_at is None
    assert not AuditEvent.objects.filter(action="decision_accept").exists()


def test_the_drafter_is_not_named_to_weigh_his_own_proposal(people):
    people["drafter"].groups.add(people["reviewer"].groups.get())  # also a reviewer
    journey, arguments = _accepting(people, reviewer=people["drafter"])
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_accept(decision=journey.decision, acting_user=people["office"],
                                 **arguments)
    assert refused.value.code == "conflict_of_interest"
    assert "起草人" in refused.value.message


def test_the_lead_unit_named_at_acceptance_counts(people):
    _of_unit(people["reviewer"], "司法所")
    journey, arguments = _accepting(people, lead_unit="司法所")
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_accept(decision=journey.decision, acting_user=people["office"],
                                 **arguments)
    assert refused.value.code == "conflict_of_interest"


def test_people_of_other_units_or_none_are_named(people):
    _of_unit(people["reviewer"], "司法所")
    journey, arguments = _accepting(people)
    decision = services.decision_accept(decision=journey.decision, acting_user=people["office"],
                                        **arguments)
    assert decision.accepted_at is not None


# The expert's declaration (service)


def _at_expert_input(people):
    return Journey(people, needs_expert_input=True,
                   skip_reasons={"risk_assessment": "不涉及社会稳定风险"}).submit().accept()


def test_an_expert_declares_no_interest_when_signing(people):
    journey = _at_expert_input(people)
    expert = people["expert"]
    with pytest.raises(ValidationError) as missing:
        services.decision_submit_expert_opinion(decision=journey.decision, opinion="可行。",
                                                signature=expert.username, acting_user=expert)
    assert "declares_no_interest" in missing.value.message_dict
    with pytest.raises(StatutoryGateError) as refused:
        services.decision_submit_expert_opinion(
            decision=journey.decision, opinion="可行。", signature=expert.username,
            declares_no_interest=False, acting_user=expert)
    assert refused.value.code == "conflict_of_interest"
    assert "第二十条" in refused.value.message
    assert not ExpertOpinion.objects.exists()
    journey.expert_opinion()
    assert ExpertOpinion.objects.get().declares_no_interest is True
    event = AuditEvent.objects.get(action="expert_opinion_submit")
    assert event.after["declares_no_interest"] is True


# The API


def test_api_refuses_a_conflicted_person_at_acceptance(api):
    call_command("add_user", "reviewer2", role="reviewer", password=API_PASSWORD,
                 unit=LEAD_UNIT, stdout=StringIO())
    pk = api.propose()["id"]
    api.submit(pk)
    response = api.complete(
        "office", pk, "acceptance", {"outcome": "accept", "reviewer": "reviewer2",
                                     "counsel": "counsel"}, expect=409)
    assert response["code"] == "conflict_of_interest"
    assert "第二十条" in response["detail"]
    api.accept(pk)  # another reviewer, of no unit: accepted


def test_api_expert_opinion_needs_the_declaration(api):
    pk = api.propose(**EXPERTS)["id"]
    api.submit(pk)
    api.accept(pk)
    body = {"opinion": "方案可行。", "signature": "expert"}
    response = api.complete("expert", pk, "expert_input", body, expect=400, owner="expert")
    assert "declares_no_interest" in response
    response = api.complete("expert", pk, "expert_input",
                            {**body, "declares_no_interest": False}, expect=409, owner="expert")
    assert response["code"] == "conflict_of_interest"
    api.expert_opinion(pk)


# The pages


def test_acceptance_page_shows_the_conflict(people):
    _of_unit(people["reviewer"])
    office = Office(people)
    office.propose()
    office.submit()
    response = office.accept(expect=409)
    content = response.content.decode()
    assert "不得选择与决策事项有直接利害关系的人员（第二十条）" in content
    assert office.decision.accepted_at is None


def test_expert_page_has_the_declaration_and_refuses_without_it(people):
    office = Office(people)
    office.propose(needs_expert_input=True, skip_reasons={"risk_assessment": "无"})
    office.submit(needs_expert_input="on")
    office.accept(experts=["expert"])
    expert = people["expert"]
    response = office.complete("expert_input", "expert", {
        "opinion": "可行。", "signature": expert.get_full_name()}, expect=409)
    content = response.content.decode()
    assert "本人与决策事项无直接利害关系" in content  # the checkbox's label
    assert "与决策事项有直接利害关系的专家不得参与论证（第二十条）" in content
    assert not ExpertOpinion.objects.exists()
    office.expert_opinion("expert")
    assert ExpertOpinion.objects.get().declares_no_interest is True


def test_make_user_has_no_unit(db):
    user = make_user("nobody", "expert")
    assert unit_of(user) == ""
