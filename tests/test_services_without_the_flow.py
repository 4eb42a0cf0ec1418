"""The domain takes a decision through every stage on its own: the flow engine replaced by a stub.

``StubFlow`` does what the workflow layer does, and nothing else: it numbers the steps it opens,
tells the domain each move through the task services (``task_opened``, ``task_started``,
``task_closed``) and, after each stage's service, asks the domain to record where the
procedure stands (``decision_sync_stage``). Its routing is written out by hand below. No viewflow
process or task exists at any point, so nothing in the domain can be leaning on one.
"""

import datetime
import itertools

import pytest
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from decisions import links, services
from decisions.audit import verify_chain
from decisions.models import AuditEvent, Notification, StageTask, TaskDeadline
from decisions.rulebook import DecisionStatus, Stage

from .factories import proposal


class StubFlow:
    """The smallest caller that stands in for the flow engine."""

    def __init__(self):
        self._numbers = itertools.count(1)

    def open(self, decision, stage: str, holder=None, *, acting_user, step=None) -> StageTask:
        return services.task_opened(decision=decision, task_id=next(self._numbers), stage=stage,
                                    step=step or str(stage), holder=holder,
                                    acting_user=acting_user)

    def close(self, task: StageTask, *, acting_user) -> None:
        services.task_started(task_id=task.pk, acting_user=acting_user)
        services.task_closed(task_id=task.pk, acting_user=acting_user)

    def move_on(self, decision, *, acting_user):
        return services.decision_sync_stage(decision=decision, acting_user=acting_user)


@pytest.fixture
def flow():
    """The stub, which also says where its pages are, as the workflow layer does."""
    registered = dict(links._paths)
    links.register_paths(decision=lambda decision: f"/stub/decision/{decision.pk}/",
                         task=lambda task: f"/stub/task/{task.pk}/")
    yield StubFlow()
    links._paths.update(registered)


