"""Thin views: validate the form, run the stage's command (its one service), move the flow on,
redirect. The command, ``decisions.commands``, is the same input the API builds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from decisions import commands, selectors
from decisions.catalogue.services import decision_year
from decisions.errors import StatutoryGateError
from decisions.people import display_name

from . import forms
from .diffs import draft_diff
from .stages import finish_task


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class StageFormView(generic.FormView):
    """A human step: its form, the decision beside it, and ``perform`` calling one service."""

    template_name = "workflows/stage_form.html"
    success_message = _("Recorded.")

    @property
    def activation(self):
        return self.request.activation

    @property
    def decision(self):
        return self.activation.process.decision

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = self.get_formset()
        context.update(activation=self.activation, decision=self.decision,
                       task=self.activation.task, flow_task=self.activation.flow_task,
                       view=self, formset=formset,
                       error_summary=forms.error_summary(context["form"], formset))
        context.update(self.stage_context())
        return context

    def get_formset(self):
        """A stage that records many rows (public comments) has a formset beside its form."""
        return None

    def stage_context(self) -> dict:
        """What this stage's person responds to, shown beside the form."""
        return {}

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        except StatutoryGateError as error:
            self.gate_refused(form, error)
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        finish_task(self.activation, acting_user=self.request.user)
        messages.success(self.request, self.success_message, fail_silently=True)
        return redirect(self.decision_url())

    def gate_refused(self, form, error: StatutoryGateError) -> None:
        """Show a statutory gate's refusal on the form; a stage may point it at its field."""
        form.add_error(None, error.message)

    def decision_url(self):
        return self.request.resolver_match.flow_viewset.reverse(
            "process_detail", args=[self.activation.process.pk])

    def run(self, command: commands.StageInput):
        """Hand the stage's input (the one the API builds too) to its service."""
        return command.run(decision=self.decision, acting_user=self.request.user,
                           task=self.activation.task)


class ProposeView(StageFormView):
    form_class = forms.ProposalForm
    success_message = _("The proposal is saved; check it and submit it to the office.")

    @property
    def decision(self):
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "catalogue_year": decision_year()}

    def form_valid(self, form):
        process = self.activation.process
        process.save()
        proposal = commands.Proposal.from_data({
            **form.command_data(), "draft_text": form.cleaned_data["draft_text"],
            "attachments": form.cleaned_data["attachments"]})
        try:
            proposal.run(process_id=process.pk, acting_user=self.request.user)
        except ValidationError as error:
            add_errors(form, error)
            process.delete()
            return self.form_invalid(form)
        except StatutoryGateError as error:
            self.gate_refused(form, error)
            process.delete()
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        finish_task(self.activation, acting_user=self.request.user)
        messages.success(self.request, self.success_message, fail_silently=True)
        return redirect(self.decision_url())


class InitiationView(StageFormView):
    form_class = forms.InitiationForm
    success_message = _("The proposal was submitted to the office.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "catalogue_year": decision_year(self.decision),
                "catalogue_keep": self.decision.catalogue_item}

    def get_initial(self):
        decision = self.decision
        initial = {field: getattr(decision, field) for field in (
            "title", "proposal_source", "lead_unit", "problem", "plan", "necessity",
            "alternatives", "needs_public_participation", "needs_expert_input",
            "needs_risk_assessment", "exploratory_reform", "participation_skip_ground",
            "participation_skip_basis", "catalogue_item", "outside_catalogue_reason")}
        initial["legal_basis"] = "\n".join(decision.legal_basis)
        for skip in decision.stage_skips.all():
            initial[f"skip_{skip.stage}"] = skip.reason
        return initial

    def perform(self, form):
        self.run(commands.Submission.from_data(form.command_data()))


class AcceptanceView(StageFormView):
    form_class = forms.AcceptanceForm

    def get_initial(self):
        return {"lead_unit": self.decision.lead_unit, "outcome": "accept"}

    def get_form_kwargs(self):
        """The confirmation of the ground for leaving out public participation (Art. 14) is
        asked only where it is left out."""
        return {**super().get_form_kwargs(),
                "participation_skipped": not self.decision.needs_public_participation}

    def stage_context(self):
        decision = self.decision
        if decision.needs_public_participation:
            return {}
        return {"participation_skip": {
            "ground": decision.get_participation_skip_ground_display(),
            "basis": decision.participation_skip_basis}}

    def perform(self, form):
        self.run(commands.Acceptance.from_data(form.cleaned_data))
        if form.cleaned_data["outcome"] == "return":
            self.success_message = _("The proposal was returned to the drafter.")
        else:
            self.success_message = _("The proposal was accepted.")


