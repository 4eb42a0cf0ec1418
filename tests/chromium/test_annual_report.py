"""The annual report (年度报告): the head opens it from the menu on a phone, chooses a year and
reads its paragraph; the office at its desk downloads its PDF."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from decisions.reports.annual import annual_report, annual_report_paragraph
from tests.factories import make_user
from tests.figures_year import PEOPLE, build_year

from .conftest import PHONE


def test_the_head_reads_the_years_paragraph_and_the_office_prints_it(person, db):
    people = {name: make_user(name, role, full_name) for name, role, full_name in PEOPLE}
    year = build_year(people)

    head = person(people["head"], viewport=PHONE).log_in()
    phone = head.page
    phone.get_by_role("button", name="打开导航菜单").click()
    phone.get_by_role("link", name="年度报告").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("年度报告")
    phone.get_by_label("年度").select_option("2025")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("2025年")
    paragraph = phone.locator("[data-paragraph]")
    expect(paragraph).to_have_text(annual_report_paragraph(annual_report(2025)))
    expect(phone.locator("table[data-table=decisions]")).to_contain_text(
        year["H"].decision.title)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
        "the annual report scrolls sideways on a phone"
    head.shot("2025")

    office = person(people["office"]).log_in()
    page = office.page
    page.goto("/")
    page.get_by_role("link", name="年度报告").click()
    expect(page.locator("[data-paragraph]")).to_contain_text("2026年")
    office.shot("2026")
    with page.expect_download() as waiting:
        page.get_by_role("link", name=re.compile("下载报告")).click()
    saved = office.folder / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    text = re.sub(r"\s+", "", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages))
    assert re.sub(r"\s+", "", annual_report_paragraph(annual_report(2026))) in text
