"""Tòa án: the court's submissions and their status, a transfer's signed receipt, explanation requests to answer.

Everything is read and written through the hub's GraphQL (``court_operations``) as the signed-in court
clerk, so the hub's policy decides what is seen: another court's transfer reads as absent (404 here).
The list is built from the court's judgments (``court_reading`` says why); a transfer is opened by its
id, from the list of explanation requests or from the receipt the court's system keeps.
The explanation requests addressed to the court (opened when an office returns a judgment as unclear)
are answered with ``respondToCoordinationRequest`` (ANSWER): a plain POST carrying the session's form
token, answered by a redirect (Post/Redirect/Get).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from console.pages import court_labels as labels
from console.pages import court_operations as ops
from console.pages.court_reading import read_submissions
from console.views import SignedIn, checked_form, common, console_of, member_of, page, refused
from domain.access import Role

HERE: Final = "/toa-an"
READERS: Final = frozenset({Role.COURT_CLERK})
NOT_YOURS: Final = (
    "Trang Tòa án chỉ dành cho thư ký tòa án của tòa án đã chuyển giao bản án. "
    "Tài khoản của bạn không có quyền xem trang này."
)
REQUESTS_SHOWN: Final = 50  # explanation requests of one transfer listed at most (newest first)
WAITING_SHOWN: Final = 200  # requests awaiting an answer listed at most, of each status (the API's largest page)


def court_routes() -> list[BaseRoute]:
    return [
        Route(HERE, submissions_page, methods=["GET"]),
        Route(HERE + "/tra-cuu", look_up, methods=["GET"]),
        Route(HERE + "/giai-thich/{request_id}", answer, methods=["POST"]),
        Route(HERE + "/{transfer_id}", transfer_page, methods=["GET"]),
    ]


async def _clerk(request: Request) -> SignedIn | Response:
    """The signed-in reader of this page, or the answer instead (sign-in page or refusal)."""
    return await member_of(request, READERS, NOT_YOURS, HERE)


async def _refused(request: Request, who: SignedIn, message: str) -> Response:
    return await refused(request, who, message, HERE)


async def _explanations(request: Request, who: SignedIn, transfer_id: str) -> list[dict[str, Any]]:
    """The explanation requests addressed to the court about one transfer, newest first."""
    variables = {"transfer": transfer_id, "first": REQUESTS_SHOWN}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.EXPLANATION_REQUESTS, variables)
    found = (outcome.data or {}).get("coordinationRequests") or {"edges": []}
    return [edge["node"] for edge in found["edges"]]


async def _waiting(request: Request, who: SignedIn) -> list[dict[str, Any]]:
    """The explanation requests still awaiting the court's answer, each once, the newest first."""
    variables = {"first": WAITING_SHOWN}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.WAITING_REQUESTS, variables)
    found: dict[str, dict[str, Any]] = {}
    for connection in (outcome.data or {}).values():
        for edge in (connection or {}).get("edges", []):
            found.setdefault(edge["node"]["id"], edge["node"])
    return sorted(found.values(), key=lambda node: str(node["openedAt"]), reverse=True)


def _feedback(request: Request) -> dict[str, Any]:
    failed = request.query_params.get("loi")
    return {
        "labels": labels,
        "done": labels.DONE.get(request.query_params.get("xong", "")),
        "failed": labels.refusal(failed) if failed is not None else None,
    }


async def submissions_page(request: Request) -> Response:
    who = await _clerk(request)
    if not isinstance(who, SignedIn):
        return who
    status = request.query_params.get("trang-thai")
    status = status if status in labels.STATUS else None
    after = request.query_params.get("sau") or None
    found = await read_submissions(request, who, status, after)
    if found.forbidden:
        return await _refused(request, who, NOT_YOURS)
    if found.bad_cursor:  # a cursor edited by hand: start again from the first page
        return RedirectResponse(_list_url(status, None), status_code=303)
    return page(
        request,
        "court.html",
        submissions=found.rows,
        status=status,
        waiting=await _waiting(request, who),
        next_url=_list_url(status, found.next_after) if found.next_after else None,
        first_url=_list_url(status, None) if after else None,
        incomplete=found.incomplete,
        **_feedback(request),
        **await common(request, who, HERE),
    )


def _list_url(status: str | None, after: str | None) -> str:
    query = {key: value for key, value in (("trang-thai", status), ("sau", after)) if value}
    return HERE + ("?" + urlencode(query) if query else "")


async def look_up(request: Request) -> Response:
    """The form "Tra cứu theo mã chuyển giao": to the transfer the receipt names."""
    who = await _clerk(request)
    if not isinstance(who, SignedIn):
        return who
    transfer_id = request.query_params.get("ma", "").strip()
    return RedirectResponse(_transfer_url(transfer_id) if transfer_id else HERE, status_code=303)


async def transfer_page(request: Request) -> Response:
    who = await _clerk(request)
    if not isinstance(who, SignedIn):
        return who
    transfer_id = request.path_params["transfer_id"]
    outcome = await console_of(request).hub.execute(request, who.principal, ops.TRANSFER, {"id": transfer_id})
    transfer = (outcome.data or {}).get("transfer")
    if transfer is None:
        if outcome.forbidden:
            return await _refused(request, who, NOT_YOURS)
        return page(request, "court_not_found.html", 404, **await common(request, who, HERE))
    receipt = transfer.get("receipt") or {}
    return page(
        request,
        "court_transfer.html",
        transfer=transfer,
        judgment=transfer.get("judgment") or {},
        receipt=receipt,
        receipt_file={"json": receipt.get("json", ""), "signature": receipt.get("signature", "")},
        explanations=await _explanations(request, who, transfer_id),
        incomplete=bool(outcome.errors),
        **_feedback(request),
        **await common(request, who, HERE),
    )


async def answer(request: Request) -> Response:
    """Trả lời yêu cầu giải thích: the note is the court's explanation; back to the transfer it concerns."""
    who = await _clerk(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    note = form.get("giai-thich")
    variables = {"id": request.path_params["request_id"], "note": note.strip() if isinstance(note, str) else ""}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.ANSWER, variables)
    payload = (outcome.data or {}).get("respondToCoordinationRequest") or {}
    errors = payload.get("userErrors") or []
    back = form.get("chuyen-giao")  # the transfer page the form was on, if any
    done = payload.get("request") if not errors else None
    transfer_id = (done or {}).get("transferId") or (back if isinstance(back, str) else "")
    if done:
        query = {"xong": "giai-thich"}
    else:
        query = {"loi": errors[0]["code"] if errors else ("NOT_FOUND" if outcome.forbidden else "")}
    return RedirectResponse(
        (_transfer_url(transfer_id) if transfer_id else HERE) + "?" + urlencode(query), status_code=303
    )


def _transfer_url(transfer_id: str) -> str:
    return f"{HERE}/{quote(transfer_id, safe='')}"
