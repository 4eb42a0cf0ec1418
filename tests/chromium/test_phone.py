"""Journey 4: the inbox and one stage form on a phone; and the way in: the start button for
those who may propose, the login page for visitors."""

import re

from playwright.sync_api import expect

from decisions.models import ExpertOpinion
from tests.factories import PASSWORD, Journey

from .conftest import PHONE

TITLE = "季家镇集镇农贸市场改造提升方案"
MIN_CELL_PX = 200  # on a phone each cell is a line of its card, not a sliver of a column


def assert_every_cell_readable(page, table) -> int:
    """Each cell lies within the viewport, is wide, its text not cut off and not squeezed to a
    few characters a line; returns how many cells were checked."""
    width = page.viewport_size["width"]
    cells = table.locator("tbody td[data-label]")
    checked = 0
    for n in range(cells.count()):
        cell = cells.nth(n)
        if not cell.inner_text().strip():
            continue
        box = cell.bounding_box()
        assert box is not None, f"cell {n} is not drawn"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, \
            f"cell {n} ({cell.get_attribute('data-label')}) runs past the screen: {box}"
        assert box["width"] >= MIN_CELL_PX, \
            f"cell {n} ({cell.get_attribute('data-label')}) is {box['width']}px wide"
        text = cell.inner_text().strip()
        lines = cell.evaluate(
            "c => { const tops = new Set(); const w = document.createTreeWalker(c, 4);"
            " while (w.nextNode()) { const r = document.createRange(); r.selectNodeContents("
            "w.currentNode); for (const x of r.getClientRects()) tops.add(Math.round(x.top)); }"
            " return tops.size; }")
        assert lines <= max(1, len(text) // 6), \
            f"cell {n} ({cell.get_attribute('data-label')}) squeezed: {len(text)} characters " \
            f"on {lines} lines"
        assert cell.evaluate("c => c.scrollWidth <= c.clientWidth + 1"), \
            f"cell {n} ({cell.get_attribute('data-label')}) is cut off"
        checked += 1
    return checked


def test_an_expert_works_from_a_phone(person, town):
    journey = Journey(town, title=TITLE, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"})
    journey.submit().accept()

    expert = person(town["expert"], viewport=PHONE).log_in()
    page = expert.page
    expert.shot("landing")
    page.get_by_role("button", name="打开导航菜单").click()
    inbox_link = page.get_by_role("link", name=re.compile("^待办"))
    expect(inbox_link).to_be_visible()
    expert.shot("menu")
    inbox_link.click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.get_by_role("heading", name="待办")).to_be_visible()
    expert.shot("inbox")

    table = page.locator("table.juece-cards")
    row = table.locator("tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    for label in ["编号", "任务", "决策事项", "阶段", "截止日", "期限状态"]:
        expect(row.locator(f'td[data-label="{label}"]')).to_be_visible()
    expect(row.locator('td[data-label="决策事项"]')).to_have_text(TITLE)
    expect(row.locator(".juece-due")).to_be_visible()
    assert assert_every_cell_readable(page, table) >= 6
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
        "the inbox scrolls sideways"

    row.get_by_role("link").first.click()
    expect(page.get_by_label("书面意见", exact=True)).to_be_visible()
    expert.shot("task")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expert.fill("书面意见", "方案总体可行，建议明确资金来源和改造期间的临时摊位安排。")
    expert.fill("签名（本人姓名）", "陈志强")
    expert.page.get_by_label("本人与决策事项无直接利害关系").check()  # Art. 20
    expert.shot("task-filled")
    expert.submit()

    expect(page).to_have_url(re.compile(rf"/decision/{journey.decision.process_id}/$"))
    expect(page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(page.get_by_text("方案总体可行").first).to_be_visible()
    expert.shot("submitted")
    assert assert_every_cell_readable(page, page.locator("#stage table.juece-cards")) >= 5, \
        "the decision page's open tasks read on a phone too"
    opinion = ExpertOpinion.objects.get(decision=journey.decision)
    assert opinion.signature == "陈志强" and opinion.expert == town["expert"]


def test_the_decision_list_reads_on_a_phone(person, town):
    Journey(town, title=TITLE)
    drafter = person(town["drafter"], viewport=PHONE).log_in()
    page = drafter.page
    table = page.locator("table.juece-cards")
    expect(table.locator("tbody tr", has_text=TITLE)).to_have_count(1)
    drafter.shot("list")
    assert assert_every_cell_readable(page, table) >= 6
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_only_a_drafter_sees_the_start_button_and_it_opens_the_proposal_form(person, town):
    office = person(town["office"]).log_in()
    expect(office.page.get_by_role("heading", name="决策事项")).to_be_visible()
    expect(office.page.get_by_role("link", name="提出决策建议")).to_have_count(0)
    office.shot("no-start-button")

    drafter = person(town["drafter"]).log_in()
    page = drafter.page
    start = page.get_by_role("link", name="提出决策建议")
    expect(start).to_be_visible()
    drafter.shot("start-button")
    start.click()
    expect(page.get_by_label("标题", exact=True)).to_be_visible()
    expect(page.get_by_label("草案文本", exact=True)).to_be_visible()
    drafter.shot("proposal-form")


def test_a_logged_out_visitor_lands_on_the_login_page(person, town):
    journey = Journey(town, title=TITLE)
    visitor = person(town["drafter"])
    page = visitor.page
    for address in ["/", "/decision/", f"/decision/{journey.decision.process_id}/",
                    "/decision/inbox/"]:
        page.goto(address)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
        expect(page.get_by_label("用户名")).to_be_visible()
    visitor.shot("login")
    page.get_by_label("用户名").fill("drafter")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page).to_have_url(re.compile(r"/decision/inbox/$"))
    expect(page.get_by_role("heading", name="待办")).to_be_visible()
    visitor.shot("inbox-after-login")


def test_a_missing_page_says_so_and_leads_home(person, town):
    drafter = person(town["drafter"]).log_in()
    page = drafter.page
    page.goto("/decision/999999/")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    drafter.shot("not-found")
    page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_role("heading", name="决策事项")).to_be_visible()
