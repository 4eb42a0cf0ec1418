"""The tour: every role's pages, as that person reaches them, in Chinese, on a desktop and on a
phone. Six decisions stand at different stages so that each role has something to see; each page
is saved as a screenshot and checked as a person would: no error page, nothing wider than the
screen, no English words."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import Journey
from tests.test_i18n import english_words

from .conftest import DESKTOP, PHONE
from .test_phone import assert_every_cell_readable

ARCHIVED = "季家镇农村人居环境整治三年行动方案"
MEETING = "季家镇集镇农贸市场改造提升方案"
REVIEW = "季家镇场镇停车管理办法"
CONSULT = "季家镇农村饮用水安全保障实施方案"
PROPOSED = "季家镇老旧小区改造实施方案"
DRAFT = "季家镇河道管护办法"

#: The decision each role is shown: the one with work for it, or one put to it.
DECISION_OF = {
    "drafter": CONSULT, "office": PROPOSED, "reviewer": REVIEW, "expert": CONSULT,
    "risk_assessor": CONSULT, "member": MEETING, "secretary": MEETING, "head": MEETING,
    "auditor": ARCHIVED,
}
LINES = ("c => { const tops = new Set(); const w = document.createTreeWalker(c, 4);"
         " while (w.nextNode()) { const r = document.createRange(); r.selectNodeContents("
         "w.currentNode); for (const x of r.getClientRects()) tops.add(Math.round(x.top)); }"
         " return tops.size; }")
ERROR_TEXTS = ("服务器错误", "Server Error", "Traceback", "页面不存在", "您无权打开此页面")


@pytest.fixture
def town(people):
    """Decisions at six stages: archived, at the meeting, at legality review, in consultation
    (public participation, expert input and risk assessment open), proposed, being drafted."""
    Journey(people, title=ARCHIVED).submit().accept().participate().review("unlawful").revise() \
        .review("lawful").meet("adopted").publish()
    Journey(people, title=MEETING).submit().accept().participate().review("lawful")
    Journey(people, title=REVIEW).submit().accept().participate()
    Journey(people, title=CONSULT, needs_expert_input=True, needs_risk_assessment=True,
            skip_reasons={}).submit().accept()
    Journey(people, title=PROPOSED).submit()
    Journey(people, title=DRAFT)
    return people


class Tour:
    """One person's walk: each page checked and photographed, the problems gathered."""

    def __init__(self, me, viewport, logins):
        self.me = me
        self.page = me.page
        self.width = viewport["width"]
        self.logins = logins
        self.problems = []
        self.statuses = {}
        self.page.on("response", self._record)

    def _record(self, response):
        """GETs only: viewflow's Turbo middleware answers a form POST shown in place with 422."""
        request = response.request
        if request.resource_type in ("document", "fetch") and request.method == "GET":
            self.statuses[response.url] = response.status

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state()
        expect(page.locator("main.vf-page__content")).to_be_visible()
        where = f"{self.me.user.username} {name} ({self.width}px, {page.url})"
        status = self.statuses.get(page.url)
        if status is not None and status >= 400:
            self.problems.append(f"{where}: HTTP {status}")
        text = page.locator("body").inner_text()
        for error in ERROR_TEXTS:
            if error in text:
                self.problems.append(f"{where}: shows {error!r}")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        if overflow > self.width + 1:
            self.problems.append(f"{where}: {overflow}px wide, wider than the screen")
        words = english_words(page.content(), self.logins)
        if words:
            self.problems.append(f"{where}: English words {words}")
        self.me.shot(name)

    def visit(self, name: str, url: str) -> None:
        self.page.goto(url)
        self.check(name)

    def rows(self, title: str):
        return self.page.locator("table.juece-cards tbody tr", has_text=title)


def walk(me, role: str, viewport, logins) -> list[str]:
    tour = Tour(me, viewport, logins)
    page = tour.page
    title = DECISION_OF[role]
    me.log_in()
    tour.check("landing")
    tour.visit("decisions", "/decision/")
    tour.visit("inbox", "/decision/inbox/")
    tour.visit("queue", "/decision/queue/")
    tour.visit("completed", "/decision/archive/")
    tour.visit("notifications", "/decision/notifications/")
    for cell in page.locator("main table tr > td:first-child").all():  # its time, not cut mid-date
        assert cell.evaluate(LINES) <= 1, f"{cell.inner_text()!r} wraps"

    tour.visit("decisions", "/decision/")
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    tour.check("decision")
    if tour.width == PHONE["width"]:
        assert assert_every_cell_readable(page, page.locator("#versions table.juece-cards")) >= 4
    else:  # a name, a stage, a date on one line, not broken into a column of characters
        for cell in page.locator("td.juece-short").all():
            assert cell.evaluate(LINES) <= 1, f"{cell.inner_text()!r} wraps"

    if role == "auditor":
        page.get_by_role("link", name="全过程记录").click()
        expect(page).to_have_url(re.compile("/timeline/"))
        tour.check("timeline")
        tour.visit("audit-search", "/decision/audit/")
        page.get_by_label("人员（账号或姓名）").fill("张审查")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile("person="))
        expect(page.locator("table.juece-audit tr[data-sequence]").first).to_contain_text("张审查")
        tour.check("audit-search-results")
        tour.visit("audit-verify", "/decision/audit/verify/")
        page.get_by_role("button", name="验证审计链").click()
        expect(page.locator("[data-verified]")).to_contain_text("审计链完整")
        tour.check("audit-verified")

    # A task waiting in the role's queue: its claim page, then the form once claimed.
    page.goto("/decision/queue/")
    queued = tour.rows(title)
    if queued.count():
        queued.first.get_by_role("link").first.click()
        claim = page.get_by_role("button", name="认领并办理")
        expect(claim).to_be_visible()
        facts = page.locator(".juece-task-facts")
        expect(facts).to_contain_text(title)  # what is being claimed: decision, stage, due date
        expect(facts.locator("dd").nth(1)).not_to_be_empty()
        expect(facts.locator("[data-due-on]")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        tour.check("claim")
        claim.click()
        expect(page).to_have_url(re.compile("/execute/"))
        tour.check("claimed-form")

    # A task in the role's inbox: its stage form.
    page.goto("/decision/inbox/")
    held = tour.rows(title)
    if held.count():
        held.first.get_by_role("link").first.click()
        expect(page).to_have_url(re.compile("/execute/"))
        tour.check("form")
    return tour.problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_role_s_pages_read_in_chinese(person, town, viewport):
    logins = [user.get_username() for user in town.values()]
    problems = []
    for role in DECISION_OF:
        problems += walk(person(town[role], viewport=viewport), role, viewport, logins)
    assert not problems, "\n".join(problems)
