"""Who may do what, through HTTP: every human step refuses anyone without its grant on the decision.

Stage permissions are object grants on one decision. Holding the same permission on another
decision, or globally, opens nothing; nor does reading the decision. Refused requests write
nothing: no domain row, no task change.

Decision A is the one under test; decision B is run by colleagues (drafter2, reviewer2, expert2,
risk_assessor2), so each of them holds on B exactly the grant he lacks on A.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from decisions import permissions, rulebook
from decisions.models import AuditEvent, Decision, DraftAttachment
from decisions.rulebook import Role, Stage
from decisions.stage_tasks.open import OPEN
from workflows.flows import DecisionFlow
from workflows.models import DecisionProcess

from .factories import PASSWORD, Journey, make_user, open_task
from .http_client import (
    Office,
    comments_formset,
    consultations_formset,
    decision_url,
    logged_in,
    proposal_form,
    start_url,
    task_url,
)

A_TITLE = "甲：季家镇农村人居环境整治三年行动方案"
B_TITLE = "乙：季家镇老旧小区改造实施方案"
ALL_CONSULTATIONS = {"needs_expert_input": True, "needs_risk_assessment": True,
                     "skip_reasons": {}}


# Decisions A and B, and the people around them.

class Cast:
    """``people`` plus a second risk assessor, decision B run by the second of each role, and
    per step two more intruders: one granted the step's permission on B only, one granted it
    globally (``user.user_permissions``) and on no decision."""

    def __init__(self, people: dict):
        self.people = dict(people)
        self.people["risk_assessor2"] = make_user("risk_assessor2", Role.RISK_ASSESSOR, "褚评估")
        colleagues = {**self.people, "drafter": self.people["drafter2"],
                      "reviewer": self.people["reviewer2"], "counsel": self.people["counsel2"],
                      "expert": self.people["expert2"],
                      "risk_assessor": self.people["risk_assessor2"]}
        self.b = Journey(colleagues, title=B_TITLE, **ALL_CONSULTATIONS).submit().accept().decision

    def __getitem__(self, name: str):
        return self.people[name]

    def user(self, name: str, stage: str):
        if name == "elsewhere":
            return self._holder_on_b(stage)
        if name == "global":
            return self._global_holder(stage)
        return self.people[name]

    def _holder_on_b(self, stage: str):
        user = bare_user(f"elsewhere_{stage}")
        permissions.grant(self.b, user, stage, acting_user=self.people["office"])
        return user

    def _global_holder(self, stage: str):
        user = bare_user(f"global_{stage}")
        codename = rulebook.rule_for(stage).permission
        user.user_permissions.add(Permission.objects.get(content_type__app_label="decisions",
                                                         codename=codename))
        return get_user_model().objects.get(pk=user.pk)


def bare_user(username: str):
    """A user of no role: whatever he may do comes from the grant the test gives him."""
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def cast(people):
    return Cast(people)


def a_journey(cast: Cast, **overrides) -> Journey:
    return Journey(cast.people, title=A_TITLE, **overrides)


# The human steps of the procedure: who acts, how decision A gets there, who else tries.

@dataclass(frozen=True)
class Step:
    node: str
    actor: str
    reach: object
    intruders: tuple[str, ...]

    @property
    def stage(self) -> str:
        return str(getattr(DecisionFlow, self.node).stage)

    def __str__(self):
        return self.node


#: Every intruder list also gets "elsewhere" and "global" (see ``Cast``) and the auditor.
STEPS = (
    Step("initiation", "drafter",
         lambda c: a_journey(c),
         ("drafter2", "office", "reviewer")),
    Step("acceptance", "office",
         lambda c: a_journey(c).submit(),
         ("drafter", "reviewer2", "secretary")),
    Step("public_participation", "drafter",
         lambda c: a_journey(c).submit().accept(),
         ("drafter2", "office", "reviewer")),
    Step("expert_input", "expert",
         lambda c: a_journey(c, **ALL_CONSULTATIONS).submit().accept(),
         ("expert2", "drafter", "reviewer")),
    Step("risk_assessment", "risk_assessor",
         lambda c: a_journey(c, **ALL_CONSULTATIONS).submit().accept(),
         ("risk_assessor2", "drafter", "expert")),
    Step("revision_after_risk", "drafter",
         lambda c: a_journey(c, **ALL_CONSULTATIONS).submit().accept()
         .assess_risk(controllable=False),
         ("drafter2", "risk_assessor", "office")),
    Step("counsel_opinion", "counsel",
         lambda c: a_journey(c).submit().accept().participate(),
         ("counsel2", "reviewer", "drafter")),
    Step("legal_review", "reviewer",
         lambda c: a_journey(c).submit().accept().participate().counsel_opinion(),
         ("reviewer2", "counsel", "drafter", "office")),
    Step("revision", "drafter",
         lambda c: a_journey(c).submit().accept().participate().review("unlawful"),
         ("drafter2", "reviewer", "office")),
    Step("collective_decision", "secretary",
         lambda c: a_journey(c).submit().accept().participate().review("lawful"),
         ("member", "head", "reviewer")),
    Step("publication", "office",
         lambda c: a_journey(c).submit().accept().participate().review("lawful").meet(),
         ("secretary", "drafter", "head")),
)

STEP = {step.node: step for step in STEPS}

CASES = [pytest.param(step, intruder, id=f"{step.node}-{intruder}")
         for step in STEPS
         for intruder in (*step.intruders, "elsewhere", "global", "auditor")]


def reach(step: Step, cast: Cast):
    """Decision A with the step's task open, and that task."""
    decision = step.reach(cast).decision
    return decision, open_task(decision, step.node)


