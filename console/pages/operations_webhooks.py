"""Vận hành › Webhook: every agency's webhooks, their deliveries by status (dead letters first), and redrive.

Read and written through GraphQL as the operator (``webhooks``, ``webhookDeliveries``,
``redriveDeliveries``: the operator's reach is every agency's). "Gửi lại" puts one dead delivery back in
the queue; "Gửi lại mọi lần gửi hỏng" does it for every dead delivery of one webhook. Both are plain
POSTs with the session's form token, answered by a redirect (Post/Redirect/Get); the hub audits them.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response

from console.pages import operations_labels as labels
from console.pages import operations_operations as ops
from console.pages.operations_access import HERE, back, not_yours, operator, posted, section
from console.views import SignedIn, console_of

PATH: Final = HERE + "/webhook"
REDRIVE_PATH: Final = PATH + "/gui-lai"
PAGE_SIZE: Final = 100


async def webhooks_page(request: Request) -> Response:
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    status = request.query_params.get("trang-thai", "DEAD")
    status = status if status in labels.DELIVERY_STATUS else "DEAD"
    after = request.query_params.get("sau") or None
    hub = console_of(request).hub
    hooks = await hub.execute(request, who.principal, ops.WEBHOOKS)
    variables: dict[str, Any] = {"status": status, "first": PAGE_SIZE, "after": after}
    deliveries = await hub.execute(request, who.principal, ops.DELIVERIES, variables)
    if hooks.forbidden or deliveries.forbidden:
        return await not_yours(request, who)
    if "BAD_USER_INPUT" in deliveries.codes and after:  # a cursor edited by hand: from the first page
        return back(PATH, trang_thai=status)
    found = (deliveries.data or {}).get("webhookDeliveries") or {"edges": [], "pageInfo": {}}
    info = found.get("pageInfo") or {}
    failed = request.query_params.get("loi")
    return await section(
        request,
        who,
        "operations_webhooks.html",
        PATH,
        webhooks=(hooks.data or {}).get("webhooks") or [],
        deliveries=[edge["node"] for edge in found["edges"]],
        status=status,
        next_after=info.get("endCursor") if info.get("hasNextPage") else None,
        first_page=after is not None,
        failed=labels.REDRIVE_REFUSAL.get(failed, labels.GENERIC_REFUSAL) if failed is not None else None,
        incomplete=bool(hooks.errors or deliveries.errors),
    )


async def redrive(request: Request) -> Response:
    """Gửi lại: one delivery (``lan-gui``) or every dead one of a webhook (``webhook``)."""
    who = await operator(request)
    if not isinstance(who, SignedIn):
        return who
    form = await posted(request, who)
    if not isinstance(form, dict):
        return form
    delivery, webhook = form.get("lan-gui", ""), form.get("webhook", "")
    variables = {"ids": [delivery] if delivery else None, "webhook": webhook or None}
    outcome = await console_of(request).hub.execute(request, who.principal, ops.REDRIVE, variables)
    if outcome.forbidden:
        return await not_yours(request, who)
    payload = (outcome.data or {}).get("redriveDeliveries") or {}
    if payload.get("redriven"):
        return back(PATH, xong="gui-lai")
    errors = payload.get("userErrors") or []
    return back(PATH, loi=errors[0]["code"] if errors else "INVALID_ARGUMENT")
