"""Every path of the procedure, driven only through the REST API, one token per role."""

from decisions.models import AuditEvent

from .api import ALL_CONSULTATIONS, stages


def test_happy_path_with_every_consultation(api):
    created = api.propose(**ALL_CONSULTATIONS)
    pk = created["id"]
    assert created["stage"] == "initiation"
    assert created["status"] == "active"
    assert created["current_version"]["number"] == 1
    assert len(created["current_version"]["sha256"]) == 64
    assert [(t["stage"], t["owner"]) for t in created["open_tasks"]] == [
        ("initiation", "drafter")]

    after = api.submit(pk)
    assert after["stage"] == "acceptance"
    assert [(t["stage"], t["owner"], t["status"]) for t in after["open_tasks"]] == [
        ("acceptance", None, "new")]

    after = api.accept(pk, experts=["expert", "expert2"])
    assert after["stage"] == "public_participation"
    assert stages(after) == ["expert_input", "expert_input", "public_participation",
                             "risk_assessment"]
    assert {t["owner"] for t in after["open_tasks"] if t["stage"] == "expert_input"} == {
        "expert", "expert2"}

    after = api.participate(pk)
    assert after["stage"] == "expert_input"
    assert stages(after) == ["expert_input", "expert_input", "risk_assessment"]
    after = api.expert_opinion(pk, "expert")
    assert after["stage"] == "expert_input"
    after = api.expert_opinion(pk, "expert2")
    assert after["stage"] == "risk_assessment"
    assert stages(after) == ["risk_assessment"]

    after = api.assess_risk(pk)
    assert after["stage"] == "legal_review"
    # Art. 28: the legal adviser's opinion is a task of its own beside the reviewer's
    assert [(t["stage"], t["node"], t["owner"]) for t in after["open_tasks"]] == [
        ("legal_review", "counsel_opinion", "counsel"),
        ("legal_review", "legal_review", "reviewer")]

    after = api.review(pk)
    assert after["stage"] == "collective_decision"
    assert stages(after) == ["collective_decision"]

    after = api.meet(pk)
    assert after["stage"] == "publication"
    assert after["status"] == "active"

    after = api.publish(pk)
    assert after["stage"] == "archived"
    assert after["status"] == "published"
    assert after["open_tasks"] == []

    actors = set(AuditEvent.objects.filter(decision_id=pk).exclude(actor=None)
                 .values_list("actor__username", flat=True))
    assert {"drafter", "office", "expert", "expert2", "risk_assessor", "reviewer",
            "secretary"} <= actors
    ips = set(AuditEvent.objects.filter(decision_id=pk, action="meeting_record")
              .values_list("ip", flat=True))
    assert ips == {"127.0.0.1"}


def test_acceptance_return_goes_back_to_initiation(api):
    pk = api.propose()["id"]
    api.submit(pk)
    after = api.return_to_drafter(pk)
    assert after["stage"] == "initiation"
    assert [(t["stage"], t["owner"]) for t in after["open_tasks"]] == [
        ("initiation", "drafter")]
    after = api.submit(pk)
    assert after["stage"] == "acceptance"


def test_unlawful_goes_to_revision_then_legal_review(api):
    pk = api.to_review()
    after = api.review(pk, "unlawful")
    assert after["stage"] == "revision"
    assert [(t["stage"], t["node"], t["owner"]) for t in after["open_tasks"]] == [
        ("revision", "revision", "drafter")]
    version = after["current_version"]["number"]
    after = api.revise(pk)
    assert after["stage"] == "legal_review"
    assert after["current_version"]["number"] == version + 1
    after = api.review(pk)
    assert after["stage"] == "collective_decision"


def test_returned_for_material_goes_to_revision(api):
    pk = api.to_review()
    after = api.review(pk, "returned")
    assert after["stage"] == "revision"
    after = api.revise(pk)
    assert after["stage"] == "legal_review"
    # a new round: the legal adviser's opinion and the review (Art. 28)
    assert [t["node"] for t in after["open_tasks"]] == ["counsel_opinion", "legal_review"]


def test_risk_not_controllable_goes_to_revision_then_risk_assessment(api):
    pk = api.propose(needs_risk_assessment=True,
                     skip_reasons={"expert_input": "不涉及专业技术问题"})["id"]
    api.submit(pk)
    api.accept(pk)
    api.participate(pk)
    after = api.assess_risk(pk, controllable=False)
    assert after["stage"] == "revision"
    assert [(t["node"], t["stage"]) for t in after["open_tasks"]] == [
        ("revision_after_risk", "revision")]
    after = api.revise(pk, node="revision_after_risk")
    assert after["stage"] == "risk_assessment"
    after = api.assess_risk(pk)
    assert after["stage"] == "legal_review"


def test_head_revise_goes_to_revision_legal_review_and_back_to_the_meeting(api):
    pk = api.to_review()
    api.review(pk)
    after = api.meet(pk, "revise", head_reason="需进一步修改")
    assert after["stage"] == "revision"
    assert after["status"] == "active"
    after = api.revise(pk)
    assert after["stage"] == "legal_review"
    after = api.review(pk)
    assert after["stage"] == "collective_decision"
    after = api.meet(pk)
    assert after["stage"] == "publication"


def test_deferred_opens_a_new_collective_decision_task(api):
    pk = api.to_review()
    api.review(pk)
    first = api.task(pk, "collective_decision")
    after = api.meet(pk, "deferred", head_reason="待补充调研")
    assert after["stage"] == "collective_decision"
    [task] = after["open_tasks"]
    assert task["stage"] == "collective_decision"
    assert task["id"] != first["id"]
    assert task["status"] == "new"


def test_not_adopted_is_archived_with_status_not_adopted(api):
    pk = api.to_review()
    api.review(pk)
    positions = [{"member": "member", "position": "disagree", "reason": "成本过高"},
                 {"member": "member2", "position": "disagree", "reason": "时机不成熟"}]
    after = api.meet(pk, "not_adopted", positions=positions)
    assert after["stage"] == "archived"
    assert after["status"] == "not_adopted"
    assert after["open_tasks"] == []
