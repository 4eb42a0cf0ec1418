"""The auditor verifies the audit chain from a page; the verification is itself an event."""

import re

import pytest

from decisions.models import AuditEvent
from workflows.flows import DecisionFlow

from .factories import Journey
from .http_client import logged_in
from .test_audit_chain import forging


def verify_url() -> str:
    return DecisionFlow.instance.reverse("audit_verify")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_auditor_reaches_the_verification_from_the_audit_trail_page(people):
    auditor = logged_in(people["auditor"])
    search = auditor.get(DecisionFlow.instance.reverse("audit_search")).content.decode()
    assert verify_url() in search
    page = auditor.get(verify_url())
    assert page.status_code == 200
    assert "验证审计链" in text(page)
    assert not AuditEvent.objects.filter(action="audit_chain_verify").exists(), (
        "opening the page verifies nothing; the button does")


def test_an_intact_chain_is_reported_with_its_head_and_the_verification_recorded(people):
    Journey(people).submit().accept()
    head = AuditEvent.objects.order_by("-sequence").first()
    count = AuditEvent.objects.count()
    response = logged_in(people["auditor"]).post(verify_url())
    assert response.status_code == 200
    shown = text(response)
    assert "审计链完整" in shown
    assert f"已验证 {count + 1} 个事件" in shown  # the auditor's login is one of them
    verification = AuditEvent.objects.get(action="audit_chain_verify")
    assert verification.actor == people["auditor"]
    verified = verification.after
    assert verified["ok"] is True and verified["events"] == count + 1
    assert verified["verified_sequence"] == verification.sequence - 1 > head.sequence
    assert verified["verified_sha256"] in shown and verification.prev_hash == (
        verified["verified_sha256"])
    assert f"第 #{verification.sequence} 号事件" in shown


def test_a_broken_chain_names_the_event_and_the_reason_in_chinese(people):
    Journey(people).submit()
    altered = AuditEvent.objects.get(action="decision_submit")
    with forging() as cursor:
        cursor.execute("UPDATE decisions_auditevent SET ip = %s WHERE id = %s",
                       ["10.0.0.66", altered.pk])
    response = logged_in(people["auditor"]).post(verify_url())
    shown = text(response)
    assert f"审计链在第 #{altered.sequence} 号事件处断开" in shown
    assert "内容与其哈希值不符（该事件被篡改）" in shown
    verification = AuditEvent.objects.get(action="audit_chain_verify")
    assert verification.after["ok"] is False
    assert verification.after["first_bad_sequence"] == altered.sequence
    assert verification.after["chain_problem"] == "hash"


@pytest.mark.parametrize("role", ["drafter", "office", "reviewer", "head", "secretary"])
def test_only_the_auditor_may_verify(people, role):
    client = logged_in(people[role])
    assert client.get(verify_url()).status_code == 403
    assert client.post(verify_url()).status_code == 403
    assert not AuditEvent.objects.filter(action="audit_chain_verify").exists()


def test_logged_out_visitors_are_sent_to_log_in(client, db):
    response = client.post(verify_url())
    assert response.status_code in (302, 403)
    assert not AuditEvent.objects.filter(action="audit_chain_verify").exists()
