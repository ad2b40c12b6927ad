"""ASGI middleware that protects the HTTP surface: bodies, media types, rates, headers, crashes.

Pure ASGI (not BaseHTTPMiddleware), like ``gateway/middleware.py``. Every refusal is a small
JSON document in the GraphQL error shape, so clients handle one format::

    {"errors": [{"message": "…", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}

The rate limiter (``gateway/rate_limits.py``) belongs to the running app's state; nothing
here is global. The settings are in ``gateway/settings.py`` (``HttpLimits``).
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Callable, Iterable

import orjson
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.access import Principal
from domain.messages import catalogued, language_of, msg, tell
from gateway.rate_limits import ClientRateLimiter
from ledger.db import is_unavailable

log = logging.getLogger("lienthong.gateway")

PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
GRAPHQL_PATH = "/graphql"


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    message: str,
    code: str,
    *,
    headers: Iterable[tuple[bytes, bytes]] = (),
    **extra: object,
) -> None:
    """A JSON error answer; a catalogue ``message`` is told in the language the request asks for (Accept-Language)."""
    told = tell(message, language_of(Headers(scope=scope).get("accept-language")))
    body = orjson.dumps({"errors": [{"message": told, "extensions": {"code": code, **extra}}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _request_id(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", "-"))


class MaskInternalErrors:
    """Any exception escaping the app becomes a JSON 500 naming the request id; the log gets it whole.

    Except the database not answering (a report download during an outage): ``503
    DATABASE_UNAVAILABLE`` with ``Retry-After``, logged in one line.

    Sits inside ``RequestId`` (so the id is known) and outside everything else.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as exc:
            rid = _request_id(scope)
            if is_unavailable(exc) and not started:
                log.warning(
                    "request %s: database unavailable on %s %s: %s", rid, scope.get("method"), scope.get("path"), exc
                )
                message = msg(
                    "The hub's database is not answering; retry later (request id {request_id}).", request_id=rid
                )
                await send_error(
                    scope, send, 503, message, "DATABASE_UNAVAILABLE", headers=[(b"retry-after", b"5")], requestId=rid
                )
                return
            log.exception("request %s: unhandled error on %s %s", rid, scope.get("method"), scope.get("path"))
            if started:  # too late for an error response: the connection is cut short
                raise
            await send_error(
                scope,
                send,
                500,
                msg("Internal error; quote request id {request_id} to the operator.", request_id=rid),
                "INTERNAL_SERVER_ERROR",
                requestId=rid,
            )


