"""Withdrawal: the drafter before acceptance, the office until the head's decision, each with a
reason; the decision is archived as withdrawn, its record intact, and its flow stops."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import get_perms
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from decisions import permissions, services
from decisions.audit.labels import action_label
from decisions.dossier.build import build_dossier
from decisions.errors import StatutoryGateError
from decisions.models import AuditEvent, Decision, StageTask, TaskDeadline, Withdrawal
from workflows import actions
from workflows.flows import DecisionFlow

from .factories import Journey, refreshed
from .http_client import Office, decision_url

pytestmark = pytest.mark.django_db


def _withdraw(journey, user, reason="情况变化，不再推进"):
    return actions.withdraw_decision(journey.decision, reason=reason, acting_user=user)


def _assert_withdrawn(decision, stage_before):
    decision = refreshed(decision)
    assert (decision.status, decision.stage) == ("withdrawn", "archived")
    assert Withdrawal.objects.get(decision=decision).stage == stage_before
    assert not StageTask.objects.filter(decision=decision, status__in=StageTask.OPEN).exists()
    assert not Task.objects.filter(process_id=decision.process_id).exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]).exists()
    assert Process.objects.get(pk=decision.process_id).status == PROCESS.CANCELED
    assert not TaskDeadline.objects.filter(decision=decision, closed_at__isnull=True).exists()
    return decision


# The service and the workflow action


def test_the_drafter_withdraws_his_proposal_before_acceptance(people):
    journey = Journey(people)
    record = _withdraw(journey, people["drafter"])
    decision = _assert_withdrawn(journey.decision, "initiation")
    assert record.withdrawn_by == people["drafter"]
    assert decision.versions.count() == 1  # the record stays intact
    event = AuditEvent.objects.get(decision=decision, action="decision_withdraw")
    assert event.actor == people["drafter"]
    assert event.before == {"stage": "initiation", "status": "active"}
    assert event.after["status"] == "withdrawn" and event.after["reason"] == "情况变化，不再推进"
    assert str(action_label("decision_withdraw")) == "决策已撤回"
    assert AuditEvent.objects.filter(decision=decision, action="task_cancelled").exists()
    # Every stage grant ends; reading it stays.
    assert get_perms(people["drafter"], decision) == ["view_decision"]


def test_the_drafter_withdraws_after_submission_and_the_office_queue_empties(people):
    journey = Journey(people).submit()
    _withdraw(journey, people["drafter"])
    decision = _assert_withdrawn(journey.decision, "acceptance")
    assert not permissions.can_act(people["office"], "acceptance", decision)
    assert permissions.can_view(people["office"], decision)


def test_after_acceptance_only_the_office_withdraws(people):
    journey = Journey(people, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"}).submit().accept()
    with pytest.raises(PermissionDenied, match="只有决策机关办公室"):
        _withdraw(journey, people["drafter"])
    with pytest.raises(PermissionDenied):
        _withdraw(journey, people["reviewer"])
    assert refreshed(journey.decision).status == "active"
    # A refused withdrawal leaves the flow as it was.
    assert Process.objects.get(pk=journey.decision.process_id).status != PROCESS.CANCELED
    assert StageTask.objects.filter(decision=journey.decision, status__in=StageTask.OPEN).count() \
        == 2
    _withdraw(journey, people["office"], reason="上级政策调整")
    decision = _assert_withdrawn(journey.decision, "public_participation")
    for name in ("drafter", "expert", "reviewer"):
        assert permissions.takes_part(people[name], decision) is False


def test_the_office_withdraws_until_the_head_decides(people):
    journey = Journey(people).submit().accept().participate().review()
    journey.meet(head_decision="revise", head_reason="再议")
    _withdraw(journey, people["office"])
    _assert_withdrawn(journey.decision, "revision")


def test_no_withdrawal_after_the_head_decided(people):
    journey = Journey(people).submit().accept().participate().review().meet()
    with pytest.raises(StatutoryGateError) as refused:
        _withdraw(journey, people["office"])
    assert refused.value.code == "withdrawal_not_allowed"
    assert "第三十条" in refused.value.message
    journey.publish()
    with pytest.raises(StatutoryGateError) as refused:
        _withdraw(journey, people["office"])
    assert refused.value.code == "withdrawal_not_allowed"


def test_a_withdrawal_gives_its_reason_and_happens_once(people):
    journey = Journey(people)
    with pytest.raises(ValidationError) as refused:
        _withdraw(journey, people["drafter"], reason="  ")
    assert "reason" in refused.value.error_dict
    assert refreshed(journey.decision).status == "active"
    _withdraw(journey, people["drafter"])
    with pytest.raises((StatutoryGateError, PermissionDenied)):
        _withdraw(journey, people["office"])


def test_the_service_alone_closes_the_stage_tasks_it_knows(people):
    """Called without the workflow layer, the domain closes its own open stage tasks."""
    journey = Journey(people)
    services.decision_withdraw(decision=journey.decision, reason="不再推进",
                               acting_user=people["drafter"])
    decision = Decision.objects.get(pk=journey.decision.pk)
    assert (decision.status, decision.stage) == ("withdrawn", "archived")
    assert not StageTask.objects.filter(decision=decision, status__in=StageTask.OPEN).exists()


def test_the_dossier_and_timeline_show_the_withdrawal(people):
    journey = Journey(people).submit()
    _withdraw(journey, people["office"], reason="上级政策调整")
    decision = refreshed(journey.decision)
    with zipfile.ZipFile(io.BytesIO(build_dossier(decision, acting_user=people["auditor"]))) \
            as dossier:
        record = json.loads(dossier.read("decision.json"))
        events = json.loads(dossier.read("events.json"))
    assert record["withdrawal"]["reason"] == "上级政策调整"
    assert record["withdrawal"]["stage"] == "acceptance"
    assert record["decision"]["status"] == "withdrawn"
    assert "decision_withdraw" in [event["action"] for event in events]
    page = Office(people).client("auditor").get(
        DecisionFlow.instance.reverse("timeline", args=[decision.process_id]))
    assert "决策已撤回" in page.content.decode()


# The page


def test_the_withdraw_button_and_its_refusals_on_the_decision_page(people):
    office = Office(people)
    office.propose()
    url = DecisionFlow.instance.reverse("withdraw", args=[office.decision.process_id])
    page = office.client("drafter").get(decision_url(office.decision)).content.decode()
    assert url in page and "撤回决策" in page
    response = office.client("drafter").post(url, {"reason": ""}, follow=True)
    assert "请说明撤回决策的理由" in response.content.decode()
    assert refreshed(office.decision).status == "active"
    response = office.client("drafter").post(url, {"reason": "情况变化"}, follow=True)
    content = response.content.decode()
    assert "决策已撤回并归档" in content and "情况变化" in content
    assert refreshed(office.decision).status == "withdrawn"
    assert url not in content  # no button any more


def test_the_page_shows_the_head_decision_refusal(people):
    office = Office(people)
    journey = Journey(people).submit().accept().participate().review().meet()
    url = DecisionFlow.instance.reverse("withdraw", args=[journey.decision.process_id])
    page = office.client("office").get(decision_url(journey.decision)).content.decode()
    assert url not in page
    response = office.client("office").post(url, {"reason": "改变主意"}, follow=True)
    assert "不能再撤回" in response.content.decode()
    assert office.client("reviewer").post(url, {"reason": "x"}).status_code == 403
    assert office.client("drafter2").post(url, {"reason": "x"}).status_code == 404


# The API


def test_api_withdrawal(api):
    pk = api.propose()["id"]
    url = f"/api/v1/decisions/{pk}/withdraw/"
    assert api.post("drafter2", url, {"reason": "x"}).status_code == 404
    assert api.post("drafter", url, {}).status_code == 400
    api.submit(pk)
    assert api.post("auditor", url, {"reason": "x"}).status_code == 403
    api.accept(pk)
    response = api.post("drafter", url, {"reason": "x"})
    assert response.status_code == 403, response.content
    response = api.post("office", url, {"reason": "上级政策调整"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["stage"], body["open_tasks"]) == ("withdrawn", "archived", [])
    response = api.post("office", url, {"reason": "再次"})
    assert response.status_code == 409
    assert response.json()["code"] == "withdrawal_not_allowed"


def test_api_no_withdrawal_after_the_head_decided(api):
    pk = api.to_review()
    api.review(pk)
    api.meet(pk)
    response = api.post("office", f"/api/v1/decisions/{pk}/withdraw/", {"reason": "改变主意"})
    assert response.status_code == 409
    assert response.json() == {"detail": response.json()["detail"],
                               "code": "withdrawal_not_allowed"}


def test_the_stage_bar_of_a_withdrawn_decision_shows_how_far_it_went(people):
    journey = Journey(people).submit()
    _withdraw(journey, people["drafter"])
    html = Office(people).client("drafter").get(decision_url(journey.decision)).content.decode()
    bar = html[html.index('<ol class="juece-stages">'):]
    bar = bar[:bar.index("</ol>")]
    assert bar.count('class="done"') == 1  # initiation; it was withdrawn awaiting acceptance


def test_the_office_s_withdrawal_is_told_to_the_drafter_with_its_reason(people):
    from decisions.models import Notification

    journey = Journey(people).submit().accept()
    _withdraw(journey, people["office"], reason="上级政策调整")
    [notice] = Notification.objects.filter(user=people["drafter"], event__startswith="withdrawal:")
    assert notice.message == ("办公室已撤回决策“季家镇农村人居环境整治三年行动方案”。"
                              "理由：上级政策调整。")
    assert not Notification.objects.filter(user=people["office"],
                                           event__startswith="withdrawal:").exists()
