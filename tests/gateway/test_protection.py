"""Protection middleware in isolation: crashes masked, and the settings behind them (rates: test_rate_limits.py)."""

from __future__ import annotations

import asyncio
import logging

import orjson
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route
from starlette.types import Message

from gateway.middleware import RequestId
from gateway.protection import MaskInternalErrors
from gateway.settings import HttpLimits, QueryLimits, Settings, SettingsError


async def _crash(request: Request) -> None:
    raise RuntimeError("secret detail: password=hunter2")


async def _crash_mid_stream(request: Request) -> StreamingResponse:
    async def body():
        yield b"partial"
        raise RuntimeError("after the start")

    return StreamingResponse(body())


def _app() -> Starlette:
    return Starlette(
        routes=[Route("/crash", _crash), Route("/stream", _crash_mid_stream)],
        middleware=[Middleware(RequestId), Middleware(MaskInternalErrors)],
    )


async def _get(path: str) -> list[Message]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"x-request-id", b"req-1234567890")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[Message] = []

    requested = False

    async def receive() -> Message:
        nonlocal requested
        if requested:  # the client stays connected
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await _app()(scope, receive, send)
    return sent


async def test_an_unhandled_error_is_a_json_500_with_the_request_id_and_logged_whole(caplog):
    with caplog.at_level(logging.ERROR, logger="lienthong.gateway"):
        start, body = await _get("/crash")
    assert start["status"] == 500
    assert (b"content-type", b"application/json") in start["headers"]
    assert orjson.loads(body["body"]) == {
        "errors": [
            {
                "message": "Internal error; quote request id req-1234567890 to the operator.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-1234567890"},
            }
        ]
    }
    assert b"hunter2" not in body["body"]
    assert b"Traceback" not in body["body"]
    [record] = [r for r in caplog.records if "req-1234567890" in r.getMessage()]
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])


async def test_an_error_after_the_answer_started_is_logged_and_not_answered_twice(caplog):
    with caplog.at_level(logging.ERROR, logger="lienthong.gateway"), pytest.raises(RuntimeError):
        await _get("/stream")
    assert any("req-1234567890" in r.getMessage() for r in caplog.records)


def test_the_limits_round_trip_through_the_environment():
    settings = Settings(
        query_limits=QueryLimits(max_directives=7, max_cost=900, default_page_size=5, max_batch_operations=0),
        http_limits=HttpLimits(max_body_bytes=1000, rate_per_s=0.5, rate_burst=3, hsts_max_age_s=60),
    )
    env = settings.to_env()
    assert env["LIENTHONG_MAX_QUERY_COST"] == "900"
    assert env["LIENTHONG_RATE_LIMIT_PER_S"] == "0.5"
    again = Settings.from_env(env)
    assert (again.query_limits, again.http_limits) == (settings.query_limits, settings.http_limits)
    assert Settings.from_env({}).http_limits == HttpLimits()


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"LIENTHONG_MAX_QUERY_COST": "lots"}, "LIENTHONG_MAX_QUERY_COST"),
        ({"LIENTHONG_MAX_QUERY_DIRECTIVES": "0"}, "LIENTHONG_MAX_QUERY_DIRECTIVES"),
        ({"LIENTHONG_MAX_BATCH_OPERATIONS": "-1"}, "LIENTHONG_MAX_BATCH_OPERATIONS"),
        ({"LIENTHONG_MAX_BODY_BYTES": "0"}, "LIENTHONG_MAX_BODY_BYTES"),
        ({"LIENTHONG_RATE_LIMIT_PER_S": "-1"}, "LIENTHONG_RATE_LIMIT_PER_S"),
    ],
)
def test_bad_limits_fail_loudly_naming_the_variable(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_env(env)
