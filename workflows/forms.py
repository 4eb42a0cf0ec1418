"""One form per stage, with the fields the statute asks that stage to record."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from decisions.catalogue.selectors import items_open_for_proposal
from decisions.people import display_name
from decisions.rulebook import (
    CONSULTATION_STAGES,
    AdoptionStatus,
    HeadDecision,
    MeetingKind,
    MemberPosition,
    ParticipationMethod,
    ParticipationSkipGround,
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


class _FetchedChoices(forms.models.ModelChoiceIterator):
    """The choices read in one plain query. Django reads them through a server-side cursor
    (declare, fetch, close: three round trips), made for long lists; a year's catalogue is a
    few dozen items."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class CatalogueItemChoiceField(forms.ModelChoiceField):
    iterator = _FetchedChoices

    def label_from_instance(self, obj):
        return _("No. %(number)s %(title)s (%(unit)s, quarter %(quarter)s)") % {
            "number": obj.number, "title": obj.title, "unit": obj.lead_unit,
            "quarter": obj.planned_quarter}


class ProposalFields(forms.Form):
    """Arts. 10-13: what a proposal must say; Art. 3 para. 3: the catalogue item it carries
    out, or why it is outside the year's catalogue."""

    title = forms.CharField(label=_("Title"), max_length=200)
    proposal_source = forms.ChoiceField(label=_("Source of the proposal"),
                                        choices=ProposalSource.choices)
    lead_unit = forms.CharField(label=_("Lead unit"), max_length=120)
    catalogue_item = CatalogueItemChoiceField(
        label=_("Item of the annual decision catalogue"), queryset=None, required=False,
        empty_label="—",
        help_text=_("The item of this year's published catalogue of major decisions that this "
                    "decision carries out (Art. 3 para. 3). If it is not in the catalogue, "
                    "leave this empty and give the reason below."))
    outside_catalogue_reason = forms.CharField(
        label=_("Why it is outside the catalogue"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a decision that no item of the year's catalogue covers."))
    problem = forms.CharField(label=_("Problem and reasons"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis (one per line)"), widget=forms.Textarea)
    plan = forms.CharField(label=_("Preliminary plan"), widget=forms.Textarea)
    necessity = forms.CharField(label=_("Necessity and feasibility"), widget=forms.Textarea)
    alternatives = forms.CharField(label=_("Alternative plans"), widget=forms.Textarea,
                                   required=False)
    needs_public_participation = forms.BooleanField(label=_("Public participation needed"),
                                                    required=False, initial=True)
    participation_skip_ground = forms.ChoiceField(
        label=_("Ground for not hearing the public"), required=False,
        choices=[("", "—"), *ParticipationSkipGround.choices],
        help_text=_("Public participation may be left out only for a matter that may not be "
                    "disclosed by law (Art. 14); the office confirms the ground at acceptance."))
    participation_skip_basis = forms.CharField(
        label=_("The law that bars disclosure"), required=False, widget=forms.Textarea,
        help_text=_("Required with the ground: the law, and its article, under which the matter "
                    "may not be disclosed."))
    needs_expert_input = forms.BooleanField(label=_("Expert input needed"), required=False)
    skip_expert_input = forms.CharField(label=_("Why expert input is not needed"),
                                        required=False, widget=forms.Textarea)
    needs_risk_assessment = forms.BooleanField(label=_("Risk assessment needed"), required=False)
    skip_risk_assessment = forms.CharField(label=_("Why a risk assessment is not needed"),
                                           required=False, widget=forms.Textarea)
    exploratory_reform = forms.BooleanField(
        label=_("Exploratory reform on which the state has no clear rule"), required=False,
        help_text=_("Only such a decision may be found lawful with the legal risk stated and "
                    "go to the decision organ with that risk made plain (Art. 25 para. 2)."))
    disagreement_issue = forms.CharField(label=_("Disagreement between units: the issue"),
                                         required=False, widget=forms.Textarea)
    disagreement_positions = forms.CharField(label=_("Disagreement: each side's position"),
                                             required=False, widget=forms.Textarea)
    disagreement_reasons = forms.CharField(label=_("Disagreement: reasons"), required=False,
                                           widget=forms.Textarea)

    def __init__(self, *args, catalogue_year: int, catalogue_keep=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = items_open_for_proposal(catalogue_year, keep=catalogue_keep)
        field = self.fields["catalogue_item"]
        field.queryset = items
        if not items.exists():
            field.help_text = _("No catalogue of %(year)s is published yet: give the reason "
                                "below why the decision is taken outside the catalogue.") % {
                                    "year": catalogue_year}

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
            "exploratory_reform": data["exploratory_reform"],
            "participation_skip_ground": data["participation_skip_ground"],
            "participation_skip_basis": data["participation_skip_basis"],
            "catalogue_item": data["catalogue_item"],
            "outside_catalogue_reason": data["outside_catalogue_reason"],
        }

    def skip_reasons(self) -> dict:
        """The free-text reasons for leaving out expert input or the risk assessment; public
        participation has its one ground instead (Art. 14)."""
        return {stage.value: self.cleaned_data[f"skip_{stage.value}"]
                for stage in CONSULTATION_STAGES if f"skip_{stage.value}" in self.cleaned_data}

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
    counsel = UserChoiceField(
        label=_("Legal adviser or government lawyer"), queryset=User.objects.none(),
        required=False, help_text=_("Gives his own legal opinion in each round of the legality "
                                    "review (Art. 28)."))
    experts = UsersChoiceField(label=_("Experts"), queryset=User.objects.none(),
                               required=False, widget=forms.CheckboxSelectMultiple)
    risk_assessor = UserChoiceField(label=_("Risk assessor"), queryset=User.objects.none(),
                                    required=False)
    participation_skip_confirmed = forms.BooleanField(
        label=_("I confirm that the matter may not be disclosed by law, so public participation "
                "is left out (Art. 14)"), required=False,
        help_text=_("Check the ground and the law cited above; if they do not hold, return the "
                    "proposal to the drafter."))

    def __init__(self, *args, participation_skipped: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not participation_skipped:
            del self.fields["participation_skip_confirmed"]
        self.fields["reviewer"].queryset = users_of(Role.REVIEWER)
        self.fields["counsel"].queryset = users_of(Role.COUNSEL)
        self.fields["experts"].queryset = users_of(Role.EXPERT)
        self.fields["risk_assessor"].queryset = users_of(Role.RISK_ASSESSOR)


class PublicParticipationForm(forms.Form):
    """The stage's own form holds no field: each consultation is a row of ``ConsultationFormSet``
    and each comment a row of ``PublicCommentFormSet``; a refusal of the whole is shown here."""


#: The hearing's own fields, shown on the page for a hearing only (Arts. 16-17).
HEARING_FIELDS = ("hearing_on", "materials_sent_on", "record_confirmed")


class ConsultationForm(forms.Form):
    """One consultation of the public (Arts. 14-17). Its fields are checked by the service (the
    API's door meets the same checks), which says at once everything a row lacks."""

    method = forms.ChoiceField(label=_("Method"), choices=[("", "—"), *ParticipationMethod.choices],
                               required=False,
                               help_text=_("Art. 14. An open consultation of the public lasts "
                                           "at least 30 days (Art. 15)."))
    channel = forms.CharField(label=_("Channel"), max_length=200, required=False,
                              help_text=_("Where or how it was published or held, e.g. the "
                                          "government website, the village notice board."))
    notice = forms.CharField(label=_("Notice"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The notice given: time, place, how to comment."))
    window_start = forms.DateField(label=_("Window opens"), widget=date_input(), required=False,
                                   help_text=_("For a meeting, a visit or a hearing: its day."))
    window_end = forms.DateField(label=_("Window closes"), widget=date_input(), required=False,
                                 help_text=_("The window includes this day: the consultation "
                                             "is recorded from the day after."))
    shortening_reason = forms.CharField(
        label=_("Reason for a window under 30 days (published)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))
    hearing_on = forms.DateField(label=_("Hearing held on"), required=False, widget=date_input())
    materials_sent_on = forms.DateField(
        label=_("Hearing materials reached the participants on"), required=False,
        widget=date_input(), help_text=_("At least 7 days before the hearing (Art. 16)."))
    record_confirmed = forms.BooleanField(
        label=_("The participants confirmed and signed the hearing record (Art. 17)"),
        required=False)


class ConsultationRows(forms.BaseFormSet):
    row_label = _("Consultation %(n)s")


#: The first consultation is asked for; the page adds more (an untouched added row is no
#: consultation).
ConsultationFormSet = forms.formset_factory(ConsultationForm, formset=ConsultationRows, extra=0,
                                            min_num=1, max_num=100)


class PublicCommentForm(forms.Form):
    consultation = forms.TypedChoiceField(label=_("From consultation"), coerce=int, initial=1)
    source = forms.CharField(label=_("Source"), max_length=200)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    adoption = forms.ChoiceField(label=_("Adoption"), choices=[("", "—")] + [
        c for c in AdoptionStatus.choices if c[0] != AdoptionStatus.PENDING])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, consultations: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [
            (n, _("Consultation %(n)s") % {"n": n}) for n in range(1, consultations + 1)]


class CommentRows(forms.BaseFormSet):
    row_label = _("Comment %(n)s")


#: One row to start with; the page adds more (an untouched row is simply no comment).
PublicCommentFormSet = forms.formset_factory(PublicCommentForm, formset=CommentRows, extra=1)


def consultations_posted(data) -> int:
    """How many consultation rows the page posted (the choices of each comment's consultation)."""
    try:
        total = int(data.get("consultations-TOTAL_FORMS", 1))
    except (TypeError, ValueError):
        total = 1
    return min(max(total, 1), ConsultationFormSet.max_num)


def consultations_command(consultations, comments) -> list[dict] | None:
    """Each consultation the page filled in, with the comments that name it; None, with the
    comment's field in error, when a comment names a consultation left empty."""
    filled = {n: {**f.cleaned_data, "comments": []}
              for n, f in enumerate(consultations.forms, 1) if f.cleaned_data}
    for row in comments.forms:
        comment = row.cleaned_data
        if not comment:
            continue
        number = comment.get("consultation")
        if number not in filled:
            row.add_error("consultation", _("Consultation %(n)s is not filled in.")
                          % {"n": number})
            continue
        filled[number]["comments"].append(
            {key: value for key, value in comment.items() if key != "consultation"})
    if any(row.errors for row in comments.forms):
        return None
    return list(filled.values())


class ExpertOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Written opinion"), widget=forms.Textarea)
    signature = forms.CharField(label=_("Signature (your full name)"), max_length=100)
    declares_no_interest = forms.BooleanField(
        label=_("I have no direct interest in the matter"), required=False,
        help_text=_("Art. 20: an expert with a direct interest in the matter may not give an "
                    "opinion on it. Without this declaration the opinion is not accepted."))


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


class CounselOpinionForm(forms.Form):
    reviewed_version = forms.CharField(label=_("Reviewed draft version (SHA-256)"),
                                       max_length=64, widget=forms.HiddenInput)
    opinion = forms.CharField(label=_("Legal opinion"), widget=forms.Textarea)
    signature = forms.CharField(label=_("Signature (your full name)"), max_length=100)
    declares_no_interest = forms.BooleanField(
        label=_("I have no direct interest in the matter"), required=False,
        help_text=_("Art. 20: no one with a direct interest in the matter weighs it. Without "
                    "this declaration the opinion is not accepted."))


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
    risk_acknowledged = forms.BooleanField(
        label=_("The legal risk stated by the legality review was put to the meeting"),
        required=False,
        help_text=_("Art. 25 para. 2: a draft found lawful with a legal risk stated goes to the "
                    "decision organ with that risk made plain; the record says so."))

    def __init__(self, *args, risk_stated: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not risk_stated:
            del self.fields["risk_acknowledged"]
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
            self.fields[f"absence_{member.pk}"] = forms.CharField(
                label=_("Why %(name)s was absent (if not attending)") % {"name": name},
                required=False, max_length=5000)
        # Art. 30: attendance, the stated legal risk put to the meeting (Art. 25 para. 2), then
        # each member speaks, and the head decides last.
        self.order_fields(["meeting_date", "meeting_kind", "head", "attendees",
                           *(f"absence_{member.pk}" for member in self.members),
                           "risk_acknowledged",
                           *(f"{part}_{member.pk}" for member in self.members
                             for part in ("position", "reason")),
                           "head_decision", "head_reason"])

    def clean(self):
        """Every member of the decision organ attended or was absent, for a reason (Art. 30
        and the meeting rules): a member not ticked as attending is absent."""
        data = super().clean()
        attending = data.get("attendees")
        if attending is None:
            return data
        for member in self.members:
            reason = (data.get(f"absence_{member.pk}") or "").strip()
            if member in attending and reason:
                self.add_error(f"absence_{member.pk}", _(
                    "%(name)s is ticked as attending: leave the reason for an absence empty.")
                    % {"name": display_name(member)})
            elif member not in attending and not reason:
                self.add_error(f"absence_{member.pk}", _(
                    "%(name)s did not attend: give the reason for the absence.")
                    % {"name": display_name(member)})
        return data

    def absences(self) -> list[dict]:
        """Each member not attending, with the reason given."""
        data = self.cleaned_data
        return [{"member": member, "reason": data.get(f"absence_{member.pk}", "")}
                for member in self.members if member not in data.get("attendees", [])]

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


def error_summary(form, *formsets) -> list[dict]:
    """Every error on the page, for the summary at the top of the form: label and message.

    A hidden field has no place beside it, so its error reads as the form's own. A formset's
    rows are named by its ``row_label`` (each consultation, each public comment).
    """
    items = [{"label": "", "message": message, "anchor": ""}
             for message in form.non_field_errors()]
    items += _field_errors(form)
    for formset in formsets:
        if formset is None:
            continue
        items += [{"label": "", "message": message, "anchor": ""}
                  for message in formset.non_form_errors()]
        row_label = getattr(formset, "row_label", _("Comment %(n)s"))
        for number, row in enumerate(formset.forms, start=1):
            prefix = row_label % {"n": number}
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
    party_report_on = forms.DateField(
        label=_("Reported to the Party committee on"), widget=date_input(),
        error_messages={"required": _(
            "Before it is issued, the decision is reported to the Party committee at the same "
            "level (Art. 31): give the date of the report.")})
    party_report_ref = forms.CharField(
        label=_("Reference of the report to the Party committee"), max_length=200,
        error_messages={"required": _(
            "Give the reference of the report to the Party committee (Art. 31).")})
    published_on = forms.DateField(label=_("Published on"), widget=date_input())
    published_text = forms.CharField(
        label=_("Published text (the adopted draft)"), widget=forms.Textarea, required=False,
        help_text=_("The draft version the meeting adopted, word for word; left empty, that "
                    "version's text is published."))
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


class WithdrawalForm(forms.Form):
    """Withdrawing the decision from its page; the service asks for the reason if none is given."""

    reason = forms.CharField(label=_("Reason for withdrawing"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))
