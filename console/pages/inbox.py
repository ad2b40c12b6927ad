"""Hộp thư đến: the office's inbox of transferred judgments, a judgment's full view, Vào sổ, Trả lại, the
enforcement decision with its chấp hành viên, and the receipt register (Sổ nhận bản án) of a statistical year.

Everything is read and written through the hub's GraphQL (``inbox_operations``) as the signed-in
clerk, so the hub's policy decides what is seen: another office's transfer reads as absent (404 here),
an inbox the person's roles may not read is FORBIDDEN (a refusal here, with no data). Deadlines are
shown as the API gives them (due day and state, on the hub's clock); the console computes none, and
filters by them only as ``inbox_reading`` says.
Forms are plain POSTs carrying the session's form token, answered by a redirect (Post/Redirect/Get).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from console.pages import inbox_labels as labels
from console.pages import inbox_operations as ops
from console.pages.inbox_decision import FIELDS as DECISION_FIELDS
from console.pages.inbox_decision import read_decision
from console.pages.inbox_reading import read_inbox
from console.pages.inbox_register import asked_year, read_register, running_year, years_offered
from console.views import SignedIn, checked_form, common, console_of, member_of, page, refused
from domain.access import Role

HERE: Final = "/hop-thu"
REGISTER: Final = HERE + "/so-nhan"  # before HERE/{transfer_id}: "so-nhan" is no transfer's id
LIVE: Final = HERE + "/su-kien"  # the live inbox (inbox_live.py), followed by the page's script
READERS: Final = frozenset({Role.ENFORCEMENT_CLERK})  # the people of an office that receives transfers
NOT_YOURS: Final = (
    "Hộp thư đến chỉ dành cho cán bộ thi hành án dân sự của cơ quan nhận bản án. "
    "Tài khoản của bạn không có quyền xem hộp thư này."
)


def inbox_routes() -> list[BaseRoute]:
    return [
        Route(HERE, inbox_page, methods=["GET"]),
        Route(REGISTER, register_page, methods=["GET"]),
        Route(HERE + "/{transfer_id}", transfer_page, methods=["GET"]),
        Route(HERE + "/{transfer_id}/vao-so", acknowledge, methods=["POST"]),
        Route(HERE + "/{transfer_id}/tra-lai", return_transfer, methods=["POST"]),
        Route(HERE + "/{transfer_id}/quyet-dinh", decide, methods=["POST"]),
    ]


async def _reader(request: Request) -> SignedIn | Response:
    """The signed-in reader of this page, or the answer instead (sign-in page or refusal)."""
    return await member_of(request, READERS, NOT_YOURS, HERE)


async def _refused(request: Request, who: SignedIn, message: str) -> Response:
    return await refused(request, who, message, HERE)


async def _not_found(request: Request, who: SignedIn) -> Response:
    return page(request, "transfer_not_found.html", 404, **await common(request, who, HERE))


def _view_labels() -> dict[str, Any]:
    return {"labels": labels}


async def inbox_page(request: Request) -> Response:
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    status = request.query_params.get("trang-thai")
    status = status if status in labels.STATUS else None
    due = request.query_params.get("han")
    due = due if due in labels.DEADLINE_FILTER else None
    after = request.query_params.get("sau") or None
    head = await console_of(request).hub.transfer_events_head()  # before the rows: an arrival between is sent
    found = await read_inbox(request, who, status, labels.DEADLINE_FILTER[due][0] if due else None, after)
    if found.forbidden:
        return await _refused(request, who, NOT_YOURS)
    if found.bad_cursor:  # a cursor edited by hand: start again from the first page
        return RedirectResponse(_inbox_url(status, due, None), status_code=303)
    return page(
        request,
        "inbox.html",
        transfers=found.rows,
        status=status,
        due=due,
        next_url=_inbox_url(status, due, found.next_after) if found.next_after else None,
        first_url=_inbox_url(status, due, None) if after else None,
        done=labels.DONE.get(request.query_params.get("xong", "")),
        incomplete=found.incomplete,
        live_url=f"{LIVE}?{urlencode({'sau': head})}",
        live_insert=status in (None, "SUBMITTED") and due is None and found.next_after is None,  # the last page
        **_view_labels(),
        **await common(request, who, HERE),
    )


def _inbox_url(status: str | None, due: str | None, after: str | None) -> str:
    query = {key: value for key, value in (("trang-thai", status), ("han", due), ("sau", after)) if value}
    return HERE + ("?" + urlencode(query) if query else "")


async def transfer_page(request: Request) -> Response:
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    failed = labels.refusal(request.query_params["loi"]) if "loi" in request.query_params else None
    return await _show(request, who, request.path_params["transfer_id"], failed=failed)


async def _show(
    request: Request,
    who: SignedIn,
    transfer_id: str,
    *,
    failed: str | None = None,
    typed: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The full view; ``typed`` is a refused form's content (return or decision), shown again with ``failed``."""
    hub = console_of(request).hub
    outcome = await hub.execute(request, who.principal, ops.TRANSFER, {"id": transfer_id})
    transfer = (outcome.data or {}).get("transfer")
    if transfer is None:
        return await (_refused(request, who, NOT_YOURS) if outcome.forbidden else _not_found(request, who))
    explanations: list[dict[str, Any]] = []
    if (transfer.get("lastReturn") or {}).get("reason") == "UNCLEAR":
        asked = await hub.execute(request, who.principal, ops.EXPLANATION_REQUESTS, {"transfer": transfer_id})
        explanations = [e["node"] for e in ((asked.data or {}).get("coordinationRequests") or {}).get("edges", [])]
    targets: list[dict[str, Any]] = []
    if transfer["status"] == "SUBMITTED":  # a wrong agency is sent on only before registering
        province = (transfer.get("registerOffice") or {}).get("provinceCode")
        found = await hub.execute(request, who.principal, ops.REDIRECT_TARGETS, {"province": province})
        own = (transfer.get("registerOffice") or {}).get("code")
        targets = [a for a in (found.data or {}).get("agencies") or [] if a["active"] and a["code"] != own]
    officers = await _officers(request, who) if transfer["status"] == "ACKNOWLEDGED" else []
    return page(
        request,
        "transfer.html",
        status_code,
        transfer=transfer,
        judgment=transfer.get("judgment") or {},
        explanations=explanations,
        targets=targets,
        officers=officers,
        done=labels.DONE.get(request.query_params.get("xong", "")),
        failed=failed,
        typed=typed or {},
        incomplete=bool(outcome.errors),
        **_view_labels(),
        **await common(request, who, HERE),
    )


