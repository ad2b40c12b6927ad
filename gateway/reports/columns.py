"""The columns of a committee report's table, once, for the CSV, the XLSX and the printed page.

Headings are the Vietnamese of Circular 05/2024/TT-BTP's forms as a committee
reads them; each column says what kind of figure it holds so every format
prints it the same way: counts of cases (việc) and amounts (đồng) as whole
numbers, rates as per cent (``domain.reports`` computes them to 2 decimals),
``None`` where there is no figure (nothing had conditions), "Chưa giao chỉ tiêu" in the
target columns where the statistical year has no target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from domain.reports.committee import CommitteeReport, ReportRow, RowKind
from domain.reports.figures import Source
from domain.reports.indicators import Indicators
from domain.reports.targets import NO_TARGET, target_year
from domain.text import nfc


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"  # việc, bản án, yêu cầu, cảnh báo
    MONEY = "money"  # đồng
    RATE = "rate"  # per cent, e.g. Decimal("66.67")


Value = str | int | Decimal | None


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    kind: Kind
    value: Callable[[ReportRow], Value]
    group: str = ""  # the heading over a group of columns on the printed page


SOURCE_NAMES: Final = {
    Source.LEDGER: "sổ chuyển giao của Liên thông",
    Source.ENFORCEMENT: "hệ thống thi hành án",
    Source.PERSONNEL: "hệ thống nhân sự",
}
TOTAL_LABEL: Final = "Tổng cộng"


def _cases(row: ReportRow) -> Indicators:
    return row.current.enforcement.cases


def _money(row: ReportRow) -> Indicators:
    return row.current.enforcement.money


def _name(row: ReportRow) -> str:
    return nfc(f"{TOTAL_LABEL} ({row.name})" if row.kind is RowKind.TOTAL else row.name)


def missing_sources(row: ReportRow) -> str:
    """The sources that did not answer for this row, in Vietnamese ("" when all did)."""
    missing = row.current.missing | row.previous.missing
    return "; ".join(SOURCE_NAMES[s] for s in Source if s in missing)


CASES: Final = "Về việc"
MONEY: Final = "Về tiền (đồng)"
HUB: Final = "Liên thông"

# The enforcement columns of Circular 05/2024/TT-BTP's forms, the same in cases (việc) and in money (đồng), so
# each row adds up across the table (domain/reports/classification.py says where each case counts):
#   năm trước chuyển sang + thụ lý mới = tổng số thụ lý;
#   tổng số thụ lý − ủy thác − thu hồi, hủy quyết định = tổng số phải thi hành
#                                                     = có điều kiện + chưa có điều kiện thi hành;
#   tổng số phải thi hành − thi hành xong (đình chỉ included) = chuyển kỳ sau;
#   tỷ lệ thi hành xong = thi hành xong ÷ có điều kiện thi hành.
RATE_LABEL: Final = "Tỷ lệ thi hành xong (%)"


def _enforcement_columns(unit: str, kind: Kind, group: str, of: Callable[[ReportRow], Indicators]) -> list[Column]:
    money = kind is Kind.MONEY
    return [
        Column(f"Năm trước chuyển sang ({unit})", kind, lambda r: of(r).carried_over, group),
        Column(f"Thụ lý mới ({unit})", kind, lambda r: of(r).newly_accepted, group),
        Column(f"Tổng số thụ lý ({unit})", kind, lambda r: of(r).accepted, group),
        Column(f"Ủy thác ({unit})", kind, lambda r: of(r).entrusted_out, group),
        Column(f"Thu hồi, hủy quyết định ({unit})", kind, lambda r: of(r).withdrawn, group),
        Column(f"Tổng số phải thi hành ({unit})", kind, lambda r: of(r).total, group),
        Column(f"Có điều kiện thi hành ({unit})", kind, lambda r: of(r).with_conditions, group),
        Column(f"Chưa có điều kiện thi hành ({unit})", kind, lambda r: of(r).without_conditions, group),
        Column(f"Thi hành xong ({unit})", kind, lambda r: of(r).completed, group),
        Column(f"{RATE_LABEL} ({unit})", Kind.RATE, lambda r: of(r).completion_rate, group),
        Column(
            f"Chỉ tiêu (%) ({unit})",
            Kind.RATE,
            lambda r: NO_TARGET if r.target is None else (r.target.money_rate if money else r.target.cases_rate),
            group,
        ),
        Column(
            f"Tỷ lệ cùng kỳ năm trước (%) ({unit})",
            Kind.RATE,
            lambda r: (r.previous.enforcement.money if money else r.previous.enforcement.cases).completion_rate,
            group,
        ),
        Column(f"Chuyển kỳ sau ({unit})", kind, lambda r: of(r).carried_to_next, group),
    ]


COLUMNS: Final[tuple[Column, ...]] = (
    Column("Mã đơn vị", Kind.TEXT, lambda r: r.code),
    Column("Đơn vị", Kind.TEXT, _name),
    *_enforcement_columns("việc", Kind.COUNT, CASES, _cases),
    *_enforcement_columns("đồng", Kind.MONEY, MONEY, _money),
    Column("Bản án nhận qua Liên thông", Kind.COUNT, lambda r: r.current.transfers.transferred, HUB),
    Column("Chuyển giao đúng hạn", Kind.COUNT, lambda r: r.current.transfers.on_time, HUB),
    Column("Chuyển giao quá hạn", Kind.COUNT, lambda r: r.current.transfers.late, HUB),
    Column("Kiến nghị của Viện kiểm sát", Kind.COUNT, lambda r: r.current.coordination.recommendations.opened, HUB),
    Column("Yêu cầu phối hợp chưa trả lời", Kind.COUNT, lambda r: r.current.coordination.total.open, HUB),
    Column("Yêu cầu quá hạn trả lời", Kind.COUNT, lambda r: r.current.coordination.total.overdue, HUB),
    Column("Cảnh báo nhân sự", Kind.COUNT, lambda r: r.current.personnel.alerts, HUB),
    Column("Nguồn chưa có số liệu", Kind.TEXT, missing_sources),
)


def table_rows(report: CommitteeReport) -> tuple[ReportRow, ...]:
    """The report's rows and, last, its totals row (the sum of the rows: ``CommitteeReport.totals``)."""
    return (*report.rows, report.totals)


