"""Drive the procedure through HTTP with Django's test client, one logged-in client per role.

No browser and no JavaScript: requests go straight to the views. The browser tests, in Chromium,
are in tests/chromium/.
"""

import datetime
import re

from django.test import Client
from django.utils import timezone

import config.urls  # noqa: F401  (builds the site's URL patterns, so flow nodes can reverse)
from decisions import selectors
from decisions.models import Decision
from workflows.flows import DecisionFlow

from .factories import PASSWORD, open_task, proposal, refreshed


def start_url() -> str:
    return DecisionFlow.start.reverse("execute")


def task_url(task, action="execute") -> str:
    return task.flow_task.reverse(action, args=[task.process_id, task.pk])


def decision_url(decision) -> str:
    return DecisionFlow.instance.reverse("process_detail", args=[decision.process_id])


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def proposal_form(**overrides) -> dict:
    data = proposal(**overrides)
    form = {
        "title": data["title"], "proposal_source": data["proposal_source"],
        "lead_unit": data["lead_unit"], "problem": data["problem"],
        "legal_basis": "\n".join(data["legal_basis"]), "plan": data["plan"],
        "necessity": data["necessity"], "draft_text": data["draft_text"],
        "participation_skip_ground": data.get("participation_skip_ground", ""),
        "participation_skip_basis": data.get("participation_skip_basis", ""),
        "skip_expert_input": data["skip_reasons"].get("expert_input", ""),
        "skip_risk_assessment": data["skip_reasons"].get("risk_assessment", ""),
        "catalogue_item": getattr(data.get("catalogue_item"), "pk", data.get("catalogue_item"))
        or "",
        "outside_catalogue_reason": data.get("outside_catalogue_reason", ""),
    }
    for flag in ("needs_public_participation", "needs_expert_input", "needs_risk_assessment",
                 "exploratory_reform"):
        if data.get(flag):
            form[flag] = "on"
    return form


def comments_formset(comments) -> dict:
    """The comment rows as the page posts them; a row names its consultation (the first unless
    it says)."""
    data = {"comments-TOTAL_FORMS": str(len(comments)), "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000"}
    for n, comment in enumerate(comments):
        for key, value in {"consultation": "1", **comment}.items():
            data[f"comments-{n}-{key}"] = value
    return data


def consultations_formset(consultations) -> dict:
    """The consultation rows as the page posts them (Arts. 14-17)."""
    data = {"consultations-TOTAL_FORMS": str(len(consultations)),
            "consultations-INITIAL_FORMS": "0", "consultations-MIN_NUM_FORMS": "1",
            "consultations-MAX_NUM_FORMS": "100"}
    for n, consultation in enumerate(consultations):
        for key, value in consultation.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"consultations-{n}-{key}"] = value
    return data