async def acknowledge(request: Request) -> Response:
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    transfer_id = request.path_params["transfer_id"]
    outcome = await console_of(request).hub.execute(request, who.principal, ops.ACKNOWLEDGE, {"id": transfer_id})
    return _after(transfer_id, outcome.data, "acknowledgeTransfer", outcome.forbidden, "vao-so")


async def return_transfer(request: Request) -> Response:
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    transfer_id = request.path_params["transfer_id"]
    typed = {name: value for name in ("ly-do", "ghi-chu", "chuyen-den") if isinstance(value := form.get(name), str)}
    reason = typed.get("ly-do", "")
    if reason not in labels.RETURN_REASON:
        return await _show(request, who, transfer_id, failed=labels.refusal("BAD_REASON"), typed=typed, status_code=422)
    variables = {
        "id": transfer_id,
        "reason": reason,
        "note": typed.get("ghi-chu", ""),
        "redirectTo": (typed.get("chuyen-den") or None) if reason == "WRONG_AGENCY" else None,
    }
    outcome = await console_of(request).hub.execute(request, who.principal, ops.RETURN, variables)
    payload = (outcome.data or {}).get("returnTransfer") or {}
    errors = payload.get("userErrors") or []
    if payload.get("transfer") and not errors:
        if reason == "WRONG_AGENCY":  # it has moved to the competent office: no longer ours to see
            return RedirectResponse(HERE + "?xong=tra-lai", status_code=303)
        return RedirectResponse(_transfer_url(transfer_id, xong="tra-lai"), status_code=303)
    code = "NOT_FOUND" if outcome.forbidden else (errors[0]["code"] if errors else "")
    # shown again with what was typed (a note may be long), not redirected: nothing was written
    return await _show(request, who, transfer_id, failed=labels.refusal(code), typed=typed, status_code=422)


