"""A WebSocket message that Python's JSON parser gives up on is invalid JSON: the socket is closed with 4400.

An integer of more than 4,300 digits (``ValueError``) or nesting past the recursion limit
(``RecursionError``) escaped Strawberry's handler: the socket was dropped without a close code and
uvicorn logged "Exception in ASGI application" with a traceback at ERROR. The same bodies over HTTP
are a 400 (tests/api/test_graphql_over_http.py).
"""

from __future__ import annotations

import logging

import pytest

from domain.access import Role

pytestmark = pytest.mark.e2e

SUBSCRIBE = '{"type": "subscribe", "id": "1", "payload": {"query": "subscription { transferEvents { kind } }", '


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(SUBSCRIBE + '"variables": {"a": 1' + "0" * 5_000 + "}}}", id="5000-digit-integer"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested-100000-levels"),
    ],
)
async def test_is_closed_4400_as_invalid_json_with_nothing_logged_at_error(hub, caplog, message):
    token = hub.token("enforcement.ha-noi.kv01", [Role.ENFORCEMENT_CLERK])
    with caplog.at_level(logging.ERROR):
        async with hub.websocket(token=token) as ws:
            await ws.ws.send_str(message)
            closed = await ws.wait_closed()
    assert (closed.code, closed.reason) == (4400, "WebSocket message must be valid JSON")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
