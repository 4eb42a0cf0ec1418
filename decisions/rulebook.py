"""The rulebook: the statute in one place.

Stage order, the article each stage comes from, who acts at it, the period it is given and the
permission that gates it. Every other module reads stage names, numbers of days and permission
codenames from here (《重大行政决策程序暂行条例》, State Council Decree No. 713, 2019).
"""

from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    INITIATION = "initiation", _("Initiation")
    ACCEPTANCE = "acceptance", _("Acceptance")
    PUBLIC_PARTICIPATION = "public_participation", _("Public participation")
    EXPERT_INPUT = "expert_input", _("Expert input")
    RISK_ASSESSMENT = "risk_assessment", _("Risk assessment")
    LEGAL_REVIEW = "legal_review", _("Legality review")
    REVISION = "revision", _("Revision")
    COLLECTIVE_DECISION = "collective_decision", _("Collective decision")
    PUBLICATION = "publication", _("Publication")
    ARCHIVED = "archived", _("Archived")


class Role(models.TextChoices):
    DRAFTER = "drafter", _("Drafter (lead unit)")
    OFFICE = "office", _("Office of the decision organ")
    REVIEWER = "reviewer", _("Legality reviewer")
    COUNSEL = "counsel", _("Legal adviser or government lawyer")
    EXPERT = "expert", _("Expert")
    RISK_ASSESSOR = "risk_assessor", _("Risk assessor")
    MEMBER = "member", _("Member of the decision organ")
    SECRETARY = "secretary", _("Meeting secretary")
    HEAD = "head", _("Head of the decision organ")
    AUDITOR = "auditor", _("Auditor")


class DecisionStatus(models.TextChoices):
    ACTIVE = "active", _("In procedure")
    PUBLISHED = "published", _("Adopted and published")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewOutcome(models.TextChoices):
    LAWFUL = "lawful", _("Lawful")
    UNLAWFUL = "unlawful", _("Unlawful")
    LAWFUL_WITH_RISK = "lawful_with_risk", _("Lawful, with the legal risk stated")
    RETURNED = "returned", _("Returned for more material")


#: Art. 25 para. 2: only these outcomes let a draft go to the decision organ ("lawful with the
#: legal risk stated" only for an exploratory reform on which the state has no clear rule).
REVIEW_OUTCOMES_CLEARING_THE_GATE = frozenset(
    {ReviewOutcome.LAWFUL, ReviewOutcome.LAWFUL_WITH_RISK}
)


