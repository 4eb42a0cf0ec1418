"""Art. 28: 在合法性审查过程中，应当组织法律顾问、公职律师提出法律意见.

The office names a legal adviser or government lawyer (the `counsel` role) at acceptance; in each
round of the legality review he gets a task of his own beside the reviewer's, reads the draft
under review and signs his own opinion on it. The reviewer can no longer type one in, and cannot
find the draft lawful (or lawful with the risk stated) before the adviser has signed."""

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from guardian.shortcuts import get_perms

from decisions import services
from decisions.deadlines.reminders import _message, reminders_sweep
from decisions.errors import StatutoryGateError
from decisions.models import (
    AuditEvent,
    CounselOpinion,
    Decision,
    LegalReview,
    Profile,
    Reminder,
)

from .factories import Journey, open_task
from .http_client import Office, decision_url, http_at_meeting, task_url

pytestmark = pytest.mark.django_db

LEAD_UNIT = "农业服务中心"  # the lead unit of factories.proposal and api.proposal


def _nodes(decision) -> list[tuple[str, str, str]]:
    return sorted((t.stage, t.step, t.holder.username if t.holder else "")
                  for t in decision.tasks.filter(status__in=("NEW", "ASSIGNED", "STARTED")))


def _at_review(people, **overrides) -> Journey:
    return Journey(people, **overrides).submit().accept().participate()


def _sign(journey, user=None, **changes):
    user = user or journey.people["counsel"]
    arguments = {"decision": journey.decision, "acting_user": user,
                 "reviewed_version": journey.decision.current_version.sha256,
                 "opinion": "未发现与上位法相抵触之处。", "signature": user.username,
                 "declares_no_interest": True}
    arguments.update(changes)
    return services.decision_submit_counsel_opinion(**arguments)


def _review(journey, outcome="lawful"):
    return services.decision_record_legal_review(
        decision=journey.decision, acting_user=journey.people["reviewer"],
        reviewed_version=journey.decision.current_version.sha256, outcome=outcome,
        opinion_authority="主体适格", opinion_procedure="程序完备", opinion_content="内容合法")


# The role and the naming at acceptance


def test_add_user_creates_a_counsel(db):
    out = StringIO()
    call_command("add_user", "lin", "--role", "counsel", "--password", "pw-long-enough-1",
                 "--name", "林律师", stdout=out)
    assert "counsel" in out.getvalue()
    assert Group.objects.get(name="counsel").user_set.filter(username="lin").exists()


def test_acceptance_names_the_counsel_of_the_counsel_role(people):
    journey = Journey(people).submit()
    for counsel in (None, people["reviewer2"]):
        with pytest.raises(ValidationError) as refused:
            services.decision_accept(decision=journey.decision, reviewer=people["reviewer"],
                                     counsel=counsel, acting_user=people["office"])
        assert "counsel" in refused.value.message_dict
        assert "第二十八条" in refused.value.message_dict["counsel"][0]
    journey.accept()
    assert journey.decision.counsel == people["counsel"]
    assert "act_legal_review" in get_perms(people["counsel"], journey.decision)
    accepted = AuditEvent.objects.get(decision=journey.decision, action="decision_accept")
    assert accepted.after["counsel_id"] == people["counsel"].pk


def test_a_counsel_of_the_lead_unit_is_a_conflict_of_interest(people):
    Profile.objects.create(user=people["counsel"], unit=LEAD_UNIT)
    journey = Journey(people).submit()
    with pytest.raises(StatutoryGateError) as refused:
        journey.accept()
    assert refused.value.code == "conflict_of_interest"
    assert Decision.objects.get(pk=journey.decision.pk).accepted_at is None
    journey.accept(counsel=people["counsel2"])
    assert journey.decision.counsel == people["counsel2"]


# Each round of review: the counsel's task beside the reviewer's


