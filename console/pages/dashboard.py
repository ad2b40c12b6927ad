"""Báo cáo: the steering committee's and the ministry's dashboard of the committee report.

The figures are ``committeeReport`` as the signed-in person reads it through the hub's GraphQL
(``dashboard_operations``): a committee its own province, the ministry any province or the nation — the
hub's policy decides, and its refusal is shown as a Vietnamese message with no figure. The period picker
is a GET form (a statistical year cumulative over 1–12 months, or a range of days); the charts are SVG
drawn on the server (``console/charts.py``, as the printable page draws them). The files (CSV, XLSX) and the printable page are made by the
hub's report routes under ``/bao-cao/…`` from the same session (``gateway/reports/routes.py``), with the
same query string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from console.charts import BarChart, Series, chart_markup
from console.pages import dashboard_labels as labels
from console.pages import dashboard_operations as ops
from console.pages.dashboard_period import Asked, asked, hub_today, province_choices, year_choices
from console.views import SignedIn, common, console_of, member_of, page, refused
from domain.access import Role

HERE: Final = "/bao-cao"
READERS: Final = frozenset({Role.COMMITTEE, Role.MINISTRY})
DOWNLOADS: Final = {"csv": HERE + "/tai-ve.csv", "xlsx": HERE + "/tai-ve.xlsx", "print": HERE + "/in"}
BLUE, GREY, GREEN, ORANGE, RED = "#1f6fb2", "#6e7781", "#2e7d32", "#c75000", "#b71c1c"


def dashboard_routes() -> list[BaseRoute]:
    return [Route(HERE, dashboard_page, methods=["GET"])]


async def _provinces(request: Request, who: SignedIn) -> tuple[str | None, list[dict[str, str]]]:
    """A committee's own province (None for the ministry), and the provinces the ministry may pick."""
    outcome = await console_of(request).hub.execute(request, who.principal, ops.PROVINCES)
    data = outcome.data or {}
    own = ((data.get("me") or {}).get("agency") or {}).get("provinceCode")
    if Role.MINISTRY in who.principal.roles:
        return None, [{"code": code, "name": name} for code, name in province_choices(data.get("agencies")).items()]
    return own, []


async def dashboard_page(request: Request) -> Response:
    who = await member_of(request, READERS, labels.NOT_YOURS, HERE)
    if not isinstance(who, SignedIn):
        return who
    today = hub_today(request)
    own, provinces = await _provinces(request, who)
    wanted = asked(request.query_params, today, own)
    frame = await common(request, who, HERE)
    form: dict[str, Any] = {
        "asked": wanted,
        "years": year_choices(today, wanted.year),
        "provinces": provinces,
        "labels": labels,
    }
    if provinces and wanted.province is not None and wanted.province not in {p["code"] for p in provinces}:
        return page(request, "dashboard.html", 400, problem=labels.UNKNOWN_PROVINCE, **form, **frame)
    period = wanted.period()
    if period is None:
        return page(request, "dashboard.html", 400, problem=labels.BAD_PERIOD, **form, **frame)
    variables = {"period": period, "province": wanted.province}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.REPORT, variables)
    report = (outcome.data or {}).get("committeeReport")
    if outcome.forbidden:
        return await refused(request, who, labels.OTHER_PROVINCE, HERE)
    if report is None:
        bad = "BAD_USER_INPUT" in outcome.codes
        problem = labels.BAD_PERIOD if bad else labels.UNAVAILABLE
        return page(request, "dashboard.html", 400 if bad else 503, problem=problem, **form, **frame)
    return page(
        request,
        "dashboard.html",
        report=report,
        rows=[_row(r) for r in report["rows"]],
        totals=_row(report["totals"]),
        charts=_charts(report),
        missing=[labels.SOURCES.get(s, s) for s in report["missing"]],
        links=_links(wanted),
        **form,
        **frame,
    )


def _links(wanted: Asked) -> dict[str, str]:
    query = wanted.query()
    return {name: path + ("?" + query if query else "") for name, path in DOWNLOADS.items()}


def _overdue_requests(figures: Mapping[str, Any]) -> int:
    """Coordination requests of every kind opened in the period and overdue at its end."""
    return sum(int(kind["overdue"]) for kind in figures["coordination"])


