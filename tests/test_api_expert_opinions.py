"""Expert opinions through the API: listed on the decision with their adoption, which the lead
unit's drafter records from the signature until the meeting is recorded (Art. 21)."""

import datetime

import pytest
from django.test import Client

from decisions.models import AuditEvent, Decision, ExpertOpinion
from workflows.flows import DecisionFlow

from .api import PASSWORD

CONSULTING_EXPERTS = {"needs_expert_input": True,
                      "skip_reasons": {"risk_assessment": "不涉及社会稳定风险"}}


def adoption_url(pk, opinion_id) -> str:
    return f"/api/v1/decisions/{pk}/expert-opinions/{opinion_id}/adoption/"


def signed(api, experts=("expert",), sign=("expert",)) -> int:
    """A decision accepted with ``experts`` named, of whom those in ``sign`` have signed."""
    pk = api.propose(**CONSULTING_EXPERTS)["id"]
    api.submit(pk)
    api.accept(pk, experts=experts)
    api.participate(pk)
    for expert in sign:
        api.expert_opinion(pk, expert)
    return pk


def opinion_of(api, pk, expert="expert") -> dict:
    [opinion] = [o for o in api.decision(pk)["expert_opinions"] if o["expert"] == expert]
    return opinion


def test_the_decision_lists_its_signed_opinions_pending_until_decided(api):
    pk = signed(api, experts=("expert", "expert2"), sign=("expert",))
    opinions = api.decision(pk, "drafter")["expert_opinions"]
    stored = ExpertOpinion.objects.get(decision_id=pk)
    assert opinions == [{"id": stored.pk, "expert": "expert",
                         "signed_at": opinions[0]["signed_at"], "adoption": "pending",
                         "adoption_reason": ""}]
    assert datetime.datetime.fromisoformat(opinions[0]["signed_at"]) == stored.signed_at
    listed = api.get("drafter", "/api/v1/decisions/").json()["results"]
    assert [d["expert_opinions"] for d in listed if d["id"] == pk] == [opinions]
    assert api.propose()["expert_opinions"] == []


def test_the_drafter_records_the_adoption_with_an_audit_event(api):
    pk = signed(api)
    opinion = opinion_of(api, pk)
    response = api["drafter"].post(adoption_url(pk, opinion["id"]),
                                   {"adoption": "partly_adopted", "reason": "资金来源部分采纳"},
                                   format="json", REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 200, response.content
    assert response.json() == {**opinion, "adoption": "partly_adopted",
                               "adoption_reason": "资金来源部分采纳"}
    assert opinion_of(api, pk) == response.json()
    event = AuditEvent.objects.get(action="expert_opinion_adoption_record", decision_id=pk)
    assert (event.actor.username, event.ip) == ("drafter", "10.20.30.40")
    assert event.before == {"adoption": "pending", "adoption_reason": ""}
    assert event.after["adoption"] == "partly_adopted"
    assert event.after["opinion"] == opinion["id"]

    response = api.post("drafter", adoption_url(pk, opinion["id"]),
                        {"adoption": "not_adopted", "reason": "经复核不予采纳"})
    assert response.status_code == 200, response.content
    assert opinion_of(api, pk)["adoption"] == "not_adopted"


@pytest.mark.parametrize("username",
                         ["office", "reviewer", "expert", "member", "secretary", "head", "auditor"])
def test_anyone_but_the_lead_units_drafter_is_refused(api, username):
    pk = signed(api)
    opinion = opinion_of(api, pk)
    assert api.get(username, f"/api/v1/decisions/{pk}/").status_code == 200
    response = api.post(username, adoption_url(pk, opinion["id"]),
                        {"adoption": "adopted", "reason": "意见合理"})
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    assert AuditEvent.objects.filter(action="access_refused", actor__username=username,
                                     decision_id=pk).exists()
    assert opinion_of(api, pk) == opinion


def test_a_decision_or_opinion_the_user_may_not_see_is_not_found(api):
    pk = signed(api)
    opinion = opinion_of(api, pk)
    body = {"adoption": "adopted", "reason": "意见合理"}
    assert api.post("drafter2", adoption_url(pk, opinion["id"]), body).status_code == 404
    other = signed(api)
    assert api.post("drafter", adoption_url(other, opinion["id"]), body).status_code == 404
    for bad in ("0", "abc", "9" * 30, str(opinion["id"] + 1000)):
        response = api.post("drafter", adoption_url(pk, bad), body)
        assert response.status_code == 404, bad
        assert response["Content-Type"] == "application/json"
    assert opinion_of(api, pk)["adoption"] == "pending"


@pytest.mark.parametrize(("body", "fields"), [
    ({"adoption": "pending", "reason": "尚未决定"}, {"adoption"}),
    ({"adoption": "maybe", "reason": "意见合理"}, {"adoption"}),
    ({"adoption": True, "reason": "意见合理"}, {"adoption"}),
    ({"adoption": "adopted", "reason": ""}, {"reason"}),
    ({"adoption": "adopted", "reason": "   "}, {"reason"}),
    ({"adoption": "adopted"}, {"reason"}),
    ({}, {"adoption", "reason"}),
])
def test_a_bad_adoption_or_an_empty_reason_is_a_field_error(api, body, fields):
    pk = signed(api)
    opinion = opinion_of(api, pk)
    response = api.post("drafter", adoption_url(pk, opinion["id"]), body)
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields
    assert opinion_of(api, pk) == opinion
    assert not AuditEvent.objects.filter(action="expert_opinion_adoption_record").exists()


def test_after_the_meeting_the_adoption_is_settled_in_the_api_and_on_the_page(api):
    pk = signed(api)
    opinion = opinion_of(api, pk)
    api.post("drafter", adoption_url(pk, opinion["id"]),
             {"adoption": "adopted", "reason": "意见合理"})
    api.review(pk)
    # A deferred meeting settles the adoption while the drafter still holds his revision grant.
    api.meet(pk, "deferred", head_reason="需要进一步研究")
    settled = opinion_of(api, pk)

    response = api.post("drafter", adoption_url(pk, opinion["id"]),
                        {"adoption": "not_adopted", "reason": "会后改变主意"})
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "adoption_after_meeting"
    assert response.json()["detail"]

    decision = Decision.objects.get(pk=pk)
    page = Client()
    assert page.login(username="drafter", password=PASSWORD)
    form_url = DecisionFlow.instance.reverse("opinion_adoption",
                                             args=[decision.process_id, opinion["id"]])
    detail_url = DecisionFlow.instance.reverse("process_detail", args=[decision.process_id])
    assert form_url not in page.get(detail_url).content.decode()
    response = page.post(form_url, {"adoption": "not_adopted", "reason": "会后改变主意"},
                         follow=True)
    assert response.status_code == 200
    assert "专家意见的采纳情况不能再更改" in response.content.decode()

    assert opinion_of(api, pk) == settled
    assert AuditEvent.objects.filter(action="expert_opinion_adoption_record").count() == 1

    # Once the decision organ adopts the draft, the drafter's revision grant has ended.
    api.meet(pk)
    response = api.post("drafter", adoption_url(pk, opinion["id"]),
                        {"adoption": "not_adopted", "reason": "会后改变主意"})
    assert response.status_code == 403, response.content
    assert opinion_of(api, pk) == settled
