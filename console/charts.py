"""Server-rendered SVG bar charts for the console's dashboard and the printable report: no JavaScript, no CDN.

A report is read on paper and in browsers that may not run scripts, so the
charts are plain SVG markup written here (the printable page, ``gateway/reports/page.py``, and the
dashboard, ``console/pages/dashboard.py``, draw with the same code). Bars are horizontal because agency
names are long. Each chart is accessible on its own: ``role="img"``, an
``aria-label``, and ``<title>``/``<desc>`` children; every bar carries its own
``<title>`` (a tooltip in browsers, a label for screen readers).

>>> svg = render_bar_chart(BarChart(
...     title="Tỷ lệ thi hành xong",
...     description="Tỷ lệ việc thi hành xong trên số có điều kiện, theo đơn vị",
...     labels=("Hà Nội KV1",),
...     series=(Series("Tỷ lệ", (0.8,), "#1f6fb2"),),
...     value_format=lambda v: f"{v:.0%}",
...     maximum=1.0,
... ))
>>> svg.startswith("<svg") and 'role="img"' in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

from markupsafe import Markup

from domain.text import nfc

WIDTH: Final = 960
LABEL_W: Final = 300  # the agency names' column
VALUE_W: Final = 110  # room right of the longest bar for its value
TOP: Final = 34  # the legend
BOTTOM: Final = 28  # the axis labels
BAR_H: Final = 14
ROW_GAP: Final = 10
MAX_LABEL: Final = 46  # characters shown of a name; the whole name is in the row's <title>
FONT: Final = "DejaVu Sans, Arial, sans-serif"
NO_FIGURE: Final = "–"
MAX_ROWS: Final = 500  # a province has tens of agencies; anything beyond this is a caller's bug


@dataclass(frozen=True, slots=True)
class Series:
    """One set of bars, one value per label, drawn in one colour."""

    name: str
    values: tuple[float | None, ...]  # None: no figure (drawn as no bar, labelled with an en dash)
    colour: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """What a chart shows; :func:`render_bar_chart` draws it."""

    title: str  # the accessible name (aria-label and <title>)
    description: str  # what the bars mean (<desc>)
    labels: tuple[str, ...]  # one row per label, top to bottom
    series: tuple[Series, ...]  # bars in each row, top to bottom
    value_format: Callable[[float], str]  # a bar's value as printed beside it
    maximum: float | None = None  # the axis end; the largest value rounded up when None
    target: float | None = None  # a dashed reference line (e.g. the year's target rate)
    target_label: str = ""


def nice_ceiling(value: float) -> float:
    """The axis end for ``value``: 1, 2, 2.5 or 5 times a power of ten, at least ``value`` (1 for nothing)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def axis_ticks(maximum: float) -> int:
    """Intervals of the axis: 4 when the end is 2 × 10ⁿ (steps of 5 × 10ⁿ⁻¹), else 5 (steps of 2, 5, 1 …)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return 5
    mantissa = maximum / 10 ** math.floor(math.log10(maximum))
    return 4 if math.isclose(mantissa, 2.0) else 5


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>{escape(nfc(content))}</text>'
    )


def chart_markup(chart: BarChart) -> Markup:
    """:func:`render_bar_chart` as markup a template puts in as it is (every text in it is escaped)."""
    return Markup(render_bar_chart(chart))  # noqa: S704 - every text in the chart is escaped


def render_bar_chart(chart: BarChart) -> str:
    """The chart as one ``<svg>`` element (UTF-8 text, NFC), sized to its rows."""
    if len(chart.labels) > MAX_ROWS:
        raise ValueError(f"a chart draws at most {MAX_ROWS} rows, not {len(chart.labels)}")
    for s in chart.series:
        if len(s.values) != len(chart.labels):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(chart.labels)} labels")
    values = [max(v, 0.0) for s in chart.series for v in s.values if v is not None]
    top_value = max([*values, chart.target or 0.0], default=0.0)
    maximum = chart.maximum if chart.maximum is not None else nice_ceiling(top_value)
    maximum = max(maximum, top_value) or 1.0
    row_h = len(chart.series) * BAR_H + ROW_GAP
    plot_w = WIDTH - LABEL_W - VALUE_W
    plot_h = max(len(chart.labels), 1) * row_h
    height = TOP + plot_h + BOTTOM

    def x_of(value: float) -> float:
        return LABEL_W + plot_w * min(max(value, 0.0), maximum) / maximum

    title, desc = escape(nfc(chart.title)), escape(nfc(chart.description))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{title}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="{FONT}">',
        f"<title>{title}</title>",
        f"<desc>{desc}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    parts.extend(_legend(chart))
    ticks = axis_ticks(maximum)
    for i in range(ticks + 1):  # grid and axis labels
        value = maximum * i / ticks
        x = x_of(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#d0d7de" stroke-width="1"/>'
        )
        parts.append(_text(x, TOP + plot_h + 18, chart.value_format(value), anchor="middle", size=11))
    for row, label in enumerate(chart.labels):
        y0 = TOP + row * row_h + ROW_GAP / 2
        parts.append(f'<g class="row"><title>{escape(nfc(label))}</title>')
        parts.append(_text(LABEL_W - 8, y0 + len(chart.series) * BAR_H / 2 + 4, _short(label), anchor="end"))
        for k, s in enumerate(chart.series):
            figure = s.values[row]
            y = y0 + k * BAR_H
            width = 0.0 if figure is None else x_of(figure) - LABEL_W
            shown = NO_FIGURE if figure is None else chart.value_format(figure)
            parts.append(
                f'<rect class="bar" x="{LABEL_W}" y="{y:.1f}" width="{width:.1f}" height="{BAR_H - 2}" '
                f'fill="{escape(s.colour)}"><title>{escape(nfc(f"{s.name}: {shown}"))}</title></rect>'
            )
            parts.append(_text(LABEL_W + width + 4, y + BAR_H - 4, shown, size=11))
        parts.append("</g>")
    parts.append(
        f'<line x1="{LABEL_W}" y1="{TOP}" x2="{LABEL_W}" y2="{TOP + plot_h}" stroke="#57606a" stroke-width="1"/>'
    )
    if chart.target is not None:
        x = x_of(chart.target)
        parts.append(
            f'<line class="target" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{TOP + plot_h}" '
            f'stroke="#c62828" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(chart: BarChart) -> Sequence[str]:
    parts: list[str] = []
    x = float(LABEL_W)
    for s in chart.series:
        parts.append(f'<rect x="{x:.1f}" y="10" width="12" height="12" fill="{escape(s.colour)}"/>')
        parts.append(_text(x + 16, 20, s.name))
        x += 28 + 7.2 * len(s.name)
    if chart.target is not None:
        parts.append(
            f'<line x1="{x:.1f}" y1="16" x2="{x + 20:.1f}" y2="16" stroke="#c62828" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
        parts.append(_text(x + 24, 20, chart.target_label or chart.value_format(chart.target)))
    return parts
