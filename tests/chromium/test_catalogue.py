"""The annual catalogue in Chromium (Art. 3 para. 3): the office drafts the year's list, is
refused publication until it records the Party committee's consent, then publishes; a visitor
reads the list on a phone without logging in; the drafter proposes a decision carrying out an
item of it."""

import re
from types import SimpleNamespace

from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Catalogue, Decision

from .conftest import PHONE

YEAR = timezone.localdate().year
ITEMS = [
    ("季家镇农村人居环境整治三年行动方案", "农业服务中心", "第2季度",
     "《农村人居环境整治提升五年行动方案》"),
    ("季家镇集镇道路改造提升工程实施方案", "规划建设管理环保办公室", "第3季度",
     "《重庆市城市道路管理条例》；镇人大代表建议"),
]
CONSENT = "季家委〔2026〕3号"
ADDED = "汛期排查新发现隐患点，经镇党委同意增补。"
REMOVED = "并入区级项目统一实施，不再由镇作出决策。"
TITLE = "季家镇农村人居环境整治三年行动方案（决策草案）"


def test_the_office_publishes_the_catalogue_a_visitor_reads_it_and_a_drafter_links_to_it(
        person, town):
    office = person(town["office"]).log_in()
    page = office.page
    page.get_by_role("link", name="年度决策事项目录").first.click()
    expect(page.get_by_role("heading", name="年度决策事项目录")).to_be_visible()
    office.shot("catalogue-list-empty")
    office.fill("决策机关", "季家镇人民政府")
    page.get_by_role("button", name="编制目录").click()
    expect(page.get_by_text("目录已编制，请添加决策事项。")).to_be_visible()
    expect(page.get_by_role("heading", name=f"季家镇人民政府{YEAR}年度重大行政决策事项目录"))\
        .to_be_visible()

    # An item without its lead unit and basis is refused, each field saying what it lacks.
    office.fill("决策事项", ITEMS[0][0])
    page.get_by_role("button", name="添加事项").click()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_contain_text("承办单位")
    expect(summary).to_contain_text("依据")
    office.shot("item-refused")
    for title, unit, quarter, basis in ITEMS:
        office.fill("决策事项", title)
        office.fill("承办单位", unit)
        page.get_by_label("计划季度", exact=True).select_option(label=quarter)
        office.fill("依据", basis)
        page.get_by_role("button", name="添加事项").click()
        expect(page.get_by_text("事项已列入目录。")).to_be_visible()
    expect(page.locator(".juece-catalogue-items tbody tr")).to_have_count(2)

    # Publishing before the Party committee's consent is recorded is refused.
    page.get_by_role("button", name="公布目录").click()
    expect(page.locator(".juece-error-summary")).to_contain_text("请先登记同级党委同意")
    office.shot("publish-refused-without-consent")
    office.fill("党委同意日期", f"{YEAR}-01-05")
    office.fill("党委同意文号", CONSENT)
    page.get_by_role("button", name="登记党委同意").click()
    expect(page.get_by_text("党委同意情况已登记。")).to_be_visible()
    expect(page.locator(".juece-catalogue-consent")).to_contain_text(CONSENT)
    office.shot("consent-recorded")
    page.get_by_role("button", name="公布目录").click()
    expect(page.get_by_text("目录已在公开页面公布。")).to_be_visible()
    office.shot("published")
    assert Catalogue.objects.get(year=YEAR).published_by == town["office"]

    # During the year: an item added, and one removed, each with its reason.
    office.fill("决策事项", "季家镇地质灾害隐患点综合治理方案")
    office.fill("承办单位", "规划建设管理环保办公室")
    page.get_by_label("计划季度", exact=True).select_option(label="第3季度")
    office.fill("依据", "《地质灾害防治条例》")
    page.get_by_role("button", name="添加事项").click()
    expect(page.locator(".juece-error-summary")).to_contain_text("请说明年中增补该事项的理由")
    office.fill("年中增补的理由", ADDED)
    page.get_by_role("button", name="添加事项").click()
    expect(page.get_by_text("事项已列入目录。")).to_be_visible()
    row = page.locator("#item-2")
    row.get_by_text("调出目录").click()
    row.get_by_label("调出理由").fill(REMOVED)
    row.get_by_role("button", name="调出").click()
    expect(page.get_by_text("事项已标记为调出，公开页面将展示调出理由。")).to_be_visible()
    expect(page.locator("#item-2")).to_contain_text(REMOVED)
    office.shot("adjusted-during-the-year")
    on_phone = person(town["office"], viewport=PHONE).log_in()
    on_phone.page.goto(f"/decision/catalogue/{YEAR}/")
    expect(on_phone.page.locator("#item-3")).to_contain_text(ADDED)
    assert on_phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    on_phone.shot("phone-catalogue-office")

    # A visitor, not logged in, reads it on a phone.
    visitor = person(SimpleNamespace(username="visitor"), viewport=PHONE)
    page = visitor.page
    page.goto("/catalogue/")
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    visitor.shot("phone-catalogue-years")
    page.get_by_role("link", name=f"季家镇人民政府{YEAR}年度重大行政决策事项目录").click()
    expect(page).to_have_url(re.compile(rf"/catalogue/{YEAR}/$"))
    for text in (ITEMS[0][0], ITEMS[1][0], "规划建设管理环保办公室", CONSENT, "尚未启动"):
        expect(page.get_by_text(text).first).to_be_visible()
    changes = page.locator(".juece-catalogue-changes li")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_contain_text(re.compile(
        rf"增补第3项“季家镇地质灾害隐患点综合治理方案”。理由：\s*{ADDED}"))
    expect(changes.nth(1)).to_contain_text(re.compile(
        rf"调出第2项“{ITEMS[1][0]}”。理由：\s*{REMOVED}"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    visitor.shot("phone-catalogue")

    # The drafter proposes a decision: first neither an item nor a reason, then the item.
    drafter = person(town["drafter"]).log_in()
    page = drafter.page
    page.get_by_role("link", name="提出决策建议").first.click()
    drafter.fill("标题", TITLE)
    drafter.choose("决策事项来源", "领导提出")
    drafter.fill("承办单位", "农业服务中心")
    drafter.fill("拟解决的问题及理由", "部分村社生活垃圾收运不及时，群众反映强烈。")
    drafter.fill("法律依据（每行一项）", "《中华人民共和国固体废物污染环境防治法》")
    drafter.fill("初步方案", "三年内实现生活垃圾收运全覆盖。")
    drafter.fill("必要性与可行性", "必要：群众迫切需要；可行：资金已纳入预算。")
    drafter.fill("不开展专家论证的理由", "不涉及专业技术问题")
    drafter.fill("不开展风险评估的理由", "不涉及社会稳定风险")
    drafter.fill("草案文本", "第一条 为改善农村人居环境，制定本方案。")
    drafter.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_contain_text(f"请选择本决策对应的{YEAR}年度决策事项目录中的事项")
    drafter.shot("proposal-without-item-refused")
    drafter.choose("年度决策事项目录中的事项",
                   f"第1项 {ITEMS[0][0]}（农业服务中心，第2季度）")
    drafter.shot("proposal-item-chosen")
    drafter.submit()
    expect(page.get_by_text("建议已保存")).to_be_visible()
    expect(page.locator(".juece-catalogue-link-shown")).to_contain_text(
        f"{YEAR}年目录第1项：{ITEMS[0][0]}")
    drafter.shot("proposal-linked")
    decision = Decision.objects.get(title=TITLE)
    assert decision.catalogue_item.number == 1 and decision.outside_catalogue_reason == ""

    # The visitor sees the item brought to a decision, not the decision in the procedure.
    visitor.page.reload()
    row = visitor.page.locator("#item-1")
    expect(row).to_contain_text("已启动决策程序")
    expect(visitor.page.get_by_text(TITLE)).to_have_count(0)
    visitor.shot("phone-catalogue-item-brought")
    at_a_desk = person(SimpleNamespace(username="visitor-desk"))
    at_a_desk.page.goto(f"/catalogue/{YEAR}/")
    expect(at_a_desk.page.locator("#item-1")).to_contain_text("已启动决策程序")
    at_a_desk.shot("desktop-catalogue")
