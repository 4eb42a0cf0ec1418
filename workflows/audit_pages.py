"""What auditors see: a decision's timeline, and a search over the whole audit trail."""

import json
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views import generic

from decisions import permissions, selectors, services
from decisions.audit_labels import REFUSALS, action_choices, action_label
from decisions.models import AuditEvent, DraftVersion
from decisions.rulebook import Stage

from .pages import DecisionPageMixin

#: How many changed fields a row's summary names before it says "and more".
SUMMARY_FIELDS = 4
SUMMARY_VALUE_CHARS = 40


@dataclass
class TimelineRow:
    event: AuditEvent
    label: str
    stage_label: str
    version: DraftVersion | None
    previous_version: DraftVersion | None  # set on draft_version_create: the diff's other side
    changes: list[tuple[str, str, str]]
    more_changes: bool
    details: str
    refused: bool


class DecisionTimelineView(DecisionPageMixin, generic.ListView):
    """Every event of one decision in sequence order, for anyone who may read the decision."""

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
        return selectors.decision_timeline(self.decision)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["object_list"])
        context.update(decision=self.decision, process=self.decision.process,
                       rows=timeline_rows(self.decision, events))
        return context


def timeline_rows(decision, events: list[AuditEvent]) -> list[TimelineRow]:
    """Each event with the draft version it concerned: the one its record names, or else the
    version current at the time, followed through the page's own draft_version_create events
    (one query for the version current before the page's first event)."""
    versions = list(decision.versions.all())  # prefetched
    by_number = {v.number: v for v in versions}
    by_sha = {v.sha256: v for v in versions}
    current = (by_number.get(selectors.version_number_before(decision, events[0].sequence))
               if events else None)
    rows = []
    for event in events:
        named = _named_version(event, by_number, by_sha)
        previous = None
        if event.action == "draft_version_create" and named is not None:
            previous = by_number.get(named.number - 1)
            current = named
        before, after = event.before or {}, event.after or {}
        changes = _changes(before, after)
        rows.append(TimelineRow(
            event=event,
            label=action_label(event.action),
            stage_label=_stage_label(event.stage),
            version=named or current,
            previous_version=previous,
            changes=changes[:SUMMARY_FIELDS],
            more_changes=len(changes) > SUMMARY_FIELDS,
            details=json.dumps({"before": before, "after": after}, ensure_ascii=False,
                               indent=2, sort_keys=True),
            refused=event.action in REFUSALS,
        ))
    return rows


def _named_version(event, by_number, by_sha) -> DraftVersion | None:
    for record in (event.after or {}, event.before or {}):
        for key in ("reviewed_sha256", "sha256"):
            if record.get(key) in by_sha:
                return by_sha[record[key]]
        if isinstance(record.get("version"), int) and record["version"] in by_number:
            return by_number[record["version"]]
    return None


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def _changes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """The fields an event changed or recorded, each as (field, before, after), values cut."""
    return [(key, _short(before.get(key)), _short(after.get(key)))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)]


def _short(value) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_VALUE_CHARS else text[:SUMMARY_VALUE_CHARS - 1] + "…"


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


class AuditSearchView(generic.ListView):
    """The whole trail, searched by person, action, decision and days; for the auditor role."""

    template_name = "workflows/audit_search.html"
    paginate_by = 100
    flow_class = None
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_search_audit_trail(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.form = AuditSearchForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            return AuditEvent.objects.none()
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
