"""The frame every reference service shares: API key, health, call counter, fault knobs, JSON errors.

A service supplies its API routes; :func:`build_service_app` wraps each one so
that, in order, the key is checked (401), the call is counted, the request
hangs while ``hang`` is on, waits ``latency_ms``, and fails with 503 at
``failure_rate``. ``/health`` needs no key; ``/_admin/*`` needs the key but is
neither counted nor slowed, so a test can always turn the knobs back.

All runtime state (knobs, counter, store) lives on ``app.state`` — one set per
app instance, never per module.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agencies.common.http import ServiceError, error_response, json_object, json_response
from agencies.common.knobs import KnobError, Knobs
from agencies.common.settings import ServiceSettings
from agencies.common.stats import CallCounter

Handler = Callable[[Request], Awaitable[Response]]
MAX_BODY_BYTES = 1 << 20
TOO_LARGE = "Nội dung yêu cầu quá lớn"
UNAVAILABLE = "Hệ thống đang tạm ngừng phục vụ, vui lòng thử lại sau"
_HTTP_MESSAGES: Mapping[int, str] = MappingProxyType(
    {
        404: "Không tìm thấy đường dẫn",
        405: "Phương thức không được hỗ trợ cho đường dẫn này",
    }
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One API endpoint of a service: counted, guarded by the key and subject to the knobs."""

    method: str
    path: str
    handler: Handler

    @property
    def label(self) -> str:
        """How the call counter names it: ``"POST /api/ban-an/tra-cuu"``."""
        return f"{self.method} {self.path}"


def build_service_app(service: str, settings: ServiceSettings, routes: Sequence[ApiRoute], store: Any) -> Starlette:
    """A Starlette app for ``service`` with ``routes`` behind the common frame and ``store`` on its state."""
    app = Starlette(
        routes=[
            Route("/health", _health, methods=["GET"]),
            Route("/_admin/stats", _admin(_stats), methods=["GET"]),
            Route("/_admin/stats/reset", _admin(_reset_stats), methods=["POST"]),
            Route("/_admin/knobs", _admin(_knobs), methods=["GET", "POST"]),
            *(Route(r.path, _guarded(r), methods=[r.method]) for r in routes),
        ],
        exception_handlers={
            ServiceError: _service_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        middleware=[Middleware(BodyLimit, limit=MAX_BODY_BYTES)],
    )
    app.state.service = service
    app.state.settings = settings
    app.state.store = store
    app.state.counter = CallCounter()
    app.state.knobs = Knobs(settings.seed, service, latency_ms=settings.latency_ms, failure_rate=settings.failure_rate)
    return app


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with a JSON 413 (Starlette's own limit answers plain text)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await error_response(413, TOO_LARGE)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ServiceError(413, TOO_LARGE)
            return message

        await self.app(scope, limited, send)


def _authenticate(request: Request) -> None:
    expected: str = request.app.state.settings.api_key
    given = request.headers.get("x-api-key", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ServiceError(401, "Thiếu hoặc sai khóa truy cập (X-API-Key)")


def _guarded(route: ApiRoute) -> Handler:
    async def endpoint(request: Request) -> Response:
        _authenticate(request)
        state = request.app.state
        state.counter.record(route.label)
        knobs: Knobs = state.knobs
        # Read the body first: waiting for a disconnect below must not swallow it.
        await request.body()
        if knobs.hang and not await _wait_for_release(request, knobs):
            return error_response(503, UNAVAILABLE)  # the client has gone; nobody reads this
        if knobs.latency_ms:
            await asyncio.sleep(knobs.latency_ms / 1000)
        if knobs.should_fail():
            return error_response(503, UNAVAILABLE)
        return await route.handler(request)

    return endpoint


async def _wait_for_release(request: Request, knobs: Knobs) -> bool:
    """Wait until ``hang`` is turned off (True) or the client disconnects (False)."""
    released = asyncio.ensure_future(knobs.released())
    disconnected = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait({released, disconnected}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (released, disconnected):
            task.cancel()
    return released.done() and not released.cancelled()


async def _disconnect(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _admin(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        _authenticate(request)
        return await handler(request)

    return endpoint


async def _health(request: Request) -> Response:
    return json_response({"trang_thai": "ok"})


async def _stats(request: Request) -> Response:
    return json_response(request.app.state.counter.snapshot())


async def _reset_stats(request: Request) -> Response:
    counter: CallCounter = request.app.state.counter
    counter.reset()
    return json_response(counter.snapshot())


async def _knobs(request: Request) -> Response:
    knobs: Knobs = request.app.state.knobs
    if request.method == "POST":
        try:
            knobs.update(await json_object(request))
        except KnobError as exc:
            raise ServiceError(400, str(exc)) from None
    return json_response(knobs.as_dict())


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return error_response(exc.status, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, _HTTP_MESSAGES.get(exc.status_code, "Yêu cầu không hợp lệ"))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Lỗi hệ thống")
