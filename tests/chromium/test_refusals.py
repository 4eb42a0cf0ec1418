"""Journey 2: refusals as a person meets them, each one visible on the page."""

import re

from django.utils import timezone
from playwright.sync_api import expect

import config.urls  # noqa: F401  (builds the site's URL patterns, so flow nodes can reverse)
from decisions.models import LegalReview, Meeting
from decisions.records.drafts import draft_version_create
from tests.factories import Journey, open_task
from tests.http_client import task_url


def open_from_inbox(me, title: str) -> None:
    page = me.page
    page.goto("/")
    page.get_by_role("link", name=re.compile("^待办")).first.click()
    expect(page).to_have_url(re.compile("/inbox/"))
    page.locator("tr", has_text=title).first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("/execute/"))


def claim_from_queue(me, title: str) -> None:
    page = me.page
    page.goto("/")
    page.get_by_role("link", name=re.compile("^待认领")).first.click()
    expect(page).to_have_url(re.compile("/queue/"))
    page.locator("tr", has_text=title).first.get_by_role("link").first.click()
    page.get_by_role("button", name="认领并办理").click()
    expect(page).to_have_url(re.compile("/execute/"))


def test_meeting_with_a_missing_position(person, people):
    journey = Journey(people).submit().accept().participate().review("lawful")
    secretary = person(people["secretary"]).log_in()
    page = secretary.page
    claim_from_queue(secretary, journey.decision.title)
    basis = page.locator(".juece-meeting-basis")
    expect(basis).to_be_visible()
    expect(basis).to_contain_text("合法")
    secretary.shot("meeting-form")

    page.get_by_label("会议日期").fill(timezone.localdate().isoformat())
    secretary.choose("会议类型", "领导班子会议")
    secretary.choose("主持会议的行政首长", "刘书记")
    page.get_by_label("郑委员", exact=True).check()
    page.get_by_label("冯委员", exact=True).check()
    secretary.choose("郑委员的表态意见", "同意")
    page.get_by_label("郑委员的理由").fill("方案可行")
    secretary.choose("行政首长决定（最后表态）", "通过")
    secretary.shot("meeting-filled-one-position")
    secretary.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    secretary.shot("meeting-refused")

    message = "冯委员出席了会议"
    beside = page.locator(
        f'[name="position_{people["member2"].pk}"][error] .mdc-select-helper-text')
    expect(beside).to_be_visible()
    expect(beside).to_contain_text(message)
    expect(summary.locator("li", has_text="冯委员的表态意见")).to_contain_text(message)
    assert not Meeting.objects.exists()


def test_meeting_without_a_quorum(person, people):
    """Every member of the decision organ is present or absent for a reason, and the meeting
    counts only when more than half attend (Art. 30 and the meeting rules)."""
    journey = Journey(people).submit().accept().participate().review("lawful")
    secretary = person(people["secretary"]).log_in()
    page = secretary.page
    claim_from_queue(secretary, journey.decision.title)
    page.get_by_label("会议日期").fill(timezone.localdate().isoformat())
    secretary.choose("会议类型", "领导班子会议")
    secretary.choose("主持会议的行政首长", "刘书记")
    page.get_by_label("郑委员", exact=True).check()
    secretary.choose("郑委员的表态意见", "同意")
    secretary.choose("行政首长决定（最后表态）", "通过")
    secretary.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("冯委员未出席会议：请填写缺席理由")
    secretary.shot("meeting-absence-without-reason")

    page.get_by_label("冯委员的缺席理由（未出席的填写）").fill("外出参加区级培训")
    secretary.shot("meeting-absence-with-reason")
    secretary.submit()
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("超过半数的组成人员出席")
    expect(page.locator("#field-attendees .juece-field-error")).to_contain_text("出席1名")
    secretary.shot("meeting-quorum-refused")
    assert not Meeting.objects.exists()


def test_a_stale_review_is_refused(person, people):
    journey = Journey(people).submit().accept().participate()
    reviewer = person(people["reviewer"]).log_in()
    page = reviewer.page
    open_from_inbox(reviewer, journey.decision.title)
    reviewer.shot("review-form-v1")

    # While the reviewer reads, the lead unit puts a new draft version in (through its service).
    draft_version_create(decision=journey.decision, text="第一条 审查期间改过的草案。",
                         note="审查期间改稿", acting_user=people["drafter"])
    journey.decision.refresh_from_db()
    journey.counsel_opinion()  # the legal adviser has signed version 2 (Art. 28)

    page.get_by_label("合法", exact=True).check()
    page.get_by_label("关于决策权限的意见").fill("主体适格")
    page.get_by_label("关于决策程序的意见").fill("程序完备")
    page.get_by_label("关于决策内容的意见").fill("内容合法")
    reviewer.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("当前草案为第2版")
    reviewer.shot("review-refused-stale")
    assert not LegalReview.objects.exists()

    # The page now shows version 2; submitting it again reviews version 2.
    expect(page.get_by_text("审查期间改过的草案").first).to_be_visible()
    reviewer.submit()
    expect(page.locator(".juece-error-summary")).to_have_count(0)
    reviewer.shot("review-of-v2-recorded")
    review = LegalReview.objects.get()
    assert review.draft_version.number == 2


