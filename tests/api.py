"""Driving decisions through the REST API only: one token per role, each stage's body."""

import datetime

from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

PASSWORD = "api-test-pass-9"

#: login -> role; the users every API test provisions with ``add_user``.
USERS = {
    "drafter": "drafter", "drafter2": "drafter", "office": "office", "reviewer": "reviewer",
    "reviewer2": "reviewer", "counsel": "counsel",
    "counsel2": "counsel", "expert": "expert", "expert2": "expert",
    "risk_assessor": "risk_assessor", "member": "member", "member2": "member",
    "secretary": "secretary", "head": "head", "auditor": "auditor",
}


def today() -> str:
    """Today in the deployment's time zone, as the API writes a date."""
    return timezone.localdate().isoformat()


def proposal(**overrides) -> dict:
    data = {
        "title": "季家镇农村人居环境整治三年行动方案",
        "proposal_source": "leader",
        "lead_unit": "农业服务中心",
        "problem": "部分村社生活垃圾收运不及时，群众反映强烈。",
        "legal_basis": ["《中华人民共和国固体废物污染环境防治法》"],
        "plan": "三年内实现垃圾收运全覆盖。",
        # Required since issue 9 (Art. 10): the problem text no longer stands in for it.
        "necessity": "改善人居环境是群众的迫切需要，镇财力可以承担。",
        "draft_text": "第一条 为改善农村人居环境，制定本方案。",
        "needs_public_participation": True,
        "needs_expert_input": False,
        "needs_risk_assessment": False,
        "skip_reasons": {"expert_input": "不涉及专业技术问题",
                         "risk_assessment": "不涉及社会稳定风险"},
        # Art. 3 para. 3: outside the year's catalogue, unless the test names an item.
        "outside_catalogue_reason": ("" if "catalogue_item" in overrides
                                     else "年初编制目录时尚未提出，经镇长办公会研究启动。"),
    }
    data.update(overrides)
    return data


ALL_CONSULTATIONS = {"needs_expert_input": True, "needs_risk_assessment": True,
                     "skip_reasons": {}}


