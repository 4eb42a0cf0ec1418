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
    DECIDED_ADOPTIONS,
    AdoptionStatus,
    HeadDecision,
    MeetingKind,
    MemberPosition,
    ParticipationMethod,
    ProposalSource,
    ReviewOutcome,
    Stage,
)

from .fields import Text, Username


class ProposalBody(serializers.Serializer):
    title = Text(max_length=200)
    proposal_source = serializers.ChoiceField(choices=ProposalSource.values)
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
    skip_reasons = serializers.DictField(
        child=Text(max_length=2000, allow_blank=True), required=False, default=dict,
        help_text="Why a consultation stage is not needed, by stage: "
                  + ", ".join(str(s) for s in CONSULTATION_STAGES) + ".")

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
    experts = serializers.ListField(child=Username(), required=False, default=list,
                                    max_length=50)
    risk_assessor = Username(required=False, allow_null=True, default=None)
    lead_unit = Text(max_length=120, required=False)


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


class PublicParticipationBody(serializers.Serializer):
    method = serializers.ChoiceField(choices=ParticipationMethod.values)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    shortening_reason = Text(max_length=5000, required=False, allow_blank=True, default="")
    comments = serializers.ListField(child=CommentBody(), required=False, default=list,
                                     max_length=1000)


class ExpertInputBody(serializers.Serializer):
    opinion = Text(max_length=50000)
    signature = Text(max_length=150)


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
    counsel = Text(max_length=200, required=False, allow_blank=True, default="")
    counsel_opinion = Text(max_length=20000, required=False, allow_blank=True, default="")


class RevisionBody(serializers.Serializer):
    draft_text = Text(max_length=1_000_000, trim_whitespace=False)
    response = Text(max_length=20000)


class PositionBody(serializers.Serializer):
    member = Username()
    position = serializers.ChoiceField(choices=MemberPosition.values)
    reason = Text(max_length=5000, required=False, allow_blank=True, default="")


class CollectiveDecisionBody(serializers.Serializer):
    meeting_date = serializers.DateField()
    meeting_kind = serializers.ChoiceField(choices=MeetingKind.values)
    head = Username()
    attendees = serializers.ListField(child=Username(), allow_empty=False, max_length=100)
    positions = serializers.ListField(child=PositionBody(), max_length=100)
    head_decision = serializers.ChoiceField(choices=HeadDecision.values)
    head_reason = Text(max_length=5000, required=False, allow_blank=True, default="")

    def validate_positions(self, value):
        members = [p["member"] for p in value]
        twice = sorted({m.get_username() for m in members if members.count(m) > 1})
        if twice:
            raise serializers.ValidationError(
                f"One position per member: {', '.join(twice)} has more than one.")
        return {p["member"]: (p["position"], p["reason"]) for p in value}


class PublicationBody(serializers.Serializer):
    published_on = serializers.DateField()
    published_text = Text(max_length=1_000_000)
    adoption_explanation = Text(max_length=20000)


class OpinionAdoptionBody(serializers.Serializer):
    """Whether the lead unit adopted an expert opinion, and why (Art. 21)."""

    adoption = serializers.ChoiceField(choices=[c.value for c in DECIDED_ADOPTIONS])
    reason = Text(max_length=5000)


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
}
