"""Journey 1: the whole statutory procedure in Chromium, each step by the person whose it is."""

from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Decision

TITLE = "季家镇集镇农贸市场改造提升方案"


def test_the_whole_procedure(person, town, tmp_path):
    drafter = person(town["drafter"]).log_in()
    page = drafter.page
    drafter.shot("landing")
    page.get_by_role("link", name="提出决策建议").first.click()
    expect(page.get_by_role("heading", name="提出决策建议", exact=True)).to_be_visible()
    drafter.shot("proposal-form")
    drafter.fill("标题", TITLE)
    drafter.choose("决策事项来源", "领导提出")
    drafter.fill("承办单位", "季家镇农业服务中心")
    drafter.fill("拟解决的问题及理由", "集镇农贸市场设施老化，雨天积水，群众反映强烈。")
    drafter.fill("法律依据（每行一项）", "《中华人民共和国食品安全法》\n《重庆市集贸市场管理条例》")
    drafter.fill("初步方案", "改造市场主体建筑，增设排水和消防设施。")
    drafter.fill("必要性与可行性", "必要：安全隐患突出；可行：资金已纳入年度预算。")
    # No catalogue is published in this town yet: the drafter says why (Art. 3 para. 3).
    drafter.fill("未列入目录的理由", "年初编制目录时尚未提出，经镇长办公会研究启动。")
    drafter.pick("需要专家论证")
    drafter.pick("需要风险评估")
    drafter.fill("草案文本", "第一条 为改善集镇农贸市场经营环境，制定本方案。\n"
                             "第二条 改造范围为集镇农贸市场。")
    attachment = tmp_path / "市场现状调查.txt"
    attachment.write_text("市场现状调查报告：摊位 120 个。", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(attachment)
    drafter.shot("proposal-filled")
    drafter.submit()
    expect(page.get_by_text("建议已保存")).to_be_visible()
    drafter.shot("proposal-saved")
    expect(page.get_by_role("link", name="市场现状调查.txt")).to_be_visible()
    decision = Decision.objects.get(title=TITLE)
    assert [a.name for a in decision.current_version.attachments.all()] == ["市场现状调查.txt"]

    # The drafter checks the proposal and submits it to the office, from his inbox.
    drafter.open_inbox()
    drafter.shot("inbox")
    drafter.open_task("完善并提交决策建议")
    drafter.shot("initiation-task")
    drafter.submit()
    expect(page.get_by_text("已提交决策机关办公室")).to_be_visible()
    drafter.shot("submitted")

    # The office takes the proposal from its queue and accepts it, naming who consults and reviews.
    office = person(town["office"]).log_in()
    page = office.page
    office.open_queue()
    office.shot("queue")
    office.open_task("受理或退回决策建议")
    office.shot("acceptance-task")
    page.get_by_role("button", name="认领并办理").click()
    office.pick("受理")
    office.choose("合法性审查人员", "张明")
    office.choose("法律顾问或公职律师", "林晓燕")
    office.pick("陈志强")
    office.pick("刘芳")
    office.choose("风险评估人员", "赵磊")
    office.shot("acceptance-filled")
    office.submit()
    expect(page.get_by_text("决策建议已受理")).to_be_visible()
    office.shot("accepted")
    decision = Decision.objects.get(title=TITLE)
    assert sorted(e.username for e in decision.experts.all()) == ["expert", "expert2"]

    # Public participation (Arts. 14-18): the lead unit records the consultation and each comment.
    drafter.open_inbox()
    drafter.open_task("登记公众参与情况")
    page = drafter.page
    drafter.choose("征求意见方式", "网上公开征求意见")
    drafter.fill("征求意见开始日期", "2026-10-09")
    drafter.fill("征求意见截止日期", "2026-11-09")
    comment = page.locator("fieldset.juece-comment").first
    comment.get_by_label("意见来源", exact=True).fill("季家村村民张某")
    comment.get_by_label("意见内容", exact=True).fill("建议增设早市摊位。")
    drafter.choose("采纳情况", "采纳", within=comment)
    comment.get_by_label("理由", exact=True).fill("合理，已在方案中增加早市区域。")
    drafter.shot("participation-filled")
    drafter.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    drafter.shot("participation-recorded")

    # Expert input (Arts. 19-21): each named expert writes and signs his own opinion.
    for username, opinion in (("expert", "方案可行，建议同步改造排水管网。"),
                               ("expert2", "建议明确改造期间的临时安置措施。")):
        expert = person(town[username]).log_in()
        expert.open_inbox()
        expert.open_task("提交签名的专家论证意见")
        expert.fill("书面意见", opinion)
        expert.fill("签名（本人姓名）", town[username].last_name)
        expert.page.get_by_label("本人与决策事项无直接利害关系").check()  # Art. 20
        expert.shot("expert-opinion-filled")
        expert.submit()
        expect(expert.page.get_by_text("已登记")).to_be_visible()
        expert.shot("expert-opinion-recorded")

    # Risk assessment (Arts. 22-24).
    assessor = person(town["risk_assessor"]).log_in()
    assessor.open_inbox()
    assessor.open_task("开展风险评估")
    assessor.fill("风险点", "改造期间部分摊贩临时停业，可能引发不满。")
    assessor.fill("防范措施", "提前公告，设置临时经营点。")
    assessor.fill("处置预案", "设立投诉电话，专人接待。")
    assessor.pick("风险可控")
    assessor.shot("risk-filled")
    assessor.submit()
    expect(assessor.page.get_by_text("已登记")).to_be_visible()
    assessor.shot("risk-recorded")

    # The lead unit records whether each expert opinion is adopted, on the decision page.
    page = drafter.page
    page.goto("/decision/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    drafter.shot("decision-page-opinions")
    adoption_forms = page.locator("form.juece-adoption-form")
    expect(adoption_forms).to_have_count(2)
    for index, reason in enumerate(("已在方案中增加排水管网改造。", "已增加临时安置条款。")):
        form = page.locator("form.juece-adoption-form").nth(index)
        form.get_by_label("采纳情况").select_option(label="采纳")
        form.get_by_label("理由").fill(reason)
        form.get_by_role("button", name="登记采纳情况").click()
        expect(page.get_by_text("意见采纳情况已登记")).to_be_visible()
        expect(page.get_by_text(reason).first).to_be_visible()
    drafter.shot("opinions-adopted")

    # Legality review (Arts. 25-28), first round. The legal adviser the office named reads the
    # draft under review and signs his own legal opinion on it (Art. 28).
    counsel = person(town["counsel"]).log_in()
    counsel.open_inbox()
    counsel.shot("counsel-inbox")
    counsel.open_task("出具法律顾问意见")
    counsel.fill("法律意见", "第二条摊位费标准缺少法定依据，建议补充。")
    counsel.fill("签名（本人姓名）", "林晓燕")
    counsel.page.get_by_label("本人与决策事项无直接利害关系").check()  # Art. 20
    counsel.shot("counsel-opinion-filled")
    counsel.submit()
    expect(counsel.page.get_by_text("您的法律意见已记录")).to_be_visible()
    counsel.shot("counsel-opinion-recorded")

    # The reviewer reads the adviser's opinion beside the draft and finds it not lawful.
    reviewer = person(town["reviewer"]).log_in()
    page = reviewer.page
    reviewer.open_inbox()
    reviewer.open_task("审查草案的合法性")
    expect(reviewer.page.get_by_text("第二条摊位费标准缺少法定依据，建议补充。")).to_be_visible()
    reviewer.shot("review-form")
    reviewer.pick("不合法")
    reviewer.fill("关于决策权限的意见", "属于镇政府决策权限。")
    reviewer.fill("关于决策程序的意见", "程序完备。")
    reviewer.fill("关于决策内容的意见", "第二条未明确摊位费标准的法定依据，应予补充。")
    reviewer.shot("review-unlawful-filled")
    reviewer.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    reviewer.shot("review-unlawful-recorded")

    # The drafter revises, answering the opinion he sees beside the form.
    page = drafter.page
    drafter.open_inbox()
    drafter.open_task("根据审查意见修改草案")
    expect(page.get_by_text("第二条未明确摊位费标准的法定依据，应予补充。")).to_be_visible()
    drafter.shot("revision-form")
    draft = page.get_by_label("修改后的草案文本", exact=True)
    draft.fill(draft.input_value() + "\n第三条 摊位费标准依照《重庆市集贸市场管理条例》执行。")
    drafter.fill("对意见的回应（未采纳的，请说明理由）", "已补充摊位费标准的法定依据（第三条）。")
    drafter.shot("revision-filled")
    drafter.submit()
    expect(page.get_by_text("已生成新的草案版本")).to_be_visible()
    drafter.shot("revised")

    # Legality review, second round: lawful.
    page = reviewer.page
    reviewer.open_inbox()
    reviewer.open_task("审查草案的合法性")
    expect(page.get_by_text("摊位费标准依照").first).to_be_visible()
    reviewer.shot("review-second-form")
    reviewer.pick("合法")
    reviewer.fill("关于决策权限的意见", "属于镇政府决策权限。")
    reviewer.fill("关于决策程序的意见", "程序完备。")
    reviewer.fill("关于决策内容的意见", "已补充法定依据，内容合法。")
    reviewer.submit()
    # The adviser has not yet weighed the revised draft: it cannot be found lawful (Art. 28).
    summary = page.locator(".juece-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("第二十八条")
    reviewer.shot("review-lawful-refused-without-counsel")
    counsel.open_inbox()
    counsel.open_task("出具法律顾问意见")
    counsel.fill("法律意见", "已补充摊位费标准的法定依据，同意。")
    counsel.fill("签名（本人姓名）", "林晓燕")
    counsel.page.get_by_label("本人与决策事项无直接利害关系").check()
    counsel.submit()
    expect(counsel.page.get_by_text("您的法律意见已记录")).to_be_visible()
    reviewer.open_inbox()
    reviewer.open_task("审查草案的合法性")
    expect(page.get_by_text("已补充摊位费标准的法定依据，同意。")).to_be_visible()
    reviewer.pick("合法")
    reviewer.fill("关于决策权限的意见", "属于镇政府决策权限。")
    reviewer.fill("关于决策程序的意见", "程序完备。")
    reviewer.fill("关于决策内容的意见", "已补充法定依据，内容合法。")
    reviewer.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    reviewer.shot("review-lawful-recorded")

    # Collective decision (Arts. 29-31): the secretary records attendance, each member's position,
    # and the head's decision, spoken last.
    secretary = person(town["secretary"]).log_in()
    page = secretary.page
    secretary.open_queue()
    secretary.open_task("登记集体讨论决定")
    page.get_by_role("button", name="认领并办理").click()
    secretary.shot("meeting-form")
    secretary.fill("会议日期", timezone.localdate().isoformat())
    secretary.choose("会议类型", "领导班子会议")
    secretary.choose("主持会议的行政首长", "黄志明")
    secretary.pick("孙丽")
    secretary.pick("周杰")
    secretary.choose("孙丽的表态意见", "同意")
    secretary.fill("孙丽的理由", "方案成熟，群众支持。")
    secretary.choose("周杰的表态意见", "同意")
    secretary.fill("周杰的理由", "同意，注意临时安置。")
    secretary.choose("行政首长决定（最后表态）", "通过")
    secretary.shot("meeting-filled")
    secretary.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    secretary.shot("meeting-recorded")

    # Publication (Art. 32) by the office; then the flow files the decision (Art. 33).
    page = office.page
    office.open_queue()
    office.open_task("公布决策")
    page.get_by_role("button", name="认领并办理").click()
    # Art. 31: reported to the Party committee before it is issued; the text is the adopted
    # draft, pre-filled.
    office.fill("向党委请示报告日期", timezone.localdate().isoformat())
    office.fill("向党委请示报告文号", "季家委请〔2026〕12号")
    office.fill("公布日期", timezone.localdate().isoformat())
    office.fill("公众意见和专家意见的采纳情况",
                "采纳了增设早市摊位、同步改造排水管网和临时安置的意见。")
    office.shot("publication-filled")
    office.submit()
    expect(page.get_by_text("已登记")).to_be_visible()
    office.shot("published")

    decision = Decision.objects.get(title=TITLE)
    assert decision.stage == "archived"
    expect(page.get_by_text("当前阶段: 归档")).to_be_visible()
    office.shot("archived")
