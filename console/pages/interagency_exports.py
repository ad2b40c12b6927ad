"""Thống kê liên ngành as CSV and XLSX, in the forms' row order, from the hub's GraphQL answer.

Like the committee report's files (``gateway/reports/exports.py``): CSV in UTF-8 with a byte-order mark and
plain numbers (``1234567``, ``66.67``) so every tool reads them exactly; XLSX with Vietnamese number formats on
real numbers, a title, the status and the reconciliation's differences on a second sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Font

from console.format import vn_date
from console.pages import interagency_labels as labels
from domain.text import nfc

BOM: Final = "\ufeff"
HEADINGS: Final = ("Biểu", "Mã dòng", "Chỉ tiêu", "Đơn vị tính", "Số liệu")
DIFFERENCE_HEADINGS: Final = ("Bản án, quyết định", "Tòa án", "Bên tính", "Ngày chuyển giao", "Ngày vào sổ", "Lý do")


def filename(stats: Mapping[str, Any], extension: str) -> str:
    period = stats["period"]
    return (
        f"thong-ke-lien-nganh-{stats['province']}-{period['statisticalYear']}-{period['months']:02d}-thang.{extension}"
    )


def _row_cells(row: Mapping[str, Any]) -> list[str]:
    return [row["form"], row["code"], nfc(row["label"]), labels.UNIT.get(row["unit"], row["unit"]), row["value"] or ""]


def _difference_cells(d: Mapping[str, Any]) -> list[str]:
    return [
        d["judgmentId"],
        d["courtCode"],
        labels.SIDE.get(d["side"], d["side"]),
        vn_date(d["sentOn"]),
        vn_date(d["registeredOn"]),
        nfc(d["reason"]),
    ]


def render_csv(stats: Mapping[str, Any]) -> bytes:
    """The forms' rows (one heading row, then every row in order), UTF-8 with BOM, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for row in stats["rows"]:
        writer.writerow(_row_cells(row))
    return (BOM + out.getvalue()).encode("utf-8")


def _number(row: Mapping[str, Any]) -> int | float | None:
    raw = row["value"]
    if raw is None:
        return None
    if row["unit"] == "PERCENT":
        return float(Decimal(raw) / 100)  # 66.67 → 0.6667, shown 66.67% by 0.00%
    return int(Decimal(raw))


def _title_lines(stats: Mapping[str, Any]) -> Sequence[str]:
    status = labels.STATUS.get(stats["status"], stats["status"])
    closed = f" — khóa lúc {vn_date(stats['closedAt'])}" if stats.get("closedAt") else ""
    return (
        nfc(f"{labels.TITLE} — {stats['provinceName']}"),
        nfc(f"Kỳ thống kê: {stats['period']['label']} · {stats['legalBasis']}"),
        nfc(f"Trạng thái: {status}{closed} (phiên bản {stats['version']})"),
    )


def render_xlsx(stats: Mapping[str, Any]) -> bytes:
    """Sheet "Biểu mẫu": the rows in order; sheet "Đối chiếu": the reconciliation with the courts."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "Biểu mẫu"
    for i, line in enumerate(_title_lines(stats), start=1):
        sheet.cell(i, 1, line).font = Font(bold=i == 1, size=14 if i == 1 else 11)
    header = len(_title_lines(stats)) + 2
    for j, heading in enumerate(HEADINGS, start=1):
        sheet.cell(header, j, heading).font = Font(bold=True)
    for i, row in enumerate(stats["rows"], start=header + 1):
        cells = _row_cells(row)
        for j, text in enumerate(cells[:4], start=1):
            sheet.cell(i, j, text)
        number = sheet.cell(i, 5, _number(row))
        number.number_format = "0.00%" if row["unit"] == "PERCENT" else "#,##0"
    for letter, width in zip("ABCDE", (16, 10, 48, 12, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(header + 1, 1)
    r = stats["reconciliation"]
    other = book.create_sheet("Đối chiếu")
    other.cell(1, 1, "Đối chiếu bản án, quyết định Tòa án chuyển giao với sổ nhận của cơ quan thi hành án").font = Font(
        bold=True
    )
    other.cell(
        2, 1, f"Tòa án tính: {r['courtCount']} · Thi hành án tính: {r['enforcementCount']} · Khớp: {r['matched']}"
    )
    for j, heading in enumerate(DIFFERENCE_HEADINGS, start=1):
        other.cell(4, j, heading).font = Font(bold=True)
    for i, d in enumerate(r["differences"], start=5):
        for j, text in enumerate(_difference_cells(d), start=1):
            other.cell(i, j, text)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
