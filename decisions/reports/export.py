"""The dashboard's figures as a file: an Excel workbook (a sheet per figure) or a CSV file
(the same tables one after another, UTF-8 with a byte order mark so that Excel reads the
Chinese right). Every export is on the record: who took which year's figures, of which lead
unit, in which format, and the SHA-256 of the file he was given."""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .. import permissions
from ..audit import audit_record
from ..models import Decision
from .figures import Dashboard, Scope, Share, Tally, dashboard, outcome_label

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
#: Excel's own limit on a sheet's name.
SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def _ids(tally: Tally) -> str:
    return " ".join(f"#{pk}" for pk in tally.decision_ids)


def _tally_rows(tallies) -> tuple[tuple, ...]:
    return tuple((tally.label, tally.count, _ids(tally)) for tally in tallies)


def figures_tables(board: Dashboard) -> list[Table]:
    """Each figure of the dashboard as a table, in the reader's language, the decisions behind
    each number by their number (#12), and a last table naming those decisions."""
    scope = board.scope
    decisions_header = (_("Figure"), _("Number"), _("Decisions"))
    coverage, gap, times = board.coverage, board.catalogue, board.review_times
    tables = [
        Table(_("Summary"), (_("Figure"), _("Value")), (
            (_("Year"), scope.year),
            (_("Lead unit"), scope.lead_unit or _("All lead units")),
            (_("Decisions proposed in the year"), board.proposed),
            (_("Decided in the year"), coverage.decided.count),
            (_("Legality-review coverage"), coverage.share),
            (_("Legality reviews recorded"), times.reviews.count),
            (_("Average review time (days)"), times.average_days),
            (_("Longest review time (days)"), times.longest_days),
            (_("Overdue tasks"), board.overdue.tally.count),
        )),
        Table(_("Decisions by stage"), decisions_header, _tally_rows(board.by_stage)),
        Table(_("Decisions by outcome"), decisions_header, _tally_rows(board.by_outcome)),
        Table(_("Legality-review coverage"), decisions_header,
              (*_tally_rows(coverage.tallies()), (_("Coverage"), coverage.share, ""))),
        Table(_("On time per stage"),
              (_("Stage"), _("Done"), _("Done on time"), _("Done late"), _("On-time rate"),
               _("Decisions with a late task")),
              tuple((row.label, row.closed.count, row.on_time.count, row.late.count, row.share,
                     _ids(row.late)) for row in board.on_time)),
        Table(_("Overdue tasks"),
              (_("Decision"), _("Title"), _("Task"), _("Holder"), _("Due"), _("Days overdue")),
              tuple((f"#{t.decision_id}", t.decision_title, t.step, t.holder, t.due_on,
                     t.days_overdue) for t in board.overdue.tasks)),
        Table(_("Consultation methods"), decisions_header, _tally_rows(board.methods)),
    ]
    if gap.has_catalogue:
        tables.append(Table(
            _("Catalogue items not decided"),
            (_("Item number"), _("Item"), _("Lead unit"), _("Planned quarter"),
             _("Decisions in procedure")),
            tuple((row.number, row.title, row.lead_unit, row.planned_quarter,
                   " ".join(f"#{pk}" for pk in row.decision_ids))
                  for row in gap.undecided_items)))
    tables.append(_decisions_table(board))
    return tables


def _decisions_table(board: Dashboard) -> Table:
    tallies = [*board.by_stage, *board.coverage.tallies(), *board.overdue.tallies(),
               *board.methods, *board.catalogue.tallies(),
               *(t for row in board.on_time for t in row.tallies())]
    ids = {pk for tally in tallies for pk in tally.decision_ids}
    outcome = {pk: tally.key for tally in board.by_outcome for pk in tally.decision_ids}
    rows = tuple(
        (f"#{d.pk}", d.title, d.lead_unit, timezone.localdate(d.created_at), d.get_stage_display(),
         outcome_label(outcome[d.pk]) if d.pk in outcome else "")
        for d in Decision.objects.filter(pk__in=ids).order_by("pk"))
    return Table(_("Decisions"), (_("Decision"), _("Title"), _("Lead unit"), _("Proposed"),
                                  _("Stage"), _("Outcome")), rows)


def workbook_bytes(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, book.sheetnames))
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_value(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Share):
                    cell.number_format = "0.0%"
                elif isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
        for index, title in enumerate(table.header, 1):
            width = max([len(str(title)) * 2, *(len(str(row[index - 1])) * 2
                                                   for row in table.rows)], default=10)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:SHEET_NAME_MAX]
    return name if name not in taken else f"{name[:SHEET_NAME_MAX - 3]}({len(taken)})"


def _xlsx_value(value):
    if isinstance(value, Share):
        return None if value.percent is None else float(value.percent) / 100
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float, datetime.date)):
        return value
    return str(value)


def csv_bytes(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow([_csv_value(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


WRITERS = {XLSX: workbook_bytes, CSV: csv_bytes}


@transaction.atomic
def figures_export(*, year: int, lead_unit: str = "", file_format: str, acting_user,
                   today: datetime.date | None = None) -> ExportFile:
    """The figures of ``year`` (of ``lead_unit``) as ``acting_user`` may read them, as a file,
    and the export on the audit trail in the same transaction."""
    if not permissions.can_read_figures(acting_user):
        raise PermissionDenied(_("Only the office, the head and the auditors read the figures "
                                 "of the year."))
    if file_format not in WRITERS:
        raise ValueError(f"No export format {file_format!r}")
    scope = Scope(year=year, lead_unit=lead_unit,
                  readable=permissions.decisions_visible_to(acting_user))
    content = WRITERS[file_format](figures_tables(dashboard(scope, today=today)))
    digest = hashlib.sha256(content).hexdigest()
    audit_record(action="figures_export", actor=acting_user,
                 after={"figures_year": year, "lead_unit": lead_unit,
                        "file_format": file_format, "sha256": digest})
    name = "-".join(["juece-figures", str(year), *([lead_unit] if lead_unit else [])])
    return ExportFile(content=content, filename=f"{name}.{file_format}",
                      content_type=CONTENT_TYPES[file_format])
