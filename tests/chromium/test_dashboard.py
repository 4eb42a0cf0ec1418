"""The office opens the dashboard of the year from the menu, chooses the year and then a lead
unit (the figures change), follows a number to the decisions behind it, and downloads the
Excel file, read back here; the same page on a 390 px phone: charts drawn, nothing cut off."""

import re

import openpyxl
from playwright.sync_api import expect

from tests.figures_year import FARM, build_year

from .conftest import PHONE


def table_number(page, table: str, key: str) -> str:
    return page.locator(f'table[data-table="{table}"] tr[data-key="{key}"] td.juece-num') \
        .first.inner_text()


def charts_drawn(page) -> list[bool]:
    """Each canvas has its chart, and the chart has painted something."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(canvas => {
          if (!window.Chart || !Chart.getChart(canvas)) { return false; }
          const pixels = canvas.getContext('2d')
            .getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 3; i < pixels.length; i += 4) { if (pixels[i]) { return true; } }
          return false;
        })""")


def test_the_office_filters_the_figures_and_downloads_the_excel_file(person, people):
    year = build_year(people)
    office = person(people["office"]).log_in()
    page = office.page

    page.get_by_role("link", name="年度统计").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"\d{4}年决策统计"))).to_be_visible()
    page.get_by_label("年度").select_option("2026")
    expect(page.get_by_role("heading", name="2026年决策统计")).to_be_visible()
    expect(page.locator("[data-figure=proposed]")).to_have_text("7")
    assert table_number(page, "stage", "archived") == "5"
    assert all(charts_drawn(page)) and len(charts_drawn(page)) == 4
    office.shot("figures-2026")

    page.get_by_label("承办单位").select_option(FARM)
    expect(page.get_by_role("heading", name=f"2026年决策统计 · {FARM}")).to_be_visible()
    expect(page.locator("[data-figure=proposed]")).to_have_text("4")
    assert table_number(page, "stage", "archived") == "3"
    assert table_number(page, "methods", "online") == "1"
    assert all(charts_drawn(page))
    office.shot("figures-2026-farm")

    # A number leads to the decisions behind it.
    page.locator('table[data-table="stage"] tr[data-key="archived"] a').click()
    expect(page.get_by_role("heading", name="决策所处环节：归档")).to_be_visible()
    titles = page.locator("tr[data-decision] td.juece-title").all_inner_texts()
    assert sorted(title[0] for title in titles) == ["A", "B", "E"]
    office.shot("decisions-behind-archived")
    page.go_back()
    expect(page.get_by_role("heading", name=f"2026年决策统计 · {FARM}")).to_be_visible()

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel文件").click()
    download = downloading.value
    saved = office.folder / download.suggested_filename
    download.save_as(saved)
    assert saved.name.endswith(".xlsx")
    book = openpyxl.load_workbook(saved)
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert (summary["年度"], summary["承办单位"], summary["本年提出的决策"]) == (2026, FARM, 4)
    stages = {row[0]: row[1] for row in book["决策所处环节"].iter_rows(min_row=2, values_only=True)}
    assert stages["归档"] == 3 and stages["决策受理"] == 1
    assert year["F"].decision.pk in [int(pk) for pk in re.findall(
        r"#(\d+)", " ".join(str(row[0]) for row in book["决策事项"].iter_rows(values_only=True)))]


def test_the_figures_on_a_phone(person, people):
    build_year(people)
    office = person(people["office"], viewport=PHONE).log_in()
    page = office.page
    page.goto("/decision/figures/?year=2026")
    expect(page.get_by_role("heading", name="2026年决策统计")).to_be_visible()
    assert all(charts_drawn(page))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"
    for table in ("stage", "on_time", "overdue"):
        box = page.locator(f'table[data-table="{table}"]').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (table, box)
    office.shot("figures-phone")
