"""A minimal graphql-transport-ws client on aiohttp, for tests that talk to the hub over a real WebSocket.

Protocol: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md. One
reader task per connection sorts the server's messages: ``next``/``error``/
``complete`` into the queue of their subscription, ``connection_ack`` and
``pong`` into the connection's own queue, and answers the server's ``ping``.
When the server closes the socket, every waiting reader gets
:class:`ConnectionClosed` with the close code (4403 = rejected in
``connection_init``, 4401 = subscribed before being acknowledged, …).

Every wait is bounded (``timeout``) so a broken server fails a test instead of
hanging it.

    async with connect(http, hub.url, token=token) as ws:
        sub = await ws.subscribe(QUERY, {"office": code})
        event = await sub.next_data()
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp
import orjson

PROTOCOL: Final = "graphql-transport-ws"
DEFAULT_TIMEOUT_S: Final = 15.0


class ConnectionClosed(Exception):
    """The server closed the WebSocket (``code`` is None if the connection just dropped)."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"WebSocket closed ({code}): {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Next:
    payload: dict[str, Any]

    @property
    def data(self) -> dict[str, Any] | None:
        return self.payload.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.payload.get("errors") or []


@dataclass(frozen=True, slots=True)
class Error:
    """The operation failed before it produced results (``error`` message)."""

    errors: list[dict[str, Any]]

    def codes(self) -> set[str | None]:
        return {e.get("extensions", {}).get("code") for e in self.errors}


@dataclass(frozen=True, slots=True)
class Complete:
    pass


Message = Next | Error | Complete


async def _get(queue: asyncio.Queue[Any], timeout: float) -> Any:
    async with asyncio.timeout(timeout):
        item = await queue.get()
    if isinstance(item, ConnectionClosed):
        queue.put_nowait(item)  # later readers learn it too
        raise item
    return item


@dataclass
class Subscription:
    connection: GraphQLWebSocket
    id: str
    inbox: asyncio.Queue[Message | ConnectionClosed] = field(default_factory=asyncio.Queue)

    async def receive(self, timeout: float = DEFAULT_TIMEOUT_S) -> Message:
        """The next message for this operation."""
        message: Message = await _get(self.inbox, timeout)
        return message

    async def next_data(self, timeout: float = DEFAULT_TIMEOUT_S) -> dict[str, Any]:
        """The ``data`` of the next result; anything else (an error, completion, errors in the result) fails."""
        message = await self.receive(timeout)
        if not isinstance(message, Next) or message.errors or message.data is None:
            raise AssertionError(f"expected a result for operation {self.id}, got {message!r}")
        return message.data

    async def complete(self) -> None:
        """Tell the server we want no more results (the client side of ``complete``)."""
        await self.connection.send({"id": self.id, "type": "complete"})


class GraphQLWebSocket:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.closed: ConnectionClosed | None = None
        self._control: asyncio.Queue[dict[str, Any] | ConnectionClosed] = asyncio.Queue()
        self._operations: dict[str, Subscription] = {}
        self._ids = itertools.count(1)
        self._reader = asyncio.create_task(self._read())

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send_str(orjson.dumps(message).decode())

    async def init(self, payload: dict[str, Any] | None, timeout: float = DEFAULT_TIMEOUT_S) -> dict[str, Any] | None:
        """Send ``connection_init``; return the ack's payload, or raise :class:`ConnectionClosed` if rejected."""
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self._expect("connection_ack", timeout)

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> Subscription:
        subscription = Subscription(self, str(next(self._ids)))
        self._operations[subscription.id] = subscription
        await self.send(
            {"id": subscription.id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
        )
        return subscription

    async def ping(self, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        await self.send({"type": "ping"})
        await self._expect("pong", timeout)

    async def wait_closed(self, timeout: float = DEFAULT_TIMEOUT_S) -> ConnectionClosed:
        """Wait for the server to close the connection; the close code and reason."""
        async with asyncio.timeout(timeout):
            await asyncio.shield(self._reader)
        assert self.closed is not None
        return self.closed

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def _expect(self, kind: str, timeout: float) -> dict[str, Any] | None:
        message: dict[str, Any] = await _get(self._control, timeout)
        if message.get("type") != kind:
            raise AssertionError(f"expected {kind}, got {message!r}")
        return message.get("payload")

    async def _read(self) -> None:
        code: int | None = None
        reason = "connection lost"
        try:
            while True:
                frame = await self.ws.receive()
                if frame.type == aiohttp.WSMsgType.TEXT:
                    await self._dispatch(orjson.loads(frame.data))
                elif frame.type == aiohttp.WSMsgType.BINARY:
                    # graphql-transport-ws messages are text frames; browsers' and Apollo's clients fail on binary.
                    reason = "protocol violation: the server sent a binary frame"
                    await self.ws.close(code=4400, message=reason.encode())
                    break
                elif frame.type == aiohttp.WSMsgType.CLOSE:
                    code, reason = frame.data, frame.extra or ""
                elif frame.type in {aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR}:
                    break
        finally:
            self.closed = ConnectionClosed(code, reason)
            self._control.put_nowait(self.closed)
            for subscription in self._operations.values():
                subscription.inbox.put_nowait(self.closed)

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
            return
        subscription = self._operations.get(str(message.get("id")))
        if subscription is None:
            self._control.put_nowait(message)
        elif kind == "next":
            subscription.inbox.put_nowait(Next(message.get("payload") or {}))
        elif kind == "error":
            subscription.inbox.put_nowait(Error(message.get("payload") or []))
        elif kind == "complete":
            subscription.inbox.put_nowait(Complete())


def websocket_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http") + "/graphql"


@asynccontextmanager
async def open_socket(
    http: aiohttp.ClientSession, url: str, timeout: float = DEFAULT_TIMEOUT_S
) -> AsyncIterator[GraphQLWebSocket]:
    """A graphql-transport-ws WebSocket to the hub at ``url`` (http://…), not yet initialised."""
    ws = await http.ws_connect(
        websocket_url(url), protocols=(PROTOCOL,), timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=timeout)
    )
    if ws.protocol != PROTOCOL:
        await ws.close()
        raise AssertionError(f"the server did not agree to {PROTOCOL} (got {ws.protocol!r})")
    client = GraphQLWebSocket(ws)
    try:
        yield client
    finally:
        await client.close()


@asynccontextmanager
async def connect(
    http: aiohttp.ClientSession, url: str, *, token: str, timeout: float = DEFAULT_TIMEOUT_S
) -> AsyncIterator[GraphQLWebSocket]:
    """An acknowledged connection authenticated with ``token`` (sent in ``connection_init``)."""
    async with open_socket(http, url, timeout) as client:
        await client.init({"Authorization": f"Bearer {token}"}, timeout)
        yield client