def test_each_round_opens_the_counsels_task_beside_the_reviewers(people):
    journey = _at_review(people)
    assert _nodes(journey.decision) == [("legal_review", "counsel_opinion", "counsel"),
                                        ("legal_review", "legal_review", "reviewer")]
    journey.review("unlawful")
    journey.revise()
    # after the revision, a new round: the adviser weighs the revised draft too
    assert _nodes(journey.decision) == [("legal_review", "counsel_opinion", "counsel"),
                                        ("legal_review", "legal_review", "reviewer")]
    journey.review("lawful")
    assert journey.decision.stage == "collective_decision"
    opinions = CounselOpinion.objects.filter(decision=journey.decision).order_by("id")
    assert [o.draft_version.number for o in opinions] == [1, 2]
    assert {o.recorded_by for o in opinions} == {people["counsel"]}


def test_the_draft_is_not_found_lawful_before_the_counsel_signs(people):
    journey = _at_review(people, exploratory_reform=True)
    for outcome in ("lawful", "lawful_with_risk"):
        with pytest.raises(StatutoryGateError) as refused:
            services.decision_record_legal_review(
                decision=journey.decision, acting_user=people["reviewer"],
                reviewed_version=journey.decision.current_version.sha256, outcome=outcome,
                opinion_authority="主体适格", opinion_procedure="程序完备",
                opinion_content="内容合法", risk_statement="存在一定法律风险")
        assert refused.value.code == "counsel_opinion_missing"
        assert "第二十八条" in refused.value.message
    assert not LegalReview.objects.exists()
    _sign(journey)
    assert _review(journey).outcome == "lawful"


def test_an_opinion_on_an_earlier_version_does_not_count(people):
    journey = _at_review(people)
    journey.review("unlawful")
    journey.revise()
    with pytest.raises(StatutoryGateError) as refused:
        _review(journey)
    assert refused.value.code == "counsel_opinion_missing"


def test_a_review_not_clearing_the_gate_waits_for_the_counsel_in_the_flow(people):
    """The reviewer may find the draft unlawful first; the round ends when both have spoken."""
    journey = _at_review(people)
    journey.review("unlawful", counsel_first=False)
    assert _nodes(journey.decision) == [("legal_review", "counsel_opinion", "counsel")]
    journey.counsel_opinion()
    assert [step for _stage, step, _who in _nodes(journey.decision)] == ["revision"]


def test_only_the_named_counsel_signs_his_own_opinion(people):
    journey = _at_review(people)
    for other in (people["reviewer"], people["counsel2"]):
        with pytest.raises(PermissionDenied):
            _sign(journey, user=other)
    with pytest.raises(ValidationError) as refused:
        _sign(journey, signature="张三")
    assert "signature" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _sign(journey, declares_no_interest=None)
    assert "declares_no_interest" in refused.value.message_dict
    with pytest.raises(StatutoryGateError) as refused:
        _sign(journey, declares_no_interest=False)
    assert refused.value.code == "conflict_of_interest"
    with pytest.raises(StatutoryGateError) as refused:
        _sign(journey, reviewed_version="0" * 64)
    assert refused.value.code == "review_stale_version"
    assert not CounselOpinion.objects.exists()
    record = _sign(journey)
    assert (record.counsel, record.signature, record.declares_no_interest) == (
        "林律师", "counsel", True)
    with pytest.raises(StatutoryGateError) as refused:
        _sign(journey)
    assert refused.value.code == "task_not_open"
    event = AuditEvent.objects.get(action="counsel_opinion_record")
    assert event.actor == people["counsel"]
    assert event.after["reviewed_sha256"] == journey.decision.current_version.sha256


def test_the_reviewer_is_told_when_the_counsel_signs(people):
    journey = _at_review(people)
    journey.counsel_opinion()
    notices = people["reviewer"].notifications.filter(event__startswith="counsel:")
    assert notices.count() == 1
    assert "第二十八条" in notices.get().message


def test_the_counsels_grant_ends_with_the_head_decision(people):
    journey = _at_review(people).review("lawful").meet()
    assert "act_legal_review" not in get_perms(people["counsel"], journey.decision)
    assert "view_decision" in get_perms(people["counsel"], journey.decision)


# The API


def test_api_acceptance_needs_a_counsel(api):
    pk = api.propose()["id"]
    api.submit(pk)
    body = {"outcome": "accept", "reviewer": "reviewer"}
    for counsel in ({}, {"counsel": "reviewer2"}, {"counsel": "nobody"}):
        response = api.complete("office", pk, "acceptance", {**body, **counsel}, expect=400)
        assert "counsel" in response, response
    api.accept(pk)
    assert api.decision(pk)["counsel"] == "counsel"


