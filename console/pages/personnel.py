"""Tổ chức cán bộ: staffing against the quota (biên chế) and what needs attention, for a personnel department.

Read through the hub's GraphQL (``personnel_operations``) as the signed-in person, so the hub's policy
scopes it: a personnel department sees its agency and the agencies below it, the ministry every unit (it
picks the province). Alerts (retirement, a term ending, a second consecutive term, rotation due, a quota
gap, a missing leader) are listed by due date with their rule's legal basis, dates dd/mm/yyyy; then the
leaders and managers with their terms (``officers``, no restricted field asked). Each alert naming an officer
and each officer listed is recorded in the hub's audit trail, as for any reader.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from console.pages import personnel_labels as labels
from console.pages import personnel_operations as ops
from console.pages.dashboard_period import hub_today, province_choices
from console.views import SignedIn, common, console_of, member_of, page, refused
from domain.access import Role

HERE: Final = "/to-chuc-can-bo"
READERS: Final = frozenset({Role.PERSONNEL, Role.MINISTRY})
LEADERS_SHOWN: Final = 200  # the API's largest page; a province has tens of leaders


def personnel_routes() -> list[BaseRoute]:
    return [Route(HERE, personnel_page, methods=["GET"])]


def _horizon(raw: str | None) -> int:
    return int(raw) if raw is not None and raw.isdigit() and int(raw) in labels.HORIZONS else labels.DEFAULT_HORIZON


async def personnel_page(request: Request) -> Response:
    who = await member_of(request, READERS, labels.NOT_YOURS, HERE)
    if not isinstance(who, SignedIn):
        return who
    hub = console_of(request).hub
    places = (await hub.execute(request, who.principal, ops.PROVINCES)).data or {}
    own = ((places.get("me") or {}).get("agency") or {}).get("provinceCode")
    provinces: list[dict[str, str]] = []
    if Role.MINISTRY in who.principal.roles or own is None:  # the ministry, or a department above the provinces
        found = province_choices(places.get("agencies"))
        provinces = [{"code": code, "name": name} for code, name in found.items()]
        own = request.query_params.get("province") or None
        own = own if own in found else None
    horizon = _horizon(request.query_params.get("horizon"))
    shown: dict[str, Any] = {
        "labels": labels,
        "provinces": provinces,
        "province": own,
        "horizon": horizon,
        "today": hub_today(request),
    }
    frame = await common(request, who, HERE)
    if own is None:
        notice = labels.CHOOSE_PROVINCE if provinces else labels.NOTHING_IN_REACH
        return page(request, "personnel.html", notice=notice, **shown, **frame)
    staffing = await hub.execute(request, who.principal, ops.STAFFING, {"province": own})
    alerts = await hub.execute(request, who.principal, ops.ALERTS, {"province": own, "horizon": horizon})
    if staffing.forbidden or alerts.forbidden:
        return await refused(request, who, labels.NOT_YOURS, HERE)
    leaders = await hub.execute(request, who.principal, ops.LEADERS, {"province": own, "first": LEADERS_SHOWN})
    summary = (staffing.data or {}).get("staffing")
    listed = (alerts.data or {}).get("personnelAlerts")
    return page(
        request,
        "personnel.html",
        staffing=summary,
        alerts=listed or [],
        leaders=((leaders.data or {}).get("officers") or {"edges": [], "totalCount": 0}),
        alerts_failed=labels.ALERTS_UNAVAILABLE if listed is None and alerts.errors else None,
        staffing_failed=labels.UNAVAILABLE if summary is None and staffing.errors else None,
        notice=labels.NOTHING_IN_REACH if summary is None and not staffing.errors else None,
        **shown,
        **frame,
    )