def scope_slug(report: CommitteeReport) -> str:
    return report.scope or "toan-quoc"


def period_slug(report: CommitteeReport) -> str:
    """``2026-6thang``, ``2026-nam`` (12 months) or ``20260101-20260331`` (an explicit range)."""
    p = report.period
    if p.statistical_year is not None:
        return f"{p.statistical_year}-nam" if p.months == 12 else f"{p.statistical_year}-{p.months}thang"
    return f"{p.start:%Y%m%d}-{p.end:%Y%m%d}"


def filename(report: CommitteeReport, extension: str) -> str:
    """``bao-cao-ha-noi-2026-6thang.xlsx``: ASCII only (a safe ``Content-Disposition`` filename)."""
    return f"bao-cao-{scope_slug(report)}-{period_slug(report)}.{extension}"


def title(report: CommitteeReport) -> str:
    return nfc(f"Báo cáo kết quả thi hành án dân sự — {report.scope_name}")


def report_notes(report: CommitteeReport) -> list[str]:
    """What a reader must know under the table: the target's decision, sources that did not answer."""
    notes: list[str] = []
    if report.target is not None:
        notes.append(nfc(f"Chỉ tiêu theo {report.target.decision}."))
    else:  # the year has no target (none decided yet): said, not an empty column
        year = target_year(report.period)
        notes.append(nfc(f"{NO_TARGET} năm {year}." if year is not None else f"{NO_TARGET}."))
    missing = missing_sources(report.totals)
    if missing:
        notes.append(nfc(f"Chưa đủ số liệu: {missing} không trả lời; số liệu thiếu được tính là 0."))
    return notes
