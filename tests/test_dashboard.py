"""The dashboard of the year through its pages (Django's test client): who may open it, the
filters, every number leading to the decisions behind it, and the Excel and CSV exports read
back (openpyxl, csv), each on the audit trail. The figures themselves are tested in
tests/test_report_figures.py on the same year (tests/figures_year.py)."""

import csv
import hashlib
import io
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from decisions.models import AuditEvent
from workflows.flows import DecisionFlow

from .figures_year import FARM, PLANNING, year_played
from .http_client import logged_in
from .test_i18n import english_words

FLOW = DecisionFlow.instance
#: File formats a Chinese page names by their own names.
FORMAT_NAMES = {"Excel", "CSV"}


@pytest.fixture(scope="module")
def played(django_db_setup, django_db_blocker):
    with year_played(django_db_blocker) as people_and_year:
        yield people_and_year


@pytest.fixture
def people(played, db):
    return played[0]


@pytest.fixture
def year(played, db):
    return played[1]


def ids(year, letters: str) -> list[int]:
    return sorted(year[letter].decision.pk for letter in letters)


def figures_url(**query) -> str:
    url = FLOW.reverse("figures")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def row_count(html: str, table: str, key: str) -> str:
    """The number a figure's table shows in its row ``key`` (the first number cell)."""
    block = re.search(rf'data-table="{table}".*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', block, re.S).group(1)
    return re.search(r'class="juece-num">(?:<a href="[^"]*">)?([^<]*)', row).group(1)


def row_link(html: str, table: str, key: str) -> str:
    block = re.search(rf'data-table="{table}".*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', block, re.S).group(1)
    return unescape(re.search(r'<a href="([^"]+)"', row).group(1))


def listed(client, url) -> list[int]:
    html = page(client, url)
    return sorted(int(pk) for pk in re.findall(r'data-decision="(\d+)"', html))


@pytest.mark.parametrize(("role", "status"), [
    ("office", 200), ("head", 200), ("auditor", 200),
    ("drafter", 403), ("reviewer", 403), ("counsel", 403), ("member", 403), ("secretary", 403)])
def test_the_office_the_head_and_the_auditor_read_the_figures(people, year, role, status):
    client = logged_in(people[role])
    for url in (figures_url(year=2026),
                FLOW.reverse("figures_decisions") + "?year=2026&figure=stage&key=archived",
                FLOW.reverse("figures_export", args=["xlsx"]) + "?year=2026"):
        assert client.get(url).status_code == status, (role, url)
    menu = page(client, FLOW.reverse("inbox"))
    assert ('juece-figures-link' in menu) == (status == 200)


def test_a_visitor_not_logged_in_is_sent_to_the_login_page(year, client):
    response = client.get(figures_url(year=2026))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_the_years_figures_in_chinese(people, year):
    html = page(logged_in(people["office"]), figures_url(year=2026))
    assert "2026年决策统计" in html
    assert row_count(html, "stage", "archived") == "5"
    assert row_count(html, "stage", "acceptance") == "1"
    assert row_count(html, "outcome", "adopted") == "3"
    assert row_count(html, "coverage", "decided") == "5"
    assert re.search(r'data-figure="coverage">100%<', html)
    assert re.search(r'data-figure="average-review">10.3天<', html)
    assert row_count(html, "methods", "online") == "2"
    assert row_count(html, "catalogue", "not_started") == "2"
    assert 'data-task=' in html and "会议记录人（待领取）" in html
    assert set(english_words(html, [p.username for p in people.values()])) <= FORMAT_NAMES


