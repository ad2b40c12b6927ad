"""Vận hành: the organisation and its successors, court keys, readiness and breakers, the audit chain check.

The organisation is read through GraphQL (``agencies``, with ``successor`` and ``currentSuccessor``: the
2025 reorganisation). Court keys, readiness (what /readyz reports, with each agency system's circuit
breaker) and the audit chain's verification are not in the schema: they come through the console's port.

The audit check (as ``lienthong audit verify``) takes a while on a long chain: "Kiểm tra" starts it
(a POST, answered by a redirect) and the page shows how far it has got. A small script of our own
(``console/static/van-hanh-nhat-ky.js``) follows ``/van-hanh/nhat-ky/tien-do`` (server-sent events: the
count checked, then the end) and reloads the page for the result; without JavaScript, a link reloads it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Final
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from console.pages import operations_labels as labels
from console.pages import operations_operations as ops
from console.pages.operations_access import HERE, back, not_yours, operator, posted, section
from console.ports import CheckState, OperatorOnly, Outcome
from console.views import SignedIn, console_of, signed_in
from domain.access import Role

AGENCIES_PATH: Final = HERE + "/co-quan"
KEYS_PATH: Final = HERE + "/khoa-toa-an"
READY_PATH: Final = HERE + "/san-sang"
AUDIT_PATH: Final = HERE + "/nhat-ky"
AUDIT_START_PATH: Final = AUDIT_PATH + "/kiem-tra"
PROGRESS_PATH: Final = AUDIT_PATH + "/tien-do"
AGENCIES_SHOWN: Final = 200  # agencies listed on one page (the organisation holds thousands with the dissolved)
PROGRESS_EVERY_S: Final = 0.5
PROGRESS_LIFETIME_S: Final = 300.0  # then the browser reconnects by itself


async def overview(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    return await section(request, who, "operations.html", HERE)


async def agencies_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    query = request.query_params
    kind = query.get("loai", "") if query.get("loai", "") in labels.AGENCY_KIND else ""
    state = query.get("tinh-trang", "giai-the")
    state = state if state in labels.AGENCY_STATE else "giai-the"
    hub = console_of(request).hub
    provinces = _provinces(await hub.execute(request, who.principal, ops.PROVINCES))
    province = query.get("tinh", "") if query.get("tinh", "") in provinces else ""
    variables = {"kind": kind or None, "province": province or None}
    outcome = await hub.execute(request, who.principal, ops.AGENCIES, variables)
    if outcome.forbidden:
        return await not_yours(request, who)
    found = (outcome.data or {}).get("agencies") or []
    if state == "giai-the":
        found = [a for a in found if a["successor"] is not None]
    elif state == "hoat-dong":
        found = [a for a in found if a["active"]]
    start = int(query["tu"]) if query.get("tu", "").isdigit() else 0
    shown = found[start : start + AGENCIES_SHOWN]
    filters = {"loai": kind, "tinh-trang": state, "tinh": province}
    return await section(
        request,
        who,
        "operations_agencies.html",
        AGENCIES_PATH,
        agencies=shown,
        total=len(found),
        start=start,
        next_url=_agencies_url(filters, start + AGENCIES_SHOWN) if start + AGENCIES_SHOWN < len(found) else None,
        first_url=_agencies_url(filters, 0) if start else None,
        kind=kind,
        state=state,
        province=province,
        provinces=provinces,
        incomplete=bool(outcome.errors),
    )


def _provinces(outcome: Outcome) -> dict[str, str]:
    """The 2025 provinces (code → name), from their steering committees, in the hub's order."""
    prefix = "Ban Chỉ đạo thi hành án dân sự "
    found: dict[str, str] = {}
    for committee in (outcome.data or {}).get("agencies") or []:
        if committee["active"] and committee["provinceCode"]:
            name = committee["name"].removeprefix(prefix)
            found[committee["provinceCode"]] = name[:1].upper() + name[1:]
    return found


def _agencies_url(filters: dict[str, str], start: int) -> str:
    query = {key: value for key, value in filters.items() if value} | ({"tu": str(start)} if start else {})
    return AGENCIES_PATH + "?" + urlencode(query)


async def keys_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    hub = console_of(request).hub
    try:
        keys = await hub.court_keys(who.principal)
    except OperatorOnly:
        return await not_yours(request, who)
    courts = await hub.execute(request, who.principal, ops.COURTS)
    names = {c["code"]: c["name"] for c in (courts.data or {}).get("agencies") or []}
    return await section(request, who, "operations_keys.html", KEYS_PATH, keys=keys, names=names)


async def readiness_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    try:
        ready = await console_of(request).hub.readiness(who.principal)
    except OperatorOnly:
        return await not_yours(request, who)
    return await section(request, who, "operations_readiness.html", READY_PATH, ready=ready)


async def audit_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    try:
        check = await console_of(request).hub.audit_check(who.principal)
    except OperatorOnly:
        return await not_yours(request, who)
    return await section(
        request,
        who,
        "operations_audit.html",
        AUDIT_PATH,
        check=check,
        running=check.state is CheckState.RUNNING,
        progress_url=PROGRESS_PATH,
    )


async def start_audit_check(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    form = await posted(request, who)
    if not isinstance(form, dict):
        return form
    try:
        await console_of(request).hub.start_audit_check(request, who.principal)
    except OperatorOnly:
        return await not_yours(request, who)
    return back(AUDIT_PATH, xong="kiem-tra")


async def audit_progress(request: Request) -> Response:
    """The running check's count as server-sent events (``tien-do``), then ``xong`` when it has ended."""
    who = await signed_in(request)
    if who is None:
        return PlainTextResponse("Chưa đăng nhập.", status_code=401)
    if Role.OPERATOR not in who.principal.roles:
        return PlainTextResponse("Không có quyền.", status_code=403)
    hub, principal = console_of(request).hub, who.principal

    async def events() -> AsyncIterator[str]:
        yield "retry: 3000\n\n"
        loop = asyncio.get_running_loop()
        until = loop.time() + PROGRESS_LIFETIME_S
        while loop.time() < until:
            check = await hub.audit_check(principal)
            if check.state is not CheckState.RUNNING:
                yield f"event: xong\ndata: {json.dumps({'state': str(check.state)})}\n\n"
                return
            yield f"event: tien-do\ndata: {json.dumps({'checked': check.checked})}\n\n"
            await asyncio.sleep(PROGRESS_EVERY_S)

    headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
