"""Demo people and a driver that takes a decision through the procedure as those people would.

Every step goes through ``actions.start_decision`` / ``actions.run_task`` and the stage's service,
so demo data meets the same permissions and statutory gates as the web forms.
"""

import datetime
import heapq
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from viewflow.workflow.models import Task

from decisions import services
from decisions.catalogue import services as catalogue
from decisions.catalogue.selectors import items_open_for_proposal
from decisions.catalogue.services import decision_year
from decisions.models import Decision, Profile
from decisions.people import display_name
from decisions.rulebook import Role

from . import actions
from .stages import open_tasks

#: The one password of every demo login; documented in the README, never for production.
DEMO_PASSWORD = "juece-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role | None
    full_name: str
    duty: str
    #: The unit (Art. 20: no one of a decision's lead unit weighs it); external experts have none.
    unit: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("drafter", Role.DRAFTER, "王建国",
             "农业服务中心：提出决策建议、起草草案、公众参与、按意见修改", "农业服务中心"),
    DemoUser("office", Role.OFFICE, "李秀英",
             "党政办：受理或退回建议，指定审查、专家、评估人员；公布决策", "党政办"),
    DemoUser("reviewer", Role.REVIEWER, "张明", "司法所：合法性审查", "司法所"),
    DemoUser("counsel", Role.COUNSEL, "林晓燕",
             "镇法律顾问（律师事务所律师）：在每轮合法性审查中出具并签署法律意见",
             "重庆渝东律师事务所"),
    DemoUser("expert", Role.EXPERT, "陈志强", "专家：署名的论证意见（水利、工程）"),
    DemoUser("expert2", Role.EXPERT, "刘芳", "专家：署名的论证意见（农业、畜牧）"),
    DemoUser("risk", Role.RISK_ASSESSOR, "赵磊", "综治中心：社会稳定风险评估", "综治中心"),
    DemoUser("member1", Role.MEMBER, "孙丽", "班子成员：在会上发表意见"),
    DemoUser("member2", Role.MEMBER, "周杰", "班子成员：在会上发表意见"),
    DemoUser("member3", Role.MEMBER, "吴军", "班子成员：在会上发表意见"),
    DemoUser("secretary", Role.SECRETARY, "郑敏", "会议记录人：如实记录集体讨论和每位成员的意见"),
    DemoUser("head", Role.HEAD, "黄志明", "镇长：最后发表意见并作出决定"),
    DemoUser("auditor", Role.AUDITOR, "何静", "纪检监察：查阅全部决策和审计记录"),
    DemoUser("admin", None, "系统管理员", "超级用户：Django 管理后台 /admin/"),
)


def demo_data_present() -> bool:
    return get_user_model()._default_manager.filter(
        username__in=[u.username for u in DEMO_USERS]).exists()


def demo_users_create() -> dict:
    """Create every demo login and put each in its role group; returns them by username."""
    User = get_user_model()
    people = {}
    for spec in DEMO_USERS:
        email = f"{spec.username}@jijia.example"
        if spec.role is None:
            user = User.objects.create_superuser(username=spec.username, email=email,
                                                 password=DEMO_PASSWORD, last_name=spec.full_name)
        else:
            user = User.objects.create_user(username=spec.username, email=email,
                                            password=DEMO_PASSWORD, last_name=spec.full_name)
            user.groups.add(Group.objects.get(name=spec.role.value))
        if spec.unit:
            Profile.objects.create(user=user, unit=spec.unit)
        people[spec.username] = user
    return people


def catalogue_item_titled(title: str):
    """The open item of this year's published catalogue with this title."""
    year = decision_year()
    item = items_open_for_proposal(year).filter(title=title).first()
    if item is None:
        raise LookupError(f"the demo's {year} catalogue lists no item “{title}”")
    return item


@dataclass(frozen=True)
class DemoItem:
    """An item of a demo catalogue: its title, lead unit, planned quarter and basis."""

    title: str
    lead_unit: str
    planned_quarter: int
    basis: str

    def fields(self) -> dict:
        return {"title": self.title, "lead_unit": self.lead_unit,
                "planned_quarter": self.planned_quarter, "basis": self.basis}


