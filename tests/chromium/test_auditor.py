"""Journey 3: the auditor opens a decision, reads its timeline, searches the trail by person and
date, verifies the hash chain from a page, and downloads the archive dossier."""

import re
import zipfile

from django.utils import timezone
from playwright.sync_api import expect

from decisions.dossier.check import check_dossier
from decisions.models import AuditEvent
from tests.factories import Journey

RAW_KEYS = ("head_decision", "reviewer_id", "draft_version_id", "task_created", "legal_review",
            "user:", "group:", "decisions.act_", "prev_hash")


def test_the_auditor_reads_searches_verifies_and_downloads(person, people, tmp_path):
    decision = (Journey(people).submit().accept().participate().review("unlawful").revise()
                .review("lawful").meet("adopted").publish().decision)
    assert decision.stage == "archived"

    auditor = person(people["auditor"]).log_in()
    page = auditor.page
    auditor.shot("landing")

    # The decision, from the decision list.
    page.goto("/decision/")
    page.get_by_role("link", name=decision.title).first.click()
    expect(page.get_by_role("link", name="全过程记录")).to_be_visible()
    auditor.shot("decision-page")

    # The timeline reads as Chinese; the engine's task events and the raw record are folded.
    page.get_by_role("link", name="全过程记录").click()
    expect(page).to_have_url(re.compile(r"/timeline/"))
    table = page.locator("table.juece-timeline")
    expect(table).to_contain_text("行政首长决定：通过")
    auditor.shot("timeline")
    shown = table.inner_text()
    for label in ("审查结论：不合法", "审查结论：合法", "合法性审查人员：张审查",
                  "授权对象：决策机关办公室", "组成人员的意见：郑委员：同意", "流程引擎记录 4 条",
                  "完整记录"):
        assert label in shown, label
    for raw in RAW_KEYS:
        assert raw not in shown, raw

    meeting = page.locator("tr[data-action=meeting_record]")
    meeting.locator("details.juece-engine > summary").click()
    expect(meeting.locator("details.juece-engine li").first).to_contain_text("生成任务")
    expect(meeting.locator("details.juece-engine")).to_contain_text("办理人：孙秘书")
    meeting.locator("details.juece-record > summary").click()
    expect(meeting.locator("details.juece-record pre")).to_contain_text('"head_decision"')
    expect(meeting.locator("details.juece-record pre")).to_contain_text('"prev_hash"')
    meeting.scroll_into_view_if_needed()
    auditor.shot("timeline-meeting-opened")

    # The whole trail, searched by person and days.
    page.get_by_role("link", name="审计记录").first.click()
    expect(page.get_by_role("heading", name="审计记录", exact=True)).to_be_visible()
    today = timezone.localdate().isoformat()
    page.get_by_label("人员（账号或姓名）").fill("张审查")
    page.get_by_label("起始日期").fill(today)
    page.get_by_label("截止日期").fill(today)
    auditor.shot("search-form")
    page.get_by_role("button", name="查询").click()
    results = page.locator("table.juece-audit tr[data-sequence]")
    expect(results.first).to_be_visible()
    reviewer_events = AuditEvent.objects.filter(actor=people["reviewer"]).count()
    expect(results).to_have_count(reviewer_events)
    for row in results.all():
        expect(row).to_contain_text("张审查")
    expect(page.locator("table.juece-audit")).to_contain_text("登记合法性审查意见")
    auditor.shot("search-results")

    # The chain, verified from a page.
    page.get_by_role("link", name="验证审计链").click()
    expect(page.get_by_role("heading", name="验证审计链", exact=True)).to_be_visible()
    auditor.shot("verify-page")
    page.get_by_role("button", name="验证审计链").click()
    result = page.locator("[data-verified]")
    expect(result).to_contain_text("审计链完整")
    head = AuditEvent.objects.get(action="audit_chain_verify").after["verified_sequence"]
    expect(result).to_contain_text(f"#{head}")
    verification = AuditEvent.objects.get(action="audit_chain_verify")
    assert verification.actor == people["auditor"] and verification.after["ok"] is True
    auditor.shot("verified")

    # The dossier, downloaded from the decision page, is a ZIP whose manifest verifies.
    page.goto("/decision/")
    page.get_by_role("link", name=decision.title).first.click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载归档卷宗（压缩包）").click()
    download = downloading.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    auditor.shot("dossier-downloaded")
    assert zipfile.is_zipfile(path)
    report = check_dossier(path)
    assert report.ok, report.problems
    assert report.decision == decision.pk and report.events > 0
