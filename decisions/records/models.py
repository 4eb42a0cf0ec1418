"""Domain records of a major administrative decision.

The flow engine's state is kept apart: a Decision records the number of the workflow run that
carries it (``process_id``) and its stage tasks (stage_tasks/models.py) as the workflow reported
them, and every record here says who made it, when, and on which draft version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import rulebook
from ..rulebook import (
    AdoptionStatus,
    DecisionStatus,
    HeadDecision,
    MeetingKind,
    ParticipationMethod,
    ParticipationSkipGround,
    ProposalSource,
    ReviewOutcome,
    Stage,
)

User = settings.AUTH_USER_MODEL


class ImmutableRecord(models.Model):
    """A record that, once written, is never changed: history is appended, not rewritten."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("%(record)s is an immutable record.")
                                  % {"record": self._meta.verbose_name})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("%(record)s is an immutable record.")
                              % {"record": self._meta.verbose_name})


class Decision(models.Model):
    """A major administrative decision and what Arts. 10-13 require of its proposal."""

    title = models.CharField(_("title"), max_length=200)
    proposal_source = models.CharField(
        _("source of the proposal"), max_length=20, choices=ProposalSource.choices
    )
    lead_unit = models.CharField(_("lead unit"), max_length=120)
    problem = models.TextField(_("problem and reasons"))
    legal_basis = models.JSONField(_("legal basis"), default=list)
    plan = models.TextField(_("preliminary plan"))
    necessity = models.TextField(_("necessity and feasibility"))
    alternatives = models.TextField(_("alternative plans"), blank=True)

    needs_public_participation = models.BooleanField(_("public participation needed"),
                                                     default=True)
    needs_expert_input = models.BooleanField(_("expert input needed"), default=False)
    needs_risk_assessment = models.BooleanField(_("risk assessment needed"), default=False)
    exploratory_reform = models.BooleanField(
        _("exploratory reform"), default=False,
        help_text=_("An exploratory reform on which the state has no clear rule: only such a "
                    "decision may be found lawful with the legal risk stated (Art. 25 para. 2)."))
    participation_skip_ground = models.CharField(
        _("ground for not hearing the public"), max_length=32, blank=True, default="",
        choices=ParticipationSkipGround.choices)
    participation_skip_basis = models.TextField(
        _("law that bars disclosure"), blank=True, default="")
    participation_skip_confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("skip of public participation confirmed by"))
    participation_skip_confirmed_at = models.DateTimeField(
        _("skip of public participation confirmed at"), null=True, blank=True)

    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices,
                             default=Stage.INITIATION, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=DecisionStatus.choices,
                              default=DecisionStatus.ACTIVE, db_index=True)

    drafter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("drafter"))
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True,
                                 blank=True, verbose_name=_("legality reviewer"))
    counsel = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True,
                                blank=True, verbose_name=_("legal adviser or government lawyer"),
                                help_text=_("Art. 28: named by the office at acceptance; gives "
                                            "his own legal opinion in each round of review."))
    risk_assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                      null=True, blank=True, verbose_name=_("risk assessor"))
    experts = models.ManyToManyField(User, related_name="+", blank=True,
                                     verbose_name=_("experts"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    current_version = models.ForeignKey("DraftVersion", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("current draft version"))
    catalogue_item = models.ForeignKey(
        "CatalogueItem", on_delete=models.PROTECT, null=True, blank=True,
        related_name="decisions", verbose_name=_("catalogue item"),
        help_text=_("The item of the year's decision catalogue this decision carries out "
                    "(Art. 3 para. 3)."))
    outside_catalogue_reason = models.TextField(
        _("reason it is outside the catalogue"), blank=True, default="",
        help_text=_("Why the decision is taken though its year's catalogue does not list it."))
    process_id = models.BigIntegerField(
        _("workflow process number"), null=True, blank=True, unique=True, editable=False,
        help_text=_("The number of the workflow run that carries this decision, as the "
                    "workflow gave it; the domain only records it."))

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        permissions = rulebook.STAGE_PERMISSIONS
        # Lists show the newest decisions first: a page reads its rows from this index and
        # stops, however many decisions there are (issue 13, docs/performance.md).
        indexes = [models.Index(fields=["-created_at", "-id"], name="decision_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(catalogue_item__isnull=True) | Q(outside_catalogue_reason=""),
                name="decision_in_catalogue_or_outside_not_both"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.ARCHIVED

    def needs(self, stage: str) -> bool:
        """Whether this decision goes through consultation ``stage`` (Arts. 14-24)."""
        return getattr(self, rulebook.STAGE_FLAGS[stage])


class UnitDisagreement(models.Model):
    """Art. 13: unresolved disagreements between units, each side and its reasons."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE,
                                 related_name="disagreements")
    issue = models.TextField(_("issue in dispute"))
    positions = models.TextField(_("each side's position"))
    reasons = models.TextField(_("reasons"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disagreement between units")
        verbose_name_plural = _("disagreements between units")

    def __str__(self):
        return self.issue[:50]


class StageSkip(models.Model):
    """A stage switched off for a decision: who decided and why."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="stage_skips")
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage switched off")
        verbose_name_plural = _("stages switched off")
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="stage_skip_reason_required"),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in rulebook.CONSULTATION_STAGES]),
                name="stage_skip_only_consultation",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.reason[:40]}"


