"""The annual report's section on major decisions as a PDF: the paragraph a rule-of-law report
needs and the list of the year's decisions, both from ``decisions.reports.annual`` (the figures
are computed there and only there), laid out by the office's template
``documents/annual_report.txt`` like its other papers."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import permissions
from ..audit import audit_record
from ..reports.annual import AnnualReport, annual_report, annual_report_paragraph
from .content import chinese_date, organ_names
from .issue import DOCUMENT_LANGUAGE, IssuedDocument
from .layout import layout_pdf, render_blocks

TEMPLATE = "documents/annual_report.txt"


def annual_report_values(report: AnnualReport, paragraph: str) -> dict:
    """What the report's template prints: the paragraph, the decisions, the date."""
    return {
        **organ_names(), "year": report.year, "lead_unit": report.lead_unit,
        "paragraph": paragraph,
        "today": chinese_date(timezone.localdate()),
        "decisions": [{
            "title": d.title, "lead_unit": d.lead_unit,
            "meeting_date": _in_year(d.meeting_date, report.year),
            "outcome": str(d.outcome_label),
            "published_on": _in_year(d.published_on, report.year),
            "reviewed": d.reviewed} for d in report.decisions],
    }


def _in_year(day, year: int) -> str:
    """3月10日 within the report's year, 2027年1月5日 outside it, empty for none."""
    if day is None:
        return ""
    return f"{day.month}月{day.day}日" if day.year == year else chinese_date(day)


def annual_report_issue(*, year: int, lead_unit: str = "", acting_user) -> IssuedDocument:
    """The PDF of ``year``'s report (of one lead unit's decisions when one is named) for the
    office, the head or an auditor; each download is on the record with the PDF's SHA-256."""
    if not permissions.can_read_figures(acting_user):
        raise PermissionDenied(_("Only the office, the head and the auditors read the figures "
                                 "of the year."))
    with transaction.atomic(), translation.override(DOCUMENT_LANGUAGE):
        report = annual_report(year, lead_unit=lead_unit or None)
        values = annual_report_values(report, annual_report_paragraph(report))
        pdf = layout_pdf(render_blocks(TEMPLATE, values), title=f"{year}年重大行政决策情况")
        name = "-".join([f"{year}年重大行政决策情况", *([lead_unit] if lead_unit else [])])
        issued = IssuedDocument(kind="annual_report", filename=f"{name}.pdf", content=pdf)
        audit_record(action="annual_report_download", actor=acting_user,
                     after={"figures_year": year, "lead_unit": lead_unit,
                            "sha256": issued.sha256})
    return issued