def test_the_services_alone_take_a_decision_through_every_stage(people, flow):
    drafter, office, reviewer = people["drafter"], people["office"], people["reviewer"]
    expert, assessor = people["expert"], people["risk_assessor"]
    secretary = people["secretary"]

    decision = services.decision_create(
        **proposal(needs_expert_input=True, needs_risk_assessment=True, skip_reasons={}),
        acting_user=drafter)
    assert decision.process_id is None
    initiation = flow.open(decision, Stage.INITIATION, drafter, acting_user=drafter)
    assert flow.move_on(decision, acting_user=drafter).stage == Stage.INITIATION
    assert TaskDeadline.objects.get(task=initiation).closed_at is None

    services.decision_submit(decision=decision, acting_user=drafter, task=initiation)
    flow.close(initiation, acting_user=drafter)
    acceptance = flow.open(decision, Stage.ACCEPTANCE, acting_user=drafter)
    assert flow.move_on(decision, acting_user=drafter).stage == Stage.ACCEPTANCE
    assert TaskDeadline.objects.get(task=initiation).closed_at is not None

    counsel = people["counsel"]
    services.decision_accept(decision=decision, reviewer=reviewer, counsel=counsel,
                             experts=[expert],
                             risk_assessor=assessor, acting_user=office, task=acceptance)
    flow.close(acceptance, acting_user=office)
    participation = flow.open(decision, Stage.PUBLIC_PARTICIPATION, drafter, acting_user=office)
    opinion_task = flow.open(decision, Stage.EXPERT_INPUT, expert, acting_user=office)
    risk_task = flow.open(decision, Stage.RISK_ASSESSMENT, assessor, acting_user=office)
    assert flow.move_on(decision, acting_user=office).stage == Stage.PUBLIC_PARTICIPATION

    start = datetime.date(2026, 3, 1)
    services.decision_record_participation(
        decision=decision, method="online", window_start=start,
        window_end=start + datetime.timedelta(days=29),
        comments=[{"source": "村民张某", "text": "建议增加收运频次", "adoption": "adopted",
                   "reason": "合理"}], acting_user=drafter, task=participation)
    flow.close(participation, acting_user=drafter)
    assert flow.move_on(decision, acting_user=drafter).stage == Stage.EXPERT_INPUT

    opinion = services.decision_submit_expert_opinion(
        decision=decision, opinion="方案可行。", signature="陈专家", declares_no_interest=True,
        acting_user=expert, task=opinion_task)
    flow.close(opinion_task, acting_user=expert)
    assert flow.move_on(decision, acting_user=expert).stage == Stage.RISK_ASSESSMENT
    services.decision_record_opinion_adoption(decision=decision, opinion=opinion,
                                              adoption="adopted", reason="意见合理",
                                              acting_user=drafter)

    services.decision_record_risk_assessment(
        decision=decision, risk_points="群众对收费有顾虑", measures="公开收费标准",
        response_plan="设立投诉电话", controllable=True, acting_user=assessor, task=risk_task)
    flow.close(risk_task, acting_user=assessor)
    review = flow.open(decision, Stage.LEGAL_REVIEW, reviewer, acting_user=assessor)
    assert flow.move_on(decision, acting_user=assessor).stage == Stage.LEGAL_REVIEW

    def review_as(outcome, task):
        """A round of review: the legal adviser signs first, on his own task (Art. 28)."""
        signing = flow.open(decision, Stage.LEGAL_REVIEW, counsel, acting_user=task.holder,
                            step="counsel_opinion")
        services.decision_submit_counsel_opinion(
            decision=decision, reviewed_version=decision.current_version.sha256,
            opinion="未发现与上位法相抵触之处。", signature=counsel.username,
            declares_no_interest=True, acting_user=counsel, task=signing)
        flow.close(signing, acting_user=counsel)
        services.decision_record_legal_review(
            decision=decision, reviewed_version=decision.current_version.sha256,
            outcome=outcome, opinion_authority="主体适格", opinion_procedure="程序完备",
            opinion_content="内容合法" if outcome == "lawful" else "第二条与上位法不一致",
            acting_user=reviewer, task=task)
        flow.close(task, acting_user=reviewer)

    review_as("unlawful", review)
    revision = flow.open(decision, Stage.REVISION, drafter, acting_user=reviewer)
    assert flow.move_on(decision, acting_user=reviewer).stage == Stage.REVISION

    services.decision_revise(decision=decision, draft_text=decision.current_version.text
                             + "\n第三条 （修改）", response="已按意见修改", acting_user=drafter,
                             task=revision)
    flow.close(revision, acting_user=drafter)
    second_review = flow.open(decision, Stage.LEGAL_REVIEW, reviewer, acting_user=drafter)
    assert flow.move_on(decision, acting_user=drafter).stage == Stage.LEGAL_REVIEW
    decision.refresh_from_db()
    review_as("lawful", second_review)
    meeting = flow.open(decision, Stage.COLLECTIVE_DECISION, acting_user=reviewer)
    assert flow.move_on(decision, acting_user=reviewer).stage == Stage.COLLECTIVE_DECISION

    members = [people["member"], people["member2"]]
    services.decision_record_meeting(
        decision=decision, meeting_date=timezone.localdate(), kind="leadership",
        head=people["head"], attendees=members,
        positions={m: ("agree", "同意") for m in members}, head_decision="adopted",
        head_reason="", acting_user=secretary, task=meeting)
    flow.close(meeting, acting_user=secretary)
    publication = flow.open(decision, Stage.PUBLICATION, acting_user=secretary)
    assert flow.move_on(decision, acting_user=secretary).stage == Stage.PUBLICATION

    decision.refresh_from_db()
    services.decision_publish(
        decision=decision, published_on=timezone.localdate(),
        party_report_on=timezone.localdate(), party_report_ref="季家委请〔2026〕12号",
        published_text=decision.current_version.text,
        adoption_explanation="采纳了群众关于增加收运频次的意见。", acting_user=office,
        task=publication)
    flow.close(publication, acting_user=office)
    services.decision_archive(decision=decision, acting_user=office)
    decision.refresh_from_db()

    assert decision.stage == Stage.ARCHIVED
    assert decision.status == DecisionStatus.PUBLISHED
    assert not Process.objects.exists() and not Task.objects.exists()
    assert not StageTask.objects.filter(decision=decision, status__in=StageTask.OPEN).exists()
    assert not TaskDeadline.objects.filter(decision=decision, closed_at__isnull=True).exists()
    stages = [e.after["stage"] for e in AuditEvent.objects.filter(
        decision=decision, action="stage_change").order_by("sequence")]
    assert stages == [Stage.ACCEPTANCE, Stage.PUBLIC_PARTICIPATION, Stage.EXPERT_INPUT,
                      Stage.RISK_ASSESSMENT, Stage.LEGAL_REVIEW, Stage.REVISION,
                      Stage.LEGAL_REVIEW, Stage.COLLECTIVE_DECISION, Stage.PUBLICATION]
    assert verify_chain().ok
    assert Notification.objects.filter(user=reviewer, url__contains="/stub/task/").exists()


def test_each_task_move_is_audited_with_its_actor_and_task(people, flow):
    drafter = people["drafter"]
    decision = services.decision_create(**proposal(), acting_user=drafter)
    task = flow.open(decision, Stage.INITIATION, drafter, acting_user=drafter)
    flow.close(task, acting_user=drafter)
    events = AuditEvent.objects.filter(decision=decision, task=task).order_by("sequence")
    assert [(e.action, e.actor) for e in events] == [
        ("task_created", drafter), ("task_assigned", drafter), ("task_started", drafter),
        ("task_completed", drafter)]
    assert events.last().after == {"task": task.pk, "node": "initiation", "owner": "drafter",
                                   "status": "DONE"}
