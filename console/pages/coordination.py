"""Phối hợp: the agency's coordination agreements and requests, a request's page, opening and answering one.

For every agency that takes part in coordination (domain/policy.py ``_COORDINATION_PARTIES``: court,
enforcement, procuracy, police, steering committee). Everything goes through the hub's GraphQL
(``coordination_operations``) as the signed-in person: the hub shows only the requests the agency sent,
received or observes and the agreements it is a party to, and decides who may do what
(the addressee starts, answers or declines; the sender closes or withdraws). Each form is a POST with
the session's form token, answered by a redirect (Post/Redirect/Get).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from console.pages import coordination_labels as labels
from console.pages import coordination_operations as ops
from console.pages.coordination_form import OPEN_PATH, form_choices, open_request
from console.pages.coordination_time import today
from console.views import SignedIn, checked_form, common, console_of, member_of, page, refused
from domain.access import Role

HERE: Final = "/phoi-hop"
READERS: Final = frozenset({Role.COURT_CLERK, Role.ENFORCEMENT_CLERK, Role.PROCURACY, Role.POLICE, Role.COMMITTEE})
NOT_YOURS: Final = (
    "Trang Phối hợp chỉ dành cho cán bộ của cơ quan tham gia phối hợp (tòa án, cơ quan thi hành án dân sự, "
    "viện kiểm sát, công an, ban chỉ đạo thi hành án dân sự). Tài khoản của bạn không có quyền xem trang này."
)
PAGE_SIZE: Final = 25
NOTE_FIELD: Final = "noi-dung"


def coordination_routes() -> list[BaseRoute]:
    return [
        Route(HERE, coordination_page, methods=["GET"]),
        Route(OPEN_PATH, open_form, methods=["POST"]),
        Route(HERE + "/yeu-cau/{request_id}", request_page, methods=["GET"]),
        Route(HERE + "/yeu-cau/{request_id}/xu-ly", respond, methods=["POST"]),
    ]


async def _member(request: Request) -> SignedIn | Response:
    return await member_of(request, READERS, NOT_YOURS, HERE)


def feedback(request: Request) -> dict[str, Any]:
    """The outcome of the last form, from the address it redirected to (``?xong=…``, ``?loi=…``)."""
    failed = request.query_params.get("loi")
    return {
        "labels": labels,
        "done": labels.DONE.get(request.query_params.get("xong", "")),
        "failed": labels.refusal(failed) if failed is not None else None,
        "today": today(request),
    }


async def coordination_page(request: Request) -> Response:
    who = await _member(request)
    if not isinstance(who, SignedIn):
        return who
    role_key = request.query_params.get("vai", "nhan")
    role_key = role_key if role_key in labels.ROLE else "nhan"
    status = request.query_params.get("trang-thai") or None
    status = status if status in labels.STATUS else None
    after = request.query_params.get("sau") or None
    hub = console_of(request).hub
    role, _ = labels.ROLE[role_key]
    filter_: dict[str, Any] = {"role": role, **({"status": status} if status else {})}
    variables = {"filter": filter_, "first": PAGE_SIZE, "after": after}
    listed = await hub.execute(request, who.principal, ops.REQUESTS, variables)
    if listed.forbidden:
        return await refused(request, who, NOT_YOURS, HERE)
    if "BAD_USER_INPUT" in listed.codes:  # a cursor edited by hand: from the first page
        return RedirectResponse(_list_url(role_key, status, None), status_code=303)
    found = (listed.data or {}).get("coordinationRequests") or {"edges": [], "pageInfo": {}, "totalCount": 0}
    agreements = await hub.execute(request, who.principal, ops.AGREEMENTS)
    more = found["pageInfo"].get("hasNextPage")
    return page(
        request,
        "coordination.html",
        role_key=role_key,
        status=status,
        requests=[edge["node"] for edge in found["edges"]],
        total=found["totalCount"],
        next_url=_list_url(role_key, status, found["pageInfo"]["endCursor"]) if more else None,
        first_url=_list_url(role_key, status, None) if after else None,
        agreements=(agreements.data or {}).get("coordinationAgreements") or [],
        choices=await form_choices(request, who),
        back=HERE,
        incomplete=bool(listed.errors or agreements.errors),
        **feedback(request),
        **await common(request, who, HERE),
    )


def _list_url(role_key: str, status: str | None, after: str | None) -> str:
    query = {k: v for k, v in (("vai", role_key), ("trang-thai", status), ("sau", after)) if v}
    return HERE + "?" + urlencode(query)


async def request_page(request: Request) -> Response:
    who = await _member(request)
    if not isinstance(who, SignedIn):
        return who
    variables = {"id": request.path_params["request_id"]}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.REQUEST, variables)
    found = (outcome.data or {}).get("coordinationRequest")
    if found is None:
        if outcome.forbidden:
            return await refused(request, who, NOT_YOURS, HERE)
        return page(request, "coordination_not_found.html", 404, **await common(request, who, HERE))
    return page(
        request,
        "coordination_request.html",
        r=found,
        actions=_actions(who, found),
        incomplete=bool(outcome.errors),
        **feedback(request),
        **await common(request, who, HERE),
    )


def _actions(who: SignedIn, found: dict[str, Any]) -> tuple[str, ...]:
    """What the person's agency may do to the request now: as its addressee, or as its sender (itself or the
    agency it succeeded, dissolved since); observers nothing. Only what the forms offer: the hub decides again.
    """
    status = str(found["status"])
    if _is(who, found.get("addressee")):
        return labels.ADDRESSEE_ACTIONS.get(status, ())
    if _is(who, found.get("sender")):
        return labels.SENDER_ACTIONS.get(status, ())
    return ()


def _is(who: SignedIn, agency: dict[str, Any] | None) -> bool:
    """The agency is the person's, or its work passed to the person's."""
    own = who.principal.agency_code
    return agency is not None and own in {agency.get("code"), (agency.get("currentSuccessor") or {}).get("code")}


async def open_form(request: Request) -> Response:
    """Gửi yêu cầu: the form on /phoi-hop (any kind the agency sends) or /vien-kiem-sat (the procuracy's)."""
    who = await _member(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    return await open_request(request, who, form)


async def respond(request: Request) -> Response:
    """Bắt đầu xử lý, Trả lời, Từ chối, Kết thúc, Rút: one action, with its note; back to the request's page."""
    who = await _member(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    request_id = request.path_params["request_id"]
    action = form.get("thao-tac")
    note = form.get(NOTE_FIELD)
    here = f"{HERE}/yeu-cau/{quote(request_id, safe='')}"
    if action not in labels.ACTION:
        return RedirectResponse(here + "?" + urlencode({"loi": "INVALID_TRANSITION"}), status_code=303)
    text = note.strip() if isinstance(note, str) else ""
    variables = {"id": request_id, "action": action, "note": text or None}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.RESPOND, variables)
    payload = (outcome.data or {}).get("respondToCoordinationRequest") or {}
    errors = payload.get("userErrors") or []
    if payload.get("request") and not errors:
        query = {"xong": str(action)}
    else:
        query = {"loi": errors[0]["code"] if errors else ("NOT_FOUND" if outcome.forbidden else "")}
    return RedirectResponse(here + "?" + urlencode(query), status_code=303)
