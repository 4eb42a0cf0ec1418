"""The annual report's page (年度报告) and its PDF, for the office, the head and the auditor: the
paragraph a rule-of-law report needs on the year's major decisions, and the list of the
decisions taken, for a year and a lead unit. Every figure comes from decisions/reports/annual.py;
nothing is counted here."""

from django.http import HttpResponse
from django.views import generic

from decisions import services
from decisions.reports.annual import annual_report, annual_report_paragraph

from .dashboard import FiguresReaderMixin
from .downloads import attachment_disposition


class AnnualReportView(FiguresReaderMixin, generic.TemplateView):
    """The year chosen (this year unless the query names another), its paragraph, its
    decisions (each linked where the reader may open it), and the PDF of the same."""

    template_name = "workflows/annual_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = annual_report(self.scope.year, lead_unit=self.scope.lead_unit or None)
        readable = set(self.readable.filter(pk__in=[d.decision_id for d in report.decisions])
                       .values_list("pk", flat=True))
        context.update(
            report=report, paragraph=annual_report_paragraph(report), scope=self.scope,
            form=self.filter_form,
            rows=[{"decision": d,
                   "url": self.viewset_url("process_detail", d.process_id)
                   if d.decision_id in readable and d.process_id else ""}
                  for d in report.decisions],
            pdf_url=self.viewset_url("annual_report_pdf") + "?" + self.query(),
            figures_url=self.viewset_url("figures") + "?" + self.query())
        return context


class AnnualReportPdfView(FiguresReaderMixin, generic.View):
    """The same report as a PDF laid out as the office's papers; each download is on the
    record, like the dossier's."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        issued = services.annual_report_issue(year=self.scope.year,
                                              lead_unit=self.scope.lead_unit,
                                              acting_user=request.user)
        response = HttpResponse(issued.content, content_type="application/pdf")
        response["Content-Disposition"] = attachment_disposition(issued.filename)
        response["Cache-Control"] = "no-store"
        return response
