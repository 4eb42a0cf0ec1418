"""The reviewer and the drafter see, beside their form, what they respond to: the reviewer the
draft, its changes since the last review, the comments, the expert opinion and the risk
assessment; the drafter the review opinion that sent the draft back. At desktop and phone widths."""

import re

from playwright.sync_api import expect

from tests.factories import Journey, refreshed

from .conftest import PHONE

FIRST = "第一条 为改善农村人居环境，制定本方案。\n第二条 各村设垃圾收集点。\n第三条 每周收运两次。"
SECOND = ("第一条 为改善农村人居环境，根据有关规定，制定本方案。\n第二条 各村设垃圾收集点。\n"
          "第四条 收费标准另行公布。")
REVIEW_TASK = "审查草案的合法性"
REVISION_TASK = "根据审查意见修改草案"


def open_from_inbox(me, task_title: str) -> None:
    """From the inbox, click the task's row, as a person finds his work."""
    me.page.goto("/")
    inbox = me.page.get_by_role("link", name=re.compile("^待办")).first
    if not inbox.is_visible():  # on a phone the menu is behind its button
        me.page.get_by_role("button", name="打开导航菜单").click()
    inbox.click()
    expect(me.page).to_have_url(re.compile(r"/inbox/"))
    me.page.locator("tr", has_text=task_title).first.get_by_role("link").first.click()
    expect(me.page.locator("#stage-context")).to_be_visible()


def readable_on_a_phone(me, task_title: str) -> None:
    """Nothing wider than the screen; what the person answers comes before the form, under the
    task's name."""
    page = me.page
    expect(page.locator(".juece-context__task")).to_have_text(task_title)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    panel = page.locator("#stage-context").bounding_box()
    form = page.locator("form.vf-form").bounding_box()
    assert panel["y"] < form["y"]


def test_reviewer_and_drafter_see_what_they_respond_to(person, people):
    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True,
                      skip_reasons={}, draft_text=FIRST)
    journey.submit().accept().participate().expert_opinion().assess_risk()

    # The first review: the draft and the consultation, and no earlier review to compare with.
    reviewer = person(people["reviewer"]).log_in()
    open_from_inbox(reviewer, REVIEW_TASK)
    panel = reviewer.page.locator("#stage-context")
    expect(panel).to_contain_text("这是本决策的首次合法性审查")
    expect(panel.locator("pre.juece-draft")).to_contain_text("第三条 每周收运两次。")
    expect(panel).to_contain_text("建议增加收运频次")
    expect(panel).to_contain_text("方案可行。")
    expect(panel).to_contain_text("群众对收费有顾虑")
    reviewer.shot("first-review")

    journey.review("unlawful")

    # The drafter opens the revision from the inbox, reads the opinion and revises.
    drafter = person(people["drafter"]).log_in()
    open_from_inbox(drafter, REVISION_TASK)
    opinion = drafter.page.locator("#context-ground")
    expect(opinion).to_contain_text("需回应的合法性审查意见")
    expect(opinion).to_contain_text("不合法")
    expect(opinion).to_contain_text("主体适格")
    expect(opinion).to_contain_text("程序完备")
    expect(opinion).to_contain_text("内容合法")
    expect(opinion).to_contain_text("张审查")
    drafter.shot("revision-opinion")
    drafter.page.get_by_label("修改后的草案文本").fill(SECOND)
    drafter.page.get_by_label(re.compile("^对意见的回应")).fill("已增加依据；收费标准另行公布。")
    drafter.shot("revision-filled")
    drafter.submit()
    expect(drafter.page.get_by_text("已生成新的草案版本")).to_be_visible()

    # The second review: what changed since version 1, marked in the text.
    open_from_inbox(reviewer, REVIEW_TASK)
    panel = reviewer.page.locator("#stage-context")
    expect(panel).to_contain_text("与第1版（上次审查，结论为“不合法”）相比，第2版的修改")
    inserted = panel.locator(".juece-diff ins", has_text="根据有关规定，")
    deleted = panel.locator(".juece-diff del", has_text="第三条 每周收运两次。")
    expect(inserted).to_be_visible()
    expect(deleted).to_be_visible()
    expect(deleted).to_have_css("text-decoration-line", "line-through")
    expect(panel.locator(".juece-diff__added .juece-diff__tag")).to_have_text("新增")
    expect(panel.locator(".juece-diff__deleted .juece-diff__tag")).to_have_text("删除")
    expect(panel).not_to_contain_text("@@")
    expect(panel).to_contain_text("已增加依据；收费标准另行公布。")
    expect(panel.locator("pre.juece-draft")).to_contain_text("第四条 收费标准另行公布。")
    expect(panel).to_contain_text("村民张某")
    expect(panel).to_contain_text("陈专家")
    expect(panel).to_contain_text("公开收费标准")
    expect(panel).to_contain_text("设立投诉电话")
    reviewer.shot("second-review-desktop")

    # The same pages on a phone.
    on_phone = person(people["reviewer"], viewport=PHONE).log_in()
    open_from_inbox(on_phone, REVIEW_TASK)
    expect(on_phone.page.locator(".juece-diff del", has_text="第三条")).to_be_visible()
    readable_on_a_phone(on_phone, REVIEW_TASK)
    on_phone.shot("second-review-phone")

    journey.decision = refreshed(journey.decision)
    journey.review("unlawful")
    drafter_on_phone = person(people["drafter"], viewport=PHONE).log_in()
    open_from_inbox(drafter_on_phone, REVISION_TASK)
    expect(drafter_on_phone.page.locator("#context-ground")).to_contain_text("主体适格")
    readable_on_a_phone(drafter_on_phone, REVISION_TASK)
    drafter_on_phone.shot("revision-phone")
