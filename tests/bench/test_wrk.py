"""The bench's wrk driver (``bench.wrk``) against a tiny Starlette app on 127.0.0.1.

wrk is installed by ``make test`` / ``make bench`` (``make /usr/bin/wrk``: ``apt-get install
wrk`` when root); without it the test that runs wrk skips, except in CI (``CI=true``), where a
missing wrk is a failure. No test asserts a timing.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator

import orjson
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.load import Run
from bench.wrk import LATENCY_KEYS, _lua_string, drive_wrk, find_wrk, parse_result

TOKEN = "Bearer test-token"
MARKER = b'"cursor"'
CONCURRENCY = 4
# What each request asks the app for; rotated by wrk.
BODIES = [b'{"answer": "page"}', b'{"answer": "errors"}', b'{"answer": "empty"}', b'{"answer": "crash"}']
PAGE = orjson.dumps({"data": {"items": {"edges": [{"cursor": str(i)} for i in range(3)], "pageInfo": {}}}})


def wrk() -> str:
    found = find_wrk()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is missing in CI: `make test` installs it (make /usr/bin/wrk) when run as root")
        pytest.skip("no wrk: `make /usr/bin/wrk` (as root) or `sudo apt-get install --no-install-recommends wrk`")
    return found


class TinyApp:
    """One JSON route answering a page, a GraphQL error, an empty page or a 500, as the body asks."""

    def __init__(self) -> None:
        self.asked: Counter[str] = Counter()
        self.order: list[str] = []
        self.app = Starlette(routes=[Route("/graphql", self.graphql, methods=["POST"])])

    async def graphql(self, request: Request) -> Response:
        if request.headers.get("authorization") != TOKEN or request.headers.get("content-type") != "application/json":
            return Response(b'{"errors": [{"message": "who are you?"}]}', 401, media_type="application/json")
        answer = orjson.loads(await request.body())["answer"]
        self.asked[answer] += 1
        self.order.append(answer)
        if answer == "errors":
            body = orjson.dumps({"data": None, "errors": [{"message": "no such judgment"}]})
        elif answer == "empty":
            body = orjson.dumps({"data": {"items": {"edges": []}}})
        elif answer == "crash":
            return Response(b"Internal Server Error", 500)
        else:
            body = PAGE
        return Response(body, media_type="application/json")


@pytest.fixture
def tiny_app() -> Iterator[tuple[str, TinyApp]]:
    """The app served by uvicorn in a thread of its own, on a free port of 127.0.0.1."""
    app = TinyApp()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app.app, lifespan="off", log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the tiny app did not start"
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/graphql", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


async def test_wrk_sends_every_body_with_the_headers_and_counts_what_went_wrong(tiny_app: tuple[str, TinyApp]) -> None:
    url, app = tiny_app
    run = await drive_wrk(
        url,
        BODIES,
        headers={"Authorization": TOKEN},
        concurrency=CONCURRENCY,
        duration_s=2,
        timeout_s=5,
        start_at=1,
        marker=MARKER,
        threads=2,  # the bench uses one; two checks that the counts of both threads are added up
        executable=wrk(),
    )
    summary = run.summary()

    assert set(summary) == set(Run().summary())
    assert summary["requests"] > 0
    assert set(app.asked) == {"page", "errors", "empty", "crash"}  # rotated through every body, with the headers
    assert summary["statuses"].keys() == {"200", "500"}
    kinds = summary["error_kinds"]
    assert kinds["HTTP 500"] == summary["statuses"]["500"]
    counted = {
        "crash": kinds["HTTP 500"],
        "errors": kinds['GraphQL errors ("errors" in a 200 answer)'],
        "empty": kinds['no "cursor" in the answer (empty page)'],
        "page": summary["ok"],
    }
    for answer, n in counted.items():  # the app also answered the requests wrk left in flight at the end
        assert 0 < n <= app.asked[answer] <= n + CONCURRENCY, answer
    assert summary["errors"] == summary["requests"] - summary["ok"] == sum(counted.values()) - summary["ok"]
    assert summary["mean_judgments_per_answer"] == 3.0
    assert summary["mean_answer_bytes"] > 0
    assert summary["stopped_by"] == "duration"
    assert summary["elapsed_s"] > 0
    latency = summary["latency_ms"]
    assert set(latency) == set(LATENCY_KEYS)
    assert all(isinstance(latency[key], float) for key in LATENCY_KEYS)
    assert latency["min"] <= latency["p50"] <= latency["p99"] <= latency["max"]
    assert run.generator_cpu_s is not None
    assert run.in_flight_at_end <= CONCURRENCY


async def test_one_connection_sends_the_bodies_in_turn_from_start_at(tiny_app: tuple[str, TinyApp]) -> None:
    url, app = tiny_app
    run = await drive_wrk(
        url, BODIES, headers={"Authorization": TOKEN}, concurrency=1, duration_s=1, start_at=2, executable=wrk()
    )
    summary = run.summary()

    assert app.order[:5] == ["empty", "crash", "page", "errors", "empty"]
    assert (
        summary["ok"]
        == summary["statuses"]["200"] - summary["error_kinds"]['GraphQL errors ("errors" in a 200 answer)']
    )
    assert summary["judgments_per_s"] is None  # no marker: nothing counted, an empty page is no error
    assert summary["mean_judgments_per_answer"] is None
    assert run.in_flight_at_end <= 1


def test_lua_strings_carry_any_bytes() -> None:
    assert _lua_string(b'{"a": "\\u00e9"}\n\xc3\xa9') == '"{\\034a\\034: \\034\\092u00e9\\034}\\010\\195\\169"'


def test_socket_errors_count_as_requests_and_errors() -> None:
    line = orjson.dumps(
        {
            "duration_us": 2_000_000,
            "requests": 10,
            "bytes": 5000,
            "socket_errors": {"connect": 2, "read": 1, "write": 0, "status": 0, "timeout": 0},
            "sent": 15,
            "answers": 10,
            "answer_bytes": 4000,
            "marks": 500,
            "with_errors": 0,
            "without_marker": 0,
            "statuses": {"200": 10},
            "latency_ms": None,
        }
    ).decode()

    run = parse_result(f"Running 2s test\nLIENTHONG-WRK {line}\n", error_key=b'"errors"', marker=MARKER)
    summary = run.summary()

    assert (summary["requests"], summary["ok"], summary["errors"]) == (13, 10, 3)
    assert summary["error_kinds"] == {"wrk connect error": 2, "wrk read error": 1}
    assert summary["mean_judgments_per_answer"] == 50.0
    assert summary["rps"] == 6.5
    assert summary["latency_ms"] == dict.fromkeys(LATENCY_KEYS)
    assert run.in_flight_at_end == 4  # 15 sent, 10 answered, 1 sent again after a read error
