"""The auditor's timeline reads as Chinese: one row per act, the flow engine's task events folded
under the act they belong to, raw keys and chain fields only in the expandable full record."""

import json
import re
from html import unescape

import pytest

from decisions.audit.labels import ACTION_FIELD_LABELS, ENGINE_ACTIONS, FIELD_LABELS
from decisions.models import AuditEvent
from workflows.flows import DecisionFlow

from .factories import Journey
from .http_client import logged_in

RAW_KEYS = ("head_decision", "reviewer_id", "draft_version_id", "reviewed_sha256", "task_created",
            "legal_review", "lawful_with_risk", "recorded_by_id", "decisions.act_", "group:",
            "user:", "ASSIGNED", "prev_hash", "\"after\"")


def timeline(client, decision) -> str:
    url = DecisionFlow.instance.reverse("timeline", args=[decision.process_id])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[dict]:
    """Each row: its sequence and action, the events folded under it, and its HTML."""
    found = []
    for match in re.finditer(r'<tr id="event-(\d+)" data-action="(\w+)"[^>]*>(.*?)</tr>', html,
                             re.S):
        folded = re.findall(r'<li(?: id="event-(\d+)")? data-action="(\w+)"', match.group(3))
        found.append({"sequence": int(match.group(1)), "action": match.group(2),
                      "folded": [(int(s or match.group(1)), a) for s, a in folded],
                      "html": match.group(3)})
    return found


def outside_details(html: str) -> str:
    """The text a reader sees before opening anything: no <details> content, no markup."""
    table = html[html.index('class="juece-table juece-timeline'):]
    table = table[:table.index("</table>")]
    table = re.sub(r"<details.*?</details>", " ", table, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", table))


@pytest.fixture
def published(people):
    return (Journey(people, needs_expert_input=True, needs_risk_assessment=True).submit()
            .accept().participate().expert_opinion().assess_risk().review("unlawful").revise()
            .review("lawful").meet("adopted").publish().decision)


def test_each_event_is_shown_once_and_the_engine_events_fold_under_their_step(people, published):
    html = timeline(logged_in(people["auditor"]), published)
    shown = rows(html)
    events = {e.sequence: e for e in AuditEvent.objects.filter(decision=published)
              .exclude(action="dossier_read")}
    listed = [r["sequence"] for r in shown] + [s for r in shown for s, _a in r["folded"]]
    listed = [s for s in listed if s in events]
    assert sorted(listed) == sorted(events), "every event exactly once, as a row or folded"
    assert [r["sequence"] for r in shown] == sorted(r["sequence"] for r in shown)

    for row in shown:
        assert row["action"] not in ENGINE_ACTIONS
        event = events.get(row["sequence"])
        for sequence, action in row["folded"]:
            assert action in ENGINE_ACTIONS
            assert event is None or events[sequence].task_id in (event.task_id, None) or (
                event.task_id is None)

    review = next(r for r in shown if r["action"] == "legal_review_record")
    task = events[review["sequence"]].task_id
    assert sorted(a for _s, a in review["folded"]) == sorted(
        ["task_created", "task_assigned", "task_started", "task_completed"])
    assert {events[s].task_id for s, _a in review["folded"]} == {task}
    assert "流程引擎记录 4 条" in review["html"]

    proposal = next(r for r in shown if r["action"] == "decision_create")
    assert [a for _s, a in proposal["folded"]] == ["task_created", "task_started",
                                                  "task_completed"], "the start task"


def test_a_task_waiting_for_its_person_is_a_row_saying_who_holds_it(people):
    decision = Journey(people).submit().accept().decision
    html = timeline(logged_in(people["auditor"]), decision)
    shown = rows(html)
    waiting = [r for r in shown if "流程任务" in r["html"]]
    assert len(waiting) == 1
    assert waiting[0]["folded"] == [(waiting[0]["sequence"], "task_created"),
                                    (waiting[0]["sequence"] + 1, "task_assigned")]
    assert len(set(re.findall(r'id="event-(\d+)"', html))) == len(
        re.findall(r'id="event-(\d+)"', html)), "no id twice"
    assert "公众参与" in waiting[0]["html"] and "王起草" in waiting[0]["html"]
    assert "已分配" in waiting[0]["html"]


def test_the_timeline_reads_as_chinese_with_raw_keys_only_in_the_full_record(people, published):
    html = timeline(logged_in(people["auditor"]), published)
    visible = outside_details(html)
    for raw in RAW_KEYS:
        assert raw not in visible, raw
    for shown in ("行政首长决定：通过", "审查结论：不合法", "审查结论：合法", "风险可控：是",
                  "合法性审查人员：张审查", "论证专家：陈专家", "风险评估人员：吴评估",
                  "授权对象：决策机关办公室", "阶段：合法性审查→修改完善"):
        assert shown in re.sub(r"\s+", "", visible), shown
    meeting = next(r for r in rows(html) if r["action"] == "meeting_record")
    assert "郑委员：同意" in meeting["html"] and "刘书记" in meeting["html"]

    records = re.findall(r'<details class="juece-record">.*?<code>(.*?)</code>', html, re.S)
    decoded = [json.loads(unescape(r)) for r in records]
    flat = [r for d in decoded for r in (d if isinstance(d, list) else [d])]
    meeting_event = published.events.get(action="meeting_record")
    record = next(r for r in flat if r["sequence"] == meeting_event.sequence)
    assert record["hash"] == meeting_event.hash and record["prev_hash"] == meeting_event.prev_hash
    assert record["after"]["head_decision"] == "adopted"


def test_every_field_a_journey_records_has_a_chinese_label(people, published):
    Journey(people).submit().return_to_drafter()
    unlabelled = {(e.action, key) for e in AuditEvent.objects.filter(decision__isnull=False)
                  for key in {**(e.before or {}), **(e.after or {})}
                  if key not in FIELD_LABELS and (e.action, key) not in ACTION_FIELD_LABELS}
    assert unlabelled == set()


def test_only_the_auditor_sees_the_link_to_verify_the_chain(people, published):
    verify = DecisionFlow.instance.reverse("audit_verify")
    assert verify in timeline(logged_in(people["auditor"]), published)
    assert verify not in timeline(logged_in(people["drafter"]), published)