def catalogue_scene(people: dict, *, year: int, published_on: datetime.date, items,
                    added=(), removed=()):
    """The office's year: it drafts the list three days before the Party committee agrees to
    it, publishes it two days after, then adds an item (``added``: (day, item, reason)) or
    removes one (``removed``: (day, title, reason)) as the year goes on (Art. 3 para. 3)."""
    office = people["office"]
    consent_on = published_on - datetime.timedelta(days=2)
    yield consent_on - datetime.timedelta(days=3)
    made = catalogue.catalogue_create(year=year, organ="季家镇人民政府", acting_user=office)
    for item in items:
        catalogue.catalogue_item_add(catalogue=made, acting_user=office, **item.fields())
    yield consent_on
    catalogue.catalogue_consent_record(catalogue=made, date=consent_on,
                                       reference=f"季家委〔{year}〕3号", acting_user=office)
    yield published_on
    catalogue.catalogue_publish(catalogue=made, acting_user=office)
    changes = sorted([(day, "add", item, reason) for day, item, reason in added]
                     + [(day, "remove", title, reason) for day, title, reason in removed],
                     key=lambda change: change[0])
    for day, kind, what, reason in changes:
        yield day
        if kind == "add":
            catalogue.catalogue_item_add(catalogue=made, reason=reason, acting_user=office,
                                         **what.fields())
        else:
            catalogue.catalogue_item_remove(item=made.items.get(title=what), reason=reason,
                                            acting_user=office)


class Story:
    """The demo's calendar. Each scene (a decision's story) is a generator that yields the day
    of its next step; ``play`` runs the steps of all scenes in the order of their days, each at
    that day's time, so every record and audit event carries the date the story gives it and
    the audit chain's times only move forward."""

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def play(self, scenes) -> None:
        queue = []
        for order, scene in enumerate(scenes):
            heapq.heappush(queue, (next(scene), order, scene))
        steps_on: dict[datetime.date, int] = {}
        while queue:
            day, order, scene = heapq.heappop(queue)
            if day > self.today:
                raise ValueError(f"a demo step dated {day} is after today ({self.today})")
            steps_on[day] = steps_on.get(day, 0) + 1
            moment = datetime.datetime.combine(day, datetime.time(8, 30),
                                               timezone.get_current_timezone())
            with time_machine.travel(moment + datetime.timedelta(minutes=steps_on[day])):
                following = next(scene, None)
            if following is not None:
                if following < day:
                    raise ValueError(f"a demo story goes back from {day} to {following}")
                heapq.heappush(queue, (following, order, scene))


