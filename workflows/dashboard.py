"""The dashboard of the year (统计), for the office, the head and the auditor: every figure of
decisions/reports/figures.py for a year and a lead unit, each number linking to the list of the
decisions behind it; charts drawn in the browser from the same numbers by the Chart.js shipped
with the app (workflows/static/juece/vendor/chartjs, no CDN), handed over with ``json_script``;
tables beside them, readable without JavaScript and on a phone; the figures as an Excel or CSV
file, each export on the audit trail."""

from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.urls.base import ViewsetMeta

from decisions import permissions, selectors
from decisions.reports import export, figures

from .downloads import attachment_disposition

#: A page's name for each figure a link may name.
FIGURE_TITLES = {
    "stage": _("Decisions by stage"),
    "outcome": _("Decisions by outcome"),
    "coverage": _("Legality-review coverage"),
    "catalogue": _("The year's catalogue"),
    "on_time": _("On time per stage"),
    "overdue": _("Overdue tasks"),
    "review_time": _("Legality review time"),
    "methods": _("Consultation methods"),
}


class FiguresFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    lead_unit = forms.ChoiceField(label=_("Lead unit"), required=False)

    def __init__(self, *args, years, lead_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["lead_unit"].choices = [("", _("All lead units")),
                                            *((unit, unit) for unit in lead_units)]


class FiguresReaderMixin:
    """The figures are the office's, the head's and the auditor's (everyone else: 403, on the
    trail); each reads them over the decisions he may read, for the year and lead unit the
    query names (this year and every unit when it names none, or a year or unit not offered:
    the form then says so)."""

    flow_class = None
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_read_figures(request.user):
            raise PermissionDenied(_("Only the office, the head and the auditors read the "
                                     "figures of the year."))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def readable(self):
        return selectors.decisions_for_user(self.request.user)

    @cached_property
    def filter_form(self) -> FiguresFilterForm:
        data = {"year": self.request.GET.get("year") or timezone.localdate().year,
                "lead_unit": self.request.GET.get("lead_unit", "")}
        form = FiguresFilterForm(data, years=figures.years(),
                                 lead_units=figures.lead_units(self.readable))
        form.is_valid()
        return form

    @cached_property
    def scope(self) -> figures.Scope:
        cleaned = self.filter_form.cleaned_data
        return figures.Scope(year=cleaned.get("year") or timezone.localdate().year,
                             lead_unit=cleaned.get("lead_unit") or "", readable=self.readable)

    def query(self, **extra) -> str:
        params = {"year": self.scope.year}
        if self.scope.lead_unit:
            params["lead_unit"] = self.scope.lead_unit
        params.update(extra)
        return urlencode(params)

    def viewset_url(self, name: str, *args) -> str:
        return self.request.resolver_match.flow_viewset.reverse(name, args=args)

    def behind_url(self, figure: str, tally: figures.Tally) -> str:
        """Where a number leads: the list of its decisions (none for a zero)."""
        if not tally.decision_ids:
            return ""
        return (self.viewset_url("figures_decisions") + "?"
                + self.query(figure=figure, key=tally.key))


def _linked(view, figure: str, tallies) -> list[dict]:
    return [{"tally": tally, "url": view.behind_url(figure, tally)} for tally in tallies]


class FiguresView(FiguresReaderMixin, generic.TemplateView):
    template_name = "workflows/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = figures.dashboard(self.scope)
        on_time = [{"row": row,
                    "closed_url": self.behind_url("on_time", row.closed),
                    "on_time_url": self.behind_url("on_time", row.on_time),
                    "late_url": self.behind_url("on_time", row.late)}
                   for row in board.on_time]
        context.update(
            board=board, scope=self.scope, form=self.filter_form,
            stages=_linked(self, "stage", board.by_stage),
            outcomes=_linked(self, "outcome", board.by_outcome),
            coverage=_linked(self, "coverage", board.coverage.tallies()),
            catalogue=_linked(self, "catalogue", board.catalogue.tallies()),
            catalogue_items=self.catalogue_items(board.catalogue),
            on_time=on_time,
            overdue=[{"task": task, "url": self._decision_url(task.process_id)}
                     for task in board.overdue.tasks],
            overdue_url=self.behind_url("overdue", board.overdue.tally),
            reviews_url=self.behind_url("review_time", board.review_times.reviews),
            longest_url=self.behind_url("review_time", board.review_times.longest),
            methods=_linked(self, "methods", board.methods),
            export_xlsx=self.viewset_url("figures_export", export.XLSX) + "?" + self.query(),
            export_csv=self.viewset_url("figures_export", export.CSV) + "?" + self.query(),
            chart_data=self.chart_data(board, on_time),
        )
        return context

    def _decision_url(self, process_id) -> str:
        return self.viewset_url("process_detail", process_id) if process_id else ""

    def catalogue_items(self, gap: figures.CatalogueGap) -> list[dict]:
        """The items never brought to a decision, each with its decisions still in procedure
        (their pages)."""
        ids = [pk for row in gap.undecided_items for pk in row.decision_ids]
        process = dict(self.readable.filter(pk__in=ids).values_list("pk", "process_id"))
        return [{"item": row, "decisions": [(pk, self._decision_url(process.get(pk)))
                                            for pk in row.decision_ids]}
                for row in gap.undecided_items]

    def chart_data(self, board: figures.Dashboard, on_time: list[dict]) -> dict:
        """What figures.js draws, the same numbers as the tables and the same links."""
        def bars(figure, tallies, label, *, skip_zero=False):
            shown = [t for t in tallies if t.count or not skip_zero]
            return {"labels": [t.label for t in shown],
                    "datasets": [{"label": str(label), "data": [t.count for t in shown]}],
                    "links": [[self.behind_url(figure, t) for t in shown]]}

        timed = [row for row in on_time if row["row"].closed.count]
        return {
            "stage": {"type": "bar", **bars("stage", board.by_stage, _("Decisions"))},
            "outcome": {"type": "doughnut",
                        **bars("outcome", board.by_outcome, _("Decisions"), skip_zero=True)},
            "on_time": {
                "type": "bar", "stacked": True, "horizontal": True,
                "labels": [row["row"].label for row in timed],
                "datasets": [
                    {"label": str(_("Done on time")),
                     "data": [row["row"].on_time.count for row in timed]},
                    {"label": str(_("Done late")),
                     "data": [row["row"].late.count for row in timed]}],
                "links": [[row["on_time_url"] for row in timed],
                          [row["late_url"] for row in timed]]},
            "methods": {"type": "bar", "horizontal": True,
                        **bars("methods", board.methods, _("Consultations"))},
        }


class FiguresDecisionsView(FiguresReaderMixin, generic.ListView):
    """The decisions behind one number of the dashboard, computed afresh for the same filters."""

    template_name = "workflows/figures_decisions.html"
    paginate_by = 50

    @cached_property
    def tally(self) -> figures.Tally:
        figure = self.request.GET.get("figure", "")
        tally = figures.tally_behind(self.scope, figure, self.request.GET.get("key", ""))
        if tally is None:
            raise Http404
        return tally

    def get_queryset(self):
        return figures.decisions_behind(self.tally, self.readable)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figure = self.request.GET["figure"]
        stage_key = self.tally.key.split(".")[0]
        row_label = ""
        if figure == "on_time":
            row_label = next(row.label for row in figures.on_time_by_stage(self.scope)
                             if row.key == stage_key)
        number = f"{row_label} · {self.tally.label}" if row_label else self.tally.label
        context.update(
            heading=_("%(figure)s: %(number)s") % {"figure": FIGURE_TITLES.get(figure, ""),
                                                   "number": number},
            tally=self.tally,
            scope=self.scope, back_url=self.viewset_url("figures") + "?" + self.query(),
            rows=[{"decision": d, "url": self._decision_url(d.process_id)}
                  for d in context["object_list"]],
            query=self.query(figure=figure, key=self.tally.key))
        return context

    def _decision_url(self, process_id) -> str:
        return self.viewset_url("process_detail", process_id) if process_id else ""


class FiguresExportView(FiguresReaderMixin, generic.View):
    """The figures as a file (xlsx or csv), the same filters as the page; each download is an
    event of the audit trail, like the dossier's."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        file_format = kwargs["file_format"]
        if file_format not in export.WRITERS:
            raise Http404
        exported = export.figures_export(year=self.scope.year, lead_unit=self.scope.lead_unit,
                                         file_format=file_format, acting_user=request.user)
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = attachment_disposition(exported.filename)
        response["Cache-Control"] = "no-store"
        return response


class FiguresViewsetMixin(metaclass=ViewsetMeta):
    """The dashboard's pages in the site (login required, the site's menu); viewflow's
    metaclass collects the ``*_path`` below."""

    @property
    def figures_path(self):
        return path("figures/", FiguresView.as_view(), name="figures")

    @property
    def figures_decisions_path(self):
        return path("figures/decisions/", FiguresDecisionsView.as_view(),
                    name="figures_decisions")

    @property
    def figures_export_path(self):
        return path("figures/export/<str:file_format>/", FiguresExportView.as_view(),
                    name="figures_export")

