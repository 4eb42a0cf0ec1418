"""Grants end with their stage: after each step the grants the procedure can no longer come
back to are gone, the others remain, each revoke is an audit event naming its actor, and at the
archive no one keeps a stage grant while every grant to read the decision stays."""

from guardian.models import GroupObjectPermission, UserObjectPermission

from decisions import permissions, rulebook, services
from decisions.models import AuditEvent, Decision
from decisions.rulebook import Stage

from .factories import Journey

STAGE_CODENAMES = {rule.permission: rule.stage.value for rule in rulebook.RULES if rule.permission}
DISSENT = "需要进一步研究"


def held(decision: Decision, codenames) -> dict[str, set[str]]:
    """Each holder (``user:name`` or ``group:name``) and the codenames he holds on ``decision``."""
    grants = {"object_pk": str(decision.pk), "permission__codename__in": list(codenames)}
    holders: dict[str, set[str]] = {}
    for row in UserObjectPermission.objects.filter(**grants).select_related("user", "permission"):
        holders.setdefault(f"user:{row.user.username}", set()).add(row.permission.codename)
    for row in GroupObjectPermission.objects.filter(**grants).select_related("group",
                                                                             "permission"):
        holders.setdefault(f"group:{row.group.name}", set()).add(row.permission.codename)
    return holders


def stage_grants(decision: Decision) -> dict[str, set[str]]:
    return {holder: {STAGE_CODENAMES[c] for c in codenames}
            for holder, codenames in held(decision, STAGE_CODENAMES).items()}


def view_grants(decision: Decision) -> set[str]:
    return set(held(decision, [rulebook.VIEW_PERMISSION]))


def revokes(decision: Decision) -> list[tuple[str, str, list[str]]]:
    return [(e.actor.username, e.before["holder"], e.before["permissions"])
            for e in AuditEvent.objects.filter(decision=decision, action="permission_revoke")
            .select_related("actor").order_by("id")]


def perms(*stages: str) -> list[str]:
    return [rulebook.stage_permission(stage) for stage in stages]