class DraftVersion(ImmutableRecord):
    """One immutable revision of the draft text and its attachments, sealed by SHA-256."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("draft text"))
    note = models.TextField(_("explanation of the revision"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ["decision_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"],
                                    name="draft_version_number_unique"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                                   name="draft_version_sha256_hex"),
        ]

    def __str__(self):
        return f"v{self.number} ({self.sha256[:12]})"


class DraftAttachment(ImmutableRecord):
    """A file belonging to one draft version; carried into later versions unchanged."""

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT,
                                related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["version_id", "name", "id"]

    def __str__(self):
        return self.name


class PublicParticipation(models.Model):
    """Arts. 14-18: one consultation of the public: its method, channel and notice, its window
    (or its day), and for a hearing its date, when its materials reached the participants and
    that they confirmed and signed its record. A decision may hold several."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT,
                                 related_name="participations")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=ParticipationMethod.choices)
    channel = models.CharField(_("channel"), max_length=200, blank=True, default="",
                               help_text=_("Where or how it was published or held, e.g. the "
                                           "government website, the village notice board."))
    notice = models.TextField(_("notice"), blank=True, default="",
                              help_text=_("The notice given: time, place, how to comment."))
    window_start = models.DateField(_("window opens"))
    window_end = models.DateField(_("window closes"))
    shortening_reason = models.TextField(_("reason for a window under 30 days"), blank=True)
    hearing_on = models.DateField(_("hearing held on"), null=True, blank=True)
    materials_sent_on = models.DateField(_("hearing materials sent to participants on"),
                                         null=True, blank=True)
    record_confirmed = models.BooleanField(
        _("participants confirmed and signed the hearing record"), default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public participation")
        verbose_name_plural = _("public participation")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")),
                                   name="participation_window_ordered"),
            models.CheckConstraint(
                condition=Q(hearing_on__isnull=True) | Q(
                    hearing_on__gte=models.F("window_start"),
                    hearing_on__lte=models.F("window_end")),
                name="participation_hearing_within_window"),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.window_start}–{self.window_end}"

    @property
    def window_days(self) -> int:
        return (self.window_end - self.window_start).days + 1


class PublicComment(models.Model):
    """Art. 17: every comment kept, with its source and whether it was adopted, and why."""

    participation = models.ForeignKey(PublicParticipation, on_delete=models.PROTECT,
                                      related_name="comments")
    source = models.CharField(_("source"), max_length=200)
    text = models.TextField(_("comment"))
    adoption = models.CharField(_("adoption"), max_length=20, choices=AdoptionStatus.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["id"]

    def __str__(self):
        return f"{self.source}: {self.text[:40]}"


class ExpertOpinion(models.Model):
    """Art. 19 para. 2: a written opinion signed by the expert himself."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT,
                                 related_name="expert_opinions")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"))
    signature = models.CharField(_("signature"), max_length=100)
    declares_no_interest = models.BooleanField(
        _("declares no direct interest in the matter"), default=False,
        help_text=_("Art. 20: the expert declared, when signing, that he has no direct interest "
                    "in the matter (opinions signed before this was asked say false)."))
    signed_at = models.DateTimeField(auto_now_add=True)
    adoption = models.CharField(_("adoption"), max_length=20, choices=AdoptionStatus.choices,
                                default=AdoptionStatus.PENDING)
    adoption_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(signature=""), name="expert_opinion_signed"),
        ]

    def __str__(self):
        return f"{self.signature}: {self.opinion[:40]}"


class RiskAssessment(models.Model):
    """Arts. 22-24: risk points, measures, response plan, and whether the risk is controllable."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT,
                                 related_name="risk_assessments")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    risk_points = models.TextField(_("risk points"))
    measures = models.TextField(_("prevention measures"))
    response_plan = models.TextField(_("response plan"))
    controllable = models.BooleanField(_("risk controllable"))
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["assessed_at", "id"]

    def __str__(self):
        return f"{self.decision_id}/{self.pk} controllable={self.controllable}"