def test_a_task_url_opened_without_the_grant(person, people):
    """One who may read the decision (the auditor) is told where the task stands; anyone else
    gets the site's 404, which tells nothing of the decision or its task."""
    journey = Journey(people).submit()
    acceptance = open_task(journey.decision, "acceptance")
    stranger = person(people["drafter2"]).log_in()
    response = stranger.page.goto(task_url(acceptance, "index"))
    assert response.status == 404
    expect(stranger.page.locator(".juece-task-refused")).to_have_count(0)
    assert journey.decision.title not in stranger.page.content()
    stranger.shot("task-of-another-decision-404")

    reader = person(people["auditor"]).log_in()
    page = reader.page
    response = page.goto(task_url(acceptance))
    assert response.status == 403
    card = page.locator(".juece-task-refused")
    expect(card).to_be_visible()
    expect(card.locator(".juece-task-stage")).to_have_text("决策受理")
    expect(card.locator(".juece-task-holder")).to_have_text("决策机关办公室的待认领队列")
    reader.shot("queue-task-refused")

    journey.accept().participate()
    review = open_task(journey.decision, "legal_review")
    response = page.goto(task_url(review, "index"))
    assert response.status == 403
    card = page.locator(".juece-task-refused")
    expect(card.locator(".juece-task-stage")).to_have_text("合法性审查")
    expect(card.locator(".juece-task-holder")).to_have_text("张审查")
    reader.shot("held-task-refused")
    card.get_by_role("link", name="返回我的待办").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile("/decision/inbox/"))
    reader.shot("back-in-inbox")


def test_withdrawal_needs_a_reason_then_archives_the_decision(person, people):
    """The drafter withdraws his proposal before acceptance from the decision page: without a
    reason he is told to give one; with it the decision is archived as withdrawn."""
    from tests.http_client import decision_url

    journey = Journey(people)
    drafter = person(people["drafter"]).log_in()
    page = drafter.page
    page.goto(decision_url(journey.decision))
    page.get_by_text("撤回决策", exact=True).click()
    reason = page.get_by_label("撤回理由")
    expect(reason).to_be_visible()
    drafter.shot("withdraw-form")
    page.get_by_role("button", name="撤回", exact=True).click()
    expect(page.get_by_text("请说明撤回决策的理由。")).to_be_visible()
    drafter.shot("withdraw-refused")
    page.get_by_text("撤回决策", exact=True).click()
    page.get_by_label("撤回理由").fill("上级已统一部署，本镇不再单独制定")
    page.get_by_role("button", name="撤回", exact=True).click()
    expect(page.get_by_text("决策已撤回并归档。")).to_be_visible()
    expect(page.locator("#withdrawal")).to_contain_text("上级已统一部署，本镇不再单独制定")
    expect(page.locator("#stage")).to_contain_text("已撤回")
    expect(page.get_by_text("撤回决策", exact=True)).to_have_count(0)
    drafter.shot("withdrawn")
    journey.decision.refresh_from_db()
    assert (journey.decision.status, journey.decision.stage) == ("withdrawn", "archived")


def test_an_expert_who_does_not_declare_no_interest_is_refused(person, people):
    """Art. 20: the expert's opinion is taken only with his declaration of no direct interest."""
    from decisions.models import ExpertOpinion

    journey = Journey(people, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"}).submit().accept()
    expert = person(people["expert"]).log_in()
    page = expert.page
    open_from_inbox(expert, journey.decision.title)
    expert.fill("书面意见", "方案可行。")
    expert.fill("签名（本人姓名）", people["expert"].last_name)
    checkbox = page.get_by_label("本人与决策事项无直接利害关系")
    expect(checkbox).to_be_visible()
    expert.submit()
    expect(page.locator(".juece-error-summary")).to_contain_text("第二十条")
    expert.shot("expert-without-declaration")
    assert not ExpertOpinion.objects.exists()
    page.get_by_label("本人与决策事项无直接利害关系").check()
    expert.shot("expert-declared")
    expert.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    assert ExpertOpinion.objects.get().declares_no_interest is True
