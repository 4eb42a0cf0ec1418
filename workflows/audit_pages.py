"""What auditors see: a decision's timeline, a search over the whole audit trail, and the
verification of its hash chain."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views import generic

from decisions import permissions, selectors, services
from decisions.audit.labels import CHAIN_PROBLEMS, REFUSALS, action_choices, action_label

from .audit_timeline import timeline_rows
from .models import DecisionProcess
from .pages import DecisionPageMixin


class DecisionTimelineView(DecisionPageMixin, generic.ListView):
    """One decision's events in sequence order, for anyone who may read the decision: all of
    them, with IP addresses, for an auditor; its history for everyone else."""

    template_name = "workflows/decision_timeline.html"
    paginate_by = 100
    flow_class = None
    viewset = None

    def load_decision(self, process_pk: int):
        return selectors.decision_for_timeline_by_process(process_pk)

    def get(self, request, *args, **kwargs):
        self.decision = self.get_decision()
        services.decision_record_dossier_read(decision=self.decision, acting_user=request.user,
                                              page=request.get_full_path())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.decision_timeline(self.decision, reader=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["object_list"])
        process = DecisionProcess.objects.get(pk=self.decision.process_id)
        shows_ip = selectors.shows_ip(self.request.user)
        context.update(decision=self.decision, process=process,
                       rows=timeline_rows(self.decision, events, shows_ip=shows_ip),
                       shows_ip=shows_ip,
                       may_verify_chain=permissions.can_search_audit_trail(self.request.user))
        return context


class AuditSearchForm(forms.Form):
    person = forms.CharField(label=_("Person (login or name)"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    decision = forms.CharField(label=_("Decision (title or number)"), required=False,
                               max_length=200)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *action_choices()]


class AuditorOnlyMixin:
    """The whole trail is the auditor role's to read: everyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_search_audit_trail(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AuditSearchView(AuditorOnlyMixin, generic.ListView):
    """The whole trail, searched by person, action, decision and days; for the auditor role."""

    template_name = "workflows/audit_search.html"
    paginate_by = 100
    flow_class = None
    viewset = None

    def get_queryset(self):
        self.form = AuditSearchForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            return selectors.audit_events_search().none()
        criteria = self.form.cleaned_data if self.form.is_bound else {}
        return selectors.audit_events_search(**{k: v for k, v in criteria.items() if v})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.form,
            query=query.urlencode(),
            rows=[(event, action_label(event.action), event.action in REFUSALS)
                  for event in context["object_list"]],
        )
        return context


class AuditVerifyView(AuditorOnlyMixin, generic.TemplateView):
    """The auditor verifies the whole chain from a page; the verification is an event of it.

    A GET only offers the button: walking the chain is an act on the record, so it is a POST."""

    template_name = "workflows/audit_verify.html"
    flow_class = None
    viewset = None

    def post(self, request, *args, **kwargs):
        report, event = services.audit_chain_verify(acting_user=request.user,
                                                    via=request.get_full_path())
        return self.render_to_response(self.get_context_data(
            report=report, event=event, problem=CHAIN_PROBLEMS.get(report.problem, report.reason)))
