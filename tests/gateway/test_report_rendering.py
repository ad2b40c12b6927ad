"""The committee report's renderers on a hand-made report: CSV, XLSX, the printable page and its SVG charts."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from console.charts import BarChart, Series, axis_ticks, nice_ceiling, render_bar_chart
from domain.reports.period import Period
from gateway.reports.columns import COLUMNS, filename
from gateway.reports.exports import BOM, HEADER_ROW, render_csv, render_xlsx
from gateway.reports.formats import vn_decimal, vn_int, vn_money, vn_percent
from gateway.reports.page import CONTENT_SECURITY_POLICY, STYLE_HASH, charts, render_html
from gateway.reports.progress import ProgressBar
from tests.support.report_samples import sample_report

HEADINGS = [c.heading for c in COLUMNS]
KV1 = "enforcement.ha-noi.kv01"


def _index(heading: str) -> int:
    return HEADINGS.index(heading)


class TestVietnameseNumbers:
    def test_thousands_take_dots_and_decimals_a_comma(self) -> None:
        assert vn_int(1_234_567) == "1.234.567"
        assert vn_decimal(Decimal("1234.567"), 2) == "1.234,57"
        assert vn_money(1_250_000) == "1.250.000 đ"

    def test_rates_round_half_up_and_no_rate_is_a_dash(self) -> None:
        assert vn_percent(Decimal("0.66665"), 2) == "66,67%"
        assert vn_percent(0.853) == "85,3%"
        assert vn_percent(None) == "–"


class TestFileNames:
    def test_a_cumulative_period_names_its_months(self) -> None:
        assert filename(sample_report(), "xlsx") == "bao-cao-ha-noi-2026-6thang.xlsx"

    def test_a_whole_year_and_an_explicit_range(self) -> None:
        report = sample_report()
        assert filename(replace(report, period=Period.cumulative(2026, 12)), "csv") == "bao-cao-ha-noi-2026-nam.csv"
        explicit = replace(report, scope=None, period=Period.between(date(2026, 1, 1), date(2026, 3, 31)))
        assert filename(explicit, "csv") == "bao-cao-toan-quoc-20260101-20260331.csv"


class TestCsv:
    def _rows(self, body: bytes) -> list[list[str]]:
        text = body.decode("utf-8")
        assert text.startswith(BOM)  # Excel reads the Vietnamese headings as UTF-8 only with it
        return list(csv.reader(io.StringIO(text[1:])))

    def test_headings_are_vietnamese_and_every_unit_has_a_row_then_the_totals(self) -> None:
        rows = self._rows(render_csv(sample_report()))
        assert rows[0] == HEADINGS
        assert {
            "Đơn vị",
            "Tổng số phải thi hành (việc)",
            "Có điều kiện thi hành (việc)",
            "Thi hành xong (việc)",
        } <= set(rows[0])
        assert [r[0] for r in rows[1:]] == [
            KV1,
            "enforcement.ha-noi.kv02",
            "enforcement.ha-noi.kv03",
            "ha-noi",
        ]
        assert rows[-1][1] == "Tổng cộng (Thành phố Hà Nội)"

    def test_figures_are_plain_numbers_and_the_totals_their_sums(self) -> None:
        rows = self._rows(render_csv(sample_report()))
        kv1, totals = rows[1], rows[-1]
        assert kv1[_index("Tổng số phải thi hành (việc)")] == "37"  # 10 + 30 − 2 − 1
        assert kv1[_index("Tỷ lệ thi hành xong (%) (việc)")] == "66.67"
        assert kv1[_index("Thi hành xong (đồng)")] == "1234567890"
        for heading in ("Tổng số phải thi hành (việc)", "Thi hành xong (việc)", "Chuyển kỳ sau (đồng)"):
            j = _index(heading)
            assert int(totals[j]) == sum(int(r[j]) for r in rows[1:-1])

    def test_no_rate_is_an_empty_cell(self) -> None:
        rows = self._rows(render_csv(sample_report()))
        assert rows[3][_index("Tỷ lệ thi hành xong (%) (việc)")] == ""  # KV3: nothing had conditions

    def test_names_come_out_nfc_and_missing_sources_are_named(self) -> None:
        rows = self._rows(render_csv(sample_report(missing=True, decomposed_name=True)))
        assert rows[2][1] == unicodedata.normalize("NFC", rows[2][1]) == "Phòng Thi hành án dân sự khu vực 2 – Hà Nội"
        assert rows[2][-1] == "hệ thống nhân sự"
        assert rows[-1][-1] == "hệ thống nhân sự"

    def test_progress_is_reported_once_per_row(self) -> None:
        seen: list[int] = []
        render_csv(sample_report(), lambda: seen.append(1))
        assert len(seen) == 4


class TestXlsx:
    def _sheet(self, **kwargs: bool):  # type: ignore[no-untyped-def]
        book = load_workbook(io.BytesIO(render_xlsx(sample_report(**kwargs))))
        return book["Báo cáo"]

    def test_title_rows_name_the_scope_and_the_period(self) -> None:
        sheet = self._sheet()
        assert sheet["A1"].value == "Báo cáo kết quả thi hành án dân sự — Thành phố Hà Nội"
        assert sheet["A2"].value == "Kỳ báo cáo: 6 tháng năm 2026 (01/10/2025 – 31/03/2026)"
        assert "lập lúc 02/04/2026 10:04 (giờ Việt Nam)" in sheet["A3"].value

    def test_headings_are_frozen_with_the_unit_names(self) -> None:
        sheet = self._sheet()
        assert [c.value for c in sheet[HEADER_ROW]] == HEADINGS
        assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"

    def test_counts_and_dong_are_whole_numbers_with_separators_and_rates_percentages(self) -> None:
        sheet = self._sheet()
        kv1 = sheet[HEADER_ROW + 1]
        total = kv1[_index("Tổng số phải thi hành (việc)")]
        assert (total.value, total.number_format) == (37, "#,##0")
        money = kv1[_index("Thi hành xong (đồng)")]
        assert (money.value, money.number_format) == (1_234_567_890, "#,##0")
        rate = kv1[_index("Tỷ lệ thi hành xong (%) (việc)")]
        assert rate.number_format == "0.00%"
        assert rate.value == pytest.approx(0.6667)

    def test_the_totals_row_is_last_bold_and_sums_the_rows(self) -> None:
        sheet = self._sheet()
        first, last = HEADER_ROW + 1, HEADER_ROW + 4
        assert sheet.cell(last, 2).value == "Tổng cộng (Thành phố Hà Nội)"
        assert sheet.cell(last, 2).font.b
        for heading in ("Tổng số phải thi hành (việc)", "Có điều kiện thi hành (đồng)", "Chuyển kỳ sau (việc)"):
            j = _index(heading) + 1
            assert sheet.cell(last, j).value == sum(sheet.cell(i, j).value for i in range(first, last))
        assert sheet.cell(last, _index("Tỷ lệ thi hành xong (%) (việc)") + 1).value == pytest.approx(0.7436)  # 29 ÷ 39

    def test_notes_under_the_table_give_the_target_decision_and_the_missing_source(self) -> None:
        sheet = self._sheet(missing=True)
        notes = [sheet.cell(i, 1).value for i in range(HEADER_ROW + 5, HEADER_ROW + 9)]
        assert "Chỉ tiêu theo Quyết định số 1234/QĐ-BTP ngày 15/10/2025." in notes
        assert any(n and "hệ thống nhân sự không trả lời" in n for n in notes)

    def test_names_come_out_nfc(self) -> None:
        sheet = self._sheet(decomposed_name=True)
        name = sheet.cell(HEADER_ROW + 2, 2).value
        assert name == unicodedata.normalize("NFC", name)


class _Page(HTMLParser):
    """Collects what the page's tests look at: tags, attributes, text per tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.text.setdefault(self.stack[-1], []).append(data)


