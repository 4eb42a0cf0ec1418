"""Who may do what, through the services: the same wall for a command, a task or a forged call.

The steps, their actors and intruders are the table of ``test_permissions``; here each intruder
calls the stage's ``decision_*`` service directly, and through the flow driver (``actions``) that
commands use, and is refused with ``PermissionDenied`` without a row written.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import services
from decisions.errors import StatutoryGateError
from decisions.models import Decision
from decisions.rulebook import Stage
from workflows import actions

from .factories import proposal, refreshed
from .test_permissions import (
    ALL_CONSULTATIONS,
    CASES,
    STEP,
    STEPS,
    Cast,
    a_journey,
    footprint,
    reach,
)


@pytest.fixture
def cast(people):
    return Cast(people)


# Each step's services, called as its actor would call them: a refusal is the permission's doing.

SERVICES = {
    "initiation": ("decision_submit",),
    "acceptance": ("decision_accept", "decision_return"),
    "public_participation": ("decision_record_participation",),
    "expert_input": ("decision_submit_expert_opinion",),
    "risk_assessment": ("decision_record_risk_assessment",),
    "revision_after_risk": ("decision_revise",),
    "counsel_opinion": ("decision_submit_counsel_opinion",),
    "legal_review": ("decision_record_legal_review",),
    "revision": ("decision_revise",),
    "collective_decision": ("decision_record_meeting",),
    "publication": ("decision_publish",),
}

def step_services(node: str, cast: Cast, decision: Decision, user, task=None) -> dict:
    decision = refreshed(decision)
    version = decision.current_version
    start = datetime.date(2026, 3, 2)
    members = [cast["member"], cast["member2"]]
    revise = {"draft_text": version.text + "\n第三条 （修改）", "response": "已按意见修改"}
    calls = {
        "initiation": {
            "decision_submit": lambda: services.decision_submit(
                decision=decision, acting_user=user, task=task)},
        "acceptance": {
            "decision_accept": lambda: services.decision_accept(
                decision=decision, reviewer=cast["reviewer"], counsel=cast["counsel"],
                acting_user=user, task=task),
            "decision_return": lambda: services.decision_return(
                decision=decision, reason="材料不全", acting_user=user, task=task)},
        "public_participation": {
            "decision_record_participation": lambda: services.decision_record_participation(
                decision=decision, method="online", window_start=start,
                window_end=start + datetime.timedelta(days=29),
                comments=[{"source": "村民代表", "text": "建议增加收运频次",
                           "adoption": "adopted", "reason": "意见合理"}],
                acting_user=user, task=task)},
        "expert_input": {
            "decision_submit_expert_opinion": lambda: services.decision_submit_expert_opinion(
                decision=decision, opinion="方案可行。", signature=user.username,
                declares_no_interest=True, acting_user=user, task=task)},
        "risk_assessment": {
            "decision_record_risk_assessment": lambda: services.decision_record_risk_assessment(
                decision=decision, risk_points="群众对收费有顾虑", measures="公开收费标准",
                response_plan="设立投诉电话", controllable=True, acting_user=user, task=task)},
        "revision_after_risk": {
            "decision_revise": lambda: services.decision_revise(
                decision=decision, **revise, acting_user=user, task=task)},
        "counsel_opinion": {
            "decision_submit_counsel_opinion": lambda: services.decision_submit_counsel_opinion(
                decision=decision, reviewed_version=version.sha256,
                opinion="未发现与上位法相抵触之处。", signature=user.username,
                declares_no_interest=True, acting_user=user, task=task)},
        "legal_review": {
            "decision_record_legal_review": lambda: services.decision_record_legal_review(
                decision=decision, reviewed_version=version.sha256, outcome="lawful",
                opinion_authority="主体适格", opinion_procedure="程序完备",
                opinion_content="内容合法", acting_user=user, task=task)},
        "revision": {
            "decision_revise": lambda: services.decision_revise(
                decision=decision, **revise, acting_user=user, task=task)},
        "collective_decision": {
            "decision_record_meeting": lambda: services.decision_record_meeting(
                decision=decision, meeting_date=timezone.localdate(), kind="leadership",
                head=cast["head"], attendees=members,
                positions={m: ("agree", "同意") for m in members}, head_decision="adopted",
                acting_user=user, task=task)},
        "publication": {
            "decision_publish": lambda: services.decision_publish(
                decision=decision, published_on=timezone.localdate(),
                party_report_on=timezone.localdate(), party_report_ref="季家委请〔2026〕12号",
                published_text=version.text, adoption_explanation="采纳了村民的意见。",
                acting_user=user, task=task)},
    }
    assert tuple(calls[node]) == SERVICES[node]
    return calls[node]


@pytest.mark.parametrize(("step", "intruder"), CASES)
def test_intruder_calling_the_stage_service_is_refused(cast, step, intruder):
    decision, task = reach(step, cast)
    user = cast.user(intruder, step.stage)
    before = footprint(decision, task)

    for name, call in step_services(step.node, cast, decision, user).items():
        with pytest.raises(PermissionDenied):
            call()
        assert footprint(decision, task) == before, name

    for name in step_services(step.node, cast, decision, user):
        with pytest.raises(PermissionDenied):
            actions.run_task(task, acting_user=user, perform=lambda t, name=name: step_services(
                step.node, cast, decision, user, t)[name]())
        assert footprint(decision, task) == before, name
    with pytest.raises(PermissionDenied):
        actions.claim_task(task, acting_user=user)
    assert footprint(decision, task) == before


@pytest.mark.parametrize(("step", "service"), [
    pytest.param(step, name, id=f"{step.node}-{name}")
    for step in STEPS for name in SERVICES[step.node]])
def test_the_stage_actor_calls_the_same_service(cast, step, service):
    decision, task = reach(step, cast)
    actor = cast[step.actor]
    before = footprint(decision, task)
    actions.run_task(task, acting_user=actor, perform=lambda t: step_services(
        step.node, cast, decision, actor, t)[service]())
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE
    assert footprint(decision, task) != before


def test_a_global_grant_of_legal_review_opens_no_review_service(cast):
    decision, task = reach(STEP["legal_review"], cast)
    user = cast.user("global", Stage.LEGAL_REVIEW)
    assert user.has_perm("decisions.act_legal_review")
    before = footprint(decision, task)
    with pytest.raises(PermissionDenied):
        step_services("legal_review", cast, decision, user)["decision_record_legal_review"]()
    with pytest.raises(PermissionDenied):
        actions.claim_task(task, acting_user=user)
    assert footprint(decision, task) == before


# The start: only a drafter proposes.

@pytest.mark.parametrize("role", ["office", "reviewer", "expert", "risk_assessor", "member",
                                  "secretary", "head", "auditor"])
def test_only_a_drafter_may_create_a_decision(people, role):
    before = footprint_of_nothing()
    with pytest.raises(PermissionDenied):
        services.decision_create(**proposal(), acting_user=people[role])
    with pytest.raises(PermissionDenied):
        actions.start_decision(acting_user=people[role], **proposal())
    assert footprint_of_nothing() == before


def footprint_of_nothing() -> tuple[int, int]:
    return Decision.objects.count(), Task.objects.count()


# The bookkeeping services: the archive, the stage marker, the adoption of expert opinions.

@pytest.fixture
def with_expert_opinion(cast):
    """Decision A with its expert's opinion in, awaiting the other consultations."""
    return a_journey(cast, **ALL_CONSULTATIONS).submit().accept().expert_opinion().decision