_API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class SecurityHeaders:
    """Headers on every HTTP response; ``Cache-Control: no-store`` on GraphQL answers.

    The strict CSP allows nothing (JSON is never rendered). A route that sets its own CSP keeps
    it: the printable report page (``gateway/reports/page.py``) allows its inline style by hash,
    the demo's GraphiQL page (``gateway/graphiql.py``) scripts and styles of the hub only.
    """

    def __init__(self, app: ASGIApp, *, hsts_max_age_s: int = 0) -> None:
        self.app = app
        self.common = [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
            ("cross-origin-resource-policy", "same-origin"),
        ]
        if hsts_max_age_s > 0:
            self.common.append(("strict-transport-security", f"max-age={hsts_max_age_s}; includeSubDomains"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_graphql = scope["path"] == GRAPHQL_PATH

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.common:
                    headers[name] = value
                if "content-security-policy" not in headers:  # a page of ours may set its own (gateway/reports)
                    headers["content-security-policy"] = _API_CSP
                if is_graphql:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


class GraphQLContentType:
    """CSRF defence: a POST to /graphql must be ``application/json``.

    Browsers send forms (``application/x-www-form-urlencoded``, ``multipart/form-data``) and
    ``text/plain`` across origins without a preflight; JSON needs one, which CORS refuses.
    (GET runs queries only: Strawberry refuses mutations over GET.)
    """

    def __init__(self, app: ASGIApp, path: str = GRAPHQL_PATH) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path:
            media_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                shown = media_type or "none"
                await send_error(
                    scope,
                    send,
                    415,
                    msg("POST /graphql needs Content-Type: application/json (got {media_type}).", media_type=shown),
                    "UNSUPPORTED_MEDIA_TYPE",
                )
                return
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


class TooInflated(Exception):
    """The body inflates more than ``MAX_INFLATION``-fold: a compression bomb."""


class ClientGone(Exception):
    pass


_DECOMPRESSORS: dict[str, Callable[[], zlib._Decompress]] = {
    "gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "deflate": lambda: zlib.decompressobj(zlib.MAX_WBITS),  # RFC 9110: the zlib format
}


MAX_INFLATION = 100  # a compressed body may inflate to at most this many times the compressed bytes read…
INFLATION_FLOOR = 64 * 1024  # …once past this many bytes (a small body of repeated text stays welcome)


class BodyLimit:
    """At most ``max_bytes`` of request body, before and after decompression.

    A ``Content-Length`` above the limit is refused without reading; otherwise the body is read
    as it streams (chunked too) and counted. ``gzip`` and ``deflate`` bodies are inflated
    piecewise, never more than the limit plus one byte, so a gzip bomb costs at most
    ``max_bytes`` of memory; the app then sees the plain body. Other encodings are 415.

    Inflating costs CPU too: 4 MB of a gzip bomb's zeros took ~12 ms to inflate before the limit
    was reached. So a body is also refused (413) once it has inflated past ``INFLATION_FLOOR`` to
    more than ``MAX_INFLATION`` times the compressed bytes read: JSON compresses a few to a few
    dozen times, a bomb a thousand, and is refused after inflating 64 KiB (``python -m bench refusals``).
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in _DECOMPRESSORS and encoding != "identity":
            await send_error(
                scope,
                send,
                415,
                msg("Content-Encoding {encoding} is not supported (gzip, deflate).", encoding=repr(encoding)),
                "UNSUPPORTED_MEDIA_TYPE",
            )
            return
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, send)
            return
        try:
            body = await self._read(receive, _DECOMPRESSORS[encoding]() if encoding != "identity" else None)
        except BodyTooLarge:
            await self._too_large(scope, send)
            return
        except TooInflated:
            await send_error(
                scope,
                send,
                413,
                msg(
                    "The request body inflates to more than {times} times its compressed size (a compression bomb).",
                    times=MAX_INFLATION,
                ),
                "PAYLOAD_TOO_LARGE",
                maxInflation=MAX_INFLATION,
            )
            return
        except BadEncoding as exc:
            await send_error(
                scope,
                send,
                400,
                msg("The request body is not valid {encoding}: {detail}", encoding=encoding, detail=str(exc)),
                "BAD_REQUEST",
            )
            return
        except ClientGone:
            return
        if encoding != "identity":
            raw = [(k, v) for k, v in scope["headers"] if k not in (b"content-encoding", b"content-length")]
            scope = {**scope, "headers": [*raw, (b"content-length", str(len(body)).encode())]}
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive, inflater: zlib._Decompress | None) -> bytes:
        received = 0
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                raise BodyTooLarge
            if inflater is None:
                parts.append(chunk)
                size += len(chunk)
            else:
                size = self._inflate(inflater, chunk, parts, size, received)
            if not message.get("more_body", False):
                break
        if inflater is not None and not inflater.eof and received:
            raise BadEncoding("truncated")
        return b"".join(parts)

    def _inflate(self, inflater: zlib._Decompress, chunk: bytes, parts: list[bytes], size: int, received: int) -> int:
        """``chunk`` inflated into ``parts``, ``INFLATION_FLOOR`` bytes at a time; ``received``: compressed bytes
        read so far, this chunk included."""
        pending = chunk
        while pending:
            try:
                out = inflater.decompress(pending, min(self.max_bytes - size + 1, INFLATION_FLOOR))
            except zlib.error as exc:
                raise BadEncoding(str(exc)) from exc
            size += len(out)
            if size > self.max_bytes:
                raise BodyTooLarge
            parts.append(out)
            pending = inflater.unconsumed_tail
            if size > INFLATION_FLOOR and size > MAX_INFLATION * (received - len(pending)):
                raise TooInflated
            if inflater.eof:
                break
        return size

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await send_error(
            scope,
            send,
            413,
            msg("The request body is larger than {limit} bytes (decompressed, if compressed).", limit=self.max_bytes),
            "PAYLOAD_TOO_LARGE",
            maxBytes=self.max_bytes,
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; later calls wait for the disconnect as usual."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class RateLimit:
    """429 with ``Retry-After`` for a client over its budget (``gateway/rate_limits.py``).

    Sits after ``Authenticate``: the client is the principal (agency and person, or the token id)
    when there is one, the peer address otherwise. Probes are never limited. ``limiter`` finds the
    running app's limiter (None: no limit); the budget is shared by the replicas when the store is.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: Callable[[Scope], ClientRateLimiter | None],
        exempt: frozenset[str] = PROBES,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = self.limiter(scope) if scope["type"] == "http" and scope["path"] not in self.exempt else None
        if limiter is None:
            await self.app(scope, receive, send)
            return
        wait = await limiter.check(client_key(scope))
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            await send_error(
                scope,
                send,
                429,
                msg("Too many requests from this client; retry in {seconds} s.", seconds=retry_after),
                "RATE_LIMITED",
                headers=[(b"retry-after", str(retry_after).encode())],
                retryAfter=retry_after,
            )
            return
        await self.app(scope, receive, send)


def client_key(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    if isinstance(principal, Principal) and principal.agency_code:
        # the registered holder (person or system client), so minting more tokens buys no more budget
        who = principal.person or (f"client:{principal.client}" if principal.client else principal.token_id) or "-"
        return f"principal:{principal.agency_code}/{who}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


_STATUS_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
# The plain-text refusals of Strawberry and Starlette, told from the catalogue when they reach PlainErrorsAsJson.
FOREIGN_PLAIN_TEXTS = (
    msg("Not Found"),
    msg("Method Not Allowed"),
    msg("GraphQL only supports GET and POST requests."),
    msg("No GraphQL query found in the request"),
    msg("Unable to parse request body as JSON"),
    msg("Unsupported content type"),
    msg("mutations are not allowed when using GET"),
)


class PlainErrorsAsJson:
    """Plain-text error answers (Strawberry's HTTP errors, Starlette's 404/405) become JSON errors.

    For example Strawberry's ``400 mutations are not allowed when using GET`` becomes
    ``{"errors": [{"message": "mutations are not allowed when using GET",
    "extensions": {"code": "BAD_REQUEST"}}]}``. These bodies are a line of text: buffering is cheap.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewriting(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
                if 400 <= message["status"] < 500 and content_type.startswith("text/plain"):
                    start = message
                    return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                status = start["status"]
                text = b"".join(chunks).decode("utf-8", "replace").strip()
                kept = [(k, v) for k, v in start.get("headers", []) if k not in (b"content-type", b"content-length")]
                await send_error(
                    scope, send, status, catalogued(text), _STATUS_CODES.get(status, "BAD_REQUEST"), headers=kept
                )

        await self.app(scope, receive, rewriting)
