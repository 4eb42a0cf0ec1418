"""Notices of what people wait for: a proposal returned, a review outcome, a deadline changed, a
task assigned, a meeting's decision; and the missing-calendar notice, once a year."""

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from decisions import services
from decisions.deadlines import services as deadline_services
from decisions.deadlines.notices import notify
from decisions.links import decision_link, site_path, task_link
from decisions.models import Notification, StageTask, TaskDeadline
from workflows.flows import DecisionFlow

from .factories import Journey, make_user, open_task
from .http_client import decision_url, logged_in

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
CHRISTMAS_EVE = datetime.datetime(2026, 12, 24, 9, 0, tzinfo=SHANGHAI)


def notices(user, prefix=""):
    return list(Notification.objects.filter(user=user, event__startswith=prefix)
                .order_by("id"))


def opened(user, notice) -> str:
    """Where a click on the notice in the list lands, followed to the page that answers."""
    client = logged_in(user)
    response = client.get(DecisionFlow.instance.reverse("notification_open", args=[notice.pk]))
    assert response.status_code == 302
    landing = response.url
    while response.status_code == 302:
        landing = response.url
        response = client.get(landing)
    assert response.status_code == 200, landing
    return landing


@time_machine.travel(MONDAY, tick=False)
def test_a_returned_proposal_tells_the_drafter_why_once(people):
    journey = Journey(people).submit().return_to_drafter("缺少资金来源说明。")
    [notice] = notices(people["drafter"])
    assert notice.event.startswith("return:")
    assert notice.message == ("办公室退回了决策建议“季家镇农村人居环境整治三年行动方案”。"
                              "理由：缺少资金来源说明。请修改后重新提交。")
    assert notice.url == decision_link(journey.decision)
    assert opened(people["drafter"], notice) == decision_url(journey.decision)
    assert notices(people["office"]) == []  # the office returned it itself


@time_machine.travel(MONDAY, tick=False)
def test_each_person_named_at_acceptance_is_given_his_task_with_its_link(people):
    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True,
                      skip_reasons={}).submit()
    journey.accept(experts=[people["expert"], people["expert2"]])
    for user, node in ((people["expert"], "expert_input"), (people["expert2"], "expert_input"),
                       (people["risk_assessor"], "risk_assessment"),
                       (people["drafter"], "public_participation")):
        [notice] = notices(user, "task:")
        task = open_task(journey.decision, node, owner=user)
        assert notice.event == f"task:{task.pk}"
        assert notice.url == task_link(StageTask.objects.get(pk=task.pk))
        assert "您有一项新的待办：“季家镇农村人居环境整治三年行动方案”的" in notice.message
        due_on = TaskDeadline.objects.get(task_id=task.pk).due_on
        assert f"期限至{due_on.isoformat()}。" in notice.message
        assert opened(user, notice) == task.flow_task.reverse(
            "execute", args=[task.process_id, task.pk])
    assert notices(people["reviewer"]) == []  # his review opens when consultation is done
    assert notices(people["office"], "task:") == []  # the office accepted it itself


@time_machine.travel(MONDAY, tick=False)
def test_the_reviewer_is_told_when_his_review_opens(people):
    journey = Journey(people).submit().accept().participate()
    [notice] = notices(people["reviewer"])
    task = open_task(journey.decision, "legal_review")
    assert notice.url == task_link(StageTask.objects.get(pk=task.pk))
    assert "合法性审查" in notice.message


@time_machine.travel(MONDAY, tick=False)
def test_a_review_outcome_tells_the_drafter_and_the_office_once(people):
    office2 = make_user("office2", "office", "周办公")
    journey = Journey(people, exploratory_reform=True).submit().accept().participate()
    before = {u: len(notices(u)) for u in (people["drafter"], people["office"], office2)}
    journey.review("unlawful")
    review = journey.decision.reviews.get()
    for user in (people["drafter"], people["office"], office2):
        [notice] = notices(user, "review:")
        assert notice.event == f"review:{review.pk}"
        assert notice.message == ("“季家镇农村人居环境整治三年行动方案”第1稿的合法性审查结论："
                                  "不合法。请起草人按审查意见修改草案。")
        assert len(notices(user)) == before[user] + 1  # the revision task is the same event
    assert notices(people["reviewer"], "review:") == []
    open_task(journey.decision, "revision", owner=people["drafter"])

    journey.revise().review("lawful_with_risk", risk_statement="收费标准尚无上位法依据。")
    [_first, second] = notices(people["drafter"], "review:")
    assert second.message.startswith("“季家镇农村人居环境整治三年行动方案”第2稿的合法性审查结论：")
    assert second.message.endswith("已说明的法律风险：收费标准尚无上位法依据。")


@time_machine.travel(MONDAY, tick=False)
def test_a_risk_found_not_controllable_gives_the_drafter_his_revision(people):
    journey = Journey(people, needs_risk_assessment=True,
                      skip_reasons={"expert_input": "不涉及专业技术问题"}).submit().accept()
    journey.assess_risk(controllable=False)
    [notice] = notices(people["drafter"], "risk:")
    task = open_task(journey.decision, "revision_after_risk")
    assert notice.url == task_link(StageTask.objects.get(pk=task.pk))
    assert notice.message.startswith(
        "风险评估认为“季家镇农村人居环境整治三年行动方案”的风险不可控：请于")