class PublicParticipationView(StageFormView):
    """Arts. 14-18: one or several consultations, each a row of ``consultations``, and the
    comments, each naming its consultation; the service's error of a consultation's field
    (``consultations.<i>.<field>``) is shown beside that field of that row."""

    form_class = forms.PublicParticipationForm

    def get_formset(self):
        return getattr(self, "formset", None) or forms.PublicCommentFormSet(prefix="comments")

    def get_consultations(self):
        return (getattr(self, "consultations", None)
                or forms.ConsultationFormSet(prefix="consultations"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consultations"] = self.get_consultations()
        context["error_summary"] = forms.error_summary(context["form"], context["consultations"],
                                                       context["formset"])
        return context

    def post(self, request, *args, **kwargs):
        self.consultations = forms.ConsultationFormSet(request.POST, prefix="consultations")
        self.formset = forms.PublicCommentFormSet(
            request.POST, prefix="comments",
            form_kwargs={"consultations": forms.consultations_posted(request.POST)})
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        valid = self.consultations.is_valid() & self.formset.is_valid()
        if not valid:
            return self.form_invalid(form)
        self.consultations_data = forms.consultations_command(self.consultations, self.formset)
        if self.consultations_data is None:
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        try:
            self.run(commands.PublicParticipation.from_data(
                {"consultations": self.consultations_data}))
        except ValidationError as error:
            raise ValidationError(self.place_errors(error)) from None

    def place_errors(self, error: ValidationError):
        """A consultation's field error beside its field; what is left, for the form."""
        if not hasattr(error, "error_dict"):
            return error
        rest = {}
        rows = [row for row in self.consultations.forms if row.cleaned_data]
        for key, problems in error.message_dict.items():
            name, _dot, tail = key.partition(".")
            index, _dot, field = tail.partition(".")
            if name == "consultations" and index.isdigit() and int(index) < len(rows):
                row = rows[int(index)]
                row.add_error(field if field in row.fields else None, problems)
            else:
                rest[key] = problems
        return ValidationError(rest)


class ExpertOpinionView(StageFormView):
    form_class = forms.ExpertOpinionForm

    def perform(self, form):
        self.run(commands.ExpertOpinion.from_data(form.cleaned_data))


class RiskAssessmentView(StageFormView):
    form_class = forms.RiskAssessmentForm

    def perform(self, form):
        self.run(commands.RiskAssessment.from_data(form.cleaned_data))


class ReviewedVersionView(StageFormView):
    """A step that names the draft version it weighs by its SHA-256 (the review, the legal
    adviser's opinion): the form carries the current one, and when the draft changed under the
    person the page shows the new one and names it now."""

    def get_initial(self):
        return {"reviewed_version": self.decision.current_version.sha256}

    def gate_refused(self, form, error):
        super().gate_refused(form, error)
        if error.code == "review_stale_version":
            self.decision.refresh_from_db()
            form.data = form.data.copy()
            form.data[form.add_prefix("reviewed_version")] = self.decision.current_version.sha256


class LegalReviewView(ReviewedVersionView):
    form_class = forms.LegalReviewForm

    def stage_context(self):
        material = selectors.legal_review_material(self.decision)
        last = material.last_review
        return {"review_material": material,
                "changes_since_review": draft_diff(last.draft_version.text,
                                                   self.decision.current_version.text)
                if last else None}

    def perform(self, form):
        self.run(commands.LegalReview.from_data(form.cleaned_data))


class CounselOpinionView(ReviewedVersionView):
    """Art. 28: the legal adviser reads the draft under review and signs his own opinion."""

    form_class = forms.CounselOpinionForm
    success_message = _("Your legal opinion was recorded and the reviewer told.")

    def stage_context(self):
        return {"review_material": selectors.legal_review_material(self.decision)}

    def perform(self, form):
        self.run(commands.CounselOpinion.from_data(form.cleaned_data))


class RevisionView(StageFormView):
    form_class = forms.RevisionForm
    success_message = _("A new draft version was created.")

    def get_initial(self):
        return {"draft_text": self.decision.current_version.text}

    def stage_context(self):
        return {"revision_ground": selectors.revision_ground(self.decision)}

    def perform(self, form):
        self.run(commands.Revision.from_data(form.cleaned_data))


class MeetingView(StageFormView):
    form_class = forms.MeetingForm

    def get_form_kwargs(self):
        """The record that the stated legal risk was put to the meeting is asked only after a
        review that stated one (Art. 25 para. 2)."""
        return {**super().get_form_kwargs(),
                "risk_stated": bool(selectors.stated_legal_risk(self.decision))}

    def stage_context(self):
        """What the meeting decides on, read-only above the record (Arts. 28-29)."""
        return {"meeting_review": selectors.latest_review(self.decision),
                "meeting_review_problem": selectors.review_gate_problem(self.decision),
                "meeting_package_missing": selectors.meeting_package_missing(self.decision)}

    #: The field beside which a gate's refusal is shown (it is in the summary on top too).
    GATE_FIELDS = {"meeting_date_invalid": "meeting_date", "quorum_not_met": "attendees"}

    def gate_refused(self, form, error):
        """Art. 30: a missing position is named beside each silent member's field; a date or
        a quorum refused, beside the date or the attendance."""
        if error.code in self.GATE_FIELDS:
            form.add_error(self.GATE_FIELDS[error.code], error.message)
            return
        silent = form.silent_attendees() if error.code == "positions_missing" else []
        for member in silent:
            name = display_name(member)
            form.add_error(f"position_{member.pk}", _(
                "%(name)s attended: record the position before the head's decision.")
                % {"name": name})
        if not silent:
            super().gate_refused(form, error)

    def perform(self, form):
        self.run(commands.Meeting.from_data({**form.cleaned_data,
                                             "positions": form.positions(),
                                             "absent": form.absences()}))


class PublicationView(StageFormView):
    form_class = forms.PublicationForm

    #: The field beside which a gate's refusal is shown (it is in the summary on top too).
    GATE_FIELDS = {"party_report_missing": "party_report_on",
                   "publication_date_invalid": "published_on",
                   "published_text_not_adopted": "published_text"}

    def get_initial(self):
        adopted = selectors.adopted_meeting(self.decision)
        version = adopted.draft_version if adopted else self.decision.current_version
        return {"published_text": version.text}

    def stage_context(self):
        """The meeting that adopted the decision, and the version it adopted (Arts. 30, 32)."""
        return {"adopted_meeting": selectors.adopted_meeting(self.decision)}

    def gate_refused(self, form, error):
        if error.code in self.GATE_FIELDS:
            form.add_error(self.GATE_FIELDS[error.code], error.message)
            return
        super().gate_refused(form, error)

    def perform(self, form):
        self.run(commands.Publication.from_data(form.cleaned_data))
