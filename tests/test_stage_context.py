"""Each stage page shows what its person responds to: the reviewer the draft, its changes since
the last review, the comments, expert opinions and risk assessment; the drafter the opinion, risk
conclusion or meeting decision that sent the draft back."""

import re

from workflows.diffs import draft_diff

from .factories import Journey, open_task
from .http_client import decision_url, logged_in, task_url

FIRST = "第一条 为改善农村人居环境，制定本方案。\n第二条 各村设垃圾收集点。\n第三条 每周收运两次。"
SECOND = ("第一条 为改善农村人居环境，根据有关规定，制定本方案。\n第二条 各村设垃圾收集点。\n"
          "第四条 收费标准另行公布。")


def consulted(people, **overrides) -> Journey:
    """A decision with public participation, one signed expert opinion and a risk assessment."""
    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True,
                      skip_reasons={}, draft_text=FIRST, **overrides)
    return journey.submit().accept().participate().expert_opinion().assess_risk()


def page_of(journey, node_name, role) -> str:
    user = journey.people[role]
    task = open_task(journey.decision, node_name, owner=user)
    response = logged_in(user).get(task_url(task))
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str) -> str:
    """The side panel only, so a word matched there is not one of the form's labels."""
    return page[page.index('id="stage-context"'):]


def test_first_review_shows_the_draft_comments_opinions_and_risk(people):
    journey = consulted(people)
    page = panel(page_of(journey, "legal_review", "reviewer"))
    assert "第三条 每周收运两次。" in page
    assert "这是本决策的首次合法性审查" in page
    assert "村民张某" in page and "建议增加收运频次" in page and "合理" in page
    assert "采纳情况：采纳 — 合理" in page
    assert "陈专家" in page and "方案可行。" in page and "署名“expert”" in page
    assert "采纳情况：待定" in page
    assert "群众对收费有顾虑" in page and "公开收费标准" in page and "设立投诉电话" in page
    assert "风险可控" in page


def test_second_review_shows_the_changes_since_the_last_reviewed_version(people):
    journey = consulted(people).review("unlawful").revise(text=SECOND)
    page = panel(page_of(journey, "legal_review", "reviewer"))
    assert "与第1版（上次审查，结论为“不合法”）相比，第2版的修改" in page
    assert "<ins>根据有关规定，</ins>" in page
    assert "<del>第三条 每周收运两次。</del>" in page
    assert "<ins>第四条 收费标准另行公布。</ins>" in page
    assert "新增" in page and "删除" in page and "修改" in page
    assert "已按意见修改" in page  # the drafter's explanation of version 2
    assert "@@" not in page


def test_review_material_skipped_stages_say_why(people):
    journey = Journey(people).submit().accept().participate()
    page = panel(page_of(journey, "legal_review", "reviewer"))
    assert "未开展：不涉及专业技术问题" in page
    assert "未开展：不涉及社会稳定风险" in page


def test_decision_page_shows_changes_without_unified_diff_notation(people):
    journey = consulted(people).review("unlawful").revise(text=SECOND)
    page = logged_in(people["drafter"]).get(decision_url(journey.decision)).content.decode()
    assert 'id="diff-1-2"' in page
    assert "<del>第三条 每周收运两次。</del>" in page
    assert "@@" not in page and "+++" not in page


def test_revision_page_shows_the_review_opinion_being_answered(people):
    journey = consulted(people).review("unlawful")
    page = panel(page_of(journey, "revision", "drafter"))
    assert "需回应的合法性审查意见" in page
    assert "不合法" in page
    assert "主体适格" in page and "程序完备" in page and "内容合法" in page
    assert "张审查" in page


def test_revision_after_risk_shows_the_risk_conclusion(people):
    journey = Journey(people, needs_risk_assessment=True, skip_reasons={
        "expert_input": "不涉及专业技术问题"}).submit().accept().participate()
    journey.assess_risk(controllable=False)
    page = panel(page_of(journey, "revision_after_risk", "drafter"))
    assert "需回应的风险评估结论" in page
    assert "风险不可控" in page
    assert "群众对收费有顾虑" in page and "公开收费标准" in page and "设立投诉电话" in page
    assert "需回应的合法性审查意见" not in page


def test_revision_after_the_heads_revise_shows_the_meeting_decision(people):
    journey = consulted(people).review("lawful").meet("revise", head_reason="补充资金测算")
    page = panel(page_of(journey, "revision", "drafter"))
    assert "需回应的集体讨论决定" in page
    assert "补充资金测算" in page and "刘书记" in page
    assert "郑委员" in page
    assert "需回应的合法性审查意见" not in page


def test_other_stage_pages_show_the_decision_without_review_material(people):
    journey = Journey(people).submit().accept()
    page = panel(page_of(journey, "public_participation", "drafter"))
    assert "第二条" in page
    assert "与上次审查版本相比的修改" not in page
    assert "需回应" not in page


# draft_diff: pure, no database

def test_diff_marks_words_inserted_and_deleted_inside_a_changed_line():
    rows = draft_diff("第一条 每周收运两次。", "第一条 每周收运三次。")
    assert [row.kind for row in rows] == ["changed"]
    assert ("del", "两") in rows[0].parts and ("ins", "三") in rows[0].parts


def test_diff_folds_long_unchanged_runs_and_keeps_context():
    old = "\n".join(f"第{n}条" for n in range(1, 11))
    new = old.replace("第5条", "第5条（修改）")
    kinds = [row.kind for row in draft_diff(old, new)]
    assert kinds == ["skipped", "same", "same", "changed", "same", "same", "skipped"]
    assert draft_diff(old, new)[0].skipped == 2


def test_diff_of_unrelated_lines_is_a_deletion_and_an_addition():
    rows = draft_diff("甲乙丙丁", "子丑寅卯")
    assert [(row.kind, row.parts) for row in rows] == [
        ("deleted", (("del", "甲乙丙丁"),)), ("added", (("ins", "子丑寅卯"),))]


def test_same_text_has_no_rows():
    assert draft_diff("第一条\n第二条", "第一条\n第二条") == []
    assert not re.search("@@", str(draft_diff("a\nb", "a\nc")))
