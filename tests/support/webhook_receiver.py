"""A webhook receiver for tests: an aiohttp server on 127.0.0.1 that can fail on purpose.

It records every request (failed ones too), checks each signature against the
secret it is given, and lets a test wait — boundedly, with a message that says
what was awaited and what arrived instead — for a delivery.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from domain.clock import Clock
from gateway.delivery import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


@dataclass(frozen=True, slots=True)
class Received:
    event_id: str
    timestamp: str
    signature: str
    body: bytes
    answered: int  # the status this receiver answered with
    signature_ok: bool | None  # None while the receiver has no secret

    @property
    def json(self) -> dict[str, Any]:
        return orjson.loads(self.body)  # type: ignore[no-any-return]


@dataclass
class WebhookReceiver:
    """``fail_first`` requests are answered ``failing_status`` (503); while ``down`` every request is.

    ``delay_s`` holds every answer back that long (to make the sender time out).
    """

    fail_first: int = 0
    down: bool = False
    delay_s: float = 0.0
    failing_status: int = 503
    secret: str | None = None
    requests: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("start the receiver first")
        return f"http://127.0.0.1:{self._port}/hook"

    @property
    def delivered(self) -> list[Received]:
        return [r for r in self.requests if 200 <= r.answered < 300]

    async def start(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> WebhookReceiver:
        return await self.start()

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        failing = self.down or len(self.requests) < self.fail_first
        status = self.failing_status if failing else 200
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        ok = (
            None
            if self.secret is None
            else verify(self.secret, timestamp, body, signature, now=Clock().wall().timestamp())
        )
        async with self._arrived:
            self.requests.append(
                Received(request.headers.get(EVENT_ID_HEADER, ""), timestamp, signature, body, status, ok)
            )
            self._arrived.notify_all()
        return web.Response(status=status, text="down" if failing else "ok")

    async def wait_until(self, condition: Callable[[list[Received]], bool], timeout_s: float, what: str) -> None:
        """Until ``condition(requests)`` holds; AssertionError naming ``what`` after ``timeout_s``."""
        try:
            async with asyncio.timeout(timeout_s), self._arrived:
                await self._arrived.wait_for(lambda: condition(self.requests))
        except TimeoutError:
            seen = [(r.event_id, r.answered) for r in self.requests]
            raise AssertionError(f"receiver: no {what} within {timeout_s:.0f}s; requests so far: {seen}") from None

    async def wait_for_delivery(self, event_id: str, timeout_s: float) -> Received:
        """The first request for ``event_id`` this receiver accepted (answered 2xx)."""
        await self.wait_until(
            lambda reqs: any(r.event_id == event_id and r.answered == 200 for r in reqs),
            timeout_s,
            f"accepted delivery of event {event_id}",
        )
        return next(r for r in self.requests if r.event_id == event_id and r.answered == 200)

    def attempts_for(self, event_id: str) -> list[Received]:
        return [r for r in self.requests if r.event_id == event_id]