class MemberPosition(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class HeadDecision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    REVISE = "revise", _("Revise and discuss again")
    DEFERRED = "deferred", _("Deferred")


class AdoptionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("adoption of an opinion", "Not yet decided")
    ADOPTED = "adopted", pgettext_lazy("adoption of an opinion", "Adopted")
    PARTLY_ADOPTED = "partly_adopted", pgettext_lazy("adoption of an opinion", "Partly adopted")
    NOT_ADOPTED = "not_adopted", pgettext_lazy("adoption of an opinion", "Not adopted")


#: Arts. 18, 21: what the lead unit may say of a comment or an opinion once it has weighed it;
#: "pending" is no answer.
DECIDED_ADOPTIONS: tuple[AdoptionStatus, ...] = (
    AdoptionStatus.ADOPTED, AdoptionStatus.PARTLY_ADOPTED, AdoptionStatus.NOT_ADOPTED)


class ProposalSource(models.TextChoices):
    LEADER = "leader", _("Proposed by a leader")
    DEPARTMENT = "department", _("Proposed by a department or village")
    DEPUTIES = "deputies", _("Deputies' or members' proposal")
    CITIZEN = "citizen", _("Citizens' letter or suggestion")
    OTHER = "other", _("Other")


class ParticipationMethod(models.TextChoices):
    """Art. 14: the ways the lead unit hears the public, one per consultation; a decision may
    hold several. ``online`` is the open consultation of the public (向社会公开征求意见, Art. 15)
    whatever its channel."""

    WRITTEN = "written", _("Written consultation")
    ONLINE = "online", _("Open online consultation")
    SYMPOSIUM = "symposium", _("Symposium")
    HEARING = "hearing", _("Hearing")
    SURVEY = "survey", _("Survey")
    COURTYARD = "courtyard", _("Courtyard meeting")
    FIELD_VISIT = "field_visit", _("Field visit")
    OPINION_POLL = "opinion_poll", _("Opinion poll")
    VILLAGE_MEETING = "village_meeting", _("Village meeting")
    OTHER = "other", _("Other")


class ParticipationSkipGround(models.TextChoices):
    """Art. 14: the one ground on which the lead unit need not hear the public."""

    NOT_DISCLOSABLE = "not_disclosable", _("The matter may not be disclosed by law (Art. 14)")


class MeetingKind(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership team meeting")
    PARTY_COMMITTEE = "party_committee", _("Party committee meeting")
    EXECUTIVE = "executive", _("Executive meeting of the government")


class DocumentKind(models.TextChoices):
    """The documents an office prints from the record (decisions/documents): the review body's
    written opinion (Art. 28), the record of the collective decision (Art. 30) and the
    explanation published with the decision (Art. 32)."""

    LEGAL_REVIEW_OPINION = "legal_review_opinion", _("Legality review opinion")
    MEETING_RECORD = "meeting_record", _("Record of the collective decision")
    DECISION_EXPLANATION = "decision_explanation", _("Explanation of the decision")


#: Withdrawal (a local rule; the decree has no article on it): the drafter may withdraw his
#: proposal until the office accepts it, the office at any time until the head's
#: decision on the matter (Art. 30); the file is then archived as withdrawn, its record intact
#: (Art. 33). These head's decisions conclude the matter: after them nothing is withdrawn.
HEAD_DECISIONS_CONCLUDING = frozenset({HeadDecision.ADOPTED, HeadDecision.NOT_ADOPTED})

#: Art. 30 and the meeting rules behind it (and local 三重一大 rules): a meeting of the
#: decision organ counts only when more than this fraction of its members attend. A deployment
#: may raise it (settings.JUECE_MEETING_QUORUM), never lower it (system check juece.E020).
MEETING_QUORUM_MIN = Fraction(1, 2)

#: Art. 15: an open consultation window is generally at least 30 days.
PUBLIC_CONSULTATION_MIN_DAYS = 30
#: Art. 15: the methods that are an open consultation of the public, to which the 30 days
#: apply; a written consultation of units, a meeting, a survey or a hearing is dated by its day
#: or its own window.
PUBLIC_CONSULTATION_METHODS = frozenset({ParticipationMethod.ONLINE})
#: Art. 16 para. 3: a hearing's materials reach its participants at least 7 days before it.
HEARING_MATERIALS_MIN_DAYS = 7
#: Art. 26: the legality reviewer is generally given at least 7 working days.
LEGAL_REVIEW_MIN_WORKING_DAYS = 7
#: Local rule: the reviewer's own limit may be extended once, by at most this many working days.
LEGAL_REVIEW_EXTENSION_WORKING_DAYS = 10


@dataclass(frozen=True)
class StageRule:
    stage: Stage
    article: str
    actor: Role
    period_days: int
    working_days: bool
    period_source: str
    permission: str | None

    @property
    def permission_label(self) -> str:
        return f"decisions.{self.permission}" if self.permission else ""


RULES: tuple[StageRule, ...] = (
    StageRule(Stage.INITIATION, _("Arts. 10-13"), Role.DRAFTER, 10, True,
              "local rule: the lead unit completes the proposal", "act_initiation"),
    StageRule(Stage.ACCEPTANCE, _("Art. 12"), Role.OFFICE, 5, True,
              "local rule: the office accepts or returns a proposal", "act_acceptance"),
    StageRule(Stage.PUBLIC_PARTICIPATION, _("Arts. 14-18"), Role.DRAFTER, 45, False,
              "Art. 15: consultation window generally >= 30 days, plus the adoption write-up",
              "act_public_participation"),
    StageRule(Stage.EXPERT_INPUT, _("Arts. 19-21"), Role.EXPERT, 10, True,
              "local rule: written, signed expert opinion", "act_expert_input"),
    StageRule(Stage.RISK_ASSESSMENT, _("Arts. 22-24"), Role.RISK_ASSESSOR, 15, True,
              "local rule: risk assessment report", "act_risk_assessment"),
    StageRule(Stage.LEGAL_REVIEW, _("Arts. 25-28"), Role.REVIEWER, 15, True,
              "local rule: 15 working days, extendable once by 10; Art. 26 minimum 7",
              "act_legal_review"),
    StageRule(Stage.REVISION, _("Art. 28"), Role.DRAFTER, 10, True,
              "local rule: the lead unit revises per the opinion", "act_revision"),
    StageRule(Stage.COLLECTIVE_DECISION, _("Arts. 29-31"), Role.SECRETARY, 20, True,
              "local rule: submitted to the next meeting of the decision organ",
              "act_collective_decision"),
    StageRule(Stage.PUBLICATION, _("Art. 32"), Role.OFFICE, 20, True,
              "Art. 32: published in time; local rule 20 working days", "act_publication"),
    StageRule(Stage.ARCHIVED, _("Art. 33"), Role.OFFICE, 30, False,
              "Art. 33: filed promptly and completely", None),
)

RULES_BY_STAGE: dict[str, StageRule] = {rule.stage.value: rule for rule in RULES}
STAGE_ORDER: tuple[str, ...] = tuple(rule.stage.value for rule in RULES)

#: Art. 28: during each round of the legality review a legal adviser or government lawyer gives
#: his own legal opinion on the version under review; his step of the procedure (a task at the
#: legality review stage beside the reviewer's) has this name.
COUNSEL_OPINION_STEP = "counsel_opinion"
COUNSEL_OPINION_LABEL = _("Legal adviser's opinion (legality review)")


def step_label(stage: str, step: str) -> str:
    """What a task is called where its stage alone would not tell two tasks apart (a reminder,
    a deadline): the legal adviser's opinion beside the review, else the stage."""
    return str(COUNSEL_OPINION_LABEL if step == COUNSEL_OPINION_STEP else Stage(stage).label)

#: Stages that may run side by side after acceptance (Arts. 14-24).
CONSULTATION_STAGES: tuple[Stage, ...] = (
    Stage.PUBLIC_PARTICIPATION,
    Stage.EXPERT_INPUT,
    Stage.RISK_ASSESSMENT,
)

#: The proposal's field that says whether the decision needs each consultation stage.
STAGE_FLAGS: dict[Stage, str] = {
    Stage.PUBLIC_PARTICIPATION: "needs_public_participation",
    Stage.EXPERT_INPUT: "needs_expert_input",
    Stage.RISK_ASSESSMENT: "needs_risk_assessment",
}

#: Object permissions on a decision: one per human stage, plus reading it.
VIEW_PERMISSION = "view_decision"
#: Reading the whole audit trail and searching it: the auditor role's, never a stage actor's.
AUDIT_TRAIL_PERMISSION = "view_auditevent"
STAGE_PERMISSIONS: tuple[tuple[str, str], ...] = tuple(
    (rule.permission, f"May act at stage: {rule.stage.value}")
    for rule in RULES
    if rule.permission
)


def rule_for(stage: str) -> StageRule:
    return RULES_BY_STAGE[str(stage)]


def stage_permission(stage: str) -> str:
    """The fully qualified object permission a user needs to act at ``stage``."""
    permission = rule_for(stage).permission
    if not permission:
        raise ValueError(f"No one acts at stage {stage}")
    return f"decisions.{permission}"


def stage_rank(stage: str) -> int:
    """How far along the procedure ``stage`` comes: 0 for initiation."""
    return STAGE_ORDER.index(str(stage))


def review_period_problem(period_days: int, working_days: bool) -> str | None:
    """Why a period set for the legality review breaks Art. 26 para. 2 (送请合法性审查，应当保证
    必要的审查时间，一般不少于7个工作日), or None: it is counted in working days and is at least
    seven of them. One definition for the admin, the system check and the reckoning."""
    if working_days and period_days >= LEGAL_REVIEW_MIN_WORKING_DAYS:
        return None
    return _("The legality review must be given at least %(days)d working days (Art. 26, "
             "para. 2): count its period in working days, %(days)d or more.") % {
                 "days": LEGAL_REVIEW_MIN_WORKING_DAYS}
