"""The documents offices print: the reviewer at his desk and the office on a phone open the
decision page, tap the link of the 合法性审查意见书 and get its PDF, numbered for the year."""

import io
import re

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from decisions.models import AuditEvent
from tests.factories import Journey

from .conftest import PHONE

TITLE = "季家镇集镇农贸市场改造提升方案"


def pdf_text(path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    return re.sub(r"\s+", "", text)


def take_the_opinion(someone, number: str):
    """From the decision list to the decision page, then the opinion's link: the download."""
    page = someone.page
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    link = page.get_by_role("link", name=re.compile("^下载合法性审查意见书"))
    expect(link).to_be_visible()
    expect(link).to_contain_text(number)
    link.scroll_into_view_if_needed()
    someone.shot("decision-page")
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    saved = someone.folder / f"{someone.user.username}-{download.suggested_filename}"
    download.save_as(saved)
    return download, saved


def test_the_reviewer_and_the_office_download_the_numbered_opinion(person, town, settings):
    settings.JUECE_REVIEW_BODY_NAME = "季家镇司法所"
    journey = Journey(town, title=TITLE).submit().accept().participate().review("lawful")
    decision = journey.decision
    number = f"〔{timezone.localdate().year}〕第1号"

    reviewer = person(town["reviewer"]).log_in()
    download, saved = take_the_opinion(reviewer, number)
    assert download.suggested_filename == f"决策{decision.pk}-合法性审查意见书{number}.pdf"
    text = pdf_text(saved)
    for words in ("季家镇司法所", "合法性审查意见书", number, f"《{TITLE}》（第1稿）",
                  "经审查，该决策草案合法", "法律顾问林晓燕", "审查人：张明",
                  decision.current_version.sha256):
        assert words in text, words

    office = person(town["office"], viewport=PHONE).log_in()
    download, saved = take_the_opinion(office, number)
    assert office.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
        "the decision page scrolls sideways on a phone"
    assert number in pdf_text(saved)

    taken = AuditEvent.objects.filter(decision=decision, action="document_download")
    assert [(e.actor, e.after["document_number"]) for e in taken.order_by("sequence")] == [
        (town["reviewer"], number), (town["office"], number)]
