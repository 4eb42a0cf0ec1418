"""Public participation takes any number of comments: the drafter adds rows in the page."""

import re

from playwright.sync_api import expect

from decisions.models import PublicComment
from tests.factories import Journey

COMMENTS = [
    ("村民代表张某", "建议增加垃圾收运频次", "采纳", "意见合理，已写入第二条"),
    ("季家村村委会", "建议每村设置分类回收点", "部分采纳", "先在集镇试点"),
    ("镇人大代表李某", "建议公开收费标准", "采纳", "已在方案中明确"),
    ("网民留言", "建议取消收费", "未采纳", "收费有上位法依据"),
]


def test_four_comments_added_in_the_page(person, people):
    journey = Journey(people).submit().accept()
    drafter = person(people["drafter"]).log_in()
    page = drafter.page
    drafter.open_inbox()
    drafter.open_task(journey.decision.title)
    expect(page).to_have_url(re.compile("/execute/"))
    rows = page.locator("fieldset.juece-comment")
    expect(rows).to_have_count(1)
    drafter.shot("one-row")

    add = page.get_by_role("button", name="添加一条意见")
    for _ in range(3):
        add.click()
    expect(rows).to_have_count(4)
    drafter.shot("four-rows")

    drafter.choose("征求意见方式", "网上公开征求意见")
    page.get_by_label("征求意见开始日期").fill("2026-03-02")
    page.get_by_label("征求意见截止日期").fill("2026-04-10")
    for row, (source, text, adoption, reason) in zip(rows.all(), COMMENTS, strict=True):
        row.get_by_label("意见来源").fill(source)
        row.get_by_label("意见内容", exact=True).fill(text)
        drafter.choose("采纳情况", adoption, within=row)
        row.get_by_label("理由").fill(reason)
    drafter.shot("four-filled")
    drafter.submit()

    expect(page).not_to_have_url(re.compile("/execute/"))
    expect(page.locator(".juece-error-summary")).to_have_count(0)
    for source, text, adoption, reason in COMMENTS:
        row = page.locator("tr", has_text=text)
        expect(row).to_be_visible()
        for cell in (source, adoption, reason):
            expect(row).to_contain_text(cell)
    drafter.shot("decision-page")
    assert PublicComment.objects.filter(
        participation__decision=journey.decision).count() == 4


def test_an_untouched_extra_row_is_no_comment(person, people):
    journey = Journey(people).submit().accept()
    drafter = person(people["drafter"]).log_in()
    page = drafter.page
    drafter.open_inbox()
    drafter.open_task(journey.decision.title)
    expect(page).to_have_url(re.compile("/execute/"))
    page.get_by_role("button", name="添加一条意见").click()
    rows = page.locator("fieldset.juece-comment")
    expect(rows).to_have_count(2)
    drafter.choose("征求意见方式", "网上公开征求意见")
    page.get_by_label("征求意见开始日期").fill("2026-03-02")
    page.get_by_label("征求意见截止日期").fill("2026-04-10")
    first = rows.first
    first.get_by_label("意见来源").fill("村民代表张某")
    first.get_by_label("意见内容", exact=True).fill("建议增加垃圾收运频次")
    drafter.choose("采纳情况", "采纳", within=first)
    first.get_by_label("理由").fill("意见合理")
    drafter.submit()
    expect(page).not_to_have_url(re.compile("/execute/"))
    expect(page.locator(".juece-error-summary")).to_have_count(0)
    expect(page.get_by_text("建议增加垃圾收运频次").first).to_be_visible()
    drafter.shot("saved-with-one")
    assert PublicComment.objects.filter(
        participation__decision=journey.decision).count() == 1