def test_each_grant_ends_when_the_procedure_cannot_come_back_to_it(people):
    journey = Journey(people, needs_expert_input=True, needs_risk_assessment=True,
                      skip_reasons={})
    decision = journey.decision
    drafter_at_start = {Stage.INITIATION, Stage.PUBLIC_PARTICIPATION, Stage.REVISION}
    assert stage_grants(decision) == {"user:drafter": drafter_at_start}

    # A returned proposal comes back to the office when resubmitted: nothing ends.
    journey.submit().return_to_drafter().submit()
    assert stage_grants(decision) == {"user:drafter": drafter_at_start,
                                      "group:office": {Stage.ACCEPTANCE}}
    assert revokes(decision) == []

    # Accepted: the proposal never returns to initiation or acceptance.
    journey.accept(experts=[people["expert"], people["expert2"]])
    assert stage_grants(decision) == {
        "user:drafter": {Stage.PUBLIC_PARTICIPATION, Stage.REVISION},
        "group:office": {Stage.PUBLICATION},
        "user:reviewer": {Stage.LEGAL_REVIEW},
        "user:counsel": {Stage.LEGAL_REVIEW},
        "user:expert": {Stage.EXPERT_INPUT},
        "user:expert2": {Stage.EXPERT_INPUT},
        "user:risk_assessor": {Stage.RISK_ASSESSMENT},
        "group:secretary": {Stage.COLLECTIVE_DECISION},
    }
    assert revokes(decision) == [("office", "user:drafter", perms(Stage.INITIATION)),
                                 ("office", "group:office", perms(Stage.ACCEPTANCE))]
    assert permissions.may_change_deadlines(people["office"], decision)

    # The expert's signed opinion is his one act; the other expert keeps his grant.
    journey.expert_opinion(people["expert"])
    assert "user:expert" not in stage_grants(decision)
    assert stage_grants(decision)["user:expert2"] == {Stage.EXPERT_INPUT}
    assert revokes(decision)[-1] == ("expert", "user:expert", perms(Stage.EXPERT_INPUT))

    journey.participate()
    assert stage_grants(decision)["user:drafter"] == {Stage.REVISION}

    # A risk found not controllable is assessed again after the revision.
    journey.assess_risk(controllable=False)
    assert stage_grants(decision)["user:risk_assessor"] == {Stage.RISK_ASSESSMENT}
    journey.revise("revision_after_risk").assess_risk(controllable=True)
    assert "user:risk_assessor" not in stage_grants(decision)
    assert revokes(decision)[-1] == ("risk_assessor", "user:risk_assessor",
                                     perms(Stage.RISK_ASSESSMENT))

    # The adoption of expert opinions is recorded under the drafter's revision grant.
    journey.expert_opinion(people["expert2"])
    assert "user:expert2" not in stage_grants(decision)
    opinion = decision.expert_opinions.first()
    assert permissions.can_act(people["drafter"], Stage.REVISION, decision)
    services.decision_record_opinion_adoption(decision=decision, opinion=opinion,
                                              adoption="adopted", reason="意见合理",
                                              acting_user=people["drafter"])

    # Review and revision come back to each other until the decision organ decides.
    before_review = stage_grants(decision)
    journey.review("unlawful").revise().review("lawful")
    journey.meet("revise", head_reason=DISSENT).revise().review("lawful")
    journey.meet("deferred", head_reason=DISSENT)
    assert stage_grants(decision) == before_review == {
        "user:drafter": {Stage.REVISION},
        "group:office": {Stage.PUBLICATION},
        "user:reviewer": {Stage.LEGAL_REVIEW},
        "user:counsel": {Stage.LEGAL_REVIEW},
        "group:secretary": {Stage.COLLECTIVE_DECISION},
    }

    # Adopted: no more revision, review or meeting; the office publishes and closes the file.
    count = len(revokes(decision))
    journey.meet("adopted")
    assert stage_grants(decision) == {"group:office": {Stage.PUBLICATION}}
    assert revokes(decision)[count:] == [
        ("secretary", "user:drafter", perms(Stage.REVISION)),
        ("secretary", "user:reviewer", perms(Stage.LEGAL_REVIEW)),
        ("secretary", "user:counsel", perms(Stage.LEGAL_REVIEW)),
        ("secretary", "group:secretary", perms(Stage.COLLECTIVE_DECISION)),
    ]
    assert permissions.may_change_deadlines(people["office"], decision)

    readers = view_grants(decision)
    journey.publish()
    assert journey.decision.stage == Stage.ARCHIVED
    assert stage_grants(decision) == {}
    assert revokes(decision)[-1] == ("office", "group:office", perms(Stage.PUBLICATION))
    assert view_grants(decision) == readers == {
        "user:drafter", "user:reviewer", "user:counsel", "user:expert", "user:expert2",
        "user:risk_assessor", "group:office", "group:secretary", "group:member", "group:head"}
    assert not permissions.may_change_deadlines(people["office"], decision)
    assert all(permissions.can_view(people[name], decision) for name in people
               if name not in ("drafter2", "reviewer2", "counsel2"))


def test_a_decision_not_adopted_is_closed_by_the_secretary_with_every_write_grant(people):
    journey = Journey(people).submit().accept().participate().review("lawful")
    members = (people["member"], people["member2"])
    journey.meet("not_adopted", positions={m: ("disagree", "不同意") for m in members})
    decision = journey.decision
    assert decision.stage == Stage.ARCHIVED
    assert stage_grants(decision) == {}
    archived = AuditEvent.objects.get(decision=decision, action="decision_archive")
    closing = AuditEvent.objects.filter(decision=decision, action="permission_revoke",
                                        id__gt=archived.id)
    assert {(e.actor.username, e.before["holder"]) for e in closing} == {
        ("secretary", "user:drafter"), ("secretary", "user:reviewer"),
        ("secretary", "user:counsel"), ("secretary", "group:office"),
        ("secretary", "group:secretary")}
    assert {"user:drafter", "user:reviewer", "group:office", "group:secretary",
            "group:member", "group:head"} <= view_grants(decision)
    assert not decision.deadlines.filter(closed_at__isnull=True).exists()


def test_no_revoke_without_its_audit_event(people):
    journey = Journey(people).submit().accept()
    decision = journey.decision
    events = AuditEvent.objects.filter(decision=decision, action="permission_revoke")
    assert events.count() == 2
    assert all(e.actor == people["office"] and e.before["permissions"] for e in events)
    # Revoking what has already ended writes nothing.
    permissions.revoke_ended_grants(decision, acting_user=people["office"])
    assert events.count() == 2
