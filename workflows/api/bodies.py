"""What a client sends: the proposal, each stage's result, a deadline change.

These check shape and type only (400 with field errors) and become the stage's command
(``decisions.commands``, where a published name that differs is mapped); the services check the
rest, and a statutory gate they refuse on becomes a 409.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from decisions.rulebook import (
    CONSULTATION_STAGES,
    COUNSEL_OPINION_STEP,
    DECIDED_ADOPTIONS,
    AdoptionStatus,
    HeadDecision,
    MeetingKind,
    MemberPosition,
    ParticipationMethod,
    ParticipationSkipGround,
    ProposalSource,
    ReviewOutcome,
    Stage,
)

from .fields import CatalogueItemField, Text, Username


class DisagreementBody(serializers.Serializer):
    """Art. 13: a disagreement with another unit that consultation did not resolve."""

    issue = Text(max_length=5000, help_text="The main issue in dispute.")
    positions = Text(max_length=20000, help_text="The units' opinions, each side's position.")
    reasons = Text(max_length=20000, help_text="The lead unit's opinion, reasons and basis.")


class ProposalBody(serializers.Serializer):
    title = Text(max_length=200)
    proposal_source = serializers.ChoiceField(choices=ProposalSource.choices)
    lead_unit = Text(max_length=120)
    problem = Text(max_length=20000)
    legal_basis = serializers.ListField(child=Text(max_length=500), allow_empty=False,
                                        max_length=100)
    plan = Text(max_length=20000)
    necessity = Text(max_length=20000, help_text="Necessity and feasibility (Art. 10).")
    alternatives = Text(max_length=20000, required=False, allow_blank=True, default="")
    draft_text = Text(max_length=1_000_000, trim_whitespace=False)
    needs_public_participation = serializers.BooleanField(default=True)
    needs_expert_input = serializers.BooleanField(default=False)
    needs_risk_assessment = serializers.BooleanField(default=False)
    exploratory_reform = serializers.BooleanField(default=False, help_text=(
        "An exploratory reform on which the state has no clear rule (Art. 25 para. 2): only "
        "such a decision may be found `lawful_with_risk`."))
    participation_skip_ground = Text(
        max_length=32, required=False, allow_blank=True, default="",
        help_text="With `needs_public_participation: false`, the ground for not hearing the "
                  "public (Art. 14): `" + ParticipationSkipGround.NOT_DISCLOSABLE.value
                  + "`, the only one; none or any other gives 409 "
                  "`participation_skip_not_allowed`.")
    participation_skip_basis = Text(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="The law that bars disclosure; required with the ground (400 without it).")
    catalogue_item = CatalogueItemField(
        required=False, allow_null=True, default=None,
        help_text="The id of the item of this year's published decision catalogue the decision "
                  "carries out (Art. 3 para. 3; GET /api/v1/catalogue/{year}/ lists them), "
                  "not a removed one. Give it or `outside_catalogue_reason`: neither, or both, "
                  "is a 400.")
    outside_catalogue_reason = Text(
        max_length=5000, required=False, allow_blank=True, default="",
        help_text="Why the decision is taken though the year's catalogue does not list it; "
                  "empty when `catalogue_item` is given.")
    disagreements = DisagreementBody(
        many=True, required=False, default=list, max_length=50,
        help_text="Disagreements between units not resolved by consultation (Art. 13), each "
                  "with its issue, the units' positions and the lead unit's reasons; all three "
                  "are required.")
    skip_reasons = serializers.DictField(
        child=Text(max_length=2000, allow_blank=True), required=False, default=dict,
        help_text="Why a consultation stage is not needed, by stage: "
                  + ", ".join(str(s) for s in CONSULTATION_STAGES) + " (public participation "
                  "is left out only on `participation_skip_ground`).")

    def validate_skip_reasons(self, value):
        unknown = sorted(set(value) - {str(s) for s in CONSULTATION_STAGES})
        if unknown:
            raise serializers.ValidationError(f"Not a consultation stage: {', '.join(unknown)}.")
        return value


class InitiationBody(ProposalBody):
    """Submitting the proposal to the office, amending first any field of the proposal given;
    an empty body submits it as it stands."""

    draft_text = None

    def get_fields(self):
        fields = super().get_fields()
        for body_field in fields.values():
            body_field.required = False
            body_field.default = empty
        return fields


class AcceptanceBody(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["accept", "return"])
    reason = Text(max_length=5000, required=False, allow_blank=True, default="")
    reviewer = Username(required=False, allow_null=True, default=None)
    counsel = Username(required=False, allow_null=True, default=None, help_text=(
        "On accepting: the legal adviser or government lawyer (a user of the `counsel` role) "
        "who gives his own legal opinion in each round of the legality review (Art. 28). "
        "Required (400 when missing or not of that role); 409 `conflict_of_interest` for the "
        "drafter or anyone of the lead unit."))
    experts = serializers.ListField(child=Username(), required=False, default=list,
                                    max_length=50)
    risk_assessor = Username(required=False, allow_null=True, default=None)
    lead_unit = Text(max_length=120, required=False)
    participation_skip_confirmed = serializers.BooleanField(
        required=False, default=False,
        help_text="Where public participation is left out, `true` confirms its ground (the "
                  "matter may not be disclosed by law, Art. 14); else 409 "
                  "`participation_skip_not_allowed`.")


@extend_schema_field({"oneOf": [{"type": "boolean"}, {"type": "string", "enum": [
    status.value for status in DECIDED_ADOPTIONS]}]})
class AdoptionField(serializers.Field):
    """Whether a comment was adopted: true, false, or adopted / partly_adopted / not_adopted."""

    CHOICES = DECIDED_ADOPTIONS
    default_error_messages = {"invalid": "true, false, or one of adopted, partly_adopted, "
                                         "not_adopted."}

    def to_internal_value(self, data):
        if data is True:
            return AdoptionStatus.ADOPTED.value
        if data is False:
            return AdoptionStatus.NOT_ADOPTED.value
        if isinstance(data, str) and data in self.CHOICES:
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


class CommentBody(serializers.Serializer):
    source = Text(max_length=500)
    text = Text(max_length=20000)
    adopted = AdoptionField()
    reason = Text(max_length=5000)


class ConsultationBody(serializers.Serializer):
    """One consultation of the public (Arts. 14-18)."""

    method = serializers.ChoiceField(choices=ParticipationMethod.values, help_text=(
        "Required. `online` is the open consultation of the public (Art. 15: at least 30 days, or "
        "`shortening_reason`), whatever its channel; any other method is dated by its day or "
        "its own window."))
    channel = Text(max_length=200, required=False, allow_blank=True, default="",
                   help_text="Where or how it was published or held (政府网站, 村委会公告栏).")
    notice = Text(max_length=5000, required=False, allow_blank=True, default="",
                  help_text="The notice given: time, place, how to comment; required for a "
                            "hearing (Art. 16).")
    window_start = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Opened on, or the day it was held; required, except for a hearing, whose "
                  "window is then its day.")
    window_end = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Closed on (the window includes this day: it is recorded from the day "
                  "after, else 409 `consultation_window_open`).")
    shortening_reason = Text(max_length=5000, required=False, allow_blank=True, default="")
    hearing_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="For a hearing, required: its day (the window, if not given, is that day; "
                  "if given, contains it).")
    materials_sent_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="For a hearing, required: the day its materials reached the participants, "
                  "at least 7 days before it (Art. 16), else 409 `hearing_notice_too_short`.")
    record_confirmed = serializers.BooleanField(
        required=False, default=False,
        help_text="For a hearing, `true`: the participants confirmed and signed its record "
                  "(Art. 17); else 400.")
    comments = serializers.ListField(child=CommentBody(), required=False, default=list,
                                     max_length=1000)


class PublicParticipationBody(serializers.Serializer):
    """One consultation by its fields, or several as `consultations` (then the single fields
    are not given)."""

    method = serializers.ChoiceField(choices=ParticipationMethod.values, required=False)
    window_start = serializers.DateField(required=False)
    window_end = serializers.DateField(required=False)
    shortening_reason = Text(max_length=5000, required=False, allow_blank=True, default="")
    comments = serializers.ListField(child=CommentBody(), required=False, default=list,
                                     max_length=1000)
    consultations = ConsultationBody(
        many=True, required=False, max_length=100,
        help_text="Several consultations of the public, each with its own comments.")

    SINGLE = ("method", "window_start", "window_end")

    def validate(self, attrs):
        if "consultations" in attrs:
            return attrs
        missing = [name for name in self.SINGLE if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [serializers.Field.default_error_messages["required"]]
                 for name in missing})
        return attrs


class ExpertInputBody(serializers.Serializer):
    opinion = Text(max_length=50000)
    signature = Text(max_length=150)
    declares_no_interest = serializers.BooleanField(help_text=(
        "The expert declares he has no direct interest in the matter (Art. 20): required; "
        "false is refused with 409 conflict_of_interest."))


class RiskAssessmentBody(serializers.Serializer):
    risk_points = Text(max_length=20000)
    measures = Text(max_length=20000)
    response_plan = Text(max_length=20000)
    controllable = serializers.BooleanField()


class LegalReviewBody(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.values)
    opinion = Text(max_length=50000, required=False, allow_blank=True, default="", help_text=(
        "The overall conclusion of the written opinion (optional); it does not stand in for "
        "the opinions on authority, procedure and content, each of which is required."))
    opinion_authority = Text(max_length=20000, help_text="The opinion on authority.")
    opinion_procedure = Text(max_length=20000, help_text="The opinion on procedure.")
    opinion_content = Text(max_length=20000, help_text="The opinion on content.")
    risk_statement = Text(max_length=20000, required=False, allow_blank=True, default="")
    reviewed_version = Text(max_length=64, help_text="SHA-256 of the draft version reviewed.")

    #: Art. 28: the legal adviser signs his own opinion (the `counsel_opinion` task); the
    #: reviewer can no longer type one in.
    REFUSED = ("counsel", "counsel_opinion")

    def validate(self, attrs):
        typed = [name for name in self.REFUSED if name in self.initial_data]
        if typed:
            raise serializers.ValidationError({name: [
                "The legal adviser gives and signs his own opinion in his `counsel_opinion` "
                "task (Art. 28); the review does not carry one."] for name in typed})
        return attrs


class CounselOpinionBody(serializers.Serializer):
    """Art. 28: the legal adviser's or government lawyer's own signed opinion."""

    opinion = Text(max_length=50000, help_text="The legal opinion.")
    signature = Text(max_length=150, help_text="Signed with his own name as registered.")
    reviewed_version = Text(max_length=64, help_text="SHA-256 of the draft version under review.")
    declares_no_interest = serializers.BooleanField(help_text=(
        "He declares he has no direct interest in the matter (Art. 20): required; false is "
        "refused with 409 conflict_of_interest."))


class RevisionBody(serializers.Serializer):
    draft_text = Text(max_length=1_000_000, trim_whitespace=False)
    response = Text(max_length=20000)


class PositionBody(serializers.Serializer):
    member = Username()
    position = serializers.ChoiceField(choices=MemberPosition.values)
    reason = Text(max_length=5000, required=False, allow_blank=True, default="")


class AbsenceBody(serializers.Serializer):
    member = Username()
    reason = Text(max_length=5000, help_text="Why the member did not attend.")


class CollectiveDecisionBody(serializers.Serializer):
    meeting_date = serializers.DateField()
    meeting_kind = serializers.ChoiceField(choices=MeetingKind.values)
    head = Username()
    attendees = serializers.ListField(child=Username(), allow_empty=False, max_length=100)
    positions = serializers.ListField(child=PositionBody(), max_length=100)
    head_decision = serializers.ChoiceField(choices=HeadDecision.values)
    head_reason = Text(max_length=5000, required=False, allow_blank=True, default="")
    risk_acknowledged = serializers.BooleanField(
        required=False, default=False,
        help_text="After a `lawful_with_risk` review, `true`: the stated legal risk was put to "
                  "the meeting (Art. 25 para. 2); else 409 `meeting_package_incomplete`.")
    absent = serializers.ListField(
        child=AbsenceBody(), required=False, default=list, max_length=100,
        help_text="Each member of the decision organ (the active users of the member role) who "
                  "did not attend, with the reason; with the attendees, every member.")

    def validate_positions(self, value):
        members = [p["member"] for p in value]
        twice = sorted({m.get_username() for m in members if members.count(m) > 1})
        if twice:
            raise serializers.ValidationError(
                f"One position per member: {', '.join(twice)} has more than one.")
        return {p["member"]: (p["position"], p["reason"]) for p in value}


class PublicationBody(serializers.Serializer):
    published_on = serializers.DateField()
    published_text = Text(max_length=1_000_000, required=False, allow_blank=True, default="",
                          help_text="May be left out: the adopted draft version's text is "
                                    "published; when given it must be that text.")
    adoption_explanation = Text(max_length=20000)
    party_report_on = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="When the decision was reported to the Party committee (Art. 31); on or "
                  "before published_on.")
    party_report_ref = Text(max_length=200, required=False, allow_blank=True, default="",
                            help_text="The reference of the report to the Party committee.")


class OpinionAdoptionBody(serializers.Serializer):
    """Whether the lead unit adopted an expert opinion, and why (Art. 21)."""

    adoption = serializers.ChoiceField(choices=[c.value for c in DECIDED_ADOPTIONS])
    reason = Text(max_length=5000)


class WithdrawalBody(serializers.Serializer):
    """Withdrawing a decision: the drafter before acceptance, the office before the head's
    decision; the reason is required."""

    reason = Text(max_length=5000, help_text="Why the decision is withdrawn.")


class DeadlineBody(serializers.Serializer):
    due_on = serializers.DateField()
    reason = Text(max_length=5000)


BODIES = {
    Stage.INITIATION: InitiationBody,
    Stage.ACCEPTANCE: AcceptanceBody,
    Stage.PUBLIC_PARTICIPATION: PublicParticipationBody,
    Stage.EXPERT_INPUT: ExpertInputBody,
    Stage.RISK_ASSESSMENT: RiskAssessmentBody,
    Stage.LEGAL_REVIEW: LegalReviewBody,
    Stage.REVISION: RevisionBody,
    Stage.COLLECTIVE_DECISION: CollectiveDecisionBody,
    Stage.PUBLICATION: PublicationBody,
    COUNSEL_OPINION_STEP: CounselOpinionBody,
}