class Api:
    """One authenticated client per login, tokens from POST /api/v1/auth/token/."""

    def __init__(self):
        self.clients: dict[str, APIClient] = {}
        for username in USERS:
            client = APIClient()
            response = client.post("/api/v1/auth/token/",
                                   {"username": username, "password": PASSWORD}, format="json")
            assert response.status_code == 200, response.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
            self.clients[username] = client

    def __getitem__(self, username) -> APIClient:
        return self.clients[username]

    def get(self, username, url, **params):
        return self.clients[username].get(url, params)

    def post(self, username, url, data=None):
        return self.clients[username].post(url, data if data is not None else {}, format="json")

    def decision(self, pk, username="auditor") -> dict:
        response = self.get(username, f"/api/v1/decisions/{pk}/")
        assert response.status_code == 200, response.content
        return response.json()

    def task(self, pk, node, username="auditor") -> dict:
        tasks = [t for t in self.decision(pk, username)["open_tasks"] if t["node"] == node]
        assert tasks, f"no open {node} task: {self.decision(pk, username)['open_tasks']}"
        return tasks[0]

    def complete(self, username, pk, node, body, expect=200, owner=None):
        tasks = [t for t in self.decision(pk)["open_tasks"]
                 if t["node"] == node and (owner is None or t["owner"] in (None, owner))]
        assert tasks, f"no open {node} task"
        response = self.post(username, f"/api/v1/tasks/{tasks[0]['id']}/complete/", body)
        assert response.status_code == expect, response.content
        return response.json()

    # One call per stage, with a valid body.

    def propose(self, username="drafter", **overrides) -> dict:
        response = self.post(username, "/api/v1/decisions/", proposal(**overrides))
        assert response.status_code == 201, response.content
        return response.json()

    def submit(self, pk):
        return self.complete("drafter", pk, "initiation", {})

    def accept(self, pk, experts=("expert",), **extra):
        decision = self.decision(pk)
        body = {"outcome": "accept", "reviewer": "reviewer", "counsel": "counsel"}
        if decision["needs_expert_input"]:
            body["experts"] = list(experts)
        if decision["needs_risk_assessment"]:
            body["risk_assessor"] = "risk_assessor"
        if not decision["needs_public_participation"]:
            body["participation_skip_confirmed"] = True  # Art. 14: the office confirms
        body.update(extra)
        return self.complete("office", pk, "acceptance", body)

    def return_to_drafter(self, pk):
        return self.complete("office", pk, "acceptance", {"outcome": "return",
                                                          "reason": "材料不全"})

    def participate(self, pk):
        return self.complete("drafter", pk, "public_participation", {
            "method": "online", "window_start": "2025-12-01", "window_end": "2025-12-30",
            "comments": [{"source": "村民张某", "text": "建议增加收运频次", "adopted": True,
                          "reason": "合理"}]})

    def expert_opinion(self, pk, expert="expert"):
        return self.complete(expert, pk, "expert_input",
                             {"opinion": "方案可行。", "signature": expert,
                              "declares_no_interest": True}, owner=expert)

    def assess_risk(self, pk, controllable=True):
        return self.complete("risk_assessor", pk, "risk_assessment", {
            "risk_points": "群众对收费有顾虑", "measures": "公开收费标准",
            "response_plan": "设立投诉电话", "controllable": controllable})

    def review_body(self, pk, outcome="lawful", **extra) -> dict:
        # The three opinions are required since issue 9; `opinion` is the overall conclusion.
        body = {"outcome": outcome, "opinion": "主体适格，程序完备，内容合法。",
                "opinion_authority": "决策主体适格", "opinion_procedure": "程序完备",
                "opinion_content": "内容合法",
                "reviewed_version": self.decision(pk)["current_version"]["sha256"]}
        body.update(extra)
        return body

    def counsel_opinion(self, pk, expect=200, **extra):
        """The legal adviser signs his own opinion on the draft under review (Art. 28)."""
        body = {"opinion": "主体适格，程序完备，未发现与上位法相抵触之处。", "signature": "counsel",
                "reviewed_version": self.decision(pk)["current_version"]["sha256"],
                "declares_no_interest": True}
        body.update(extra)
        return self.complete("counsel", pk, "counsel_opinion", body, expect=expect)

    def review(self, pk, outcome="lawful", expect=200, counsel_first=True, **extra):
        """A round of review: the legal adviser's opinion first (unless ``counsel_first`` is
        False), then the reviewer's."""
        if counsel_first:
            self.counsel_opinion(pk)
        return self.complete("reviewer", pk, "legal_review",
                             self.review_body(pk, outcome, **extra), expect=expect)

    def revise(self, pk, node="revision"):
        text = f"第一条 修改稿 {datetime.datetime.now().isoformat()}"  # noqa: DTZ005
        return self.complete("drafter", pk, node, {"draft_text": text,
                                                   "response": "已按意见修改"})

    def meeting_body(self, head_decision="adopted", positions=None, **extra) -> dict:
        body = {"meeting_date": today(), "meeting_kind": "leadership", "head": "head",
                "attendees": ["member", "member2"],
                "positions": positions if positions is not None else [
                    {"member": "member", "position": "agree", "reason": "同意"},
                    {"member": "member2", "position": "agree", "reason": "同意"}],
                "head_decision": head_decision, "head_reason": ""}
        body.update(extra)
        return body

    def adopt_opinions(self, pk):
        """The lead unit says, for each expert opinion still pending, that it was adopted
        (Art. 21): the package for the meeting needs it (Art. 29)."""
        for opinion in self.decision(pk)["expert_opinions"]:
            if opinion["adoption"] == "pending":
                response = self.post(
                    "drafter", f"/api/v1/decisions/{pk}/expert-opinions/{opinion['id']}/adoption/",
                    {"adoption": "adopted", "reason": "意见合理，已采纳"})
                assert response.status_code == 200, response.content

    def meet(self, pk, head_decision="adopted", expect=200, adopt=True, **extra):
        """The meeting, held today; expert opinions still pending are adopted first."""
        if adopt:
            self.adopt_opinions(pk)
        return self.complete("secretary", pk, "collective_decision",
                             self.meeting_body(head_decision, **extra), expect=expect)

    def publication_body(self, **extra) -> dict:
        """Published today, the adopted text (left out: the adopted version's is published),
        once reported to the Party committee (Art. 31)."""
        body = {"published_on": today(), "party_report_on": today(),
                "party_report_ref": "季家委请〔2026〕12号",
                "adoption_explanation": "采纳了群众关于增加收运频次的意见。"}
        body.update(extra)
        return body

    def publish(self, pk, expect=200, **extra):
        return self.complete("office", pk, "publication", self.publication_body(**extra),
                             expect=expect)

    def to_review(self, **overrides) -> int:
        """A decision proposed, accepted and consulted: waiting for its legality review."""
        pk = self.propose(**overrides)["id"]
        self.submit(pk)
        self.accept(pk)
        decision = self.decision(pk)
        if decision["needs_public_participation"]:
            self.participate(pk)
        if decision["needs_expert_input"]:
            self.expert_opinion(pk)
        if decision["needs_risk_assessment"]:
            self.assess_risk(pk)
        return pk


def provision() -> None:
    for username, role in USERS.items():
        call_command("add_user", username, role=role, password=PASSWORD)



def stages(decision: dict) -> list[str]:
    return sorted(t["stage"] for t in decision["open_tasks"])