class TestPrintablePage:
    def _page(self, **kwargs: bool) -> tuple[str, _Page]:
        html = render_html(sample_report(**kwargs))
        parser = _Page()
        parser.feed(html)
        return html, parser

    def test_the_page_has_a_title_the_language_and_a4_landscape_print(self) -> None:
        html, page = self._page()
        assert html.startswith("<!DOCTYPE html>")
        assert ("html", {"lang": "vi"}) in page.tags
        assert page.text["title"][0] == (  # the page's, then the charts' and bars'
            "Báo cáo kết quả thi hành án dân sự — Thành phố Hà Nội — 6 tháng năm 2026 (01/10/2025 – 31/03/2026)"
        )
        assert "@page { size: A4 landscape;" in html

    def test_three_charts_each_a_figure_with_a_caption_and_an_accessible_svg(self) -> None:
        html, page = self._page()
        svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
        assert len(svgs) == 3
        assert all(a.get("role") == "img" and a.get("aria-label") for a in svgs)
        assert len([t for t, _ in page.tags if t == "figure"]) == 3
        assert page.text["figcaption"][0] == ("Hình 1. Tỷ lệ thi hành xong về việc theo đơn vị so với chỉ tiêu 70%")
        for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
            ET.fromstring(svg)  # noqa: S314 - our own markup: each chart is well-formed XML on its own

    def test_each_table_has_a_row_per_unit_and_the_totals_in_its_foot(self) -> None:
        """Three tables (cases, money, the hub) so the forms' full breakdown fits A4 landscape."""
        html, page = self._page()
        tables = re.findall(r'<table class="report">.*?</table>', html, flags=re.S)
        assert len(tables) == 3
        codes = [a["data-code"] for t, a in page.tags if t == "tr" and "data-code" in a]
        assert codes == [KV1, "enforcement.ha-noi.kv02", "enforcement.ha-noi.kv03"] * 3
        cases, money, hub = (table[table.index("<tfoot>") : table.index("</tfoot>")] for table in tables)
        assert all("Tổng cộng (Thành phố Hà Nội)" in foot for foot in (cases, money, hub))
        assert ">74,36%<" in cases  # 29 ÷ 39, with a decimal comma
        assert ">6.300.000.000<" in money  # đồng with thousands dots
        assert "Về việc" in tables[0]
        assert "Về tiền (đồng)" in tables[1]
        assert "Nguồn chưa có số liệu" in tables[2]

    def test_nothing_to_run_or_fetch_and_the_style_matches_its_hash(self) -> None:
        html, page = self._page()
        assert not [t for t, _ in page.tags if t in {"script", "link", "img", "iframe", "object"}]
        assert not re.search(r"(src|href)=", html)
        style = html[html.index("<style>") + len("<style>") : html.index("</style>")]
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"sha256-{digest}" == STYLE_HASH
        assert f"style-src '{STYLE_HASH}'" in CONTENT_SECURITY_POLICY
        assert "default-src 'none'" in CONTENT_SECURITY_POLICY

    def test_missing_sources_are_said_above_the_charts(self) -> None:
        _, page = self._page(missing=True)
        assert any("hệ thống nhân sự không trả lời" in t for t in page.text["p"])

    def test_all_text_is_nfc(self) -> None:
        html, _ = self._page(decomposed_name=True)
        assert html == unicodedata.normalize("NFC", html)

    def test_a_unit_without_a_rate_draws_no_bar_and_says_so(self) -> None:
        _, svg = charts(sample_report())[0]
        row = re.findall(r'<g class="row"><title>Phòng Thi hành án dân sự khu vực 3 – Hà Nội</title>.*?</g>', svg)[0]
        assert 'width="0.0"' in row
        assert ">–<" in row