def footprint(decision: Decision, task: Task | None = None) -> dict:
    """Everything a write would change: row counts of every domain table, the workflow and the
    grants, the decision's own state, and the task's status and owner."""
    counts = {model.__name__: model.objects.count()
              for model in apps.get_app_config("decisions").get_models()
              if model.__name__ != "RefusalTally"}  # the refusals' count, beside their events
    # A refused attempt writes nothing but the record of its refusal (and of logging in).
    counts["AuditEvent"] = AuditEvent.objects.exclude(
        action__in=("access_refused", "login", "logout", "login_failed")).count()
    counts.update(Process=Process.objects.count(), Task=Task.objects.count(),
                  UserObjectPermission=UserObjectPermission.objects.count(),
                  GroupObjectPermission=GroupObjectPermission.objects.count())
    state = Decision.objects.filter(pk=decision.pk).values(
        "stage", "status", "current_version", "accepted_at", "reviewer", "updated_at").get()
    if task is not None:
        state["task"] = Task.objects.filter(pk=task.pk).values("status", "owner").get()
    return {**counts, **state}


def refused(response) -> bool:
    return response.status_code in (403, 404)


# What the actor of each step posts: a valid form, so a refusal is the permission's doing.

def step_form(step: Step, cast: Cast, decision: Decision) -> dict:
    start = datetime.date(2026, 3, 2)
    version = decision.current_version
    forms = {
        "initiation": lambda: {k: v for k, v in proposal_form(title=A_TITLE).items()
                               if k != "draft_text"},
        "acceptance": lambda: {"outcome": "accept", "lead_unit": decision.lead_unit,
                               "reviewer": cast["reviewer"].pk, "counsel": cast["counsel"].pk},
        "public_participation": lambda: {
            **consultations_formset([{
                "method": "online", "window_start": start.isoformat(),
                "window_end": (start + datetime.timedelta(days=29)).isoformat(),
                "shortening_reason": ""}]),
            **comments_formset([{"source": "村民代表", "text": "建议增加收运频次",
                                 "adoption": "adopted", "reason": "意见合理"}])},
        "expert_input": lambda: {"opinion": "方案总体可行。",
                                 "signature": cast["expert"].get_full_name(),
                                 "declares_no_interest": "on"},
        "risk_assessment": lambda: {"risk_points": "群众对收费有顾虑", "measures": "公开收费标准",
                                    "response_plan": "设立投诉电话", "controllable": "yes"},
        "revision_after_risk": lambda: {"draft_text": version.text + "\n第三条 （修改）",
                                        "response": "已按评估意见修改"},
        "legal_review": lambda: {"reviewed_version": version.sha256, "outcome": "lawful",
                                 "opinion_authority": "主体适格", "opinion_procedure": "程序完备",
                                 "opinion_content": "内容合法", "risk_statement": ""},
        "counsel_opinion": lambda: {"reviewed_version": version.sha256,
                                    "opinion": "未发现与上位法相抵触之处。",
                                    "signature": cast["counsel"].get_full_name(),
                                    "declares_no_interest": "on"},
        "revision": lambda: {"draft_text": version.text + "\n第三条 （修改）",
                             "response": "已按审查意见修改"},
        "collective_decision": lambda: {
            "meeting_date": timezone.localdate().isoformat(), "meeting_kind": "leadership",
            "head": cast["head"].pk, "attendees": [cast["member"].pk, cast["member2"].pk],
            "head_decision": "adopted", "head_reason": "",
            **{f"{field}_{cast[m].pk}": value for m in ("member", "member2")
               for field, value in (("position", "agree"), ("reason", "同意"))}},
        "publication": lambda: {"published_on": timezone.localdate().isoformat(),
                                "party_report_on": timezone.localdate().isoformat(),
                                "party_report_ref": "季家委请〔2026〕12号",
                                "published_text": version.text,
                                "adoption_explanation": "采纳了村民的意见。"},
    }
    return forms[step.node]()


