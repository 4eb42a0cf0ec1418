"""Users per role, and decisions driven to any stage through the real services and flow."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from viewflow.workflow.models import Task

from decisions import selectors, services
from decisions.models import Decision
from workflows import actions
from workflows.stages import open_tasks

PASSWORD = "juece-test-pass"
#: The reference of a decision's report to the Party committee (Art. 31).
PARTY_REPORT_REF = "季家委请〔2026〕12号"
#: A decision is linked to an item of its year's catalogue or says why it is outside it (Art. 3
#: para. 3); a test's decision says this unless it names a ``catalogue_item``.
OUTSIDE_CATALOGUE = "年初编制目录时尚未提出，经镇长办公会研究按重大行政决策程序办理。"


def make_user(username: str, role: str, full_name: str = "") -> object:
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD,
                                    email=f"{username}@example.test")
    if full_name:
        user.last_name = full_name
        user.save()
    user.groups.add(Group.objects.get(name=str(role)))
    return user


def proposal(**overrides) -> dict:
    data = {
        "title": "季家镇农村人居环境整治三年行动方案",
        "proposal_source": "leader",
        "lead_unit": "农业服务中心",
        "problem": "部分村社生活垃圾收运不及时，群众反映强烈。",
        "legal_basis": ["《中华人民共和国固体废物污染环境防治法》", "《重庆市生活垃圾管理条例》"],
        "plan": "三年内实现垃圾收运全覆盖。",
        "necessity": "必要且可行：资金已纳入预算。",
        "draft_text": "第一条 为改善农村人居环境，制定本方案。\n第二条 ……",
        "needs_public_participation": True,
        "needs_expert_input": False,
        "needs_risk_assessment": False,
        "skip_reasons": {"expert_input": "不涉及专业技术问题",
                         "risk_assessment": "不涉及社会稳定风险"},
        "outside_catalogue_reason": "" if "catalogue_item" in overrides else OUTSIDE_CATALOGUE,
    }
    data.update(overrides)
    return data


def open_task(decision: Decision, node_name: str, owner=None) -> Task:
    tasks = [t for t in open_tasks(decision.process_id).order_by("id")
             if t.flow_task.name == node_name and (owner is None or t.owner_id in (None,
                                                                                    owner.pk))]
    names = [t.flow_task.name for t in open_tasks(decision.process_id)]
    assert tasks, f"no open {node_name} task; open: {names}"
    return tasks[0]


def refreshed(decision: Decision) -> Decision:
    return Decision.objects.select_related("current_version").get(pk=decision.pk)


class Journey:
    """Drives one decision through the procedure with the real services, step by step."""

    def __init__(self, people: dict, **overrides):
        self.people = people
        self.decision = actions.start_decision(acting_user=people["drafter"],
                                               **proposal(**overrides))

    def run(self, node_name: str, user, perform):
        task = open_task(self.decision, node_name, owner=user)
        actions.run_task(task, acting_user=user, perform=perform)
        self.decision = refreshed(self.decision)
        return self

    def submit(self):
        return self.run("initiation", self.people["drafter"], lambda task: services.decision_submit(
            decision=self.decision, acting_user=self.people["drafter"], task=task))

    def accept(self, **extra):
        d = self.decision
        kwargs = {"reviewer": self.people["reviewer"], "counsel": self.people["counsel"]}
        if d.needs_expert_input:
            kwargs["experts"] = [self.people["expert"]]
        if d.needs_risk_assessment:
            kwargs["risk_assessor"] = self.people["risk_assessor"]
        if not d.needs_public_participation:
            kwargs["participation_skip_confirmed"] = True  # Art. 14: the office confirms
        kwargs.update(extra)
        return self.run("acceptance", self.people["office"], lambda task: services.decision_accept(
            decision=self.decision, acting_user=self.people["office"], task=task, **kwargs))

    def return_to_drafter(self, reason="材料不全"):
        return self.run("acceptance", self.people["office"], lambda task: services.decision_return(
            decision=self.decision, reason=reason, acting_user=self.people["office"], task=task))

    def participate(self):
        start = datetime.date(2025, 12, 1)  # closed before any day a test travels to
        return self.run("public_participation", self.people["drafter"],
                        lambda task: services.decision_record_participation(
                            decision=self.decision, method="online", window_start=start,
                            window_end=start + datetime.timedelta(days=29),
                            comments=[{"source": "村民张某", "text": "建议增加收运频次",
                                       "adoption": "adopted", "reason": "合理"}],
                            acting_user=self.people["drafter"], task=task))

    def expert_opinion(self, expert=None):
        expert = expert or self.people["expert"]
        return self.run("expert_input", expert,
                        lambda task: services.decision_submit_expert_opinion(
                            decision=self.decision, opinion="方案可行。", signature=expert.username,
                            declares_no_interest=True, acting_user=expert, task=task))

    def assess_risk(self, controllable=True):
        user = self.people["risk_assessor"]
        return self.run("risk_assessment", user,
                        lambda task: services.decision_record_risk_assessment(
                            decision=self.decision, risk_points="群众对收费有顾虑",
                            measures="公开收费标准", response_plan="设立投诉电话",
                            controllable=controllable, acting_user=user, task=task))

    def counsel_opinion(self, opinion="主体适格，程序完备，未发现与上位法相抵触之处。"):
        """The legal adviser signs his own opinion on the draft under review (Art. 28)."""
        user = self.people["counsel"]
        return self.run("counsel_opinion", user,
                        lambda task: services.decision_submit_counsel_opinion(
                            decision=self.decision,
                            reviewed_version=self.decision.current_version.sha256,
                            opinion=opinion, signature=user.username, declares_no_interest=True,
                            acting_user=user, task=task))

    def review(self, outcome="lawful", risk_statement="", counsel_first=True):
        """A round of review: the legal adviser's opinion (unless ``counsel_first`` is False),
        then the reviewer's."""
        if counsel_first:
            self.counsel_opinion()
        user = self.people["reviewer"]
        return self.run("legal_review", user, lambda task: services.decision_record_legal_review(
            decision=self.decision, reviewed_version=self.decision.current_version.sha256,
            outcome=outcome, opinion_authority="主体适格", opinion_procedure="程序完备",
            opinion_content="内容合法", risk_statement=risk_statement, acting_user=user,
            task=task))

    def revise(self, node_name="revision", text=None):
        user = self.people["drafter"]
        text = text or self.decision.current_version.text + "\n第三条 （修改）"
        return self.run(node_name, user, lambda task: services.decision_revise(
            decision=self.decision, draft_text=text, response="已按意见修改",
            acting_user=user, task=task))

    def adopt_opinions(self, adoption="adopted", reason="意见合理，已采纳"):
        """The lead unit says whether each expert opinion still pending was adopted (Art. 21),
        as the package for the meeting needs (Art. 29)."""
        for opinion in self.decision.expert_opinions.filter(adoption="pending"):
            services.decision_record_opinion_adoption(
                decision=self.decision, opinion=opinion, adoption=adoption, reason=reason,
                acting_user=self.people["drafter"])
        return self

    def meet(self, head_decision="adopted", positions=None, head_reason="",
             risk_acknowledged=None, absent=(), meeting_date=None):
        """The meeting, held today; the members not named ``absent`` attend. Expert opinions
        still pending are adopted first (Art. 29)."""
        self.adopt_opinions()
        user = self.people["secretary"]
        if risk_acknowledged is None:  # Art. 25 para. 2: a stated risk is put to the meeting
            risk_acknowledged = bool(selectors.stated_legal_risk(self.decision))
        away = [entry["member"] for entry in absent]
        members = [m for m in (self.people["member"], self.people["member2"]) if m not in away]
        positions = positions if positions is not None else {
            m: ("agree", "同意") for m in members}
        return self.run("collective_decision", user,
                        lambda task: services.decision_record_meeting(
                            decision=self.decision,
                            meeting_date=meeting_date or timezone.localdate(),
                            kind="leadership", head=self.people["head"], attendees=members,
                            positions=positions, head_decision=head_decision,
                            head_reason=head_reason, risk_acknowledged=risk_acknowledged,
                            absent=list(absent), acting_user=user, task=task))

    def publish(self, **overrides):
        """Published today, the adopted text, once reported to the Party committee (Art. 31)."""
        user = self.people["office"]
        today = timezone.localdate()
        kwargs = {"published_on": today, "published_text": self.decision.current_version.text,
                  "party_report_on": today, "party_report_ref": PARTY_REPORT_REF,
                  "adoption_explanation": "采纳了群众关于增加收运频次的意见。"}
        kwargs.update(overrides)
        return self.run("publication", user, lambda task: services.decision_publish(
            decision=self.decision, acting_user=user, task=task, **kwargs))