@time_machine.travel(MONDAY, tick=False)
def test_a_changed_deadline_tells_the_holder_the_new_date_and_the_reason(people):
    journey = Journey(people).submit().accept().participate()
    deadline = TaskDeadline.objects.get(task_id=open_task(journey.decision, "legal_review").pk)
    services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 4, 3),
                                      reason="案情复杂。", acting_user=people["office"])
    [notice] = notices(people["reviewer"], "deadline:")
    assert notice.message == ("办公室已将“季家镇农村人居环境整治三年行动方案”的合法性审查期限由"
                              "2026-03-23改为2026-04-03。理由：案情复杂。")
    assert notice.url == task_link(deadline.task)
    assert notices(people["drafter"], "deadline:") == []


@time_machine.travel(MONDAY, tick=False)
def test_a_changed_queue_deadline_tells_the_group_holding_it_but_not_the_actor(people):
    office2 = make_user("office2", "office", "周办公")
    journey = Journey(people).submit()
    deadline = TaskDeadline.objects.get(task_id=open_task(journey.decision, "acceptance").pk)
    services.decision_change_deadline(deadline=deadline, due_on=datetime.date(2026, 3, 20),
                                      reason="节后集中受理", acting_user=people["office"])
    assert len(notices(office2, "deadline:")) == 1
    assert notices(people["office"], "deadline:") == []
    assert notices(people["drafter"], "deadline:") == []


@time_machine.travel(MONDAY, tick=False)
def test_a_meetings_decision_tells_the_drafter_the_office_and_the_members(people):
    journey = Journey(people).submit().accept().participate().review()
    journey.meet("adopted")
    meeting = journey.decision.meetings.get()
    for user in (people["drafter"], people["office"], people["member"], people["member2"]):
        [notice] = notices(user, "meeting:")
        assert notice.event == f"meeting:{meeting.pk}"
        assert notice.message == ("2026-03-02召开的领导班子会议对"
                                  "“季家镇农村人居环境整治三年行动方案”作出决定：通过。")
    assert notices(people["secretary"], "meeting:") == []


@time_machine.travel(MONDAY, tick=False)
def test_revise_and_discuss_again_is_one_notice_for_the_drafter(people):
    journey = Journey(people).submit().accept().participate().review()
    before = len(notices(people["drafter"]))
    journey.meet("revise", head_reason="补助标准需重新测算。",
                 positions={people["member"]: ("agree", ""), people["member2"]: ("agree", "")})
    [notice] = notices(people["drafter"], "meeting:")
    assert notice.message.endswith("理由：补助标准需重新测算。")
    assert len(notices(people["drafter"])) == before + 1
    open_task(journey.decision, "revision", owner=people["drafter"])


def test_an_event_is_notified_once_per_person(people):
    journey = Journey(people)
    for _n in range(2):
        notify(users=[people["office"]], decision=journey.decision, event="review:1",
               message="一次", url=decision_link(journey.decision))
    assert Notification.objects.filter(event="review:1").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=people["office"], event="review:1", message="两次")


def test_notices_are_mailed_after_commit(people, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people).submit()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            journey.return_to_drafter("材料不全")
    [message] = mail.outbox
    assert message.to == [people["drafter"].email]
    assert message.subject == "通知：季家镇农村人居环境整治三年行动方案"
    assert "理由：材料不全。" in message.body
    assert decision_link(journey.decision) in message.body


def test_the_links_are_the_flow_pages(people):
    journey = Journey(people)
    task = open_task(journey.decision, "initiation")
    assert site_path(decision_link(journey.decision)) == decision_url(journey.decision)
    assert site_path(task_link(StageTask.objects.get(pk=task.pk))) == task.flow_task.reverse(
        "index", args=[task.process_id, task.pk])
    assert site_path("https://elsewhere.example/decision/1/") is None
    assert site_path(decision_link(journey.decision).replace("/decision", "//evil.example")) \
        is None


LINKS_IN_A_FRESH_PROCESS = """
import django
django.setup()
from types import SimpleNamespace
from decisions.links import task_link
print(task_link(SimpleNamespace(step="initiation", pk=7, decision=SimpleNamespace(process_id=5))))
"""


def test_a_worker_that_served_no_request_writes_the_same_task_link():
    """A Celery worker links a task before anything has loaded the URLconf."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "-c", LINKS_IN_A_FRESH_PROCESS], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("/decision/5/initiation/7/")


# The missing-calendar notice

def calendar_notices(user):
    return notices(user, "calendar:")


def test_the_missing_calendar_is_told_to_the_office_once_a_year(people):
    office2 = make_user("office2", "office", "周办公")
    with time_machine.travel(CHRISTMAS_EVE, tick=False):
        first = Journey(people, title="春节期间环境整治方案").submit()
        Journey(people, title="元旦值班安排").submit()
    for user in (people["office"], office2):
        [notice] = calendar_notices(user)
        assert notice.event == "calendar:2027"
        assert notice.decision == first.decision
        assert "春节期间环境整治方案" in notice.message and "2027年" in notice.message
        assert "此通知每年只发送一次" in notice.message
    assert Notification.objects.filter(event__startswith="calendar:").count() == 2
    assert calendar_notices(people["drafter"]) == []


def test_an_archived_decision_never_sends_the_calendar_notice(people):
    with time_machine.travel(MONDAY, tick=False):
        journey = Journey(people).submit().accept().participate().review()
        journey.meet("not_adopted", positions={people["member"]: ("disagree", "时机不成熟"),
                                               people["member2"]: ("disagree", "时机不成熟")})
    assert journey.decision.stage == "archived"
    deadline_services._tell_the_office_the_calendar_is_missing(journey.decision, 2027)
    assert calendar_notices(people["office"]) == []