def queue_lists(client, task) -> bool:
    page = client.get(DecisionFlow.instance.reverse("queue")).content.decode()
    return f"/{task.process_id}/{task.flow_task.name}/{task.pk}/" in page


# Every human step is gated by its own object permission.

def test_every_human_step_is_in_the_table_and_bound_to_its_decision(cast):
    human = {node.name for node in DecisionFlow.instance.nodes()
             if node.task_type == "HUMAN" and node is not DecisionFlow.start}
    assert human == {step.node for step in STEPS}
    decision = cast.b
    for step in STEPS:
        node = getattr(DecisionFlow, step.node)
        assert node._owner_permission == rulebook.stage_permission(node.stage), step
        assert node._owner_permission_obj(
            DecisionProcess.objects.get(pk=decision.process_id)) == decision, step


@pytest.mark.parametrize(("step", "intruder"), CASES)
def test_intruder_cannot_take_or_do_the_step(cast, step, intruder):
    decision, task = reach(step, cast)
    user = cast.user(intruder, step.stage)
    client = logged_in(user)
    data = step_form(step, cast, decision)
    before = footprint(decision, task)

    for action in ("execute", "assign"):
        assert refused(client.get(task_url(task, action))), action
        assert refused(client.post(task_url(task, action), data)), action
    assert not queue_lists(client, task)
    assert footprint(decision, task) == before

    if task.owner_id:
        owner = logged_in(task.owner)
        assert owner.post(task_url(task, "unassign")).status_code == 302
        released = footprint(decision, task)
        assert released["task"] == {"status": STATUS.NEW, "owner": None}
        assert queue_lists(owner, task) and not queue_lists(client, task)
        assert refused(client.post(task_url(task, "assign")))
        assert refused(client.post(task_url(task), data))
        assert footprint(decision, task) == released


@pytest.mark.parametrize("step", STEPS, ids=str)
def test_the_stage_actor_does_the_step_with_the_same_form(cast, step):
    decision, task = reach(step, cast)
    client = logged_in(cast[step.actor])
    if task.owner_id is None:
        assert queue_lists(client, task)
        assert client.get(task_url(task, "assign")).status_code == 200
        assert client.post(task_url(task, "assign")).status_code == 302
    assert client.get(task_url(task)).status_code == 200
    response = client.post(task_url(task), step_form(step, cast, decision))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE


def test_a_global_grant_of_legal_review_opens_no_review(cast):
    decision, task = reach(STEP["legal_review"], cast)
    user = bare_user("global_reviewer")
    user.user_permissions.add(Permission.objects.get(codename="act_legal_review"))
    user = get_user_model().objects.get(pk=user.pk)
    assert user.has_perm("decisions.act_legal_review")
    client = logged_in(user)
    assert logged_in(cast["reviewer"]).post(task_url(task, "unassign")).status_code == 302
    before = footprint(decision, task)
    assert refused(client.post(task_url(task, "assign")))
    assert refused(client.post(task_url(task), step_form(STEP["legal_review"], cast, decision)))
    assert not queue_lists(client, task)
    assert footprint(decision, task) == before
    assert refused(client.get(decision_url(decision)))