class Office:
    """A web session per role, completing tasks through the task forms."""

    def __init__(self, people: dict):
        self.people = people
        self.clients = {name: logged_in(user) for name, user in people.items()}
        self.decision = None

    def client(self, role: str) -> Client:
        return self.clients[role]

    # Each step: find the open task, claim it if it sits in the queue, post the stage's form.

    def propose(self, **overrides) -> Decision:
        response = self.client("drafter").post(start_url(), proposal_form(**overrides))
        assert response.status_code == 302, _errors(response)
        self.decision = Decision.objects.latest("id")
        return self.decision

    def complete(self, node_name: str, role: str, data: dict, expect=302):
        user = self.people[role]
        task = open_task(self.decision, node_name, owner=user)
        client = self.client(role)
        if task.owner_id is None:
            response = client.post(task_url(task, "assign"))
            assert response.status_code == 302, f"claim refused: {response.status_code}"
        response = client.post(task_url(task), data)
        assert response.status_code == expect, _errors(response)
        self.decision = refreshed(self.decision)
        return response

    def submit(self, **changes):
        data = proposal_form()
        data.pop("draft_text")
        data.update(changes)
        return self.complete("initiation", "drafter", data)

    def accept(self, experts=(), risk_assessor=None, confirm_skip=True, expect=302, **extra):
        data = {"outcome": "accept", "lead_unit": self.decision.lead_unit,
                "reviewer": self.people["reviewer"].pk, "counsel": self.people["counsel"].pk}
        if experts:
            data["experts"] = [self.people[e].pk for e in experts]
        if risk_assessor:
            data["risk_assessor"] = self.people[risk_assessor].pk
        if confirm_skip and not self.decision.needs_public_participation:
            data["participation_skip_confirmed"] = "on"  # Art. 14: the office confirms
        data.update(extra)
        return self.complete("acceptance", "office", data, expect=expect)

    def return_to_drafter(self, reason="材料不全，请补充依据清单"):
        return self.complete("acceptance", "office", {
            "outcome": "return", "reason": reason, "lead_unit": self.decision.lead_unit})

    def participate(self, days=30, shortening_reason="", expect=302):
        start = datetime.date(2025, 12, 1)  # closed before any day a test travels to
        data = consultations_formset([{
            "method": "online", "window_start": start.isoformat(),
            "window_end": (start + datetime.timedelta(days=days - 1)).isoformat(),
            "shortening_reason": shortening_reason}])
        data.update(comments_formset([{"source": "村民代表", "text": "建议增加收运频次",
                                       "adoption": "adopted", "reason": "意见合理"}]))
        return self.complete("public_participation", "drafter", data, expect=expect)

    def expert_opinion(self, role="expert", signature=None, expect=302):
        user = self.people[role]
        return self.complete("expert_input", role, {
            "opinion": "方案总体可行，建议明确资金来源。",
            "signature": signature or user.get_full_name() or user.username,
            "declares_no_interest": "on"}, expect=expect)

    def assess_risk(self, controllable=True):
        return self.complete("risk_assessment", "risk_assessor", {
            "risk_points": "部分群众对收费存在顾虑", "measures": "公开收费标准",
            "response_plan": "设立投诉电话并由村社干部上门解释",
            "controllable": "yes" if controllable else "no"})

    def counsel_opinion(self, reviewed_version=None, expect=302, **changes):
        """The legal adviser signs his own opinion on the draft under review (Art. 28)."""
        user = self.people["counsel"]
        data = {"reviewed_version": reviewed_version or self.decision.current_version.sha256,
                "opinion": "建议进一步明确收费依据，其余未发现与上位法相抵触之处。",
                "signature": user.get_full_name() or user.username,
                "declares_no_interest": "on"}
        data.update(changes)
        return self.complete("counsel_opinion", "counsel", data, expect=expect)

    def review(self, outcome="lawful", reviewed_version=None, risk_statement="", expect=302,
               role="reviewer", counsel_first=True):
        """A round of review: the legal adviser's opinion first (unless ``counsel_first`` is
        False), then the reviewer's."""
        if counsel_first:
            self.counsel_opinion()
        return self.complete("legal_review", role, {
            "reviewed_version": reviewed_version or self.decision.current_version.sha256,
            "outcome": outcome, "opinion_authority": "决策主体适格，属于本镇职权范围",
            "opinion_procedure": "已履行公众参与程序", "opinion_content": "内容不违反法律法规",
            "risk_statement": risk_statement}, expect=expect)

    def revise(self, node_name="revision", text=None, expect=302):
        text = text or self.decision.current_version.text + "\n第三条 （根据审查意见修改）"
        return self.complete(node_name, "drafter", {
            "draft_text": text,
            "response": "已按审查意见修改；关于收费标准的意见，因已有上位法依据，未予采纳。"},
            expect=expect)

    def adopt_opinions(self):
        """On the decision page the lead unit says, for each expert opinion still pending, that
        it was adopted (Art. 21): the package for the meeting needs it (Art. 29)."""
        for opinion in self.decision.expert_opinions.filter(adoption="pending"):
            url = DecisionFlow.instance.reverse(
                "opinion_adoption", args=[self.decision.process_id, opinion.pk])
            response = self.client("drafter").post(
                url, {"adoption": "adopted", "reason": "意见合理，已采纳"})
            assert response.status_code == 302, _errors(response)
        self.decision = refreshed(self.decision)

    def meet(self, head_decision="adopted", positions=None, head_reason="", attendees=None,
             expect=302, risk_acknowledged=True, absent=None, meeting_date=None):
        """The meeting, held today; a member not attending is absent, for the reason in
        ``absent`` (by login) or a business trip. Expert opinions still pending are adopted
        first."""
        self.adopt_opinions()
        members = attendees or ["member", "member2"]
        data = {"meeting_date": meeting_date or timezone.localdate().isoformat(),
                "meeting_kind": "leadership",
                "head": self.people["head"].pk,
                "attendees": [self.people[m].pk for m in members],
                "head_decision": head_decision, "head_reason": head_reason}
        if risk_acknowledged and selectors.stated_legal_risk(self.decision):
            data["risk_acknowledged"] = "on"  # Art. 25 para. 2: the risk was put to the meeting
        for member in ("member", "member2"):
            if member not in members:
                data[f"absence_{self.people[member].pk}"] = (absent or {}).get(member, "出差")
        positions = positions if positions is not None else {m: "agree" for m in members}
        for member, position in positions.items():
            pk = self.people[member].pk
            data[f"position_{pk}"] = position
            data[f"reason_{pk}"] = "同意方案" if position == "agree" else "有保留意见"
        return self.complete("collective_decision", "secretary", data, expect=expect)

    def publish(self, expect=302, **extra):
        today = timezone.localdate().isoformat()
        data = {"party_report_on": today, "party_report_ref": "季家委请〔2026〕12号",
                "published_on": today, "published_text": self.decision.current_version.text,
                "adoption_explanation": "采纳了村民关于增加收运频次的意见。"}
        data.update(extra)
        return self.complete("publication", "office", data, expect=expect)


def _errors(response) -> str:
    """The form errors of a refused post, for a readable assertion message."""
    content = response.content.decode("utf-8", "replace")
    error_classes = ("errorlist|juece-error|mdc-text-field-helper-text--validation-msg"
                     "|vf-field__error")
    found = re.findall(rf'class="[^"]*(?:{error_classes})[^"]*"[^>]*>(.*?)</', content, re.S)
    return f"status {response.status_code}; errors: {found or content[:1500]}"


def http_at_meeting(people) -> Office:
    """A decision taken through the pages up to its meeting: proposed, accepted, consulted,
    found lawful."""
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    office.review("lawful")
    return office
