"""Open subscriptions live no longer than the grants they rely on (issue 14).

A WebSocket is authorised once, at ``connection_init``. :class:`GrantWatch` keeps the
principal of every open socket and re-checks it against the registry every
``LIENTHONG_GRANT_RECHECK_S`` seconds (one check per distinct principal, not per socket);
a socket whose grant was revoked, expired or whose holder was suspended is closed with
4403, as at token expiry. The client sees the close and, with a new grant, reconnects
and resumes from its last cursor.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Final

from starlette.websockets import WebSocket, WebSocketState

from domain.access import Principal
from domain.clock import Clock
from gateway.authority import Authority
from gateway.identity import AuthError
from gateway.sweeps import PeriodicSweep

FORBIDDEN_CLOSE_CODE: Final = 4403  # graphql-transport-ws "Forbidden"
REVOKED_REASON: Final = "grant revoked"  # a close reason must fit in 123 bytes; the detail goes to the log

log = logging.getLogger("lienthong.grants")


class GrantWatch(PeriodicSweep[int]):
    """The open sockets and their principals; each pass closes those no longer granted (returns how many)."""

    def __init__(self, authority: Authority, every_s: float, clock: Clock | None = None) -> None:
        super().__init__(every_s, clock, log)
        self._authority = authority
        self._sockets: dict[int, tuple[WebSocket, Principal]] = {}  # by id(): a WebSocket is a Mapping, unhashable

    def watch(self, websocket: WebSocket, principal: Principal) -> None:
        self._sockets[id(websocket)] = (websocket, principal)

    @property
    def watched(self) -> int:
        return len(self._sockets)

    async def sweep(self, now: datetime | None = None) -> int:
        for key in [k for k, (ws, _) in self._sockets.items() if ws.client_state is not WebSocketState.CONNECTED]:
            del self._sockets[key]
        verdicts: dict[Principal, str | None] = {}
        for _, principal in list(self._sockets.values()):
            if principal not in verdicts:
                verdicts[principal] = await self._refusal(principal)
        closing = [
            (key, ws, verdicts[p]) for key, (ws, p) in list(self._sockets.items()) if verdicts.get(p) is not None
        ]
        for key, websocket, why in closing:
            self._sockets.pop(key, None)
            log.warning("closing a subscription socket: %s", why)
            if websocket.client_state is WebSocketState.CONNECTED:
                await websocket.close(code=FORBIDDEN_CLOSE_CODE, reason=REVOKED_REASON)
        return len(closing)

    async def _refusal(self, principal: Principal) -> str | None:
        try:
            await self._authority.authorise(principal)
        except AuthError as exc:
            return str(exc)
        return None

    def describe(self, result: int) -> str | None:
        return f"closed {result} subscription socket(s) whose grant was revoked" if result else None
