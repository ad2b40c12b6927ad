"""A committee report as CSV and as XLSX (openpyxl), built in memory.

CSV: UTF-8 with a byte-order mark (so Excel opens Vietnamese headings
correctly), comma-separated, one heading row, one row per unit and the totals
row last. Its figures are plain numbers (``1234567``, ``66.67``) so that any
tool reads them exactly: thousands dots and decimal commas would be misread
(``1.234`` as one point two) by every reader not set to Vietnamese. The
Vietnamese formats are in the XLSX (as number formats on real numbers) and on
the printed page.

XLSX: a title row with the scope, the period and when it was made; the
heading row frozen; counts and đồng as ``#,##0``, rates as ``0.00%`` (stored as
fractions, 0.6667); a bold totals row; notes (missing sources, the target's
decision) under the table.

Both take an optional ``progress`` callback, called once per row written, so a
large export can show how far it is (``lienthong report``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from domain.deadlines import VIETNAM_TZ
from domain.reports.committee import CommitteeReport
from domain.text import nfc
from gateway.reports.columns import COLUMNS, Kind, Value, report_notes, table_rows, title

Progress = Callable[[], None]

BOM: Final = "\ufeff"
COUNT_FORMAT: Final = "#,##0"
RATE_FORMAT: Final = "0.00%"
HEADER_ROW: Final = 4  # title, period, made at, then the headings
SHEET_TITLE: Final = "Báo cáo"
_THIN = Side(style="thin", color="8C959F")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADING_FILL = PatternFill("solid", fgColor="DDE7F0")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


def _noop() -> None:
    return None


def _csv_value(kind: Kind, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value)
    if kind is Kind.RATE:
        return f"{Decimal(value):.2f}"
    return str(value)


def render_csv(report: CommitteeReport, progress: Progress = _noop) -> bytes:
    """The report as CSV bytes (UTF-8 with BOM, CRLF line ends as RFC 4180 asks)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([nfc(c.heading) for c in COLUMNS])
    for row in table_rows(report):
        writer.writerow([_csv_value(c.kind, c.value(row)) for c in COLUMNS])
        progress()
    return (BOM + out.getvalue()).encode("utf-8")


def _cell_value(kind: Kind, value: Value) -> str | int | float | None:
    if value is None or isinstance(value, int | str):
        return nfc(value) if isinstance(value, str) else value
    if kind is Kind.RATE:
        return float(Decimal(value) / 100)  # 66.67 per cent → 0.6667, shown 66.67% by 0.00%
    return float(value)


def render_xlsx(report: CommitteeReport, progress: Progress = _noop) -> bytes:
    """The report as an XLSX workbook (one sheet, "Báo cáo")."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = SHEET_TITLE
    width = len(COLUMNS)
    sheet.cell(1, 1, title(report)).font = Font(bold=True, size=14)
    sheet.cell(2, 1, nfc(f"Kỳ báo cáo: {report.period.label_vi}")).font = Font(italic=True)
    made = report.generated_at.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
    sheet.cell(3, 1, nfc(f"Phạm vi: {report.scope_name} — lập lúc {made} (giờ Việt Nam)"))
    for col in (1, 2, 3):
        sheet.merge_cells(start_row=col, start_column=1, end_row=col, end_column=min(width, 12))
    for j, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, j, nfc(column.heading))
        cell.font = Font(bold=True)
        cell.fill = _HEADING_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(j)].width = 12 if j > 2 else (18 if j == 1 else 42)
    sheet.row_dimensions[HEADER_ROW].height = 60
    rows = table_rows(report)
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        is_total = i == HEADER_ROW + len(rows)
        for j, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(i, j, _cell_value(column.kind, column.value(row)))
            cell.border = _BORDER
            if column.kind in (Kind.COUNT, Kind.MONEY):
                cell.number_format = COUNT_FORMAT
            elif column.kind is Kind.RATE:
                cell.number_format = RATE_FORMAT
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = _TOTAL_FILL
        progress()
    sheet.column_dimensions[get_column_letter(width)].width = 30
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)  # headings and the unit's code and name stay in view
    notes = report_notes(report)
    for k, note in enumerate(notes, start=HEADER_ROW + len(rows) + 2):
        sheet.cell(k, 1, note).font = Font(italic=True)
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
