"""Issue 10, slice A, in Chromium: the ground for leaving out public participation chosen, cited
and confirmed (Art. 14); "lawful with the legal risk stated" refused for a decision that is not a
declared exploratory reform, and the stated risk shown to the meeting with its checkbox
(Art. 25 para. 2)."""

import re

from playwright.sync_api import expect

import config.urls  # noqa: F401  (builds the site's URL patterns, so flow nodes can reverse)
from decisions.models import Decision, LegalReview
from tests.factories import Journey
from tests.http_client import start_url

TITLE = "季家镇涉密档案库房改造方案"
BASIS = "《中华人民共和国保守国家秘密法》第十三条"
RISK = "社会资本参与建后管护属探索性做法，国家尚无明确规定。"


def test_participation_left_out_on_its_ground_and_confirmed(person, people):
    drafter = person(people["drafter"]).log_in()
    page = drafter.page
    page.goto(start_url())
    drafter.fill("标题", TITLE)
    drafter.choose("决策事项来源", "领导提出")
    drafter.fill("承办单位", "党政办")
    drafter.fill("拟解决的问题及理由", "涉密档案库房不符合保密要求。")
    drafter.fill("法律依据（每行一项）", BASIS)
    drafter.fill("初步方案", "改造库房，增设技防设施。")
    drafter.fill("必要性与可行性", "必要：保密检查发现隐患；可行：资金已安排。")
    drafter.fill("未列入目录的理由", "保密检查后新增的事项，年度目录未列入。")
    page.get_by_label("需要公众参与", exact=True).uncheck()
    drafter.fill("不开展专家论证的理由", "不涉及专业技术问题")
    drafter.fill("不开展风险评估的理由", "不涉及社会稳定风险")
    drafter.choose("不开展公众参与的理由", "依法不予公开的决策事项（第十四条）")
    expect(page.get_by_label("属于国家尚无明确规定的探索性改革决策事项")).to_be_visible()
    drafter.fill("草案文本", "第一条 为加强涉密档案管理，制定本方案。")
    drafter.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("不予公开的法律依据")
    drafter.shot("proposal-ground-without-basis")
    drafter.fill("不予公开的法律依据", BASIS)
    drafter.shot("proposal-ground-and-basis")
    drafter.submit()
    expect(page.get_by_text("建议已保存")).to_be_visible()
    drafter.open_inbox()
    drafter.open_task("完善并提交决策建议")
    drafter.submit()
    expect(page.get_by_text("已提交决策机关办公室")).to_be_visible()

    office = person(people["office"]).log_in()
    page = office.page
    office.open_queue()
    office.open_task("受理或退回决策建议")
    page.get_by_role("button", name="认领并办理").click()
    skip = page.locator(".juece-participation-skip")
    expect(skip).to_be_visible()
    expect(skip).to_contain_text(BASIS)
    expect(skip).to_contain_text("依法不予公开的决策事项（第十四条）")
    office.pick("受理")
    office.choose("合法性审查人员", "张审查")
    office.choose("法律顾问或公职律师", "林律师")
    office.shot("acceptance-skip-not-confirmed")
    office.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("请确认该理由及其法律依据")
    office.shot("acceptance-refused")
    office.pick("确认该决策事项依法不予公开，因此不开展公众参与（第十四条）")
    office.submit()
    expect(page.get_by_text("决策建议已受理")).to_be_visible()
    office.shot("accepted")
    decision = Decision.objects.get(title=TITLE)
    assert decision.participation_skip_confirmed_by == people["office"]


def test_lawful_with_risk_refused_then_the_risk_put_to_the_meeting(person, people):
    plain = Journey(people, title="季家镇农贸市场改造方案").submit().accept().participate()
    reviewer = person(people["reviewer"]).log_in()
    page = reviewer.page
    reviewer.open_inbox()
    page.locator("tr", has_text=plain.decision.title).get_by_role(
        "link", name="审查草案的合法性").click()
    expect(page).to_have_url(re.compile("/execute/"))
    page.get_by_label("合法，但提示法律风险", exact=True).check()
    page.get_by_label("关于决策权限的意见").fill("主体适格")
    page.get_by_label("关于决策程序的意见").fill("程序完备")
    page.get_by_label("关于决策内容的意见").fill("内容合法")
    page.get_by_label(re.compile("^提示的法律风险")).fill(RISK)
    reviewer.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("第二十五条第二款")
    reviewer.shot("review-risk-refused")
    assert not LegalReview.objects.exists()

    risky = Journey(people, exploratory_reform=True).submit().accept().participate()
    risky.review("lawful_with_risk", risk_statement=RISK)
    secretary = person(people["secretary"]).log_in()
    page = secretary.page
    secretary.open_queue()
    secretary.open_task(risky.decision.title)
    page.get_by_role("button", name="认领并办理").click()
    expect(page.locator(".juece-stated-risk")).to_contain_text(RISK)
    checkbox = page.get_by_label("已向会议说明合法性审查明示的法律风险")
    expect(checkbox).to_be_visible()
    checkbox.check()
    expect(checkbox).to_be_checked()
    secretary.shot("meeting-risk-acknowledged")
