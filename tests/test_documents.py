"""The documents offices print (decisions/documents): each PDF read back with pypdf and its
Chinese text checked, the opinions numbered per year and never twice, the downloads refused to
whoever may not read the decision and recorded in the trail, and the templates an office adjusts.
"""

import datetime
import hashlib
import io
import multiprocessing
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from decisions.documents import numbering
from decisions.models import AuditEvent, DocumentCounter, DocumentNumber
from workflows.flows import DecisionFlow

from .factories import Journey, make_user
from .http_client import decision_url, logged_in

ORGAN = "重庆市大足区季家镇人民政府"
REVIEW_BODY = "季家镇司法所"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "documents"


def document_url(decision, name: str, record_pk=None) -> str:
    args = [decision.process_id] + ([record_pk] if record_pk is not None else [])
    return DecisionFlow.instance.reverse(f"document_{name}", args=args)


def text_of(pdf: bytes) -> str:
    """What pypdf reads from the PDF, without the layout's spaces and line breaks."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


def download(user, url, keep_as: str = "") -> bytes:
    response = logged_in(user).get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    if keep_as:  # to look at: pdftoppm -png test-artifacts/documents/<name>.pdf
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{keep_as}.pdf").write_bytes(response.content)
    return response.content


@pytest.fixture
def named(people, settings):
    """The people of the decision, some with the rare characters of real names; the town's
    names set for its documents."""
    settings.JUECE_ORGAN_NAME = ORGAN
    settings.JUECE_REVIEW_BODY_NAME = REVIEW_BODY
    for role, name in (("head", "王𫖯"), ("counsel", "李𬭚")):
        people[role].last_name = name
        people[role].save()
    people["member3"] = make_user("member3", "member", "刘䶮")
    return people


@pytest.fixture
def published(named):
    """Public participation and an expert; found unlawful, revised, then lawful; a meeting
    with a dissent and an absence; published."""
    journey = Journey(named, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"})
    journey.submit().accept().participate().expert_opinion()
    journey.review("unlawful").revise().review("lawful")
    journey.meet("adopted", positions={named["member"]: ("agree", "资金已落实"),
                                       named["member2"]: ("disagree", "收费标准偏高")},
                 head_reason="群众期盼强烈，收费标准另行听证",
                 absent=away(named))
    journey.publish(adoption_explanation="采纳了群众关于增加收运频次的意见；专家意见已采纳。")
    return journey


def away(people) -> list[dict]:
    """The third member, absent (with the named people, the organ has three members)."""
    return [{"member": people["member3"], "reason": "外出参加培训"}]


def this_year() -> int:
    return timezone.localdate().year


# The three documents, read back


def test_the_legality_review_opinion_reads_as_the_office_writes_it(published, named):
    decision = published.decision
    unlawful, lawful = decision.reviews.order_by("id")
    text = text_of(download(named["reviewer"], document_url(decision, "review", lawful.pk),
                            keep_as="legal_review_opinion"))
    v2 = lawful.draft_version
    year = this_year()
    for words in (REVIEW_BODY, "合法性审查意见书", f"〔{year}〕第2号", "农业服务中心：",
                  f"《{decision.title}》（第2稿）", "一、决策事项是否符合法定权限", "主体适格",
                  "二、决策草案的形成是否履行相关法定程序", "程序完备",
                  "三、决策草案内容是否符合有关法律、法规、规章和国家政策的规定", "内容合法",
                  "四、审查结论", "经审查，该决策草案合法，可以提交决策机关讨论。",
                  "五、法律顾问的法律意见", "法律顾问李𬭚",
                  "主体适格，程序完备，未发现与上位法相抵触之处。",
                  "审查人：张审查", v2.sha256,
                  "第2稿"):
        assert words in text, words
    first = text_of(download(named["reviewer"], document_url(decision, "review", unlawful.pk)))
    assert f"〔{year}〕第1号" in first
    assert "经审查，该决策草案不合法，不得提交决策机关讨论。" in first
    assert unlawful.draft_version.sha256 in first and v2.sha256 not in first


def test_the_meeting_record_keeps_every_position_and_the_absence(published, named):
    decision = published.decision
    meeting = decision.meetings.get()
    text = text_of(download(named["secretary"], document_url(decision, "meeting", meeting.pk),
                            keep_as="meeting_record"))
    for words in (ORGAN, "集体讨论决定记录", "主持人：王𫖯", "郑委员、冯委员",
                  "会议组成人员3人，出席2人", "刘䶮（外出参加培训）", "记录人：孙秘书",
                  "郑委员同意资金已落实", "冯委员不同意收费标准偏高",
                  "同意1人，不同意1人，弃权0人", "王𫖯最后发表意见",
                  "理由：群众期盼强烈，收费标准另行听证",
                  "合法性审查意见书〔", meeting.draft_version.sha256):
        assert words in text, words


def test_the_explanation_says_how_comments_and_opinions_were_adopted(published, named):
    decision = published.decision
    text = text_of(download(named["member"], document_url(decision, "explanation"),
                            keep_as="decision_explanation"))
    for words in (ORGAN, f"关于《{decision.title}》的决策说明", "采纳了群众关于增加收运频次的意见",
                  "收到意见建议1条，其中采纳1条", "建议增加收运频次", "专家论证意见",
                  decision.publication.draft_sha256):
        assert words in text, words
    assert "村民张某" not in text  # a citizen's name is not published


def test_the_decision_page_links_each_document_with_its_number(published, named):
    decision = published.decision
    page = logged_in(named["member"]).get(decision_url(decision)).content.decode()
    year = this_year()
    for review in decision.reviews.all():
        assert document_url(decision, "review", review.pk) in page
    assert f"下载合法性审查意见书 〔{year}〕第2号" in page
    assert document_url(decision, "meeting", decision.meetings.get().pk) in page
    assert document_url(decision, "explanation") in page


# Numbers


def test_each_review_is_numbered_when_recorded_in_the_order_of_the_year(published, named):
    other = Journey(named, title="季家镇集贸市场临时摊位管理办法")
    other.submit().accept().participate().review("lawful")
    numbers = list(DocumentNumber.objects.order_by("id").values_list("year", "serial"))
    assert numbers == [(this_year(), 1), (this_year(), 2), (this_year(), 3)]
    event = AuditEvent.objects.filter(action="legal_review_record").latest("sequence")
    assert event.after["document_number"] == f"〔{this_year()}〕第3号"


def test_a_number_is_given_once_and_kept(published, named):
    decision = published.decision
    review = decision.reviews.order_by("id").last()
    url = document_url(decision, "review", review.pk)
    for user in (named["reviewer"], named["office"], named["auditor"]):
        assert f"〔{this_year()}〕第2号" in text_of(download(user, url))
    assert DocumentNumber.objects.count() == 2
    assert DocumentCounter.objects.get().last == 2


def at(*day) -> datetime.datetime:
    return datetime.datetime(*day, 10, tzinfo=timezone.get_current_timezone())


def test_a_new_year_starts_at_one_and_the_old_years_numbers_stay(named):
    with time_machine.travel(at(2026, 12, 30)):
        first = Journey(named, title="决策一")
        first.submit().accept().participate().review("unlawful")
    with time_machine.travel(at(2027, 1, 4)):
        first.revise().review("lawful")
        second = Journey(named, title="决策二")
        second.submit().accept().participate().review("lawful")
    assert [str(n) for n in DocumentNumber.objects.order_by("id")] == [
        "〔2026〕第1号", "〔2027〕第1号", "〔2027〕第2号"]


def test_a_review_recorded_before_numbering_gets_the_next_number_when_first_issued(
        named, monkeypatch):
    from decisions.records import review as review_service

    journey = Journey(named)
    journey.submit().accept().participate()
    monkeypatch.setattr(review_service, "review_opinion_number",
                        lambda review, acting_user: ("", False))
    journey.review("lawful")
    monkeypatch.undo()
    review = journey.decision.reviews.get()
    assert not DocumentNumber.objects.filter(review=review).exists()

    text = text_of(download(named["office"], document_url(journey.decision, "review", review.pk)))
    assert f"〔{this_year()}〕第1号" in text
    number = DocumentNumber.objects.get(review=review)
    assert number.assigned_by == named["office"]
    event = AuditEvent.objects.filter(action="document_download").latest("sequence")
    assert event.after["number_given"] is True
    download(named["reviewer"], document_url(journey.decision, "review", review.pk))
    event = AuditEvent.objects.filter(action="document_download").latest("sequence")
    assert event.after["number_given"] is False
    assert DocumentNumber.objects.count() == 1


def _take_numbers(database_name: str, count: int, start, out) -> None:
    connections["default"].settings_dict["NAME"] = database_name
    start.wait()
    taken = []
    for _n in range(count):
        with transaction.atomic():
            taken.append(numbering._next_serial("legal_review_opinion", 2031))
    out.put(taken)
    connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_take_the_same_number():
    workers, each = 4, 25
    database_name = connection.settings_dict["NAME"]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=_take_numbers, args=(database_name, each, start, out))
                 for _w in range(workers)]
    for process in processes:
        process.start()
    taken = [number for _p in processes for number in out.get(timeout=120)]
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * workers
    assert sorted(taken) == list(range(1, workers * each + 1))


@pytest.mark.postgres
def test_the_database_refuses_to_reuse_a_number(published):
    number = DocumentNumber.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentNumber.objects.filter(pk=number.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentCounter.objects.update(last=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentCounter.objects.all().delete()
    assert DocumentCounter.objects.get().last == 2


# Who may download, and the record of it


def test_a_reader_downloads_and_the_download_is_on_the_record(published, named):
    decision = published.decision
    review = decision.reviews.order_by("id").last()
    pdf = download(named["drafter"], document_url(decision, "review", review.pk))
    event = AuditEvent.objects.filter(decision=decision).latest("sequence")
    assert event.action == "document_download"
    assert event.actor == named["drafter"]
    assert event.after == {"document": "legal_review_opinion", "record_id": review.pk,
                           "sha256": hashlib.sha256(pdf).hexdigest(),
                           "document_number": f"〔{this_year()}〕第2号", "number_given": False}


def test_whoever_may_not_read_the_decision_gets_nothing(published, named):
    decision = published.decision
    outsider = make_user("drafter3", "drafter", "马外人")
    urls = [document_url(decision, "review", decision.reviews.first().pk),
            document_url(decision, "meeting", decision.meetings.get().pk),
            document_url(decision, "explanation")]
    before = AuditEvent.objects.filter(action="document_download").count()
    for url in urls:
        assert logged_in(outsider).get(url).status_code == 404
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert AuditEvent.objects.filter(action="document_download").count() == before
    assert AuditEvent.objects.filter(action="access_refused", actor=outsider).count() == 3


def test_a_record_of_another_decision_or_one_not_made_is_not_found(published, named):
    other = Journey(named, title="另一项决策")
    other.submit().accept().participate().review("lawful")
    foreign = other.decision.reviews.get()
    decision = published.decision
    reader = logged_in(named["auditor"])
    assert reader.get(document_url(decision, "review", foreign.pk)).status_code == 404
    unpublished = logged_in(named["auditor"]).get(document_url(other.decision, "explanation"))
    assert unpublished.status_code == 404


# Adjusting a template; what cannot be printed


def test_an_office_adjusts_a_template_in_its_own_templates_directory(published, named, tmp_path,
                                                                    settings):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "legal_review_opinion.txt").write_text(
        "@issuer 季家镇司法所\n@title 合法性审查意见书\n@number 季司审{{ number }}\n@rule\n"
        "@para 审查意见：{{ opinion_content }}\n@signature 审查人：{{ reviewer }}\n"
        "@date {{ reviewed_on }}\n", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    decision = published.decision
    review = decision.reviews.order_by("id").last()
    text = text_of(download(named["reviewer"], document_url(decision, "review", review.pk)))
    assert f"季司审〔{this_year()}〕第2号" in text
    assert "审查意见：内容合法" in text
    assert "一、决策事项是否符合法定权限" not in text


def test_a_broken_template_is_named_on_the_page_and_nothing_is_recorded(published, named,
                                                                       tmp_path, settings):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "meeting_record.txt").write_text("@title 记录\n@chapter 一\n", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    decision = published.decision
    before = AuditEvent.objects.filter(action="document_download").count()
    client = logged_in(named["secretary"])
    response = client.get(document_url(decision, "meeting", decision.meetings.get().pk),
                          follow=True)
    page = response.content.decode()
    assert "第2行" in page and "@chapter" in page
    assert AuditEvent.objects.filter(action="document_download").count() == before


def test_a_value_cannot_start_a_block_or_split_a_cell(named):
    from decisions.documents.layout import carried, render_blocks

    blocks = render_blocks("documents/meeting_record.txt", {
        "organ": "镇政府", "positions": [{"name": "甲", "position": "同意",
                                          "reason": "第一行\n@title 伪造|多一格"}],
        "attendees": ["甲"], "absences": []})
    table = next(b for b in blocks if b.kind == "table")
    assert table.rows == [["甲", "同意", "第一行\n@title 伪造|多一格"]]
    assert [b.text for b in blocks if b.kind == "title"] == ["集体讨论决定记录"]
    assert carried("a\nb") != "a\nb"


def test_a_character_no_font_draws_is_named_and_nothing_is_printed(named):
    journey = Journey(named)
    journey.submit().accept().participate().review("lawful")
    journey.meet("adopted", head_reason="同意\ue000实施", absent=away(named))
    decision = journey.decision
    before = AuditEvent.objects.filter(action="document_download").count()
    response = logged_in(named["head"]).get(
        document_url(decision, "meeting", decision.meetings.get().pk), follow=True)
    assert "U+E000" in response.content.decode()
    assert AuditEvent.objects.filter(action="document_download").count() == before


def test_the_dossier_of_such_a_decision_is_refused_by_name_too(named):
    journey = Journey(named)
    journey.submit().accept().participate().review("lawful")
    journey.meet("adopted", head_reason="同意\ue000实施", absent=away(named))
    response = logged_in(named["auditor"]).get(
        DecisionFlow.instance.reverse("dossier", args=[journey.decision.process_id]),
        follow=True)
    assert response.redirect_chain and "U+E000" in response.content.decode()
    assert not AuditEvent.objects.filter(action="dossier_export").exists()
