"""Hộp thư đến, live: ``GET /hop-thu/su-kien``, the office's arriving transfers as server-sent events.

Progressive enhancement: the inbox page names this stream (``data-su-kien``) and a small script of
our own (``console/static/hop-thu-truc-tiep.js``) follows it; without JavaScript a reload shows the
same rows. The events are the hub's own ``transferEvents`` subscription for the clerk's office, run
as the clerk (``HubPort.subscribe``: the policy and audit of any partner). An arrival is sent with its
row rendered by the inbox's own macro (``templates/inbox_row.html``), so the script inserts it as is::

    id: 4127
    event: den
    data: {"id": "court.ha-noi.kv03:12/2026/DS-ST", "row": "<tr data-transfer=…>…</tr>"}

The page gives the cursor it was read at (``?sau=``, taken before the rows were read: an arrival in
between is sent, and the script skips a row it already shows). A stream lives at most
``LIFETIME_S``; the browser then reconnects by itself with ``Last-Event-ID``, so nothing is missed or
sent twice. A comment every ``HEARTBEAT_S`` keeps proxies from closing a quiet stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from console.pages import inbox_labels as labels
from console.ports import Outcome
from console.views import SignedIn, console_of, signed_in
from domain.access import Role

PATH: Final = "/hop-thu/su-kien"
LIFETIME_S: Final = 300.0
HEARTBEAT_S: Final = 15.0
RETRY_MS: Final = 3000  # how soon the browser reconnects after a stream ends
ARRIVALS: Final = frozenset({"SUBMITTED"})  # the events that put a new transfer in the inbox
REFUSALS: Final = frozenset({"FORBIDDEN", "BAD_USER_INPUT"})  # a reconnect would be refused again
_CURSOR: Final = re.compile(r"\d{1,20}")

FOLLOW: Final = """
subscription InboxEvents($office: ID!, $after: String) {
  transferEvents(office: $office, after: $after) { cursor kind transferId }
}
"""

ROW: Final = """
query InboxRow($id: ID!) {
  transfer(id: $id) {
    id status receivedAt registerNumber registerYear
    judgment { number court { name } }
    deadlines { key description dueOn state }
  }
}
"""

DOCUMENTS: Final = (FOLLOW, ROW)


async def events(request: Request) -> Response:
    """The stream, for a signed-in clerk of an office that receives transfers (else 401/403, not retried)."""
    who = await signed_in(request)
    if who is None:
        return PlainTextResponse("Chưa đăng nhập.", status_code=401)
    if Role.ENFORCEMENT_CLERK not in who.principal.roles:
        return PlainTextResponse("Không có quyền xem hộp thư này.", status_code=403)
    after = _start(request) or await console_of(request).hub.transfer_events_head()
    return StreamingResponse(
        _stream(request, who, after),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


def _start(request: Request) -> str | None:
    """Where to resume: the browser's ``Last-Event-ID`` on a reconnect, else the page's ``sau``."""
    for given in (request.headers.get("last-event-id"), request.query_params.get("sau")):
        if given and _CURSOR.fullmatch(given):
            return given
    return None


async def _stream(request: Request, who: SignedIn, after: str) -> AsyncIterator[str]:
    """The subscription's arrivals and, while it is quiet, heartbeats, until ``LIFETIME_S`` or a refusal.

    The next event is one task awaited across heartbeats (never cancelled by a timeout, which would
    close the subscription); it is cancelled and the subscription closed when the stream ends.
    """
    hub = console_of(request).hub
    variables = {"office": who.principal.agency_code, "after": after}
    followed = hub.subscribe(request, who.principal, FOLLOW, variables)
    yield f"retry: {RETRY_MS}\n\n"
    loop = asyncio.get_running_loop()
    ends = loop.time() + LIFETIME_S
    pending: asyncio.Future[Outcome] = asyncio.ensure_future(anext(followed))
    try:
        while (left := ends - loop.time()) > 0:
            done, _ = await asyncio.wait({pending}, timeout=min(HEARTBEAT_S, left))
            if not done:
                yield ": nhịp\n\n"
                continue
            try:
                outcome = pending.result()
            except StopAsyncIteration:
                return
            if outcome.errors:  # refused: the script stops; else (the hub stopping…) the browser reconnects
                if outcome.codes & REFUSALS:
                    yield "event: dung\ndata: {}\n\n"
                return
            message = await _message(request, who, (outcome.data or {}).get("transferEvents") or {})
            if message:
                yield message
            pending = asyncio.ensure_future(anext(followed))
    finally:
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await pending
        await followed.aclose()


async def _message(request: Request, who: SignedIn, event: dict[str, Any]) -> str:
    """An arrival as an ``den`` event with its row; nothing for other events or a transfer not shown."""
    if event.get("kind") not in ARRIVALS:
        return ""
    console = console_of(request)
    found = await console.hub.execute(request, who.principal, ROW, {"id": event["transferId"]})
    transfer = (found.data or {}).get("transfer")
    if transfer is None:
        return ""
    row = console.templates.get_template("inbox_row.html").module.row(transfer, labels)  # type: ignore[attr-defined]
    data = json.dumps({"id": transfer["id"], "row": str(row)}, ensure_ascii=False)
    return f"id: {event['cursor']}\nevent: den\ndata: {data}\n\n"