# The start step: only drafters propose.

@pytest.mark.parametrize("role", ["office", "reviewer", "expert", "risk_assessor", "member",
                                  "secretary", "head", "auditor"])
def test_only_a_drafter_may_propose(people, role):
    client = logged_in(people[role])
    before = (Decision.objects.count(), Process.objects.count(), Task.objects.count())
    assert client.get(start_url()).status_code == 403
    assert client.post(start_url(), proposal_form(title=A_TITLE)).status_code == 403
    assert (Decision.objects.count(), Process.objects.count(), Task.objects.count()) == before


# The pages of a decision: 403 or 404 without a grant on it, 200 with one.

@pytest.fixture
def decision_with_attachment(cast):
    """Decision A proposed through the start form with a file, then submitted and accepted."""
    upload = SimpleUploadedFile("资金测算表.csv", "项目,金额\n收运车辆,120000\n".encode(),
                                content_type="text/csv")
    office = Office(cast.people)
    response = office.client("drafter").post(
        start_url(), {**proposal_form(title=A_TITLE), "attachments": upload})
    assert response.status_code == 302
    office.decision = Decision.objects.get(title=A_TITLE)
    office.submit(title=A_TITLE)
    office.accept()
    attachment = DraftAttachment.objects.get(version__decision=office.decision)
    return office.decision, attachment


def decision_pages(decision, attachment) -> dict[str, str]:
    process_pk = decision.process_id
    pages = {
        "decision page": decision_url(decision),
        "flow chart": DecisionFlow.instance.reverse("process_chart", args=[process_pk]),
        "attachment": DecisionFlow.instance.reverse("attachment",
                                                    args=[process_pk, attachment.pk]),
    }
    for task in Task.objects.filter(process_id=process_pk).order_by("id"):
        pages[f"task {task.flow_task.name}"] = task.flow_task.reverse(
            "detail", args=[process_pk, task.pk])
    return pages


@pytest.mark.parametrize("outsider", ["drafter2", "reviewer2", "expert2", "risk_assessor",
                                      "risk_assessor2", "elsewhere", "global"])
def test_outsiders_are_refused_every_page_of_the_decision(cast, decision_with_attachment,
                                                          outsider):
    decision, attachment = decision_with_attachment
    user = cast.user(outsider, Stage.LEGAL_REVIEW)
    client = logged_in(user)
    pages = decision_pages(decision, attachment)
    assert {"task start", "task initiation", "task acceptance"} <= set(pages)
    for name, url in pages.items():
        response = client.get(url)
        assert refused(response), f"{name}: {response.status_code}"
        assert not response.streaming and A_TITLE not in response.content.decode(), name
    assert AuditEvent.objects.filter(action="access_refused", actor=user,
                                     decision=decision).exists()


@pytest.mark.parametrize("insider", ["drafter", "office", "reviewer", "member", "head",
                                     "secretary", "auditor"])
def test_insiders_read_every_page_of_the_decision(cast, decision_with_attachment, insider):
    decision, attachment = decision_with_attachment
    client = logged_in(cast[insider])
    for name, url in decision_pages(decision, attachment).items():
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
    assert not AuditEvent.objects.filter(action="access_refused").exists()


def test_anonymous_visitors_see_nothing(cast, decision_with_attachment, client):
    decision, attachment = decision_with_attachment
    urls = [*decision_pages(decision, attachment).values(),
            *(DecisionFlow.instance.reverse(name) for name in ("index", "inbox", "queue",
                                                                "archive", "task_list"))]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert A_TITLE not in response.content.decode(), url


# The lists: each user sees only the decisions and tasks he may.

def titles_on(client, name: str) -> set[str]:
    page = client.get(DecisionFlow.instance.reverse(name))
    assert page.status_code == 200, name
    return {title for title in (A_TITLE, B_TITLE) if title in page.content.decode()}


