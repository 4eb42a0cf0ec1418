"""The two doors ask the same: for each stage, the same incomplete input posted to the stage form
and to the API is refused with the same field errors (the API's names mapped through
``decisions.commands.API_NAMES``), and nothing is recorded."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from viewflow.workflow.status import STATUS

from decisions.commands import API_NAMES
from decisions.models import AuditEvent, Decision
from decisions.rulebook import Stage

from .api import ALL_CONSULTATIONS, PASSWORD, proposal
from .factories import open_task
from .http_client import consultations_formset, proposal_form, start_url, task_url


def form_errors(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return set(response.context["form"].errors) - {"__all__"}


def api_errors(response, stage=None) -> set[str]:
    assert response.status_code == 400, response.content
    names = API_NAMES.get(stage, {})
    return {names.get(key, key) for key in response.json()} - {"non_field_errors"}


def web(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def refused_alike(api, username, pk, node, stage, form_data, api_body) -> set[str]:
    """Post the input through both doors; both refuse it with these field errors."""
    decision = Decision.objects.get(pk=pk)
    user = get_user_model().objects.get(username=username)
    task = open_task(decision, node, owner=user)
    if task.owner_id is None:
        assert api.post(username, f"/api/v1/tasks/{task.pk}/claim/").status_code == 200
    client = web(username)
    events = AuditEvent.objects.count()
    through_form = form_errors(client.post(task_url(task), form_data))
    through_api = api_errors(api.post(username, f"/api/v1/tasks/{task.pk}/complete/", api_body),
                             stage)
    assert through_form == through_api
    assert AuditEvent.objects.count() == events
    task.refresh_from_db()
    assert task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
    return through_form


def test_propose(api):
    form = proposal_form()
    del form["necessity"]
    body = proposal()
    body.pop("necessity")
    decisions = Decision.objects.count()
    through_form = form_errors(web("drafter").post(start_url(), form))
    assert through_form == api_errors(api.post("drafter", "/api/v1/decisions/", body))
    assert through_form == {"necessity"}
    assert Decision.objects.count() == decisions


def test_initiation(api):
    pk = api.propose()["id"]
    form = proposal_form(necessity="")
    del form["draft_text"]
    body = proposal(necessity="")
    body.pop("draft_text")
    assert refused_alike(api, "drafter", pk, "initiation", Stage.INITIATION,
                         form, body) == {"necessity"}


def test_acceptance(api):
    pk = api.propose()["id"]
    api.submit(pk)
    assert refused_alike(api, "office", pk, "acceptance", Stage.ACCEPTANCE,
                         {"outcome": "accept", "lead_unit": "农业服务中心"},
                         {"outcome": "accept", "lead_unit": "农业服务中心"}
                         ) == {"reviewer", "counsel"}


def consultation_errors(response, stage=None) -> set[str]:
    """The field errors of each consultation, as ``consultations.<i>.<field>``: the page's
    rows (the form's own errors besides) and the API's nested list alike."""
    if response.status_code == 400:
        body = response.json()
        names = {published: name for published, name in API_NAMES.get(stage, {}).items()}
        return {f"consultations.{i}.{names.get(key, key)}"
                for i, item in enumerate(body.pop("consultations", [])) for key in item
                } | {names.get(key, key) for key in body}
    assert response.status_code == 200, response.status_code
    rows = response.context["consultations"].forms
    return form_errors(response) | {f"consultations.{i}.{key}" for i, row in enumerate(rows)
                                    for key in row.errors if key != "__all__"}


@pytest.mark.parametrize(("first", "second", "refused"), [
    ({"method": "online", "window_start": "2026-03-01"}, None,
     {"consultations.0.window_end"}),
    ({"method": "online", "window_start": "2026-03-01", "window_end": "2026-03-31"},
     {"method": "hearing", "window_start": "2026-03-20", "window_end": "2026-03-20",
      "hearing_on": "2026-03-20", "notice": "3月20日9时在镇政府举行"},
     {"consultations.1.materials_sent_on", "consultations.1.record_confirmed"}),
], ids=["the window's end", "a hearing's materials and record"])
def test_public_participation(api, first, second, refused):
    """Each consultation's fields are refused alike, whether the door (a required date) or
    the service (a hearing's own fields, Arts. 16-17) finds them missing."""
    pk = api.propose()["id"]
    api.submit(pk)
    api.accept(pk)
    consultations = [first] + ([second] if second else [])
    form = {**consultations_formset(consultations),
            "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0"}
    decision = Decision.objects.get(pk=pk)
    drafter = get_user_model().objects.get(username="drafter")
    task = open_task(decision, "public_participation", owner=drafter)
    if task.owner_id is None:
        assert api.post("drafter", f"/api/v1/tasks/{task.pk}/claim/").status_code == 200
    client = web("drafter")
    events = AuditEvent.objects.count()
    through_form = consultation_errors(client.post(task_url(task), form))
    through_api = consultation_errors(api.post(
        "drafter", f"/api/v1/tasks/{task.pk}/complete/", {"consultations": consultations}),
        Stage.PUBLIC_PARTICIPATION)
    assert through_form == through_api == refused
    assert AuditEvent.objects.count() == events


def _consulting(api) -> int:
    pk = api.propose(**ALL_CONSULTATIONS)["id"]
    api.submit(pk)
    api.accept(pk)
    return pk


def test_expert_input(api):
    pk = _consulting(api)
    data = {"opinion": "方案可行。"}
    assert refused_alike(api, "expert", pk, "expert_input", Stage.EXPERT_INPUT,
                         {**data, "declares_no_interest": "on"},
                         {**data, "declares_no_interest": True}) == {"signature"}


def test_risk_assessment(api):
    pk = _consulting(api)
    data = {"risk_points": "群众对收费有顾虑", "response_plan": "设立投诉电话"}
    assert refused_alike(api, "risk_assessor", pk, "risk_assessment", Stage.RISK_ASSESSMENT,
                         data, data) == {"measures", "controllable"}


def test_legal_review_asks_each_of_the_three_opinions(api):
    """The overall conclusion (the API's published `opinion`) no longer stands in for them."""
    pk = api.to_review()
    version = api.decision(pk)["current_version"]["sha256"]
    form = {"reviewed_version": version, "outcome": "lawful", "conclusion": "合法。"}
    body = {"reviewed_version": version, "outcome": "lawful", "opinion": "合法。"}
    assert refused_alike(api, "reviewer", pk, "legal_review", Stage.LEGAL_REVIEW,
                         form, body) == {"opinion_authority", "opinion_procedure",
                                         "opinion_content"}


def test_revision(api):
    pk = api.to_review()
    api.review(pk, outcome="unlawful")
    data = {"draft_text": "第一条 修改稿"}
    assert refused_alike(api, "drafter", pk, "revision", Stage.REVISION,
                         data, data) == {"response"}


def _at_the_meeting(api) -> int:
    pk = api.to_review()
    api.review(pk)
    return pk


def test_collective_decision(api):
    pk = _at_the_meeting(api)
    users = {u.username: u.pk for u in get_user_model().objects.all()}
    form = {"meeting_date": timezone.localdate().isoformat(), "meeting_kind": "leadership",
            "attendees": [users["member"]], f"position_{users['member']}": "agree",
            f"reason_{users['member']}": "同意", f"absence_{users['member2']}": "出差"}
    body = api.meeting_body(attendees=["member"], positions=[
        {"member": "member", "position": "agree", "reason": "同意"}],
        absent=[{"member": "member2", "reason": "出差"}])
    del body["head"], body["head_decision"]
    assert refused_alike(api, "secretary", pk, "collective_decision", Stage.COLLECTIVE_DECISION,
                         form, body) == {"head", "head_decision"}


def test_publication(api):
    pk = _at_the_meeting(api)
    api.meet(pk)
    today = timezone.localdate().isoformat()
    data = {"published_on": today, "party_report_on": today,
            "party_report_ref": "季家委请〔2026〕12号"}
    assert refused_alike(api, "office", pk, "publication", Stage.PUBLICATION,
                         data, data) == {"adoption_explanation"}
