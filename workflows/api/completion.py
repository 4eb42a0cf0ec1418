"""Completing a task through the API: each stage's validated body handed to its service."""

from decisions import services
from decisions.rulebook import Stage


def _initiation(decision, data, user, task):
    services.decision_submit(decision=decision, acting_user=user, task=task)


def _acceptance(decision, data, user, task):
    if data["outcome"] == "return":
        services.decision_return(decision=decision, reason=data["reason"], acting_user=user,
                                 task=task)
        return
    services.decision_accept(decision=decision, reviewer=data["reviewer"],
                             lead_unit=data.get("lead_unit"), experts=data["experts"],
                             risk_assessor=data["risk_assessor"], acting_user=user, task=task)


def _public_participation(decision, data, user, task):
    comments = [{"source": c["source"], "text": c["text"], "adoption": c["adopted"],
                 "reason": c["reason"]} for c in data["comments"]]
    services.decision_record_participation(
        decision=decision, method=data["method"], window_start=data["window_start"],
        window_end=data["window_end"], shortening_reason=data["shortening_reason"],
        comments=comments, acting_user=user, task=task)


def _expert_input(decision, data, user, task):
    services.decision_submit_expert_opinion(decision=decision, acting_user=user, task=task,
                                            **data)


def _risk_assessment(decision, data, user, task):
    services.decision_record_risk_assessment(decision=decision, acting_user=user, task=task,
                                             **data)


def _legal_review(decision, data, user, task):
    services.decision_record_legal_review(decision=decision, acting_user=user, task=task,
                                          **data)


def _revision(decision, data, user, task):
    services.decision_revise(decision=decision, acting_user=user, task=task, **data)


def _collective_decision(decision, data, user, task):
    services.decision_record_meeting(
        decision=decision, meeting_date=data["meeting_date"], kind=data["meeting_kind"],
        head=data["head"], attendees=data["attendees"], positions=data["positions"],
        head_decision=data["head_decision"], head_reason=data["head_reason"],
        acting_user=user, task=task)


def _publication(decision, data, user, task):
    services.decision_publish(decision=decision, acting_user=user, task=task, **data)


PERFORM = {
    Stage.INITIATION: _initiation,
    Stage.ACCEPTANCE: _acceptance,
    Stage.PUBLIC_PARTICIPATION: _public_participation,
    Stage.EXPERT_INPUT: _expert_input,
    Stage.RISK_ASSESSMENT: _risk_assessment,
    Stage.LEGAL_REVIEW: _legal_review,
    Stage.REVISION: _revision,
    Stage.COLLECTIVE_DECISION: _collective_decision,
    Stage.PUBLICATION: _publication,
}