def bookkeeping(decision: Decision, user) -> dict:
    opinion = decision.expert_opinions.get()
    return {
        "decision_archive": lambda: services.decision_archive(decision=decision,
                                                              acting_user=user),
        "decision_sync_stage": lambda: services.decision_sync_stage(
            decision=decision, acting_user=user),
        "decision_record_opinion_adoption": lambda: services.decision_record_opinion_adoption(
            decision=decision, opinion=opinion, adoption="adopted", reason="意见合理",
            acting_user=user),
    }


@pytest.mark.parametrize("intruder", ["auditor", "drafter2", "reviewer2", "expert2",
                                      "elsewhere", "global"])
def test_readers_and_outsiders_cannot_archive_move_the_stage_or_record_adoption(
        cast, with_expert_opinion, intruder):
    decision = with_expert_opinion
    user = cast.user(intruder, Stage.PUBLICATION)
    before = footprint(decision)
    for name, call in bookkeeping(decision, user).items():
        with pytest.raises(PermissionDenied):
            call()
        assert footprint(decision) == before, name


def test_no_one_archives_a_decision_still_in_procedure(cast, with_expert_opinion):
    decision = with_expert_opinion
    before = footprint(decision)
    for name in ("office", "secretary"):
        with pytest.raises(StatutoryGateError) as refused:
            services.decision_archive(decision=decision, acting_user=cast[name])
        assert refused.value.code == "not_concluded"
    assert footprint(decision) == before


def test_the_closing_actor_archives_a_concluded_decision(cast):
    journey = (a_journey(cast).submit().accept().participate().review("lawful")
               .meet("not_adopted", positions={m: ("disagree", "不同意")
                                               for m in (cast["member"], cast["member2"])}))
    decision = journey.decision
    assert decision.stage == Stage.ARCHIVED
    event = decision.events.get(action="decision_archive")
    assert event.actor == cast["secretary"]
    # The archive ended the secretary's grant too: once closed, no one writes to the file.
    for name in ("secretary", "office", "auditor"):
        with pytest.raises(PermissionDenied):
            services.decision_archive(decision=decision, acting_user=cast[name])


def test_a_superuser_has_no_stage_power_without_a_grant(people):
    """Even the administrator acts at a stage only with that stage's grant on the decision."""
    from django.contrib.auth import get_user_model

    from decisions import permissions

    from .factories import Journey

    journey = Journey(people).submit().accept().participate()
    admin = get_user_model().objects.create_superuser("root", "root@example.test", "x")
    assert not permissions.can_act(admin, Stage.LEGAL_REVIEW, journey.decision)
    assert permissions.can_act(people["reviewer"], Stage.LEGAL_REVIEW, journey.decision)
    assert permissions.can_view(admin, journey.decision)
