"""Several consultations of the public, one of them a hearing, recorded through the page in
Chromium (Arts. 14-18): a consultation added with its button, the hearing's own fields shown for
a hearing only, each comment naming its consultation; a hearing whose materials came too late is
refused with a visible message (Art. 16); then the decision page shows both, at desktop and phone
width."""

import re

from playwright.sync_api import expect

from decisions.models import PublicParticipation
from tests.factories import Journey

from .conftest import PHONE

COMMENTS = [("第1项征求意见", "村民张某", "建议增加垃圾收运频次", "采纳", "意见合理，已写入第二条"),
            ("第2项征求意见", "商户王某", "希望保留早市摊位", "部分采纳", "早市保留至上午9时")]


def test_two_consultations_one_a_hearing_recorded_in_the_page(person, people):
    journey = Journey(people).submit().accept()
    drafter = person(people["drafter"]).log_in()
    page = drafter.page
    drafter.open_inbox()
    drafter.open_task(journey.decision.title)
    expect(page).to_have_url(re.compile("/execute/"))

    consultations = page.locator(".juece-consultation-rows fieldset.juece-consultation")
    expect(consultations).to_have_count(1)
    first = consultations.first
    drafter.choose("征求意见方式", "网上公开征求意见", within=first)
    first.get_by_label("渠道", exact=True).fill("季家镇人民政府网站")
    first.get_by_label("公告", exact=True).fill("公布草案及说明，意见通过电子邮件提交，期限30日。")
    first.get_by_label("征求意见开始日期").fill("2025-03-02")
    first.get_by_label("征求意见截止日期").fill("2025-03-31")
    expect(first.get_by_label("听证会召开日期")).to_be_hidden()

    page.get_by_role("button", name="再添加一项征求意见").click()
    expect(consultations).to_have_count(2)
    second = consultations.nth(1)
    expect(second.locator("legend")).to_have_text("第2项征求意见")
    expect(second.get_by_label("听证会召开日期")).to_be_hidden()
    drafter.choose("征求意见方式", "听证会", within=second)
    expect(second.get_by_label("听证会召开日期")).to_be_visible()
    second.get_by_label("渠道", exact=True).fill("镇政府三楼会议室")
    second.get_by_label("公告", exact=True).fill("3月20日上午9时在镇政府三楼会议室举行听证会。")
    second.get_by_label("征求意见开始日期").fill("2025-03-20")
    second.get_by_label("征求意见截止日期").fill("2025-03-20")
    second.get_by_label("听证会召开日期").fill("2025-03-20")
    second.get_by_label("听证会材料送达听证参加人日期").fill("2025-03-16")
    second.get_by_label("听证参加人已确认听证会记录并签字（第十七条）").check()

    page.get_by_role("button", name="添加一条意见").click()
    rows = page.locator(".juece-comment-rows fieldset.juece-comment")
    expect(rows).to_have_count(2)
    for row, (consultation, source, text, adoption, reason) in zip(
            rows.all(), COMMENTS, strict=True):
        drafter.choose("所属征求意见", consultation, within=row)
        row.get_by_label("意见来源").fill(source)
        row.get_by_label("意见内容", exact=True).fill(text)
        drafter.choose("采纳情况", adoption, within=row)
        row.get_by_label("理由").fill(reason)
    drafter.shot("two-consultations-filled")
    drafter.submit()

    # Art. 16: materials sent 4 days before the hearing: refused, visibly, nothing recorded.
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("第十六条")
    expect(summary).to_contain_text("7日前")
    drafter.shot("hearing-notice-too-short")
    assert not PublicParticipation.objects.exists()

    second = page.locator(".juece-consultation-rows fieldset.juece-consultation").nth(1)
    expect(second.get_by_label("听证会召开日期")).to_be_visible()
    second.get_by_label("听证会材料送达听证参加人日期").fill("2025-03-13")
    drafter.submit()
    expect(page).not_to_have_url(re.compile("/execute/"))
    expect(page.locator(".juece-error-summary")).to_have_count(0)

    section = page.locator("#participation")
    expect(section.get_by_role("heading", name="第1项征求意见：网上公开征求意见")).to_be_visible()
    expect(section.get_by_role("heading", name="第2项征求意见：听证会")).to_be_visible()
    for shown in ("季家镇人民政府网站", "镇政府三楼会议室", "2025-03-13",
                  "听证参加人已确认并签字（第十七条）", "希望保留早市摊位", "早市保留至上午9时"):
        expect(section).to_contain_text(shown)
    section.scroll_into_view_if_needed()
    drafter.shot("decision-page-desktop")
    page.set_viewport_size(PHONE)
    section.scroll_into_view_if_needed()
    drafter.shot("decision-page-phone")

    online, hearing = PublicParticipation.objects.order_by("id")
    assert [c.source for c in online.comments.all()] == ["村民张某"]
    assert [c.source for c in hearing.comments.all()] == ["商户王某"]
    assert hearing.record_confirmed and str(hearing.materials_sent_on) == "2025-03-13"