class DecisionDriver:
    """One decision, moved step by step by the person each step belongs to. Unless it says why
    it is outside the catalogue, it carries out the item of this year's catalogue that bears its
    title (Art. 3 para. 3)."""

    def __init__(self, people: dict, **proposal):
        self.people = people
        if not proposal.get("outside_catalogue_reason"):
            proposal.setdefault("catalogue_item", catalogue_item_titled(proposal["title"]))
        self.decision = actions.start_decision(acting_user=people["drafter"], **proposal)

    def _open_task(self, node_name: str, user) -> Task:
        for task in open_tasks(self.decision.process_id).order_by("id"):
            if task.flow_task.name == node_name and task.owner_id in (None, user.pk):
                return task
        open_names = [t.flow_task.name for t in open_tasks(self.decision.process_id)]
        raise LookupError(f"{self.decision.title}: no open {node_name} task for "
                          f"{user.get_username()} (open: {open_names})")

    def run(self, node_name: str, user, perform) -> "DecisionDriver":
        task = self._open_task(node_name, user)
        actions.run_task(task, acting_user=user, perform=perform)
        self.decision = Decision.objects.select_related("current_version").get(
            pk=self.decision.pk)
        return self

    # Drafter of the lead unit

    def submit(self, **changes):
        user = self.people["drafter"]
        return self.run("initiation", user, lambda task: services.decision_submit(
            decision=self.decision, changes=changes or None, acting_user=user, task=task))

    def participate(self, *, method: str, opened: datetime.date, days: int, comments,
                    shortening_reason: str = ""):
        user = self.people["drafter"]
        return self.run("public_participation", user,
                        lambda task: services.decision_record_participation(
                            decision=self.decision, method=method, window_start=opened,
                            window_end=opened + datetime.timedelta(days=days - 1),
                            shortening_reason=shortening_reason, comments=comments,
                            acting_user=user, task=task))

    def consult(self, *consultations: dict):
        """Several consultations of the public at once, each with its comments (Arts. 14-18)."""
        user = self.people["drafter"]
        return self.run("public_participation", user,
                        lambda task: services.decision_record_participation(
                            decision=self.decision, consultations=list(consultations),
                            acting_user=user, task=task))

    def revise(self, *, addition: str, response: str, node_name: str = "revision"):
        user = self.people["drafter"]
        text = f"{self.decision.current_version.text}\n{addition}"
        return self.run(node_name, user, lambda task: services.decision_revise(
            decision=self.decision, draft_text=text, response=response, acting_user=user,
            task=task))

    # Office of the decision organ

    def return_to_drafter(self, reason: str):
        user = self.people["office"]
        return self.run("acceptance", user, lambda task: services.decision_return(
            decision=self.decision, reason=reason, acting_user=user, task=task))

    def accept(self, *, experts=()):
        user = self.people["office"]
        needs_risk = self.decision.needs_risk_assessment
        return self.run("acceptance", user, lambda task: services.decision_accept(
            decision=self.decision, reviewer=self.people["reviewer"],
            counsel=self.people["counsel"], experts=[self.people[name] for name in experts],
            risk_assessor=self.people["risk"] if needs_risk else None,
            participation_skip_confirmed=not self.decision.needs_public_participation,
            acting_user=user, task=task))

    def publish(self, *, explanation: str, reported_on: datetime.date, report_ref: str):
        """Published today, the adopted draft's text, after its report to the Party committee
        on ``reported_on`` under ``report_ref`` (Art. 31)."""
        user = self.people["office"]
        return self.run("publication", user, lambda task: services.decision_publish(
            decision=self.decision, published_on=timezone.localdate(),
            adoption_explanation=explanation, party_report_on=reported_on,
            party_report_ref=report_ref, acting_user=user, task=task))

    def adopt_opinion(self, username: str, adoption: str, reason: str):
        """The lead unit says whether the expert's opinion was adopted, and why (Art. 21): the
        package for the meeting needs it (Art. 29)."""
        user = self.people["drafter"]
        opinion = self.decision.expert_opinions.get(expert=self.people[username])
        services.decision_record_opinion_adoption(decision=self.decision, opinion=opinion,
                                                  adoption=adoption, reason=reason,
                                                  acting_user=user)
        return self

    # Experts, risk assessor, legality reviewer

    def expert_opinion(self, username: str, opinion: str):
        user = self.people[username]
        return self.run("expert_input", user, lambda task: services.decision_submit_expert_opinion(
            decision=self.decision, opinion=opinion, signature=display_name(user),
            declares_no_interest=True, acting_user=user, task=task))

    def assess_risk(self, *, controllable: bool, risk_points: str, measures: str,
                    response_plan: str):
        user = self.people["risk"]
        return self.run("risk_assessment", user,
                        lambda task: services.decision_record_risk_assessment(
                            decision=self.decision, risk_points=risk_points, measures=measures,
                            response_plan=response_plan, controllable=controllable,
                            acting_user=user, task=task))

    def counsel_opinion(self, opinion: str):
        """The legal adviser signs his own opinion on the draft under review (Art. 28)."""
        user = self.people["counsel"]
        return self.run("counsel_opinion", user,
                        lambda task: services.decision_submit_counsel_opinion(
                            decision=self.decision,
                            reviewed_version=self.decision.current_version.sha256,
                            opinion=opinion, signature=display_name(user),
                            declares_no_interest=True, acting_user=user, task=task))

    def review(self, outcome: str, *, authority: str = "决策主体为镇人民政府，属于其法定职权范围。",
               procedure: str = "已履行公众参与等法定程序，材料齐全。",
               content: str = "内容符合法律、法规和国家政策。", risk_statement: str = "",
               counsel_opinion: str = "经审阅决策草案及相关材料，草案的制定主体、程序和内容未发现"
                                      "与法律、法规、规章相抵触之处。"):
        """A round of legality review: the legal adviser's opinion first, then the reviewer's."""
        self.counsel_opinion(counsel_opinion)
        user = self.people["reviewer"]
        return self.run("legal_review", user, lambda task: services.decision_record_legal_review(
            decision=self.decision, reviewed_version=self.decision.current_version.sha256,
            outcome=outcome, opinion_authority=authority, opinion_procedure=procedure,
            opinion_content=content, risk_statement=risk_statement, acting_user=user,
            task=task))

    # Meeting secretary records the meeting; the head decides last

    def meet(self, head_decision: str, *, positions: dict, head_reason: str = "",
             held: datetime.date | None = None, kind: str = "leadership",
             risk_acknowledged: bool = False, absent: dict | None = None):
        """``positions`` by login of each attending member; ``absent`` the reason of each
        member who did not attend, by login (every member is one or the other)."""
        user = self.people["secretary"]
        recorded = {self.people[name]: position for name, position in positions.items()}
        away = [{"member": self.people[name], "reason": reason}
                for name, reason in (absent or {}).items()]
        return self.run("collective_decision", user,
                        lambda task: services.decision_record_meeting(
                            decision=self.decision, meeting_date=held or timezone.localdate(),
                            kind=kind, head=self.people["head"], attendees=list(recorded),
                            positions=recorded, head_decision=head_decision,
                            head_reason=head_reason, risk_acknowledged=risk_acknowledged,
                            absent=away, acting_user=user, task=task))
