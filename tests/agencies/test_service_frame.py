"""What every reference service shares: API key, health, call counter, fault knobs, JSON errors."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.agencies.asgi_client import AsgiClient

COURT_LOOKUP = "/api/ban-an/tra-cuu"


@pytest.fixture(params=["court", "enforcement", "procuracy"])
def service(request: pytest.FixtureRequest) -> AsgiClient:
    client: AsgiClient = request.getfixturevalue(request.param)
    return client


API_PATHS = {"court": "/api/ban-an", "enforcement": "/thads/v1/ho-so", "procuracy": "/kiem-sat/van-ban"}


def api_path(client: AsgiClient) -> str:
    return API_PATHS[client.app.state.service]  # type: ignore[attr-defined]


async def test_health_needs_no_key(service: AsgiClient) -> None:
    answer = await service.get("/health", api_key=None)
    assert answer.status == 200
    assert answer.json() == {"trang_thai": "ok"}


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
async def test_api_and_admin_calls_need_the_key(service: AsgiClient, key: str | None) -> None:
    for method, path in (("GET", api_path(service)), ("GET", "/_admin/stats"), ("POST", "/_admin/knobs")):
        answer = await service.request(method, path, api_key=key, json={} if method == "POST" else None)
        assert answer.status == 401, path
        assert answer.headers["content-type"] == "application/json"
        assert "X-API-Key" in answer.json()["loi"]


async def test_stats_count_authenticated_api_calls_per_path(court: AsgiClient) -> None:
    await court.get("/api/ban-an", params={"so_ban_ghi": 1})
    await court.get("/api/ban-an", params={"trang": 0})  # a 400 is still a call
    await court.post(COURT_LOOKUP, json={"danh_sach": []})
    await court.get("/api/ban-an", api_key="wrong")  # not authenticated: not counted
    await court.get("/health")
    await court.post("/_admin/knobs", json={})
    answer = await court.get("/_admin/stats")
    assert answer.json() == {"tong": 3, "theo_duong_dan": {"GET /api/ban-an": 2, "POST /api/ban-an/tra-cuu": 1}}
    reset = await court.post("/_admin/stats/reset")
    assert reset.json() == {"tong": 0, "theo_duong_dan": {}}
    assert (await court.get("/_admin/stats")).json()["tong"] == 0


async def test_failure_rate_one_fails_every_api_call_with_503_but_not_admin(service: AsgiClient) -> None:
    knobs = await service.post("/_admin/knobs", json={"failure_rate": 1})
    assert knobs.json() == {"latency_ms": 0, "failure_rate": 1.0, "hang": False}
    answer = await service.get(api_path(service))
    assert answer.status == 503
    assert answer.json()["loi"]
    assert (await service.get("/_admin/stats")).status == 200
    await service.post("/_admin/knobs", json={"failure_rate": 0})
    assert (await service.get(api_path(service))).status == 200


async def test_failure_sequence_is_deterministic_and_restarts_when_set(court: AsgiClient) -> None:
    async def outcomes() -> list[int]:
        await court.post("/_admin/knobs", json={"failure_rate": 0.5})
        return [(await court.get("/api/ban-an", params={"so_ban_ghi": 1})).status for _ in range(20)]

    first, second = await outcomes(), await outcomes()
    assert first == second
    assert set(first) == {200, 503}


async def test_latency_delays_api_answers_only(court: AsgiClient) -> None:
    await court.post("/_admin/knobs", json={"latency_ms": 150})
    started = time.perf_counter()
    assert (await court.get("/api/ban-an", params={"so_ban_ghi": 1})).status == 200
    assert time.perf_counter() - started >= 0.15
    started = time.perf_counter()
    await court.get("/_admin/stats")
    assert time.perf_counter() - started < 0.15


async def test_hang_holds_requests_until_released(court: AsgiClient) -> None:
    await court.post("/_admin/knobs", json={"hang": True})
    pending = asyncio.create_task(court.get("/api/ban-an", params={"so_ban_ghi": 1}))
    await asyncio.sleep(0.1)
    assert not pending.done()
    knobs = await court.post("/_admin/knobs", json={"hang": False})
    assert knobs.json()["hang"] is False
    answer = await asyncio.wait_for(pending, 2)
    assert answer.status == 200


async def test_hang_ends_when_the_client_goes_away(court: AsgiClient) -> None:
    await court.post("/_admin/knobs", json={"hang": True})
    gone = asyncio.Event()
    pending = asyncio.create_task(court.post(COURT_LOOKUP, json={"danh_sach": []}, disconnect=gone))
    await asyncio.sleep(0.1)
    assert not pending.done()
    gone.set()
    await asyncio.wait_for(pending, 2)
    assert (await court.get("/_admin/knobs")).json()["hang"] is True


@pytest.mark.parametrize(
    "knobs",
    [{"latency_ms": -1}, {"latency_ms": "5"}, {"latency_ms": True}, {"failure_rate": 1.5}, {"hang": 1}, {"speed": 2}],
)
async def test_bad_knob_values_are_a_400_and_change_nothing(court: AsgiClient, knobs: dict[str, object]) -> None:
    answer = await court.post("/_admin/knobs", json=knobs)
    assert answer.status == 400
    assert answer.json()["loi"]
    assert (await court.get("/_admin/knobs")).json() == {"latency_ms": 0, "failure_rate": 0.0, "hang": False}


async def test_unknown_paths_and_methods_answer_json(court: AsgiClient) -> None:
    missing = await court.get("/api/khong-co")
    assert missing.status == 404
    assert missing.json()["loi"]
    wrong_method = await court.request("DELETE", "/api/ban-an")
    assert wrong_method.status == 405
    assert wrong_method.json()["loi"]


async def test_oversized_body_is_refused(court: AsgiClient) -> None:
    answer = await court.post(COURT_LOOKUP, content=b"{" + b" " * (2 << 20) + b"}")
    assert answer.status == 413
    assert answer.json()["loi"]


async def test_oversized_body_without_a_length_is_refused_too(court: AsgiClient) -> None:
    app = court.app
    body = b"{" + b" " * (2 << 20) + b"}"
    sent: list[dict[str, object]] = []
    delivered = False

    async def receive() -> dict[str, object]:
        nonlocal delivered
        if delivered:
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": COURT_LOOKUP, "raw_path": COURT_LOOKUP.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"x-api-key", (court.api_key or "").encode())], "client": ("127.0.0.1", 1), "server": ("t", 80),
    }  # fmt: skip
    await app(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