def test_decision_list_shows_only_decisions_the_user_may_read(cast):
    a_journey(cast).submit()
    seen = {name: titles_on(logged_in(cast[name]), "index")
            for name in ("drafter", "drafter2", "office", "reviewer", "reviewer2", "auditor")}
    assert seen == {
        "drafter": {A_TITLE},
        "drafter2": {B_TITLE},
        "office": {A_TITLE, B_TITLE},
        "reviewer": set(),
        "reviewer2": {B_TITLE},
        "auditor": {A_TITLE, B_TITLE},
    }


def test_inbox_queue_and_archive_show_only_the_users_tasks(cast):
    journey = a_journey(cast).submit()
    acceptance = open_task(journey.decision, "acceptance")
    office, drafter2 = logged_in(cast["office"]), logged_in(cast["drafter2"])
    global_office = logged_in(cast.user("global", Stage.ACCEPTANCE))
    assert queue_lists(office, acceptance)
    assert not queue_lists(drafter2, acceptance)
    assert not queue_lists(global_office, acceptance)
    assert titles_on(global_office, "queue") == set()

    journey.accept().participate()
    assert titles_on(logged_in(cast["reviewer"]), "inbox") == {A_TITLE}
    assert titles_on(logged_in(cast["reviewer2"]), "inbox") == set()
    assert A_TITLE in titles_on(logged_in(cast["drafter"]), "archive")
    assert titles_on(drafter2, "archive") == {B_TITLE}
    assert titles_on(drafter2, "inbox") == {B_TITLE}


def test_the_flow_task_list_shows_only_tasks_of_readable_decisions(cast):
    decision = a_journey(cast).submit().decision
    page = logged_in(cast["drafter2"]).get(DecisionFlow.instance.reverse("task_list"))
    assert page.status_code == 200
    assert f"/decision/{decision.process_id}/" not in page.content.decode()
    page = logged_in(cast["auditor"]).get(DecisionFlow.instance.reverse("task_list"))
    assert f"/decision/{decision.process_id}/" in page.content.decode()


def test_bulk_assign_neither_shows_nor_takes_tasks_outside_the_users_queue(cast):
    decision = a_journey(cast).submit().decision
    task = open_task(decision, "acceptance")
    before = footprint(decision, task)
    for outsider in ("drafter2", "auditor"):
        client = logged_in(cast[outsider])
        for data in ({"pk": [task.pk]}, {"select_all": "1"},
                     {"pk": [task.pk], "_confirm": "1"}, {"select_all": "1", "_confirm": "1"}):
            response = client.post(DecisionFlow.instance.reverse("tasks_assign"), data)
            assert A_TITLE not in response.content.decode(), (outsider, data)
            assert footprint(decision, task) == before, (outsider, data)
    office = logged_in(cast["office"])
    response = office.post(DecisionFlow.instance.reverse("tasks_assign"), {"pk": [task.pk]})
    assert A_TITLE in response.content.decode()


def test_bulk_unassign_neither_shows_nor_releases_other_peoples_tasks(cast):
    decision = a_journey(cast).submit().accept().participate().decision
    task = open_task(decision, "legal_review")
    before = footprint(decision, task)
    for outsider in ("reviewer2", "auditor"):
        client = logged_in(cast[outsider])
        for data in ({"pk": [task.pk]}, {"select_all": "1"},
                     {"pk": [task.pk], "_confirm": "1"}, {"select_all": "1", "_confirm": "1"}):
            response = client.post(DecisionFlow.instance.reverse("tasks_unassign"), data)
            assert A_TITLE not in response.content.decode(), (outsider, data)
            assert footprint(decision, task) == before, (outsider, data)


# The auditor reads everything and changes nothing.

def test_auditor_reads_the_whole_history(cast):
    decision = (a_journey(cast).submit().accept().participate().review("unlawful").revise()
                .review("lawful").meet().publish().decision)
    client = logged_in(cast["auditor"])
    page = client.get(decision_url(decision))
    assert page.status_code == 200
    for task in Task.objects.filter(process_id=decision.process_id):
        detail = task.flow_task.reverse("detail", args=[decision.process_id, task.pk])
        assert client.get(detail).status_code == 200, task.flow_task.name


