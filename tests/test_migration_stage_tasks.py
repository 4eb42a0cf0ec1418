"""Migration 0008 gives a running deployment's decisions their stage tasks without losing a
link: each flow task becomes the domain's task of the same number, and the audit chain, whose
digests name tasks by number, still verifies."""

import pytest
from django.core.management import call_command
from viewflow.workflow.models import Task

from decisions.audit import verify_chain
from decisions.models import AuditEvent, StageTask, TaskDeadline

from .factories import Journey


@pytest.mark.postgres
def test_going_back_to_0007_and_forward_again_rebuilds_every_stage_task(transactional_db,
                                                                        people):
    journey = Journey(people, needs_expert_input=True,
                      skip_reasons={"risk_assessment": "不涉及社会稳定风险"})
    journey.submit().accept().participate().expert_opinion()
    before = {t.pk: (t.decision_id, t.stage, t.step, t.holder_id, t.status)
              for t in StageTask.objects.all()}
    deadlines = dict(TaskDeadline.objects.values_list("pk", "task_id"))
    events = dict(AuditEvent.objects.values_list("pk", "task_id"))

    call_command("migrate", "decisions", "0007", verbosity=0)
    call_command("migrate", "decisions", verbosity=0)

    after = {t.pk: (t.decision_id, t.stage, t.step, t.holder_id, t.status)
             for t in StageTask.objects.all()}
    assert after == before
    assert set(after) == set(Task.objects.filter(
        flow_task_type__in=("HUMAN", "HUMAN_START")).values_list("pk", flat=True))
    assert dict(TaskDeadline.objects.values_list("pk", "task_id")) == deadlines
    assert dict(AuditEvent.objects.values_list("pk", "task_id")) == events
    assert verify_chain().ok
