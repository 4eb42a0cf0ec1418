"""Every stage form, submitted empty by the person holding its task, in Chromium.

Each message must be visible beside its field and listed, with the field's label, in the summary
at the top of the form: nothing is refused silently. One decision is walked through the whole
procedure; at each stage its person opens the task from the inbox or queue, clears what the form
pre-fills, submits, and reads the messages; then the stage is done through the services.
"""

import re

from playwright.sync_api import expect

import config.urls  # noqa: F401  (builds the site's URL patterns, so flow nodes can reverse)
from tests.factories import Journey
from tests.http_client import start_url

#: What a person can empty: text, dates and text areas. A select left untouched sends nothing, so
#: its field complains too; a radio button the form pre-checks keeps its value.
EMPTYABLE = ("form.vf-form input[type=text]:visible, form.vf-form input[type=date]:visible, "
             "form.vf-form textarea:visible")


def open_task(me, title: str, *, queue: bool = False) -> None:
    """The task of this decision, by clicking: the inbox row, or the queue's row and the claim."""
    page = me.page
    page.goto("/")
    if queue:
        page.get_by_role("link", name=re.compile("^待认领")).first.click()
        expect(page).to_have_url(re.compile("/queue/"))
        page.locator("tr", has_text=title).first.get_by_role("link").first.click()
        page.get_by_role("button", name="认领并办理").click()
    else:
        page.get_by_role("link", name=re.compile("^待办")).first.click()
        expect(page).to_have_url(re.compile("/inbox/"))
        page.locator("tr", has_text=title).first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("/execute/"))


def field_message(page, name: str):
    """The message shown with one field: viewflow's helper line, or the checkbox list's."""
    return page.locator(
        f'form.vf-form [name="{name}"][error] .mdc-text-field-helper-text, '
        f'form.vf-form [name="{name}"][error] .mdc-select-helper-text, '
        f"form.vf-form #field-{name} .juece-field-error")


def submit_empty(me, step: str, fields: dict[str, str]) -> None:
    """Empty the form, submit, and see each field's message beside it and in the summary."""
    page = me.page
    expect(page.get_by_role("button", name="提交")).to_be_visible()
    expect(page.locator(EMPTYABLE).first).to_be_visible()
    for control in page.locator(EMPTYABLE).all():
        control.fill("")
    me.shot(f"{step}-emptied")
    me.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    me.shot(f"{step}-refused")
    expect(summary.get_by_role("heading")).to_contain_text("未能记录")
    for name, label in fields.items():
        beside = field_message(page, name)
        expect(beside).to_be_visible()
        message = beside.inner_text().strip()
        assert message, f"{step}: no message beside {name}"
        line = summary.locator("li", has_text=label)
        expect(line.first).to_be_visible()
        expect(line.first).to_contain_text(message)
    shown = page.locator("form.vf-form [error] .mdc-text-field-helper-text:visible, "
                         "form.vf-form [error] .mdc-select-helper-text:visible, "
                         "form.vf-form .juece-field-error:visible")
    listed = summary.locator("li a")
    assert shown.count() == listed.count() == len(fields), (
        f"{step}: {shown.count()} messages beside fields, {listed.count()} in the summary, "
        f"expected {len(fields)}: {summary.inner_text()}")


REVISION = {"draft_text": "修改后的草案文本", "response": "对意见的回应"}


def test_every_stage_form_submitted_empty(person, people):
    drafter = person(people["drafter"]).log_in()
    drafter.page.goto(start_url())
    submit_empty(drafter, "propose", {
        "title": "标题", "proposal_source": "决策事项来源", "lead_unit": "承办单位",
        "problem": "拟解决的问题及理由", "legal_basis": "法律依据（每行一项）",
        "plan": "初步方案", "necessity": "必要性与可行性", "draft_text": "草案文本"})

    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True,
                      skip_reasons={})
    title = journey.decision.title
    open_task(drafter, title)
    submit_empty(drafter, "initiation", {
        "title": "标题", "lead_unit": "承办单位", "problem": "拟解决的问题及理由",
        "legal_basis": "法律依据（每行一项）", "plan": "初步方案", "necessity": "必要性与可行性"})
    journey.submit()

    office = person(people["office"]).log_in()
    open_task(office, title, queue=True)
    # The lead unit is no longer the form's own check but the service's (the API's door too),
    # so the office reads at once everything acceptance needs.
    submit_empty(office, "acceptance", {
        "lead_unit": "承办单位", "reviewer": "合法性审查人员", "counsel": "法律顾问或公职律师",
        "experts": "论证专家", "risk_assessor": "风险评估人员"})
    journey.accept()

    open_task(drafter, title)
    submit_empty(drafter, "public-participation", {
        "consultations-0-method": "征求意见方式",
        "consultations-0-window_start": "征求意见开始日期",
        "consultations-0-window_end": "征求意见截止日期"})
    journey.participate()

    expert = person(people["expert"]).log_in()
    open_task(expert, title)
    submit_empty(expert, "expert-opinion", {"opinion": "书面意见", "signature": "签名（本人姓名）"})
    journey.expert_opinion()

    assessor = person(people["risk_assessor"]).log_in()
    open_task(assessor, title)
    submit_empty(assessor, "risk-assessment", {
        "risk_points": "风险点", "measures": "防范措施", "response_plan": "处置预案",
        "controllable": "评估结论"})
    journey.assess_risk(controllable=False)

    open_task(drafter, title)
    submit_empty(drafter, "revision-after-risk", REVISION)
    journey.revise("revision_after_risk")
    journey.assess_risk(controllable=True)

    counsel = person(people["counsel"]).log_in()
    open_task(counsel, title)
    submit_empty(counsel, "counsel-opinion",
                 {"opinion": "法律意见", "signature": "签名（本人姓名）"})
    journey.counsel_opinion()

    reviewer = person(people["reviewer"]).log_in()
    open_task(reviewer, title)
    submit_empty(reviewer, "legal-review", {
        "outcome": "结论", "opinion_authority": "关于决策权限的意见",
        "opinion_procedure": "关于决策程序的意见", "opinion_content": "关于决策内容的意见"})
    journey.review("unlawful", counsel_first=False)

    open_task(drafter, title)
    submit_empty(drafter, "revision", REVISION)
    journey.revise()
    journey.review("lawful")

    secretary = person(people["secretary"]).log_in()
    open_task(secretary, title, queue=True)
    submit_empty(secretary, "meeting", {
        "meeting_date": "会议日期", "meeting_kind": "会议类型", "head": "主持会议的行政首长",
        "attendees": "出席的班子成员", "head_decision": "行政首长决定（最后表态）"})
    journey.meet()

    open_task(office, title, queue=True)
    submit_empty(office, "publication", {
        "party_report_on": "向党委请示报告日期", "party_report_ref": "向党委请示报告文号",
        "published_on": "公布日期", "adoption_explanation": "公众意见和专家意见的采纳情况"})