def test_the_charts_get_the_tables_numbers_through_a_json_element(people, year):
    html = page(logged_in(people["office"]), figures_url(year=2026))
    data = json.loads(unescape(re.search(
        r'<script id="juece-figures-data" type="application/json">(.*?)</script>', html,
        re.S).group(1)))
    assert data["stage"]["labels"][-1] == "归档" and data["stage"]["datasets"][0]["data"][-1] == 5
    assert dict(zip(data["outcome"]["labels"], data["outcome"]["datasets"][0]["data"],
                    strict=True)) == {"尚未提请会议决定": 1, "暂缓决定": 1, "通过": 3, "未通过": 1,
                                      "已撤回": 1}
    review = data["on_time"]["labels"].index("合法性审查")
    assert [d["data"][review] for d in data["on_time"]["datasets"]] == [5, 1]
    assert listed(logged_in(people["office"]), data["on_time"]["links"][1][review]) == \
        ids(year, "G")
    # No script of the page runs inline (the Content-Security-Policy would refuse it).
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attributes for attributes in scripts), scripts
    assert "juece/vendor/chartjs/chart.umd.min.js" in html and "juece/js/figures.js" in html


def test_the_lead_unit_and_year_filters(people, year):
    office = logged_in(people["office"])
    farm = page(office, figures_url(year=2026, lead_unit=FARM))
    assert (row_count(farm, "stage", "archived"), row_count(farm, "outcome", "adopted")) == (
        "3", "2")
    assert f'<option value="{FARM}" selected>' in farm
    planning = page(office, figures_url(year=2026, lead_unit=PLANNING))
    assert row_count(planning, "stage", "collective_decision") == "1"
    last_year = page(office, figures_url(year=2025))
    assert (row_count(last_year, "stage", "archived"), row_count(last_year, "coverage",
                                                                 "decided")) == ("2", "1")
    # Each link keeps the filters: the farm's archived decisions are A, B and E.
    assert listed(office, row_link(farm, "stage", "archived")) == ids(year, "ABE")


def test_a_bad_filter_is_said_and_this_years_figures_shown(people, year):
    office = logged_in(people["office"])
    html = page(office, figures_url(year="abc", lead_unit="无此单位"))
    assert "以下为本年度全部承办单位的统计。" in html
    assert html.count("juece-error") == 1


def test_every_number_leads_to_the_decisions_behind_it(people, year):
    office = logged_in(people["office"])
    html = page(office, figures_url(year=2026))
    expected = {
        ("stage", "archived"): "ABCEG", ("stage", "collective_decision"): "D",
        ("outcome", "withdrawn"): "E", ("outcome", "pending"): "F",
        ("coverage", "decided"): "ABCGI", ("coverage", "covered"): "ABCGI",
        ("methods", "hearing"): "A", ("methods", "online"): "AG",
        ("catalogue", "decided"): "A", ("catalogue", "undecided"): "D",
        ("review_time", "reviews"): "ABCDG", ("review_time", "longest"): "G",
    }
    for (figure, key), letters in expected.items():
        table = {"stage": "stage", "outcome": "outcome", "coverage": "coverage",
                 "methods": "methods", "catalogue": "catalogue",
                 "review_time": "review_time"}[figure]
        link = row_link(html, table, key)
        assert parse_qs(urlsplit(link).query)["figure"] == [figure]
        assert listed(office, link) == ids(year, letters), (figure, key)
    drill = page(office, row_link(html, "stage", "archived"))
    assert "决策所处环节：归档" in drill and "该项数字为5，对应的决策5项。" in drill
    late = FLOW.reverse("figures_decisions") + "?year=2026&figure=on_time&key=legal_review.late"
    assert "各环节按期完成率：合法性审查 · 逾期完成" in page(office, late)
    assert listed(office, late) == ids(year, "G")
    # A zero leads nowhere, and a figure or key that does not exist is not found.
    assert '<tr data-key="revise"><td>修改后再次讨论</td><td class="juece-num">0</td>' in html
    for query in ("figure=nothing&key=archived", "figure=stage&key=nothing", ""):
        assert office.get(FLOW.reverse("figures_decisions") + f"?year=2026&{query}") \
            .status_code == 404


