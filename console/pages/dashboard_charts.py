"""Bar charts of the dashboard, drawn on the server as SVG markup inside the page (no script, no inline style).

The printable report draws its charts in ``gateway/reports/charts.py``; the console may not import the
gateway (import-linter: the console sits below it and reads the hub only through GraphQL), so the
dashboard draws from the GraphQL answer with this small renderer of its own. Bars are horizontal because
unit names are long; every chart has ``role="img"``, an accessible name, a ``<desc>``, and each bar a
``<title>``; the same figures are in the table under the charts.

>>> svg = bar_chart(Chart("Tỷ lệ", "Tỷ lệ theo đơn vị", ("Hà Nội KV1",), (Bars("Kỳ này", (80.0,), "#1f6fb2"),),
...                       lambda v: f"{v:.0f}%", maximum=100.0))
>>> svg.startswith("<svg") and 'role="img"' in svg and "80%" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Final

from markupsafe import Markup

WIDTH: Final = 960
LABEL_W: Final = 320
VALUE_W: Final = 120
TOP: Final = 34
BOTTOM: Final = 26
BAR_H: Final = 14
ROW_GAP: Final = 10
MAX_LABEL: Final = 48  # characters of a name drawn; the whole name is the row's <title> and in the table
NO_FIGURE: Final = "–"


@dataclass(frozen=True, slots=True)
class Bars:
    name: str
    values: tuple[float | None, ...]  # one per label; None: no figure (no bar, an en dash)
    colour: str


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    description: str
    labels: tuple[str, ...]
    series: tuple[Bars, ...]
    value_format: Callable[[float], str]
    maximum: float | None = None  # the axis end; the largest value rounded up when None
    target: float | None = None  # a dashed line (the year's target rate)
    target_label: str = ""


def _ceiling(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">{escape(content)}</text>'


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(chart: Chart) -> Markup:
    """The chart as one ``<svg>`` element, safe to put in a template as it is."""
    values = [max(v, 0.0) for s in chart.series for v in s.values if v is not None]
    top_value = max([*values, chart.target or 0.0], default=0.0)
    maximum = max(chart.maximum if chart.maximum is not None else _ceiling(top_value), top_value) or 1.0
    row_h = len(chart.series) * BAR_H + ROW_GAP
    plot_w = WIDTH - LABEL_W - VALUE_W
    plot_h = max(len(chart.labels), 1) * row_h
    height = TOP + plot_h + BOTTOM

    def x_of(value: float) -> float:
        return LABEL_W + plot_w * min(max(value, 0.0), maximum) / maximum

    title = escape(chart.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{title}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="DejaVu Sans, Arial, sans-serif">',
        f"<title>{title}</title><desc>{escape(chart.description)}</desc>",
    ]
    x = float(LABEL_W)
    for s in chart.series:  # the legend
        parts.append(f'<rect x="{x:.1f}" y="10" width="12" height="12" fill="{escape(s.colour)}"/>')
        parts.append(_text(x + 16, 20, s.name))
        x += 28 + 7.2 * len(s.name)
    if chart.target is not None:
        parts.append(f'<line x1="{x:.1f}" y1="16" x2="{x + 20:.1f}" y2="16" stroke="#b71c1c" stroke-dasharray="6 4"/>')
        parts.append(_text(x + 24, 20, chart.target_label))
    for i in range(6):  # grid and axis
        gx = x_of(maximum * i / 5)
        parts.append(f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{TOP + plot_h}" stroke="#d0d7de"/>')
        parts.append(_text(gx, TOP + plot_h + 18, chart.value_format(maximum * i / 5), anchor="middle", size=11))
    for row, label in enumerate(chart.labels):
        y0 = TOP + row * row_h + ROW_GAP / 2
        parts.append(f"<g><title>{escape(label)}</title>")
        parts.append(_text(LABEL_W - 8, y0 + len(chart.series) * BAR_H / 2 + 4, _short(label), anchor="end"))
        for k, s in enumerate(chart.series):
            figure = s.values[row]
            y = y0 + k * BAR_H
            width = 0.0 if figure is None else x_of(figure) - LABEL_W
            shown = NO_FIGURE if figure is None else chart.value_format(figure)
            parts.append(
                f'<rect x="{LABEL_W}" y="{y:.1f}" width="{width:.1f}" height="{BAR_H - 2}" fill="{escape(s.colour)}">'
                f"<title>{escape(f'{s.name}: {shown}')}</title></rect>"
            )
            parts.append(_text(LABEL_W + width + 4, y + BAR_H - 3, shown, size=11))
        parts.append("</g>")
    parts.append(f'<line x1="{LABEL_W}" y1="{TOP}" x2="{LABEL_W}" y2="{TOP + plot_h}" stroke="#57606a"/>')
    if chart.target is not None:
        tx = x_of(chart.target)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{TOP + plot_h}" stroke="#b71c1c" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
