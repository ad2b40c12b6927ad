"""Signed-in people's sessions, kept by the hub (not in the cookie), so signing out ends them everywhere.

The cookie holds only a random session id (``HttpOnly``, ``SameSite=Lax``, ``Secure`` over HTTPS); the
store (``ledger/console_sessions.py``, wired by the gateway) keeps a hash of it, the person, the form
token against cross-site requests (CSRF) and the expiry. A stolen cookie stops working at sign-out.
"""

from __future__ import annotations

import hmac
from typing import Final, Protocol

from starlette.requests import Request

from domain.sessions import ConsoleSession

COOKIE: Final = "lienthong_session"
CSRF_FIELD: Final = "csrf"
DEFAULT_TTL_S: Final = 8 * 3600  # a working day


class SessionStore(Protocol):
    async def open(self, person: str, ttl_s: int = DEFAULT_TTL_S) -> ConsoleSession: ...

    async def get(self, session_id: str) -> ConsoleSession | None:
        """The live session of that id; None when unknown, ended or expired."""
        ...

    async def end(self, session_id: str) -> None: ...


async def current(request: Request, store: SessionStore) -> ConsoleSession | None:
    session_id = request.cookies.get(COOKIE)
    return await store.get(session_id) if session_id else None


def csrf_ok(session: ConsoleSession, submitted: object) -> bool:
    """Whether a form's token is the session's (compared in constant time)."""
    return isinstance(submitted, str) and hmac.compare_digest(submitted, session.csrf)