def _row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One unit's figures as the table shows them."""
    now = row["current"]
    transfers, cases, money = now["transfers"], now["enforcement"]["cases"], now["enforcement"]["money"]
    target = row.get("target") or {}
    return {
        "code": row["code"],
        "name": row["name"],
        "transferred": labels.count(transfers["transferred"]),
        "on_time": labels.count(transfers["onTime"]),
        "on_time_rate": labels.rate(transfers["onTimeRate"]),
        "decided_late": labels.count(transfers["decidedLate"]),
        "cases_with": labels.count(cases["withConditions"]),
        "cases_completed": labels.count(cases["completed"]),
        "cases_rate": labels.rate(cases["completionRate"]),
        # a year with no target says so ("Chưa giao chỉ tiêu", the hub's targetNote), not an empty cell
        "cases_target": labels.rate(target.get("casesRate")) if target else str(row.get("targetNote") or "–"),
        "money_with": _vnd(money["withConditions"]),
        "money_completed": _vnd(money["completed"]),
        "money_rate": labels.rate(money["completionRate"]),
        "requests_overdue": labels.count(_overdue_requests(now)),
        "alerts_overdue": labels.count(now["personnel"]["overdue"]),
    }


def _vnd(amount: str) -> str:
    return labels.count(int(amount))


def _charts(report: Mapping[str, Any]) -> list[tuple[str, Markup]]:
    """(caption, SVG) of each chart: completion rate, cases, money, on-time transfers, overdue."""
    rows = report["rows"]
    names = tuple(str(r["name"]) for r in rows)
    now = [r["current"] for r in rows]
    target = (report["totals"].get("target") or {}).get("casesRate")
    largest = max((int(f["enforcement"]["money"]["withConditions"]) for f in now), default=0)
    scale, unit = (1e9, "tỷ đồng") if largest >= 1e9 else (1e6, "triệu đồng")
    charts = [
        BarChart(
            "Tỷ lệ thi hành xong về việc theo đơn vị",
            "Việc thi hành xong trên số việc có điều kiện, kỳ này và cùng kỳ năm trước"
            + ("" if target is None else f"; đường đứt nét: chỉ tiêu {labels.rate(target)}"),
            names,
            (
                Series("Kỳ này", tuple(f["enforcement"]["cases"]["completionRate"] for f in now), BLUE),
                Series(
                    "Cùng kỳ năm trước",
                    tuple(r["previousYear"]["enforcement"]["cases"]["completionRate"] for r in rows),
                    GREY,
                ),
            ),
            lambda v: labels.short_number(v) + "%",
            maximum=100.0,
            target=target,
            target_label="" if target is None else f"Chỉ tiêu {labels.rate(target)}",
        ),
        BarChart(
            "Kết quả thi hành án về việc theo đơn vị",
            "Số việc có điều kiện thi hành và số việc thi hành xong của từng đơn vị",
            names,
            (
                Series(
                    "Có điều kiện thi hành",
                    tuple(float(f["enforcement"]["cases"]["withConditions"]) for f in now),
                    BLUE,
                ),
                Series("Thi hành xong", tuple(float(f["enforcement"]["cases"]["completed"]) for f in now), GREEN),
            ),
            lambda v: labels.count(round(v)),
        ),
        BarChart(
            f"Kết quả thi hành án về tiền theo đơn vị ({unit})",
            f"Số tiền có điều kiện thi hành và số tiền thi hành xong của từng đơn vị, tính bằng {unit}",
            names,
            (
                Series(
                    "Có điều kiện", tuple(int(f["enforcement"]["money"]["withConditions"]) / scale for f in now), BLUE
                ),
                Series(
                    "Thi hành xong", tuple(int(f["enforcement"]["money"]["completed"]) / scale for f in now), ORANGE
                ),
            ),
            labels.short_number,
        ),
        BarChart(
            "Bản án, quyết định chuyển giao qua Liên thông",
            "Số bản án, quyết định tòa án chuyển giao đúng hạn và quá hạn, theo đơn vị nhận",
            names,
            (
                Series("Đúng hạn", tuple(float(f["transfers"]["onTime"]) for f in now), GREEN),
                Series("Quá hạn", tuple(float(f["transfers"]["late"]) for f in now), RED),
            ),
            lambda v: labels.count(round(v)),
        ),
        BarChart(
            "Việc quá hạn theo đơn vị",
            "Quyết định thi hành án ra quá hạn, yêu cầu phối hợp quá hạn trả lời và cảnh báo nhân sự quá hạn",
            names,
            (
                Series("Quyết định quá hạn", tuple(float(f["transfers"]["decidedLate"]) for f in now), RED),
                Series("Yêu cầu phối hợp quá hạn", tuple(float(_overdue_requests(f)) for f in now), ORANGE),
                Series("Cảnh báo nhân sự quá hạn", tuple(float(f["personnel"]["overdue"]) for f in now), GREY),
            ),
            lambda v: labels.count(round(v)),
        ),
    ]
    return [(f"Hình {i}. {c.title}", chart_markup(c)) for i, c in enumerate(charts, start=1)]
