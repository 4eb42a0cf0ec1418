"""Full lifecycles through HTTP, a separate logged-in user per role."""

from decisions.models import AuditEvent, LegalReview
from decisions.rulebook import DecisionStatus, Stage

from .http_client import Office, decision_url


def test_happy_path(people):
    office = Office(people)
    decision = office.propose(needs_expert_input=True, needs_risk_assessment=True,
                              skip_reasons={})
    assert decision.stage == Stage.INITIATION
    office.submit(needs_expert_input="on", needs_risk_assessment="on")
    assert office.decision.stage == Stage.ACCEPTANCE
    office.accept(experts=["expert", "expert2"], risk_assessor="risk_assessor")
    assert office.decision.stage == Stage.PUBLIC_PARTICIPATION
    office.participate()
    assert office.decision.stage == Stage.EXPERT_INPUT
    office.expert_opinion("expert")
    office.expert_opinion("expert2")
    assert office.decision.stage == Stage.RISK_ASSESSMENT
    office.assess_risk(controllable=True)
    assert office.decision.stage == Stage.LEGAL_REVIEW
    office.review("lawful")
    assert office.decision.stage == Stage.COLLECTIVE_DECISION
    office.meet("adopted")
    assert office.decision.stage == Stage.PUBLICATION
    office.publish()
    assert office.decision.stage == Stage.ARCHIVED
    assert office.decision.status == DecisionStatus.PUBLISHED
    page = office.client("auditor").get(decision_url(office.decision))
    assert page.status_code == 200
    assert office.decision.title in page.content.decode()


def test_unlawful_revised_lawful_adopted(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    first = office.decision.current_version
    office.review("unlawful")
    assert office.decision.stage == Stage.REVISION
    office.revise()
    assert office.decision.stage == Stage.LEGAL_REVIEW
    assert office.decision.current_version.number == first.number + 1
    office.review("lawful")
    office.meet("adopted")
    office.publish()
    assert office.decision.status == DecisionStatus.PUBLISHED
    reviews = list(LegalReview.objects.filter(decision=office.decision).order_by("id"))
    assert [r.outcome for r in reviews] == ["unlawful", "lawful"]
    assert reviews[0].draft_version_id == first.pk
    assert reviews[1].draft_version_id == office.decision.current_version_id


def test_returned_for_more_material(people):
    office = Office(people)
    office.propose(exploratory_reform=True)
    office.submit(exploratory_reform="on")
    office.accept()
    office.participate()
    office.review("returned")
    assert office.decision.stage == Stage.REVISION
    office.revise()
    office.review("lawful_with_risk", risk_statement="收费依据属探索性改革，存在一定法律风险")
    assert office.decision.stage == Stage.COLLECTIVE_DECISION


def test_office_returns_proposal_then_accepts(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.return_to_drafter()
    assert office.decision.stage == Stage.INITIATION
    office.submit()
    office.accept()
    assert office.decision.stage == Stage.PUBLIC_PARTICIPATION


def test_head_not_adopting_archives_without_publication(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    office.review("lawful")
    office.meet("not_adopted", positions={"member": "disagree", "member2": "disagree"})
    assert office.decision.stage == Stage.ARCHIVED
    assert office.decision.status == DecisionStatus.NOT_ADOPTED
    assert not hasattr(office.decision, "publication") or office.decision.publication is None


def test_head_revise_loops_through_review_and_deferred_waits(people):
    office = Office(people)
    office.propose()
    office.submit()
    office.accept()
    office.participate()
    office.review("lawful")
    office.meet("revise", head_reason="需补充资金测算")
    assert office.decision.stage == Stage.REVISION
    office.revise()
    assert office.decision.stage == Stage.LEGAL_REVIEW
    office.review("lawful")
    office.meet("deferred", head_reason="待下次会议研究")
    assert office.decision.stage == Stage.COLLECTIVE_DECISION
    office.meet("adopted")
    assert office.decision.stage == Stage.PUBLICATION


def test_risk_not_controllable_goes_to_revision_then_back_to_risk(people):
    office = Office(people)
    office.propose(needs_public_participation=False, needs_risk_assessment=True,
                   participation_skip_ground="not_disclosable",
                   participation_skip_basis="《中华人民共和国保守国家秘密法》第十三条",
                   skip_reasons={"expert_input": "无"})
    office.submit(participation_skip_ground="not_disclosable",
                  participation_skip_basis="《中华人民共和国保守国家秘密法》第十三条",
                  needs_public_participation="", needs_risk_assessment="on")
    office.accept(risk_assessor="risk_assessor")
    assert office.decision.stage == Stage.RISK_ASSESSMENT
    office.assess_risk(controllable=False)
    assert office.decision.stage == Stage.REVISION
    office.revise(node_name="revision_after_risk")
    assert office.decision.stage == Stage.RISK_ASSESSMENT
    office.assess_risk(controllable=True)
    assert office.decision.stage == Stage.LEGAL_REVIEW
    office.review("lawful")
    office.meet("adopted")
    office.publish()
    assert office.decision.stage == Stage.ARCHIVED
    revisions = AuditEvent.objects.filter(decision=office.decision, action="decision_revise")
    assert revisions.count() == 1
