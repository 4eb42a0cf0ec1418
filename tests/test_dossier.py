"""The archive dossier (Art. 33): built from a decision that went through every stage, checked
offline, and failing the check when a single byte changes."""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pypdf import PdfReader

from decisions.audit import canonical
from decisions.dossier import check as dossier_check
from decisions.models import AuditEvent, Decision
from decisions.records.drafts import draft_sha256
from workflows.flows import DecisionFlow

from .http_client import Office, proposal_form, start_url

PROJECT = Path(settings.BASE_DIR)
TITLE = "季家镇农村人居环境整治三年行动方案"


def dossier_url(decision) -> str:
    return DecisionFlow.instance.reverse("dossier", args=[decision.process_id])


@pytest.fixture
def office(people):
    """A decision through every stage by HTTP: an attachment, public participation, two
    experts, a risk assessment, unlawful then revised then lawful, a meeting with a dissent,
    publication."""
    office = Office(people)
    upload = SimpleUploadedFile("资金测算表.csv", "项目,金额\n收运车辆,120000\n".encode(),
                                content_type="text/csv")
    response = office.client("drafter").post(start_url(), {
        **proposal_form(needs_expert_input=True, needs_risk_assessment=True, skip_reasons={}),
        "attachments": upload})
    assert response.status_code == 302
    office.decision = Decision.objects.latest("id")
    office.submit(needs_expert_input="on", needs_risk_assessment="on")
    office.accept(experts=["expert", "expert2"], risk_assessor="risk_assessor")
    office.participate()
    office.expert_opinion("expert")
    office.expert_opinion("expert2")
    office.assess_risk(controllable=True)
    office.review("unlawful")
    office.revise()
    office.review("lawful")
    office.meet("adopted", positions={"member": "agree", "member2": "disagree"},
                head_reason="资金已落实，群众期盼强烈")
    office.publish()
    return office


def download(office, role="auditor") -> bytes:
    response = office.client(role).get(dossier_url(office.decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def verify(path) -> int:
    """``manage.py dossier_verify``'s exit code."""
    try:
        call_command("dossier_verify", str(path), stdout=io.StringIO())
    except SystemExit as exit_:
        return exit_.code
    return 0


def with_one_byte_changed(archive: bytes, member: str) -> bytes:
    """The same ZIP, but with one byte of ``member`` changed (the size stays the same)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                middle = len(content) // 2
                content = content[:middle] + bytes([content[middle] ^ 0x01]) + content[
                    middle + 1:]
            target.writestr(info, content)
    return out.getvalue()


def test_dossier_round_trips_and_fails_when_one_byte_changes(office, tmp_path):
    archive = download(office)
    path = tmp_path / "dossier.zip"
    path.write_bytes(archive)
    assert verify(path) == 0
    report = dossier_check.check_dossier(path)
    assert report.ok, report.problems
    assert report.versions == 2 and report.attachments == 2

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        record = json.loads(z.read("decision.json"))
    assert {"decision.json", "events.json", "summary.pdf", "drafts/v1.txt", "drafts/v2.txt",
            "attachments/v1/资金测算表.csv", "attachments/v2/资金测算表.csv",
            "manifest.json", "manifest.sha256"} == names
    assert [r["outcome"] for r in record["reviews"]] == ["unlawful", "lawful"]
    assert len(record["expert_opinions"]) == 2
    assert [p["position"] for p in record["meetings"][0]["positions"]] == ["agree", "disagree"]
    assert record["publication"]["draft_version"] == 2

    for member in ("drafts/v1.txt", "summary.pdf", "events.json", "decision.json",
                   "attachments/v1/资金测算表.csv", "manifest.json"):
        broken = tmp_path / "broken.zip"
        broken.write_bytes(with_one_byte_changed(archive, member))
        assert verify(broken) == 1, member
        problems = dossier_check.check_dossier(broken).problems
        assert any(problem.startswith(member) for problem in problems), (member, problems)


def test_every_download_is_an_event_with_the_manifest_digest(office):
    first = download(office)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        digest = hashlib.sha256(z.read("manifest.json")).hexdigest()
        assert z.read("manifest.sha256").decode().split()[0] == digest
    event = AuditEvent.objects.filter(decision=office.decision).latest("sequence")
    assert event.action == "dossier_export"
    assert event.actor == office.people["auditor"]
    assert event.after["manifest_sha256"] == digest

    second = download(office, role="office")
    with zipfile.ZipFile(io.BytesIO(second)) as z:
        events = json.loads(z.read("events.json"))
    assert events[-1]["action"] == "dossier_export"
    assert events[-1]["after"]["manifest_sha256"] == digest
    assert AuditEvent.objects.filter(decision=office.decision,
                                     action="dossier_export").count() == 2


def test_summary_is_chinese_with_an_embedded_font(office):
    with zipfile.ZipFile(io.BytesIO(download(office))) as z:
        pdf = z.read("summary.pdf")
        record = json.loads(z.read("decision.json"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for words in (TITLE, "合法性审查", "集体讨论决定", "不同意", "决策公布",
                  record["versions"][1]["sha256"]):
        assert words in text.replace("\n", ""), words
    assert b"/FontFile2" in pdf


def test_outsider_gets_404_and_the_refusal_is_recorded(office):
    before = AuditEvent.objects.filter(action="dossier_export").count()
    response = office.client("drafter2").get(dossier_url(office.decision))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="dossier_export").count() == before
    assert AuditEvent.objects.filter(decision=office.decision, action="access_refused",
                                     actor=office.people["drafter2"]).exists()


def test_verify_runs_without_a_database(office, tmp_path):
    path = tmp_path / "dossier.zip"
    path.write_bytes(download(office))
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/no_such_database",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "manage.py", "dossier_verify", str(path)],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK")

    broken = tmp_path / "broken.zip"
    broken.write_bytes(with_one_byte_changed(path.read_bytes(), "drafts/v2.txt"))
    done = subprocess.run([sys.executable, "manage.py", "dossier_verify", str(broken)],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "drafts/v2.txt" in done.stdout

    bare = {key: value for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    done = subprocess.run([sys.executable, "-m", "decisions.dossier.check", str(path)],
                          cwd=PROJECT, env=bare, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("text, attachments", [
    ("第一条 为改善农村人居环境，制定本方案。\n", []),
    ("v2 \"quoted\" \\ text", [("资金测算表.csv", "a" * 64), ("b.pdf", "0" * 64)]),
])
def test_offline_seal_rules_are_the_application_rules(text, attachments):
    assert dossier_check.draft_sha256(text, attachments) == draft_sha256(text, attachments)
    fields = {"sequence": 7, "occurred_at": "2026-05-10T02:00:00.000001+00:00", "actor": 3,
              "actor_name": "审计", "ip": None, "action": "x", "decision": 1, "task": None,
              "stage": "", "before": {"键": [1, 2.5, True]}, "after": {"text": text},
              "prev_hash": "0" * 64}
    assert dossier_check.event_hash(fields) == hashlib.sha256(canonical(fields)).hexdigest()


def test_the_offline_check_imports_no_django():
    code = ("import sys, decisions.dossier.check; "
            "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True,
                          timeout=60)
    assert done.returncode == 0