def test_auditor_changes_nothing_through_any_write_url(cast):
    decision = a_journey(cast).submit().accept().participate().decision
    process_pk = decision.process_id
    auditor = logged_in(cast["auditor"])
    open_ = list(Task.objects.filter(process_id=process_pk, status__in=OPEN))
    done = list(Task.objects.filter(process_id=process_pk, status=STATUS.DONE))
    assert open_ and done
    before = footprint(decision)
    tasks_before = list(Task.objects.filter(process_id=process_pk)
                        .values_list("pk", "status", "owner").order_by("pk"))

    assert refused(auditor.post(start_url(), proposal_form(title="审计员的提议")))
    for data in ({}, {"_cancel_process": "1"}):
        url = DecisionFlow.instance.reverse("process_cancel", args=[process_pk])
        assert refused(auditor.get(url)) and refused(auditor.post(url, data))
    for task in open_ + done:
        for action in ("execute", "assign", "unassign", "cancel", "undo", "revive"):
            try:
                url = task_url(task, action)
            except NoReverseMatch:
                continue
            assert refused(auditor.get(url)), (task.flow_task.name, action)
            assert refused(auditor.post(url, {"_confirm": "1"})), (task.flow_task.name, action)

    admin_pages = [f"/admin/decisions/decision/{decision.pk}/change/",
                   f"/admin/viewflow/process/{process_pk}/change/",
                   f"/admin/viewflow/task/{open_[0].pk}/change/",
                   f"/admin/auth/user/{cast['auditor'].pk}/change/",
                   "/admin/auth/group/1/change/"]
    for url in admin_pages:
        for response in (auditor.get(url), auditor.post(url, {"status": "DONE"})):
            assert response.status_code in (302, 403, 404), url
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/"), url

    assert footprint(decision) == before
    assert list(Task.objects.filter(process_id=process_pk)
                .values_list("pk", "status", "owner").order_by("pk")) == tasks_before
    assert not Decision.objects.filter(title="审计员的提议").exists()


@pytest.mark.parametrize("reader", ["auditor", "member", "reviewer"])
def test_readers_cannot_record_the_adoption_of_an_expert_opinion(cast, reader):
    decision = a_journey(cast, **ALL_CONSULTATIONS).submit().accept().expert_opinion().decision
    opinion = decision.expert_opinions.get()
    url = DecisionFlow.instance.reverse("opinion_adoption", args=[decision.process_id, opinion.pk])
    client = logged_in(cast[reader])
    assert client.get(decision_url(decision)).status_code == 200
    before = footprint(decision)
    assert refused(client.post(url, {"adoption": "adopted", "reason": "意见合理"}))
    assert footprint(decision) == before
    assert decision.expert_opinions.get().adoption == opinion.adoption


def test_the_drafter_records_the_adoption_of_an_expert_opinion(cast):
    decision = a_journey(cast, **ALL_CONSULTATIONS).submit().accept().expert_opinion().decision
    opinion = decision.expert_opinions.get()
    url = DecisionFlow.instance.reverse("opinion_adoption", args=[decision.process_id, opinion.pk])
    response = logged_in(cast["drafter"]).post(url, {"adoption": "adopted", "reason": "意见合理"})
    assert response.status_code == 302
    assert decision.expert_opinions.get().adoption == "adopted"


def test_an_expert_cannot_take_over_another_experts_released_task(people):
    """Art. 20: each named expert writes his own opinion, even on a task the other released."""
    from .factories import open_task
    from .http_client import Office, task_url

    office = Office(people)
    office.propose(needs_expert_input=True, skip_reasons={"risk_assessment": "无"})
    office.submit(needs_expert_input="on")
    office.accept(experts=["expert", "expert2"])
    task = open_task(office.decision, "expert_input", owner=people["expert"])
    assert office.client("expert").post(task_url(task, "unassign")).status_code == 302
    task.refresh_from_db()
    assert task.owner_id is None
    assert office.client("expert2").post(task_url(task, "assign")).status_code in (403, 404)
    assert office.client("expert").post(task_url(task, "assign")).status_code == 302
