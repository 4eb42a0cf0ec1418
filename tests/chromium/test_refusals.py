"""Journey 2: refusals as a person meets them, each one visible on the page."""

import re

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

    page.get_by_label("会议日期").fill("2026-05-10")
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


def test_a_stale_review_is_refused(person, people):
    journey = Journey(people).submit().accept().participate()
    reviewer = person(people["reviewer"]).log_in()
    page = reviewer.page
    open_from_inbox(reviewer, journey.decision.title)
    reviewer.shot("review-form-v1")

    # While the reviewer reads, the lead unit puts a new draft version in (through its service).
    draft_version_create(decision=journey.decision, text="第一条 审查期间改过的草案。",
                         note="审查期间改稿", acting_user=people["drafter"])

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
    journey = Journey(people).submit()
    acceptance = open_task(journey.decision, "acceptance")
    stranger = person(people["drafter2"]).log_in()
    page = stranger.page
    response = page.goto(task_url(acceptance))
    assert response.status == 403
    card = page.locator(".juece-task-refused")
    expect(card).to_be_visible()
    expect(card.locator(".juece-task-stage")).to_have_text("决策受理")
    expect(card.locator(".juece-task-holder")).to_have_text("决策机关办公室的待认领队列")
    stranger.shot("queue-task-refused")

    journey.accept().participate()
    review = open_task(journey.decision, "legal_review")
    other_reviewer = person(people["reviewer2"]).log_in()
    page = other_reviewer.page
    response = page.goto(task_url(review, "index"))
    assert response.status == 403
    card = page.locator(".juece-task-refused")
    expect(card.locator(".juece-task-stage")).to_have_text("合法性审查")
    expect(card.locator(".juece-task-holder")).to_have_text("张审查")
    other_reviewer.shot("held-task-refused")
    card.get_by_role("link", name="返回我的待办").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile("/decision/inbox/"))
    other_reviewer.shot("back-in-inbox")
