"""The three forms of a committee report, and one function to make any of them."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from domain.reports.committee import CommitteeReport


class Format(StrEnum):
    HTML = "html"  # the printable page (gateway/reports/page.py)
    XLSX = "xlsx"  # gateway/reports/exports.py
    CSV = "csv"


def render(report: CommitteeReport, fmt: Format, progress: Callable[[], None] = lambda: None) -> bytes:
    """The report in ``fmt`` as bytes (the page as UTF-8); ``progress`` is called once per row written."""
    # Imported here: openpyxl takes a noticeable part of a second, and `lienthong --help` should not wait for it.
    from gateway.reports.exports import render_csv, render_xlsx
    from gateway.reports.page import render_html

    if fmt is Format.XLSX:
        return render_xlsx(report, progress)
    if fmt is Format.CSV:
        return render_csv(report, progress)
    return render_html(report, progress).encode("utf-8")
