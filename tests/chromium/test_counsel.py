"""Art. 28: the legal adviser signs his own opinion from his inbox, on a phone as at a desk; the
reviewer cannot find the draft lawful before he has, and reads it beside the draft once he has."""

import re

from playwright.sync_api import expect

from decisions.models import CounselOpinion, LegalReview
from tests.factories import Journey

from .conftest import PHONE

TITLE = "季家镇集镇农贸市场改造提升方案"
OPINION = "草案第二条的摊位费标准应写明其法定依据，其余未发现与上位法相抵触之处。"


def test_the_counsel_signs_from_a_phone_and_the_reviewer_reads_it(person, town):
    journey = Journey(town, title=TITLE).submit().accept().participate()

    reviewer = person(town["reviewer"]).log_in()
    page = reviewer.page
    reviewer.open_inbox()
    reviewer.open_task("审查草案的合法性")
    expect(page.get_by_text("尚未出具：由林晓燕签署")).to_be_visible()
    reviewer.pick("合法")
    reviewer.fill("关于决策权限的意见", "属于镇政府决策权限。")
    reviewer.fill("关于决策程序的意见", "程序完备。")
    reviewer.fill("关于决策内容的意见", "内容合法。")
    reviewer.submit()
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("第二十八条")
    reviewer.shot("lawful-refused")
    assert not LegalReview.objects.exists()

    counsel = person(town["counsel"], viewport=PHONE).log_in()
    phone = counsel.page
    phone.get_by_role("button", name="打开导航菜单").click()
    phone.get_by_role("link", name=re.compile("^待办")).click()
    expect(phone).to_have_url(re.compile(r"/inbox/"))
    row = phone.locator("table.juece-cards tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row.locator('td[data-label="阶段"]')).to_have_text("合法性审查")
    counsel.shot("inbox")
    row.get_by_role("link").first.click()
    expect(phone.get_by_label("法律意见", exact=True)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
        "the adviser's form scrolls sideways"
    counsel.fill("法律意见", OPINION)
    counsel.fill("签名（本人姓名）", "林晓燕")
    phone.get_by_label("本人与决策事项无直接利害关系").check()  # Art. 20
    counsel.shot("filled")
    counsel.submit()
    expect(phone.get_by_text("您的法律意见已记录")).to_be_visible()
    counsel.shot("signed")
    signed = CounselOpinion.objects.get(decision=journey.decision)
    assert (signed.recorded_by, signed.signature) == (town["counsel"], "林晓燕")

    reviewer.open_inbox()
    reviewer.open_task("审查草案的合法性")
    expect(page.get_by_text(OPINION)).to_be_visible()
    reviewer.pick("合法")
    reviewer.fill("关于决策权限的意见", "属于镇政府决策权限。")
    reviewer.fill("关于决策程序的意见", "程序完备。")
    reviewer.fill("关于决策内容的意见", "内容合法。")
    reviewer.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    reviewer.shot("lawful-recorded")
    assert LegalReview.objects.get(decision=journey.decision).outcome == "lawful"