class TestBarChart:
    def test_axis_ends_are_round(self) -> None:
        assert [nice_ceiling(v) for v in (0, 3, 37, 120, 2_600)] == [1.0, 5.0, 50.0, 200.0, 5000.0]
        assert [axis_ticks(v) for v in (50, 200, 100, 2.5)] == [5, 4, 5, 5]

    def test_a_series_must_have_a_value_per_label(self) -> None:
        chart = BarChart("t", "d", ("a", "b"), (Series("s", (1.0,), "#000"),), str)
        with pytest.raises(ValueError, match="1 values for 2 labels"):
            render_bar_chart(chart)

    def test_bars_are_bounded(self) -> None:
        labels = tuple(str(i) for i in range(501))
        chart = BarChart("t", "d", labels, (Series("s", (1.0,) * 501, "#000"),), str)
        with pytest.raises(ValueError, match="at most 500 rows"):
            render_bar_chart(chart)

    def test_text_is_escaped(self) -> None:
        chart = BarChart("<b>", "d & e", ("<script>",), (Series("s", (1.0,), "#000"),), str)
        svg = render_bar_chart(chart)
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        ET.fromstring(svg)  # noqa: S314 - our own markup


class TestProgressBar:
    def test_into_a_file_it_writes_a_line_per_tenth(self) -> None:
        out = io.StringIO()
        bar = ProgressBar(40, "rows", out, width=10)
        for _ in range(40):
            bar.advance()
        bar.close()
        lines = out.getvalue().splitlines()
        assert len(lines) == 10
        assert lines[0] == "[#---------] 4/40 rows"
        assert lines[-1] == "[##########] 40/40 rows"

    def test_on_a_terminal_it_redraws_in_place(self) -> None:
        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        out = Terminal()
        bar = ProgressBar(2, "rows", out, width=4)
        bar.advance()
        bar.advance()
        bar.close()
        assert out.getvalue() == "\r[##--] 1/2 rows\r[####] 2/2 rows\n"
