"""One input definition per stage: what the stage form and the API body hand to the service.

A door checks only the shape of what it receives (a date is a date, a login names a user) and
builds the stage's command from it; ``run`` calls the stage's one service, which validates the
command and answers with field errors keyed by the command's field names. Where the API publishes
another name for a field, ``API_NAMES`` maps it, on the way in and for its errors on the way out.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import services
from .records.initiation import PROPOSAL_FIELDS
from .rulebook import COUNSEL_OPINION_STEP, Stage


@dataclass(kw_only=True)
class StageInput:
    """A stage's input. A field not given keeps its blank default, for the service to refuse."""

    @classmethod
    def from_data(cls, data: Mapping) -> "StageInput":
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def arguments(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def run(self, *, decision, acting_user, task=None):
        """Call the stage's one service; each stage defines it (system check juece.E006)."""
        raise NotImplementedError(f"{type(self).__name__} names no service")


@dataclass(kw_only=True)
class Proposal(StageInput):
    """Arts. 10-13: what a proposal must say; the start of a decision. Art. 3 para. 3: the item
    of the year's catalogue it carries out, or why it is outside the catalogue."""

    title: str = ""
    proposal_source: str = ""
    lead_unit: str = ""
    problem: str = ""
    legal_basis: list = field(default_factory=list)
    plan: str = ""
    necessity: str = ""
    alternatives: str = ""
    needs_public_participation: bool = True
    needs_expert_input: bool = False
    needs_risk_assessment: bool = False
    exploratory_reform: bool = False
    participation_skip_ground: str = ""
    participation_skip_basis: str = ""
    catalogue_item: object = None
    outside_catalogue_reason: str = ""
    skip_reasons: dict = field(default_factory=dict)
    disagreements: list = field(default_factory=list)
    draft_text: str = ""
    attachments: list = field(default_factory=list)

    def run(self, *, process_id=None, acting_user):
        return services.decision_create(**self.arguments(), process_id=process_id,
                                        acting_user=acting_user)


@dataclass(kw_only=True)
class Submission(StageInput):
    """The proposal submitted to the office, amended first in any field given."""

    changes: dict = field(default_factory=dict)
    skip_reasons: dict = field(default_factory=dict)
    disagreements: list = field(default_factory=list)

    @classmethod
    def from_data(cls, data: Mapping) -> "Submission":
        return cls(changes={key: data[key] for key in PROPOSAL_FIELDS if key in data},
                   skip_reasons=data.get("skip_reasons") or {},
                   disagreements=data.get("disagreements") or [])

    def run(self, *, decision, acting_user, task=None):
        return services.decision_submit(decision=decision, acting_user=acting_user, task=task,
                                        **self.arguments())


@dataclass(kw_only=True)
class Acceptance(StageInput):
    """Art. 12: the office accepts, naming who acts next, or returns it with its reasons;
    where public participation is left out, it confirms the ground (Art. 14)."""

    outcome: str = ""
    reason: str = ""
    lead_unit: str | None = None
    reviewer: object = None
    counsel: object = None
    experts: list = field(default_factory=list)
    risk_assessor: object = None
    participation_skip_confirmed: bool = False

    def run(self, *, decision, acting_user, task=None):
        if self.outcome == "return":
            return services.decision_return(decision=decision, reason=self.reason,
                                            acting_user=acting_user, task=task)
        if self.outcome != "accept":
            raise ValidationError({"outcome": [_("Accept the proposal or return it.")]})
        return services.decision_accept(
            decision=decision, lead_unit=self.lead_unit, reviewer=self.reviewer,
            counsel=self.counsel, experts=list(self.experts), risk_assessor=self.risk_assessor,
            participation_skip_confirmed=self.participation_skip_confirmed,
            acting_user=acting_user, task=task)


@dataclass(kw_only=True)
class PublicParticipation(StageInput):
    """Arts. 14-18: how the public was consulted, and each comment with its adoption.

    One consultation by its fields, or several as ``consultations``: each a dict of its
    method, channel, notice, window, shortening reason, for a hearing ``hearing_on``,
    ``materials_sent_on`` and ``record_confirmed``, and its comments. ``None``: one
    consultation, given by the fields above it."""

    method: str = ""
    window_start: datetime.date | None = None
    window_end: datetime.date | None = None
    shortening_reason: str = ""
    comments: list = field(default_factory=list)
    consultations: list | None = None

    def run(self, *, decision, acting_user, task=None):
        return services.decision_record_participation(
            decision=decision, acting_user=acting_user, task=task, **self.arguments())


@dataclass(kw_only=True)
class ExpertOpinion(StageInput):
    """Art. 19 para. 2: an expert's own written, signed opinion."""

    opinion: str = ""
    signature: str = ""
    declares_no_interest: bool | None = None

    def run(self, *, decision, acting_user, task=None):
        return services.decision_submit_expert_opinion(
            decision=decision, acting_user=acting_user, task=task, **self.arguments())


@dataclass(kw_only=True)
class RiskAssessment(StageInput):
    """Arts. 22-24: risk points, measures, response plan, and whether it is controllable."""

    risk_points: str = ""
    measures: str = ""
    response_plan: str = ""
    controllable: bool | None = None

    def run(self, *, decision, acting_user, task=None):
        return services.decision_record_risk_assessment(
            decision=decision, acting_user=acting_user, task=task, **self.arguments())


@dataclass(kw_only=True)
class LegalReview(StageInput):
    """Arts. 25-28: the opinion on authority, procedure and content of one named draft version,
    the outcome, and an overall conclusion where the reviewer writes one."""

    reviewed_version: str = ""
    outcome: str = ""
    opinion_authority: str = ""
    opinion_procedure: str = ""
    opinion_content: str = ""
    conclusion: str = ""
    risk_statement: str = ""

    def run(self, *, decision, acting_user, task=None):
        return services.decision_record_legal_review(
            decision=decision, acting_user=acting_user, task=task, **self.arguments())


@dataclass(kw_only=True)
class CounselOpinion(StageInput):
    """Art. 28: the legal adviser's own signed legal opinion on the version under review."""

    reviewed_version: str = ""
    opinion: str = ""
    signature: str = ""
    declares_no_interest: bool | None = None

    def run(self, *, decision, acting_user, task=None):
        return services.decision_submit_counsel_opinion(
            decision=decision, acting_user=acting_user, task=task, **self.arguments())


@dataclass(kw_only=True)
class Revision(StageInput):
    """Art. 28: the revised draft and the response to the opinion."""

    draft_text: str = ""
    response: str = ""
    attachments: list = field(default_factory=list)

    def run(self, *, decision, acting_user, task=None):
        return services.decision_revise(decision=decision, acting_user=acting_user, task=task,
                                        **self.arguments())


@dataclass(kw_only=True)
class Meeting(StageInput):
    """Arts. 29-31: the meeting, each attending member's position, and the head's decision.

    ``positions`` maps each member to ``(position, reason)``; ``risk_acknowledged`` says the
    legal risk a review stated was put to the meeting (Art. 25 para. 2); ``absent`` lists each
    member of the organ who did not attend, ``{"member": user, "reason": str}`` (the quorum).
    """

    meeting_date: datetime.date | None = None
    meeting_kind: str = ""
    head: object = None
    attendees: list = field(default_factory=list)
    positions: dict = field(default_factory=dict)
    head_decision: str = ""
    head_reason: str = ""
    risk_acknowledged: bool = False
    absent: list = field(default_factory=list)

    def run(self, *, decision, acting_user, task=None):
        arguments = self.arguments()
        arguments["kind"] = arguments.pop("meeting_kind")
        arguments["attendees"] = list(arguments["attendees"])
        arguments["absent"] = list(arguments["absent"])
        return services.decision_record_meeting(decision=decision, acting_user=acting_user,
                                                task=task, **arguments)


@dataclass(kw_only=True)
class Publication(StageInput):
    """Art. 32: the publication of the adopted decision (its text may be left out: the adopted
    version's is published); Art. 31: the report to the Party committee before it."""

    published_on: datetime.date | None = None
    published_text: str = ""
    adoption_explanation: str = ""
    party_report_on: datetime.date | None = None
    party_report_ref: str = ""

    def run(self, *, decision, acting_user, task=None):
        return services.decision_publish(decision=decision, acting_user=acting_user, task=task,
                                         **self.arguments())


#: Each stage's input, and the input of a step that shares its stage with another (the legal
#: adviser's opinion beside the legality review); the proposal that starts a decision is
#: ``Proposal``.
INPUTS: dict[str, type[StageInput]] = {
    Stage.INITIATION: Submission,
    Stage.ACCEPTANCE: Acceptance,
    Stage.PUBLIC_PARTICIPATION: PublicParticipation,
    Stage.EXPERT_INPUT: ExpertOpinion,
    Stage.RISK_ASSESSMENT: RiskAssessment,
    Stage.LEGAL_REVIEW: LegalReview,
    Stage.REVISION: Revision,
    Stage.COLLECTIVE_DECISION: Meeting,
    Stage.PUBLICATION: Publication,
    COUNSEL_OPINION_STEP: CounselOpinion,
}


def input_key(stage: str, step: str) -> str:
    """Which input a task of ``stage`` at the flow's ``step`` takes: the step's own where it has
    one, else its stage's."""
    return step if step in INPUTS else stage

#: The API's published name -> the command's field name, where they differ (the contract is
#: binding). A name inside a list of objects (each public comment, in each consultation) is
#: mapped there too.
API_NAMES: dict[str, dict[str, str]] = {
    Stage.PUBLIC_PARTICIPATION: {"adopted": "adoption"},
    Stage.LEGAL_REVIEW: {"opinion": "conclusion"},
}


def _renamed(value, names: Mapping):
    if isinstance(value, Mapping):
        return {names.get(key, key): _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    return value


def from_api(stage: str, body: Mapping) -> StageInput:
    """The stage's command from an API body, its published names mapped to the command's."""
    return INPUTS[stage].from_data(_renamed(dict(body), API_NAMES.get(stage, {})))


def api_error(stage: str, error: ValidationError) -> ValidationError:
    """The service's field errors under the API's published names (each part of the key of an
    item's field, ``consultations.1.hearing_on``, mapped)."""
    if not hasattr(error, "error_dict"):
        return error
    published = {name: key for key, name in API_NAMES.get(stage, {}).items()}
    return ValidationError({".".join(published.get(part, part) for part in key.split(".")):
                            messages for key, messages in error.error_dict.items()})