async def _officers(request: Request, who: SignedIn) -> list[dict[str, Any]]:
    """The office's chấp hành viên for the decision form's suggestions; none when the hub gives none (the
    personnel system unavailable, or the reader's roles may not read them): the name is then only typed."""
    variables = {"agency": who.principal.agency_code}
    found = await console_of(request).hub.execute(request, who.principal, ops.OFFICERS, variables)
    people = [edge["node"] for edge in ((found.data or {}).get("officers") or {}).get("edges", [])]
    return [p for p in people if labels.OFFICER_TITLE in f"{p['title']} {p.get('post') or ''}"]


async def decide(request: Request) -> Response:
    """Quyết định thi hành án: the decision's number, day and kind and the chấp hành viên assigned."""
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    transfer_id = request.path_params["transfer_id"]
    typed = {name: value for name in DECISION_FIELDS if isinstance(value := form.get(name), str)}
    decision = read_decision(typed)
    if isinstance(decision, str):  # nothing is sent to the hub
        failed = labels.decision_refusal(decision)
        return await _show(request, who, transfer_id, failed=failed, typed=typed, status_code=422)
    outcome = await console_of(request).hub.execute(request, who.principal, ops.DECIDE, decision.variables(transfer_id))
    payload = (outcome.data or {}).get("recordEnforcementDecision") or {}
    errors = payload.get("userErrors") or []
    if payload.get("transfer") and not errors:
        return RedirectResponse(_transfer_url(transfer_id, xong="quyet-dinh"), status_code=303)
    if outcome.forbidden:
        failed = labels.decision_refusal("NOT_FOUND", "id")
    else:
        failed = labels.decision_refusal(errors[0]["code"], errors[0]["field"]) if errors else labels.GENERIC_REFUSAL
    return await _show(request, who, transfer_id, failed=failed, typed=typed, status_code=422)


async def register_page(request: Request) -> Response:
    """Sổ nhận bản án of a statistical year (``?nam=``, the running one by default), in register-number order."""
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    running = running_year(request)
    year = asked_year(request.query_params.get("nam"), running)
    if year is None:  # a year typed by hand that no register has: the running year's
        return RedirectResponse(REGISTER, status_code=303)
    register = await read_register(request, who, year)
    if register.forbidden:
        return await _refused(request, who, NOT_YOURS)
    return page(
        request,
        "inbox_register.html",
        register=register,
        years=years_offered(running, year),
        **_view_labels(),
        **await common(request, who, HERE),
    )


def _after(transfer_id: str, data: dict[str, Any] | None, field: str, forbidden: bool, done: str) -> Response:
    """Post/Redirect/Get: back to the transfer, saying what was done or why not."""
    payload = (data or {}).get(field) or {}
    errors = payload.get("userErrors") or []
    if payload.get("transfer") and not errors:
        return RedirectResponse(_transfer_url(transfer_id, xong=done), status_code=303)
    code = "NOT_FOUND" if forbidden else (errors[0]["code"] if errors else "")
    return RedirectResponse(_transfer_url(transfer_id, loi=code), status_code=303)


def _transfer_url(transfer_id: str, **query: str) -> str:
    return f"{HERE}/{quote(transfer_id, safe='')}?{urlencode(query)}"
