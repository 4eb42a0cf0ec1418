"""What the audit trail's fields and coded values are called: pure rules, no database."""

import pytest
from django.utils import translation

from decisions.audit.labels import (
    FIELD_LABELS,
    Names,
    field_label,
    people_named,
    record_changes,
    value_text,
)

NAMES = Names(users_by_id={4: "张审查", 6: "陈专家"},
              users_by_login={"member": "郑委员", "member2": "冯委员", "drafter": "王起草"},
              version_numbers={11: 2})


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(("key", "value", "shown"), [
    ("stage", "legal_review", "合法性审查"),
    ("grounds", "risk_assessment", "风险评估"),
    ("outcome", "unlawful", "不合法"),
    ("review_outcome", "lawful_with_risk", "合法，但提示法律风险"),
    ("head_decision", "revise", "修改后再次讨论"),
    ("adoption", "partly_adopted", "部分采纳"),
    ("proposal_source", "citizen", "群众来信或建议"),
    ("method", "hearing", "听证会"),
    ("kind", "leadership", "领导班子会议"),
    ("status", "not_adopted", "未通过"),
    ("status", "ASSIGNED", "已分配"),
    ("node", "start", "提出决策建议"),
    ("node", "expert_input", "专家论证"),
    ("controllable", False, "否"),
    ("needs_expert_input", True, "是"),
    ("reviewer_id", 4, "张审查"),
    ("experts", [6, 4], "陈专家、张审查"),
    ("owner", "drafter", "王起草"),
    ("attendees", ["member", "member2"], "郑委员、冯委员"),
    ("holder", "user:drafter", "王起草"),
    ("holder", "group:office", "决策机关办公室"),
    ("open", ["expert_input", "risk_assessment"], "专家论证、风险评估"),
    ("draft_version_id", 11, "v2"),
    ("chain_problem", "hash", "内容与其哈希值不符（该事件被篡改）"),
    ("legal_basis", ["《甲法》", "《乙条例》"], "《甲法》、《乙条例》"),
])
def test_codes_ids_and_logins_read_as_their_chinese_labels_and_names(key, value, shown):
    assert value_text(key, value, NAMES) == shown


def test_positions_comments_and_permissions_read_as_sentences():
    positions = {"member": {"position": "disagree", "reason": "资金不足"},
                 "member2": {"position": "agree", "reason": ""}}
    assert value_text("positions", positions, NAMES) == "郑委员：不同意（资金不足）；冯委员：同意"
    comments = [{"source": "村民张某", "text": "增加收运频次", "adoption": "adopted",
                 "reason": "合理"}]
    assert value_text("comments", comments, NAMES) == "村民张某：增加收运频次（采纳，合理）"
    assert value_text("permissions", ["decisions.view_decision", "decisions.act_legal_review"]
                      ) == "查阅决策、办理“合法性审查”"


def test_an_unknown_person_or_code_is_shown_as_stored_never_hidden():
    assert value_text("reviewer_id", 99, NAMES) == "#99"
    assert value_text("outcome", "something_new", NAMES) == "something_new"
    assert field_label("brand_new_field") == "brand_new_field"


def test_the_same_key_reads_by_what_the_action_recorded():
    assert field_label("positions", "meeting_record") == "组成人员的意见"
    assert field_label("positions", "disagreement_record") == "各方意见"
    assert field_label("method") == "征求意见方式"
    assert field_label("method", "access_refused") == "请求方式"


def test_every_field_label_is_translated():
    untranslated = [key for key, label in FIELD_LABELS.items()
                    if not any("\u4e00" <= ch <= "\u9fff" for ch in str(label))]
    assert untranslated == []


def test_changes_come_in_the_order_of_importance_with_empty_fields_and_ids_left_out():
    after = {"id": 3, "decision_id": 1, "head_reason": "", "meeting_date": "2026-05-10",
             "head_decision": "adopted", "head_id": 4, "attendees": ["member"],
             "positions": {"member": {"position": "agree", "reason": ""}}}
    assert [change[:3] for change in record_changes({}, after, NAMES, "meeting_record")] == [
        ("行政首长决定", "", "通过"), ("决策机关行政首长", "", "张审查"),
        ("组成人员的意见", "", "郑委员：同意"), ("出席的班子成员", "", "郑委员"),
        ("会议日期", "", "2026-05-10")]
    assert record_changes({"stage": "initiation"}, {"stage": "acceptance"}) == [
        ("阶段", "决策启动", "决策受理", False)]
    digest = record_changes({}, {"sha256": "ab" * 32, "page": "/decision/1/timeline/"})
    assert [(change.after, change.verbatim) for change in digest] == [
        ("ab" * 32, True), ("/decision/1/timeline/", True)], "machine text is shown as code"


def test_the_people_a_record_names_are_collected_for_one_lookup():
    records = [{"reviewer_id": 4, "experts": [6], "owner": "drafter"},
               {"attendees": ["member"], "positions": {"member2": {}},
                "holder": "user:expert"}, {"holder": "group:office"}]
    assert people_named(records) == ({4, 6}, {"drafter", "member", "member2", "expert"})