class LegalReview(ImmutableRecord):
    """Arts. 25-28: the legality review body's own signed opinion on one draft version."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices)
    opinion_authority = models.TextField(_("opinion on authority"))
    opinion_procedure = models.TextField(_("opinion on procedure"))
    opinion_content = models.TextField(_("opinion on content"))
    risk_statement = models.TextField(_("legal risk stated"), blank=True)
    conclusion = models.TextField(_("overall conclusion"), blank=True, default="")
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=ReviewOutcome.LAWFUL_WITH_RISK) | ~Q(risk_statement=""),
                name="review_risk_stated",
            ),
            models.UniqueConstraint(fields=["id", "draft_version", "outcome"],
                                    name="review_identity_for_meeting"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.draft_version_id})"


class CounselOpinion(ImmutableRecord):
    """Art. 28: the legal opinion of the legal adviser or government lawyer on the draft version
    under review, signed by himself and kept apart from the review body's own opinion.

    ``recorded_by`` is the counsel who signed it. (Opinions recorded before counsel signed
    their own were typed in by the reviewer: their signature is blank.)"""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT,
                                 related_name="counsel_opinions")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    counsel = models.CharField(_("legal adviser or government lawyer"), max_length=200)
    opinion = models.TextField(_("legal opinion"))
    signature = models.CharField(_("signature"), max_length=100, blank=True, default="")
    declares_no_interest = models.BooleanField(
        _("declares no direct interest in the matter"), default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal adviser's opinion")
        verbose_name_plural = _("legal advisers' opinions")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return self.counsel


class Meeting(ImmutableRecord):
    """Arts. 29-31: the meeting of the decision organ; the head speaks last."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="meetings")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(LegalReview, on_delete=models.PROTECT, related_name="+")
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    meeting_date = models.DateField(_("meeting date"))
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    head = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("head"))
    attendees = models.ManyToManyField(User, related_name="+", verbose_name=_("attending members"))
    head_decision = models.CharField(_("head's decision"), max_length=20,
                                     choices=HeadDecision.choices)
    head_reason = models.TextField(_("head's reason"), blank=True)
    risk_acknowledged = models.BooleanField(
        _("stated legal risk put to the meeting"), default=False,
        help_text=_("Art. 25 para. 2: the legal risk the review stated was put to the meeting."))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                # Sorted: a set's order changes from run to run, and migrations record it.
                condition=Q(review_outcome__in=sorted(
                    o.value for o in rulebook.REVIEW_OUTCOMES_CLEARING_THE_GATE)),
                name="meeting_needs_lawful_review",
            ),
        ]

    def __str__(self):
        return f"{self.meeting_date} {self.get_head_decision_display()}"


class MemberPositionRecord(ImmutableRecord):
    """Art. 30: each member's position, dissent included, with reasons."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="positions")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=20,
                                choices=rulebook.MemberPosition.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("member's position")
        verbose_name_plural = _("members' positions")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_position_per_member"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.get_position_display()}"


class MeetingAbsence(ImmutableRecord):
    """Art. 30 and the meeting rules: a member of the decision organ who did not attend, and
    why; with the attendees, every member of the organ is accounted for."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="absences")
    member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for absence"))

    class Meta:
        verbose_name = _("member's absence")
        verbose_name_plural = _("members' absences")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_absence_per_member"),
            models.CheckConstraint(condition=~Q(reason=""), name="absence_reason_required"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.reason[:40]}"


class Publication(ImmutableRecord):
    """Art. 32: the published text, and how public and expert opinions were adopted; Art. 31:
    when and under which reference the decision was reported to the Party committee."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT,
                                    related_name="publication")
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    #: The SHA-256 of the adopted draft version, whose text is the published text.
    draft_sha256 = models.CharField(_("SHA-256 of the adopted draft"), max_length=64,
                                    blank=True, default="")
    published_on = models.DateField(_("published on"))
    published_text = models.TextField(_("published text"))
    adoption_explanation = models.TextField(_("explanation of how opinions were adopted"))
    #: Art. 31; empty on publications recorded before the report was recorded (issue 10).
    party_report_on = models.DateField(_("reported to the Party committee on"), null=True,
                                       blank=True)
    party_report_ref = models.CharField(_("reference of the report to the Party committee"),
                                        max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return f"{self.published_on}"


class AcceptanceReturn(ImmutableRecord):
    """Art. 12: the office returned the proposal to the drafter, with its reasons."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="returns")
    reason = models.TextField(_("reason"))
    returned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["returned_at", "id"]

    def __str__(self):
        return self.reason[:50]


class Withdrawal(ImmutableRecord):
    """The proposal withdrawn before the head's decision: by whom, at which stage, and why.

    The decision is archived as withdrawn; every record made until then stays (Art. 33)."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT,
                                    related_name="withdrawal")
    stage = models.CharField(_("stage when withdrawn"), max_length=32, choices=Stage.choices)
    reason = models.TextField(_("reason"))
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_reason_required"),
        ]

    def __str__(self):
        return self.reason[:50]