def test_api_counsel_task_and_its_gates(api):
    pk = api.to_review()
    inbox = api.get("counsel", "/api/v1/tasks/").json()
    rows = inbox["results"] if isinstance(inbox, dict) else inbox
    mine = [t for t in rows if t["decision"] == pk]
    assert [(t["stage"], t["node"], t["owner"]) for t in mine] == [
        ("legal_review", "counsel_opinion", "counsel")]

    refused = api.review(pk, expect=409, counsel_first=False)
    assert refused["code"] == "counsel_opinion_missing"
    assert refused["detail"]
    typed = api.review(pk, expect=400, counsel_first=False, counsel="某律所",
                       counsel_opinion="同意")
    assert {"counsel", "counsel_opinion"} <= set(typed)

    assert api.counsel_opinion(pk, expect=400, signature="")["signature"]
    assert "declares_no_interest" in api.counsel_opinion(pk, expect=400,
                                                         declares_no_interest=None)
    conflict = api.counsel_opinion(pk, expect=409, declares_no_interest=False)
    assert conflict["code"] == "conflict_of_interest"
    stale = api.counsel_opinion(pk, expect=409, reviewed_version="0" * 64)
    assert stale["code"] == "review_stale_version"
    task = api.task(pk, "counsel_opinion")
    response = api.post("reviewer", f"/api/v1/tasks/{task['id']}/complete/", {
        "opinion": "同意", "signature": "reviewer", "declares_no_interest": True,
        "reviewed_version": api.decision(pk)["current_version"]["sha256"]})
    assert response.status_code == 403, response.content

    api.counsel_opinion(pk)
    after = api.review(pk, counsel_first=False)
    assert after["stage"] == "collective_decision"
    assert CounselOpinion.objects.get().recorded_by.username == "counsel"


# The pages


def test_acceptance_page_offers_the_counsels(people):
    office = Office(people)
    office.propose()
    office.submit()
    task = open_task(office.decision, "acceptance")
    office.client("office").post(task_url(task, "assign"))
    page = office.client("office").get(task_url(task))
    content = page.content.decode()
    assert "法律顾问或公职律师" in content and 'name="counsel"' in content
    # the select's options are drawn by the page's script from their JSON
    assert all(json.dumps(name)[1:-1] in content for name in ("林律师", "许律师"))
    response = office.accept(expect=200, counsel="")
    assert "第二十八条" in response.content.decode()
    assert office.decision.accepted_at is None


def test_review_page_refuses_lawful_before_the_counsel_and_shows_his_opinion(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    response = office.review("lawful", counsel_first=False, expect=409)
    content = response.content.decode()
    assert "第二十八条" in content
    assert "尚未出具" in content  # the review material says the adviser's opinion is not in
    assert not LegalReview.objects.exists()

    response = office.counsel_opinion(expect=409, declares_no_interest="")
    assert "本人与决策事项无直接利害关系" in response.content.decode()
    office.counsel_opinion()
    task = open_task(office.decision, "legal_review", owner=people["reviewer"])
    page = office.client("reviewer").get(task_url(task))
    assert "建议进一步明确收费依据" in page.content.decode()
    office.review("lawful", counsel_first=False)
    assert office.decision.stage == "collective_decision"
    detail = office.client("auditor").get(decision_url(office.decision))
    assert "林律师" in detail.content.decode()


def test_the_http_journey_goes_through_the_counsel(people):
    office = http_at_meeting(people)
    assert CounselOpinion.objects.filter(decision=office.decision).count() == 1


def test_the_counsels_reminder_names_his_task_not_only_the_stage(people):
    """Two tasks at the legality review, two reminders the office can tell apart."""
    journey = _at_review(people)
    due = journey.decision.tasks.get(step="counsel_opinion").deadline.due_on
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(9)).astimezone(),
                             tick=False):
        reminders_sweep()
    subjects = {r.task.step: _message(r)[0] for r in Reminder.objects.all()}
    assert "法律顾问意见" in subjects["counsel_opinion"]
    assert "法律顾问意见" not in subjects["legal_review"]
