"""ASGI middleware: request ids and authentication.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses and WebSockets pass
through untouched.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Final, Protocol

import orjson
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console.routes import is_console_path
from domain.access import Principal
from domain.messages import language_of, tell
from gateway.authority import NotGranted
from gateway.identity import AuthError, bearer_token

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/receipts/public-key"})
PUBLIC_PREFIXES = ("/assets/",)  # the browser files pages load (console/web_assets.py): the same for everyone


class RequestId:
    """Takes a sane ``X-Request-ID`` from the client or makes one; echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        rid = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = rid
            await send(message)

        await self.app(scope, receive, send_with_id)


class Verifies(Protocol):
    async def verify(self, token: str) -> Principal: ...


class Authenticate:
    """Every HTTP request except the public probes needs a valid bearer token.

    The principal lands in ``scope["state"]["principal"]``. The browser files
    under ``/assets/`` are public. In demo mode so is GraphiQL's page
    (``/graphiql``, and a browser GET of ``/graphql`` asking for HTML, which is
    sent there); the queries it sends carry the token from its Headers tab.
    WebSockets authenticate in ``connection_init`` (see the GraphQL view).
    """

    def __init__(self, app: ASGIApp, verifier: Callable[[Scope], Verifies], ide_enabled: bool) -> None:
        self.app = app
        self.verifier = verifier
        self.ide_enabled = ide_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] in PUBLIC_PATHS
            or scope["path"].startswith(PUBLIC_PREFIXES)
            or is_console_path(scope["path"])  # the console's pages: a session cookie, checked by the console
            or self._is_ide_page(scope)
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        elsewhere = _browser_report_url(scope, headers)
        if elsewhere is not None:
            await _see_other(elsewhere, send)
            return
        try:
            principal = await self.verifier(scope).verify(bearer_token(headers.get("authorization")))
        except NotGranted as exc:  # a genuine token claiming what the registry does not grant
            await _refused(403, "FORBIDDEN", tell(exc.message, language_of(headers.get("accept-language"))), send)
            return
        except AuthError as exc:  # told in the language the request asks for (Accept-Language), as every refusal
            await _refused(401, "UNAUTHENTICATED", tell(exc.message, language_of(headers.get("accept-language"))), send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    def _is_ide_page(self, scope: Scope) -> bool:
        if not self.ide_enabled or scope["method"] != "GET" or scope["path"] not in {"/graphql", "/graphiql"}:
            return False
        if scope["path"] == "/graphiql":
            return True
        accept = Headers(scope=scope).get("accept", "")
        return "text/html" in accept and b"query=" not in scope.get("query_string", b"")


# The committee report's bearer-token URLs → the same report from the console's session (gateway/reports/routes.py)
REPORT_IN_THE_BROWSER: Final = {
    "/reports/committee": "/bao-cao/in",
    "/reports/committee.xlsx": "/bao-cao/tai-ve.xlsx",
    "/reports/committee.csv": "/bao-cao/tai-ve.csv",
}


def _browser_report_url(scope: Scope, headers: Headers) -> str | None:
    """Where a person who typed a report's URL in a browser (a GET with no token, asking for a page) finds it
    from their session, with the same parameters; None for anything else (a system gets its 401 as before)."""
    session_path = REPORT_IN_THE_BROWSER.get(scope["path"])
    if session_path is None or scope["method"] != "GET" or "authorization" in headers:
        return None
    if "text/html" not in headers.get("accept", ""):
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    return session_path + (f"?{query}" if query else "")


async def _see_other(location: str, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _refused(status: int, code: str, message: str, send: Send) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    challenge = (
        b'Bearer realm="lienthong"' if status == 401 else b'Bearer realm="lienthong", error="insufficient_scope"'
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"www-authenticate", challenge),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


GRAPHQL_RESPONSE = "application/graphql-response+json"


class GraphQLResponseMediaType:
    """GraphQL-over-HTTP: answer ``application/graphql-response+json`` to clients that accept it.

    With that media type, a request that failed before execution (parse or
    validation error: the body has no ``data``) is a ``400``; otherwise the
    status stays as the view set it. Clients that accept only
    ``application/json`` get the legacy behaviour (``200``). The GraphQL
    answer is a small JSON document, so buffering it here is cheap.
    """

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or not self._wants(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_rewritten(start, b"".join(chunks), send)

        await self.app(scope, receive, buffered)

    @staticmethod
    def _wants(scope: Scope) -> bool:
        accept = Headers(scope=scope).get("accept", "")
        return GRAPHQL_RESPONSE in accept

    @staticmethod
    async def _send_rewritten(start: Message, body: bytes, send: Send) -> None:
        headers = MutableHeaders(raw=list(start["headers"]))
        status = start["status"]
        if headers.get("content-type", "").startswith("application/json"):
            headers["content-type"] = GRAPHQL_RESPONSE
            try:
                document = orjson.loads(body)
            except orjson.JSONDecodeError:
                document = None
            if status == 200 and isinstance(document, dict) and "data" not in document and document.get("errors"):
                status = 400
        headers["content-length"] = str(len(body))
        await send({**start, "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
