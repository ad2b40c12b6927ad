"""The launcher: three real subprocesses on loopback ports, restartable, with knobs; always stopped."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import create_engine, text

from agencies.common.catalogue import Catalogue, Origin
from agencies.common.reference import ReferenceData
from agencies.topology import DEFAULT_API_KEYS, ServiceProcess, Topology, TopologyError

pytestmark = pytest.mark.e2e

SEED = 23
JUDGMENTS = 800


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def topology(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Topology]:
    async with Topology(judgments=JUDGMENTS, seed=SEED, log_dir=tmp_path_factory.mktemp("agency-logs")) as topo:
        yield topo


async def call(
    service: ServiceProcess, method: str, path: str, body: Any = None, timeout: float = 10
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
        session.request(method, service.base_url + path, json=body, headers={"X-API-Key": service.api_key}) as answer,
    ):
        return answer.status, await answer.json()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_three_services_answer_on_loopback_with_their_keys(topology: Topology) -> None:
    assert [s.name for s in topology] == ["court", "enforcement", "procuracy"]
    for service in topology:
        assert service.base_url.startswith("http://127.0.0.1:")
        assert service.api_key == DEFAULT_API_KEYS[service.name]
        assert service.pid is not None
        assert alive(service.pid)
        status, body = await call(service, "GET", "/health")
        assert (status, body) == (200, {"trang_thai": "ok"})
    assert len({s.port for s in topology}) == 3


async def test_services_agree_on_the_judgments(topology: Topology) -> None:
    catalogue = Catalogue(SEED, JUDGMENTS, ReferenceData.load())
    index = catalogue.first(Origin.DISSOLVED_DISTRICT)
    key = catalogue.key_at(index)
    status, court = await call(
        topology.court,
        "POST",
        "/api/ban-an/tra-cuu",
        {"danh_sach": [{"ma_toa_an": key.court_code, "so_ban_an": key.number}]},
    )
    assert status == 200
    assert court["ket_qua"][0]["tai_lieu"]["sha256"] == catalogue.judgment(index).document_sha256
    _, listing = await call(topology.enforcement, "GET", "/thads/v1/ho-so?gioi_han=5")
    first = listing["ho_so"][0]["ban_an"]
    _, found = await call(
        topology.court,
        "GET",
        f"/api/ban-an/chi-tiet?ma_toa_an={first['toa_an']}&so_ban_an={first['so']}",
    )
    assert (found["ma_toa_an"], found["so_ban_an"]) == (first["toa_an"], first["so"])
    status, supervision = await call(
        topology.procuracy,
        "POST",
        "/kiem-sat/van-ban/theo-ban-an",
        {"ban_an": [{"ma_toa": first["toa_an"], "so_ban_an": first["so"]}]},
    )
    assert status == 200
    assert len(supervision["ket_qua"]) == 1


async def test_stats_and_knobs_through_the_handle(topology: Topology) -> None:
    court = topology.court
    await court.reset_stats()
    await call(court, "GET", "/api/ban-an?so_ban_ghi=1")
    assert (await court.stats())["theo_duong_dan"] == {"GET /api/ban-an": 1}
    assert court.stats_sync()["tong"] == 1
    try:
        assert (await court.set_knobs(failure_rate=1.0))["failure_rate"] == 1.0
        status, body = await call(court, "GET", "/api/ban-an")
        assert status == 503
        assert body["loi"]
    finally:
        court.set_knobs_sync(failure_rate=0.0)
    assert court.reset_stats_sync() == {"tong": 0, "theo_duong_dan": {}}


async def test_a_hung_request_ends_when_the_client_gives_up(topology: Topology) -> None:
    procuracy = topology.procuracy
    await procuracy.set_knobs(hang=True)
    try:
        with pytest.raises(asyncio.TimeoutError):
            await call(procuracy, "GET", "/kiem-sat/van-ban", timeout=0.3)
    finally:
        await procuracy.set_knobs(hang=False)
    status, _ = await call(procuracy, "GET", "/kiem-sat/van-ban?so_luong=1")
    assert status == 200


async def test_a_killed_service_restarts_on_the_same_port(topology: Topology) -> None:
    enforcement = topology.enforcement
    port, old_pid = enforcement.port, enforcement.pid
    assert old_pid is not None
    await asyncio.to_thread(enforcement.kill)
    assert not enforcement.running
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(enforcement, "GET", "/health")
    await asyncio.to_thread(enforcement.start)
    assert enforcement.port == port
    assert enforcement.pid != old_pid
    assert (await call(enforcement, "GET", "/health"))[0] == 200
    await asyncio.to_thread(enforcement.stop)
    assert not enforcement.running
    await asyncio.to_thread(enforcement.start)
    assert enforcement.running


def test_personnel_database_is_ready(topology: Topology) -> None:
    assert topology.personnel_url == f"sqlite+aiosqlite:///{topology.personnel_path}"
    engine = create_engine(topology.personnel_sync_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM don_vi")).scalar_one() == 389
    finally:
        engine.dispose()
    assert (topology.log_dir / "court.stderr.log").exists()


def test_the_context_manager_stops_everything(tmp_path: Path) -> None:
    with Topology(judgments=50, seed=1, log_dir=tmp_path) as topo:
        pids = [s.pid for s in topo]
        assert all(p is not None and alive(p) for p in pids)
    assert not any(s.running for s in topo)


def test_a_service_that_cannot_start_says_why(tmp_path: Path) -> None:
    broken = Topology(judgments=10, log_dir=tmp_path / "logs", data_dir=tmp_path / "no-such-data")
    with pytest.raises((TopologyError, FileNotFoundError)):
        broken.start()
    assert not any(s.running for s in broken)
    service = ServiceProcess(
        "court", port=1, api_key="k", judgments=1, seed=1, log_dir=tmp_path, data_dir=tmp_path / "missing"
    )
    with pytest.raises(TopologyError, match="FileNotFoundError"):
        service.start(timeout=30)
