"""The printable HTML page of a committee report: a table and server-rendered SVG charts.

One self-contained document: no script, no external stylesheet, font or
image, so it prints the same from the hub, from a saved file or from an
archive years later. The stylesheet is one inline ``<style>`` whose hash the
route puts in the page's Content-Security-Policy (:data:`STYLE_HASH`), so
nothing else may run or load. Printed on A4 landscape; the table's heading
repeats on every page.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from decimal import Decimal
from html import escape
from typing import Final

from console.charts import BarChart, Series, render_bar_chart
from domain.deadlines import VIETNAM_TZ
from domain.reports.committee import CommitteeReport, ReportRow, RowKind
from domain.text import nfc
from gateway.reports.columns import COLUMNS, Column, Kind, Value, report_notes, table_rows, title
from gateway.reports.formats import vn_decimal, vn_int, vn_percent

Progress = Callable[[], None]

STYLE: Final = """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2328; margin: 16px; font-size: 12px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
p.meta { margin: 2px 0; color: #444c56; }
.note { border-left: 4px solid #bf8700; background: #fff8c5; padding: 6px 10px; margin: 8px 0; }
figure { margin: 12px 0; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: 4px; }
svg.chart { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 10px; }
th, td { border: 1px solid #8c959f; padding: 3px 4px; }
th { background: #dde7f0; font-weight: bold; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.report th[scope="row"] { min-width: 18em; text-align: left; } /* long unit names: not one word a line */
tfoot td { font-weight: bold; background: #f2f2f2; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.report + table.report { margin-top: 14px; }
@media print {
  body { margin: 0; font-size: 10px; }
  table { font-size: 7px; }
  th, td { padding: 2px 3px; }
  table.report th[scope="row"] { min-width: 24em; }
  .chart-section { break-after: page; }
}
"""
STYLE_HASH: Final = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CONTENT_SECURITY_POLICY: Final = (
    f"default-src 'none'; style-src '{STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
TABLE_COLUMNS: Final = tuple(c for c in COLUMNS if c.heading != "Mã đơn vị")
BLUE, GREY, GREEN, ORANGE = "#1f6fb2", "#9aa5b1", "#2e7d32", "#ef6c00"


def _cell(column: Column, value: Value) -> str:
    if value is None:
        return "–" if column.kind is not Kind.TEXT else ""
    if isinstance(value, str):  # e.g. "Chưa giao chỉ tiêu" in the target column
        return escape(nfc(value))
    if column.kind is Kind.RATE:
        return vn_percent(Decimal(value) / 100, 2)
    if isinstance(value, int):
        return vn_int(value)
    return escape(nfc(str(value)))


def _percent_label(value: float) -> str:
    return vn_decimal(value, 1).removesuffix(",0") + "%"


def _money_scale(largest: float) -> tuple[float, str]:
    """Amounts are drawn in tỷ (10⁹) or triệu (10⁶) đồng, whichever keeps the labels short."""
    return (1e9, "tỷ đồng") if largest >= 1e9 else (1e6, "triệu đồng")


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def charts(report: CommitteeReport) -> list[tuple[str, str]]:
    """(caption, SVG) of each chart: completion rates against the target, cases, money."""
    rows = report.rows
    labels = tuple(nfc(r.name) for r in rows)
    target = report.target
    rate_chart = BarChart(
        title="Tỷ lệ thi hành xong về việc theo đơn vị",
        description="Tỷ lệ việc thi hành xong trên số việc có điều kiện, kỳ này và cùng kỳ năm trước"
        + (f"; đường đứt nét: chỉ tiêu {vn_decimal(target.cases_rate, 2)}%" if target else ""),
        labels=labels,
        series=(
            Series("Kỳ này", tuple(_rate(r.current.enforcement.cases.completion_rate) for r in rows), BLUE),
            Series("Cùng kỳ năm trước", tuple(_rate(r.previous.enforcement.cases.completion_rate) for r in rows), GREY),
        ),
        value_format=_percent_label,
        maximum=100.0,
        target=float(target.cases_rate) if target else None,
        target_label=f"Chỉ tiêu {vn_decimal(target.cases_rate, 2).removesuffix(',00')}%" if target else "",
    )
    cases_chart = BarChart(
        title="Kết quả thi hành án về việc theo đơn vị",
        description="Số việc phải thi hành, có điều kiện và thi hành xong của từng đơn vị",
        labels=labels,
        series=(
            Series("Phải thi hành", tuple(float(r.current.enforcement.cases.total) for r in rows), GREY),
            Series(
                "Có điều kiện thi hành", tuple(float(r.current.enforcement.cases.with_conditions) for r in rows), BLUE
            ),
            Series("Thi hành xong", tuple(float(r.current.enforcement.cases.completed) for r in rows), GREEN),
        ),
        value_format=lambda v: vn_int(round(v)),
    )
    largest = max((r.current.enforcement.money.total for r in rows), default=0)
    scale, unit = _money_scale(float(largest))
    money_chart = BarChart(
        title=f"Kết quả thi hành án về tiền theo đơn vị ({unit})",
        description=f"Số tiền có điều kiện thi hành và đã thi hành xong của từng đơn vị, tính bằng {unit}",
        labels=labels,
        series=(
            Series(
                "Có điều kiện thi hành", tuple(r.current.enforcement.money.with_conditions / scale for r in rows), BLUE
            ),
            Series("Thi hành xong", tuple(r.current.enforcement.money.completed / scale for r in rows), ORANGE),
        ),
        value_format=lambda v: vn_decimal(v, 1).removesuffix(",0"),
    )
    return [
        (
            f"Hình 1. {rate_chart.title}"
            + (f" so với chỉ tiêu {_percent_label(float(target.cases_rate))}" if target else ""),
            render_bar_chart(rate_chart),
        ),
        (f"Hình 2. {cases_chart.title}", render_bar_chart(cases_chart)),
        (f"Hình 3. {money_chart.title}", render_bar_chart(money_chart)),
    ]


def _parts() -> list[tuple[str, tuple[Column, ...]]]:
    """The printed tables: one per group of columns (cases, money, the hub), each led by the unit's name.

    One table of every column does not fit A4 landscape since the forms' full breakdown (Circular
    05/2024/TT-BTP) is shown in cases and in money; the columns without a group after the name go last.
    """
    name = next(c for c in TABLE_COLUMNS if c.heading == "Đơn vị")
    groups = dict.fromkeys(c.group for c in TABLE_COLUMNS if c.group)
    parts = [(group, (name, *(c for c in TABLE_COLUMNS if c.group == group))) for group in groups]
    rest = tuple(c for c in TABLE_COLUMNS if not c.group and c is not name)
    last_group, last_columns = parts[-1]
    parts[-1] = (last_group, (*last_columns, *rest))
    return parts


def _table(report: CommitteeReport, progress: Progress) -> str:
    parts = _parts()
    bodies: list[list[str]] = [[] for _ in parts]
    feet = [""] * len(parts)
    for row in table_rows(report):
        for i, (_, columns) in enumerate(parts):
            cells = "".join(_td(c, row) for c in columns)
            if row.kind is RowKind.TOTAL:
                feet[i] = f'<tr class="total">{cells}</tr>'
            else:
                bodies[i].append(f'<tr data-code="{escape(row.code)}">{cells}</tr>')
        progress()
    period = escape(nfc(report.period.label_vi))
    tables: list[str] = []
    for i, (group, columns) in enumerate(parts):
        heads = "".join(f'<th scope="col">{escape(nfc(c.heading))}</th>' for c in columns)
        caption = f"Bảng {i + 1}. Kết quả thi hành án dân sự — {escape(nfc(group))} — {period}"
        tables.append(
            f'<table class="report"><caption>{caption}</caption>'
            f"<thead><tr>{heads}</tr></thead>"
            f"<tbody>{''.join(bodies[i])}</tbody><tfoot>{feet[i]}</tfoot></table>"
        )
    return "".join(tables)


def _td(column: Column, row: ReportRow) -> str:
    shown = _cell(column, column.value(row))
    if column.kind is Kind.TEXT:
        tag = "th" if column.heading == "Đơn vị" else "td"
        scope = ' scope="row"' if tag == "th" else ""
        return f"<{tag}{scope}>{shown}</{tag}>"
    return f'<td class="num">{shown}</td>'


def render_html(report: CommitteeReport, progress: Progress = lambda: None) -> str:
    """The whole page, UTF-8 text (NFC)."""
    heading = escape(title(report))
    made = report.generated_at.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
    notes = "".join(f'<p class="note" role="note">{escape(n)}</p>' for n in report_notes(report))
    figures = "".join(
        f'<figure><figcaption id="fig-{i}">{escape(nfc(caption))}</figcaption>{svg}</figure>'
        for i, (caption, svg) in enumerate(charts(report), start=1)
    )
    page = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{heading} — {escape(nfc(report.period.label_vi))}</title>"
        f"<style>{STYLE}</style></head><body><main>"
        f"<header><h1>{heading}</h1>"
        f'<p class="meta">Kỳ báo cáo: {escape(nfc(report.period.label_vi))}</p>'
        f'<p class="meta">Phạm vi: {escape(nfc(report.scope_name))} · lập lúc {made} (giờ Việt Nam) · '
        f"số liệu từ Liên thông và hệ thống của các cơ quan</p></header>"
        f'{notes}<section class="chart-section"><h2>Biểu đồ</h2>{figures}</section>'
        f"<section><h2>Số liệu</h2>{_table(report, progress)}</section>"
        "</main></body></html>"
    )
    return nfc(page)