def test_the_head_counts_only_the_decisions_he_may_read(people, year):
    """F waits at acceptance: the head reads a decision once it is accepted."""
    head = logged_in(people["head"])
    html = page(head, figures_url(year=2026))
    assert row_count(html, "stage", "acceptance") == "0"
    assert row_count(html, "outcome", "pending") == "0"
    link = FLOW.reverse("figures_decisions") + "?year=2026&figure=outcome&key=pending"
    assert listed(head, link) == []
    office = logged_in(people["office"])
    assert listed(office, link) == ids(year, "F")


def export_of(client, file_format: str, **query):
    response = client.get(FLOW.reverse("figures_export", args=[file_format]) + "?"
                          + "&".join(f"{k}={v}" for k, v in query.items()))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def test_the_excel_export_reads_back_with_the_pages_figures(people, year):
    office = logged_in(people["office"])
    response = export_of(office, "xlsx", year=2026)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="juece-figures-2026.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:4] == ["概况", "决策所处环节", "决策结果", "合法性审查覆盖率"]
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["年度"] == 2026 and summary["承办单位"] == "全部承办单位"
    assert (summary["本年提出的决策"], summary["本年作出决定"], summary["合法性审查覆盖率"]) == (
        7, 5, 1.0)
    assert summary["平均审查用时（天）"] == 10.3 and summary["逾期未办任务"] == 2
    stages = {row[0]: (row[1], row[2]) for row in
              book["决策所处环节"].iter_rows(min_row=2, values_only=True)}
    assert stages["归档"] == (5, " ".join(f"#{pk}" for pk in ids(year, "ABCEG")))
    on_time = {row[0]: row[1:5] for row in
               book["各环节按期完成率"].iter_rows(min_row=2, values_only=True)}
    assert on_time["合法性审查"] == (6, 5, 1, 0.833)
    assert book["各环节按期完成率"]["E7"].number_format == "0.0%"
    overdue = list(book["逾期未办任务"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3], row[5]) for row in overdue][1] == (
        f"#{year['F'].decision.pk}", "决策机关办公室（待领取）", overdue[1][5])
    decisions = {row[0]: row[1] for row in book["决策事项"].iter_rows(min_row=2, values_only=True)}
    assert decisions[f"#{year['G'].decision.pk}"] == "G 老旧小区改造方案"
    event = AuditEvent.objects.filter(action="figures_export").latest("sequence")
    assert event.actor == people["office"]
    assert event.after == {"figures_year": 2026, "lead_unit": "", "file_format": "xlsx",
                           "sha256": hashlib.sha256(response.content).hexdigest()}


def test_the_csv_export_is_utf8_with_a_bom_and_the_same_filters(people, year):
    auditor = logged_in(people["auditor"])
    response = export_of(auditor, "csv", year=2026, lead_unit=FARM)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''juece-figures-2026-" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["概况"] and rows[1] == ["统计项", "数值"]
    assert ["承办单位", FARM] in rows and ["本年作出决定", "3"] in rows
    assert ["合法性审查覆盖率", "100%"] in rows
    start = rows.index(["决策所处环节"])
    assert rows[start + 1] == ["统计项", "数量", "决策事项"]
    assert ["归档", "3", " ".join(f"#{pk}" for pk in ids(year, "ABE"))] in rows
    event = AuditEvent.objects.filter(action="figures_export").latest("sequence")
    assert (event.actor, event.after["lead_unit"], event.after["file_format"]) == (
        people["auditor"], FARM, "csv")


def test_an_unknown_export_format_is_not_found_and_nothing_is_recorded(people, year):
    before = AuditEvent.objects.filter(action="figures_export").count()
    assert logged_in(people["office"]).get(
        FLOW.reverse("figures_export", args=["pdf"]) + "?year=2026").status_code == 404
    assert logged_in(people["drafter"]).get(
        FLOW.reverse("figures_export", args=["csv"]) + "?year=2026").status_code == 403
    assert AuditEvent.objects.filter(action="figures_export").count() == before
