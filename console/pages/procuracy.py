"""Viện kiểm sát: what a procuracy supervises in its area, and its requests, recommendations and protests.

Read through the hub's GraphQL (``coordination_operations``) as the signed-in prosecutor, so the hub's
policy decides the reach (a procuracy sees its area):

- its supervision copies: the judgments whose enforcement it supervises (``judgments`` in its reach: its
  own, and for a provincial procuracy those of its area procuracies too), each with the enforcement
  agency's case and decisions, the procuracy's own documents about it with their reply dates, and the
  hub's transfer of it (``Judgment.transfer``) with its status and register number, linked to the
  transfer's page;
- a transfer's page: its decision and its legal deadlines, counted in working days on the hub's
  calendar; reached from a judgment's row, or by the transfer's id (the copy the hub sends names it);
- the requests (Yêu cầu), recommendations (Kiến nghị) and protests (Kháng nghị) it sent through the
  hub, with their status, deadline and reply; each opens on its page under /phoi-hop;
- the form that sends a new one (``openCoordinationRequest``, shared with /phoi-hop).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from console.pages import coordination_labels as labels
from console.pages import coordination_operations as ops
from console.pages import procuracy_operations
from console.pages.coordination import feedback
from console.pages.coordination_form import form_choices
from console.views import SignedIn, common, console_of, member_of, page, refused
from domain.access import Role

HERE: Final = "/vien-kiem-sat"
READERS: Final = frozenset({Role.PROCURACY})
NOT_YOURS: Final = (
    "Trang Viện kiểm sát chỉ dành cho kiểm sát viên của viện kiểm sát nhân dân. "
    "Tài khoản của bạn không có quyền xem trang này."
)
PAGE_SIZE: Final = 20  # supervised judgments on one page
DOCUMENTS_SHOWN: Final = 100  # the procuracy's documents of each kind listed (newest first)


def procuracy_routes() -> list[BaseRoute]:
    return [
        Route(HERE, procuracy_page, methods=["GET"]),
        Route(HERE + "/tra-cuu", look_up, methods=["GET"]),
        Route(HERE + "/chuyen-giao/{transfer_id}", transfer_page, methods=["GET"]),
    ]


async def _prosecutor(request: Request) -> SignedIn | Response:
    return await member_of(request, READERS, NOT_YOURS, HERE)


async def procuracy_page(request: Request) -> Response:
    who = await _prosecutor(request)
    if not isinstance(who, SignedIn):
        return who
    hub = console_of(request).hub
    after = request.query_params.get("sau") or None
    variables = {"first": PAGE_SIZE, "after": after}
    supervised = await hub.execute(request, who.principal, procuracy_operations.SUPERVISED, variables)
    if supervised.forbidden:
        return await refused(request, who, NOT_YOURS, HERE)
    if "BAD_USER_INPUT" in supervised.codes:  # a cursor edited by hand
        return RedirectResponse(HERE, status_code=303)
    judgments = (supervised.data or {}).get("judgments") or {"edges": [], "pageInfo": {}, "totalCount": 0}
    documents = await hub.execute(request, who.principal, ops.PROCURACY_DOCUMENTS, {"first": DOCUMENTS_SHOWN})
    sent = _documents(documents.data or {})
    more = judgments["pageInfo"].get("hasNextPage")
    return page(
        request,
        "procuracy.html",
        judgments=[edge["node"] for edge in judgments["edges"]],
        judgments_total=judgments["totalCount"],
        documents=sent,
        waiting=sum(1 for r in sent if r["status"] in labels.WAITING),
        next_url=f"{HERE}?{urlencode({'sau': judgments['pageInfo']['endCursor']})}" if more else None,
        first_url=HERE if after else None,
        choices=await form_choices(request, who, labels.PROCURACY_KINDS),
        judgment=request.query_params.get("ban-an", "")[:300],  # "Gửi văn bản" on a row: the form names it
        back=HERE,
        incomplete=bool(supervised.errors or documents.errors),
        **feedback(request),
        **await common(request, who, HERE),
    )


def _documents(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The procuracy's requests, recommendations and protests together, the newest first."""
    found = [edge["node"] for connection in data.values() for edge in (connection or {}).get("edges", [])]
    return sorted(found, key=lambda node: str(node["openedAt"]), reverse=True)


async def look_up(request: Request) -> Response:
    """The form "Tra cứu theo mã chuyển giao": to the transfer it names."""
    who = await _prosecutor(request)
    if not isinstance(who, SignedIn):
        return who
    transfer_id = request.query_params.get("ma", "").strip()
    target = f"{HERE}/chuyen-giao/{quote(transfer_id, safe='')}" if transfer_id else HERE
    return RedirectResponse(target, status_code=303)


async def transfer_page(request: Request) -> Response:
    who = await _prosecutor(request)
    if not isinstance(who, SignedIn):
        return who
    variables = {"id": request.path_params["transfer_id"]}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.TRANSFER, variables)
    transfer = (outcome.data or {}).get("transfer")
    if transfer is None:
        if outcome.forbidden:
            return await refused(request, who, NOT_YOURS, HERE)
        return page(request, "procuracy_not_found.html", 404, **await common(request, who, HERE))
    return page(
        request,
        "procuracy_transfer.html",
        transfer=transfer,
        incomplete=bool(outcome.errors),
        **feedback(request),
        **await common(request, who, HERE),
    )
