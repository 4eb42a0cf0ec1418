"""The annual report's page and PDF (workflows/annual_report.py, decisions/documents/annual.py)
on the year of tests/figures_year.py: the paragraph and the decisions are those of the report's
selectors (decisions/reports/annual.py), for the year and lead unit chosen; the office, the head
and the auditor read them, nobody else; each PDF download is on the record."""

import hashlib
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from decisions.models import AuditEvent
from decisions.reports.annual import annual_report, annual_report_paragraph
from workflows.flows import DecisionFlow

from .figures_year import FARM, PLANNING, year_played
from .http_client import decision_url, logged_in
from .test_i18n import english_words

ORGAN = "重庆市大足区季家镇人民政府"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "documents"
READERS = ("office", "head", "auditor")


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


def page_url(**query) -> str:
    url = DecisionFlow.instance.reverse("annual_report")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pdf_url(**query) -> str:
    url = DecisionFlow.instance.reverse("annual_report_pdf")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return flat("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.mark.parametrize("role", READERS)
def test_the_office_the_head_and_the_auditor_read_the_years_paragraph_and_decisions(
        role, people, year):
    response = logged_in(people[role]).get(page_url(year=2026))
    assert response.status_code == 200
    page = response.content.decode()
    assert annual_report_paragraph(annual_report(2026)) in page
    assert "作出决定的5项决策均经合法性审查，实现重大行政决策合法性审查100%覆盖。" in page
    for letter in "IABCG":
        journey = year[letter]
        assert journey.decision.title in page
    assert year["D"].decision.title not in page  # deferred: not decided in the year
    assert decision_url(year["A"].decision) in page
    assert "no-store" in response["Cache-Control"]
    assert english_words(page, [p.username for p in people.values()]) == []


@pytest.mark.parametrize("role", ["drafter", "reviewer", "member", "secretary"])
def test_nobody_else_reads_the_report(role, people, year):
    client = logged_in(people[role])
    assert client.get(page_url(year=2026)).status_code == 403
    assert client.get(pdf_url(year=2026)).status_code == 403
    assert not AuditEvent.objects.filter(action="annual_report_download").exists()


def test_the_year_and_the_lead_unit_are_chosen(people, year):
    client = logged_in(people["office"])
    earlier = client.get(page_url(year=2025)).content.decode()
    assert annual_report_paragraph(annual_report(2025)) in earlier
    assert year["H"].decision.title in earlier and year["A"].decision.title not in earlier

    farm = client.get(page_url(year=2026, lead_unit=FARM)).content.decode()
    assert annual_report_paragraph(annual_report(2026, lead_unit=FARM)) in farm
    assert year["A"].decision.title in farm and year["C"].decision.title not in farm
    assert f'<option value="{FARM}" selected>' in farm

    unknown = client.get(page_url(year=1999)).content.decode()
    assert "以下为本年度全部承办单位的报告。" in unknown


def test_a_year_without_decisions_says_so(people, year):
    page = logged_in(people["auditor"]).get(page_url(year=2025, lead_unit=PLANNING))
    assert "本年度未作出重大行政决策。" in page.content.decode()


def test_the_pdf_reads_back_with_the_paragraph_and_the_list(people, year, settings):
    settings.JUECE_ORGAN_NAME = ORGAN
    response = logged_in(people["head"]).get(pdf_url(year=2026))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # to look at: pdftoppm -png
    (ARTIFACTS / "annual_report.pdf").write_bytes(response.content)
    text = pdf_text(response.content)
    for words in (ORGAN, "2026年重大行政决策情况", "一、重大行政决策情况",
                  flat(annual_report_paragraph(annual_report(2026))),
                  "二、2026年作出决定的重大行政决策", "4月27日未通过"):
        assert words in text, words
    for letter in "IABCG":
        assert flat(year[letter].decision.title) in text, letter
    event = AuditEvent.objects.get(action="annual_report_download")
    assert event.actor == people["head"]
    assert event.after == {"figures_year": 2026, "lead_unit": "",
                           "sha256": hashlib.sha256(response.content).hexdigest()}


def test_the_pdf_of_one_lead_unit_and_of_an_empty_year(people, year):
    client = logged_in(people["office"])
    farm = pdf_text(client.get(pdf_url(year=2026, lead_unit=FARM)).content)
    assert f"承办单位：{FARM}" in farm
    assert flat(year["A"].decision.title) in farm
    assert flat(year["C"].decision.title) not in farm
    empty = pdf_text(client.get(pdf_url(year=2025, lead_unit=PLANNING)).content)
    assert "2025年未作出重大行政决策。" in empty
