"""One form per stage, with the fields the statute asks that stage to record."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from decisions.people import display_name
from decisions.rulebook import (
    CONSULTATION_STAGES,
    AdoptionStatus,
    HeadDecision,
    MeetingKind,
    MemberPosition,
    ParticipationMethod,
    ProposalSource,
    ReviewOutcome,
    Role,
)

User = get_user_model()


def users_of(role: str):
    return User.objects.filter(groups__name=str(role), is_active=True).order_by("username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalFields(forms.Form):
    """Arts. 10-13: what a proposal must say."""

    title = forms.CharField(label=_("Title"), max_length=200)
    proposal_source = forms.ChoiceField(label=_("Source of the proposal"),
                                        choices=ProposalSource.choices)
    lead_unit = forms.CharField(label=_("Lead unit"), max_length=120)
    problem = forms.CharField(label=_("Problem and reasons"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis (one per line)"), widget=forms.Textarea)
    plan = forms.CharField(label=_("Preliminary plan"), widget=forms.Textarea)
    necessity = forms.CharField(label=_("Necessity and feasibility"), widget=forms.Textarea)
    alternatives = forms.CharField(label=_("Alternative plans"), widget=forms.Textarea,
                                   required=False)
    needs_public_participation = forms.BooleanField(label=_("Public participation needed"),
                                                    required=False, initial=True)
    skip_public_participation = forms.CharField(
        label=_("Why public participation is not needed"), required=False, widget=forms.Textarea)
    needs_expert_input = forms.BooleanField(label=_("Expert input needed"), required=False)
    skip_expert_input = forms.CharField(label=_("Why expert input is not needed"),
                                        required=False, widget=forms.Textarea)
    needs_risk_assessment = forms.BooleanField(label=_("Risk assessment needed"), required=False)
    skip_risk_assessment = forms.CharField(label=_("Why a risk assessment is not needed"),
                                           required=False, widget=forms.Textarea)
    disagreement_issue = forms.CharField(label=_("Disagreement between units: the issue"),
                                         required=False, widget=forms.Textarea)
    disagreement_positions = forms.CharField(label=_("Disagreement: each side's position"),
                                             required=False, widget=forms.Textarea)
    disagreement_reasons = forms.CharField(label=_("Disagreement: reasons"), required=False,
                                           widget=forms.Textarea)

    def command_data(self) -> dict:
        """The proposal, its skip reasons and disagreements, by the stage input's names."""
        return {**self.proposal(), "skip_reasons": self.skip_reasons(),
                "disagreements": self.disagreements()}

    def proposal(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"], "proposal_source": data["proposal_source"],
            "lead_unit": data["lead_unit"], "problem": data["problem"],
            "legal_basis": [line.strip() for line in data["legal_basis"].splitlines()
                            if line.strip()],
            "plan": data["plan"], "necessity": data["necessity"],
            "alternatives": data["alternatives"],
            "needs_public_participation": data["needs_public_participation"],
            "needs_expert_input": data["needs_expert_input"],
            "needs_risk_assessment": data["needs_risk_assessment"],
        }

    def skip_reasons(self) -> dict:
        return {stage.value: self.cleaned_data[f"skip_{stage.value}"]
                for stage in CONSULTATION_STAGES}

    def disagreements(self) -> list[dict]:
        data = self.cleaned_data
        return [{"issue": data["disagreement_issue"], "positions": data["disagreement_positions"],
                 "reasons": data["disagreement_reasons"]}]


class ProposalForm(ProposalFields):
    draft_text = forms.CharField(label=_("Draft text"), widget=forms.Textarea)
    attachments = MultipleFileField(label=_("Attachments"))


class InitiationForm(ProposalFields):
    pass


class AcceptanceForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("accept", _("Accept")), ("return", _("Return to the drafter"))])
    reason = forms.CharField(label=_("Reasons (required when returning)"), required=False,
                             widget=forms.Textarea)
    lead_unit = forms.CharField(label=_("Lead unit"), max_length=120, required=False)
    reviewer = UserChoiceField(label=_("Legality reviewer"), queryset=User.objects.none(),
                               required=False)
    experts = UsersChoiceField(label=_("Experts"), queryset=User.objects.none(),
                               required=False, widget=forms.CheckboxSelectMultiple)
    risk_assessor = UserChoiceField(label=_("Risk assessor"), queryset=User.objects.none(),
                                    required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = users_of(Role.REVIEWER)
        self.fields["experts"].queryset = users_of(Role.EXPERT)
        self.fields["risk_assessor"].queryset = users_of(Role.RISK_ASSESSOR)


class PublicParticipationForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=ParticipationMethod.choices)
    window_start = forms.DateField(label=_("Window opens"), widget=date_input())
    window_end = forms.DateField(label=_("Window closes"), widget=date_input())
    shortening_reason = forms.CharField(
        label=_("Reason for a window under 30 days (published)"), required=False,
        widget=forms.Textarea)


class PublicCommentForm(forms.Form):
    source = forms.CharField(label=_("Source"), max_length=200)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    adoption = forms.ChoiceField(label=_("Adoption"), choices=[("", "—")] + [
        c for c in AdoptionStatus.choices if c[0] != AdoptionStatus.PENDING])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


#: One row to start with; the page adds more (an untouched row is simply no comment).
PublicCommentFormSet = forms.formset_factory(PublicCommentForm, extra=1)


class ExpertOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Written opinion"), widget=forms.Textarea)
    signature = forms.CharField(label=_("Signature (your full name)"), max_length=100)


class RiskAssessmentForm(forms.Form):
    risk_points = forms.CharField(label=_("Risk points"), widget=forms.Textarea)
    measures = forms.CharField(label=_("Prevention measures"), widget=forms.Textarea)
    response_plan = forms.CharField(label=_("Response plan"), widget=forms.Textarea)
    controllable = forms.TypedChoiceField(
        label=_("Conclusion"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Risk controllable")), ("no", _("Risk not controllable"))])


class LegalReviewForm(forms.Form):
    reviewed_version = forms.CharField(label=_("Reviewed draft version (SHA-256)"),
                                       max_length=64, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices,
                                widget=forms.RadioSelect)
    opinion_authority = forms.CharField(label=_("Opinion on authority"), widget=forms.Textarea)
    opinion_procedure = forms.CharField(label=_("Opinion on procedure"), widget=forms.Textarea)
    opinion_content = forms.CharField(label=_("Opinion on content"), widget=forms.Textarea)
    conclusion = forms.CharField(label=_("Overall conclusion (optional)"), required=False,
                                 widget=forms.Textarea)
    risk_statement = forms.CharField(label=_("Legal risk stated (required for lawful with risk)"),
                                     required=False, widget=forms.Textarea)
    counsel = forms.CharField(label=_("Outside counsel (optional)"), required=False,
                              max_length=200)
    counsel_opinion = forms.CharField(label=_("Outside counsel's legal opinion"), required=False,
                                      widget=forms.Textarea)


class RevisionForm(forms.Form):
    draft_text = forms.CharField(label=_("Revised draft text"), widget=forms.Textarea)
    response = forms.CharField(
        label=_("Response to the opinion (say why where a point is not adopted)"),
        widget=forms.Textarea)
    attachments = MultipleFileField(label=_("New or replaced attachments"))


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(label=_("Meeting date"), widget=date_input())
    meeting_kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    head = UserChoiceField(label=_("Head presiding"), queryset=User.objects.none())
    attendees = UsersChoiceField(label=_("Attending members"), queryset=User.objects.none(),
                                 widget=forms.CheckboxSelectMultiple)
    head_decision = forms.ChoiceField(label=_("Head's decision (spoken last)"),
                                      choices=HeadDecision.choices)
    head_reason = forms.CharField(
        label=_("Head's reason (required where it differs from the majority)"), required=False,
        widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = users_of(Role.HEAD)
        self.members = list(users_of(Role.MEMBER))
        self.fields["attendees"].queryset = users_of(Role.MEMBER)
        for member in self.members:
            name = display_name(member)
            self.fields[f"position_{member.pk}"] = forms.ChoiceField(
                label=_("Position of %(name)s") % {"name": name}, required=False,
                choices=[("", "—"), *MemberPosition.choices])
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                label=_("Reasons of %(name)s") % {"name": name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
        # Art. 30: attendance, then each member speaks, and the head decides last.
        self.order_fields(["meeting_date", "meeting_kind", "head", "attendees",
                           *(f"{part}_{member.pk}" for member in self.members
                             for part in ("position", "reason")),
                           "head_decision", "head_reason"])

    def silent_attendees(self) -> list:
        """Attending members whose position is not recorded: the head may not decide yet."""
        data = self.cleaned_data
        return [member for member in data.get("attendees", [])
                if not data.get(f"position_{member.pk}")]

    def positions(self) -> dict:
        """Each attending member's recorded position; a silent attendee is simply absent."""
        data = self.cleaned_data
        return {
            member: (data[f"position_{member.pk}"], data[f"reason_{member.pk}"])
            for member in self.members if data.get(f"position_{member.pk}")
        }


def error_summary(form, formset=None) -> list[dict]:
    """Every error on the page, for the summary at the top of the form: label and message.

    A hidden field has no place beside it, so its error reads as the form's own.
    """
    items = [{"label": "", "message": message, "anchor": ""}
             for message in form.non_field_errors()]
    items += _field_errors(form)
    if formset is not None:
        items += [{"label": "", "message": message, "anchor": ""}
                  for message in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            prefix = _("Comment %(n)s") % {"n": number}
            items += [{"label": prefix, "message": message, "anchor": ""}
                      for message in row.non_field_errors()]
            items += _field_errors(row, prefix=f"{prefix} · ")
    return items


def _field_errors(form, prefix="") -> list[dict]:
    items = []
    for bound_field in form:
        for message in bound_field.errors:
            if bound_field.is_hidden:
                items.append({"label": "", "message": message, "anchor": ""})
            else:
                items.append({"label": f"{prefix}{bound_field.label}", "message": message,
                              "anchor": bound_field.auto_id})
    return items


class PublicationForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=date_input())
    published_text = forms.CharField(label=_("Published text"), widget=forms.Textarea)
    adoption_explanation = forms.CharField(
        label=_("How public and expert opinions were adopted"), widget=forms.Textarea)


class OpinionAdoptionForm(forms.Form):
    adoption = forms.ChoiceField(label=_("Adoption"), choices=[
        c for c in AdoptionStatus.choices if c[0] != AdoptionStatus.PENDING])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineChangeForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"),
                             widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason for the change"), max_length=2000)
