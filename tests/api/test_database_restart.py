"""Fault drill: PostgreSQL is stopped under the hub's feet and started again.

The hub runs on a PostgreSQL cluster of this test's own (the shared server other tests use is never
touched), with court and office clients writing all along. While the database is down the hub stays
alive (``/healthz`` 200), says it is not ready (``/readyz`` 503), and answers every request promptly
with a JSON error (``DATABASE_UNAVAILABLE``); once the database is back it is ready again, its event
listener reconnected, and writes succeed, without a restart. Then a quick restart while no client asks:
every pooled connection is dead and the next write must still succeed (``pool_pre_ping``). Nothing a
client was told succeeded is lost, and the receipt register has no gap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from domain.access import Role
from gateway import commands
from gateway.settings import WebhookSettings
from tests.fixtures.databases import PostgresServer, ThrowawayCluster, probe
from tests.fixtures.own_cluster import own_cluster
from tests.fixtures.process_hub import ProcessHub, launch_hub
from tests.support.court_client import CourtSigner
from tests.support.write_drill import NETWORK, Acknowledged, DrillClient, check_database, error_codes

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

COURT, OFFICE = "court.ha-noi.kv06", "enforcement.ha-noi.kv06"
BEFORE, WRITERS, AFTER, OUTAGE_PROBES = 10, 4, 10, 6
ANSWER_WITHIN_S = 10.0
"""Every request during the outage is answered within this: the hub must not hang on the database."""
TRANSFER = "query ($id: ID!) { transfer(id: $id) { id status registerNumber } }"
RETRYABLE = frozenset({"200 DATABASE_UNAVAILABLE", "503 DATABASE_UNAVAILABLE"})


@pytest.fixture
def restart_cluster() -> Iterator[tuple[ThrowawayCluster, PostgresServer]]:
    """A PostgreSQL cluster for this test alone, which it may stop and start (never the shared server)."""
    with own_cluster("the database restart drill") as (cluster, admin_url):
        yield cluster, PostgresServer(admin_url, f"drill cluster {cluster.describe()}")


@pytest.fixture
async def drill_hub(restart_cluster, agency_topology, tmp_path) -> AsyncIterator[tuple[ProcessHub, ThrowawayCluster]]:
    cluster, server = restart_cluster
    # an API-only replica (no delivery worker, no monitors): only client requests use the pool, so the
    # quiet restart below finds every pooled connection dead and nothing else has noticed
    api_only = {"webhooks": WebhookSettings(enabled=False), "overdue_every_s": 0}
    async with launch_hub("postgresql", agency_topology, tmp_path, server, **api_only) as hub:
        try:
            yield hub, cluster
        finally:  # the database is dropped on the way out, so the server must be up, whatever happened
            try:
                await asyncio.to_thread(probe, server.admin_url)
            except Exception:
                await asyncio.to_thread(cluster.resume)


async def _get(hub: ProcessHub, path: str) -> tuple[int, Any]:
    async with hub.http.get(f"{hub.url}{path}", timeout=aiohttp.ClientTimeout(total=ANSWER_WITHIN_S)) as response:
        return response.status, await response.json()


async def _wait_for_readyz(hub: ProcessHub, status: int, within_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + within_s
    while True:
        seen, body = await _get(hub, "/readyz")
        if seen == status:
            return body
        assert time.monotonic() < deadline, f"/readyz still {seen} after {within_s}s: {body}"
        await asyncio.sleep(0.1)


async def _wait_for_listener(hub: ProcessHub, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while True:
        async with hub.http.get(f"{hub.url}/metrics", timeout=aiohttp.ClientTimeout(total=ANSWER_WITHIN_S)) as r:
            if "lienthong_event_listener_connected 1.0" in await r.text():
                return
        assert time.monotonic() < deadline, f"the event listener did not reconnect within {within_s}s"
        await asyncio.sleep(0.2)


async def test_the_hub_is_unready_while_postgresql_is_down_and_recovers_without_a_restart(drill_hub):
    hub, cluster = drill_hub
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, COURT, signer.public_key)
    seen = Acknowledged()

    def client() -> DrillClient:
        court, office = hub.token(COURT, [Role.COURT_CLERK]), hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
        return DrillClient(hub.http, hub.url, OFFICE, court, office, seen, timeout_s=ANSWER_WITHIN_S)

    for _ in range(BEFORE):
        await client().write_until_done(signer)
    assert not seen.failures
    await _wait_for_readyz(hub, 200, within_s=5)
    await _wait_for_listener(hub, within_s=10)

    stop = asyncio.Event()

    async def writer() -> int:
        done, c = 0, client()
        while not stop.is_set():  # each write is retried with the same content, through the outage
            await c.write_until_done(signer, attempts=600, pause_s=0.1)
            done += 1
        return done

    writers = [asyncio.create_task(writer()) for _ in range(WRITERS)]
    try:
        await asyncio.sleep(0.5)  # writes are under way when the database goes
        await asyncio.to_thread(cluster.halt, "fast")
        body = await _wait_for_readyz(hub, 503, within_s=15)
        assert (body["ready"], body["database"]["ok"]) == (False, False)
        assert (await _get(hub, "/healthz"))[0] == 200

        prober, known = client(), next(iter(seen.numbers))
        prober.seen = Acknowledged()  # its submissions must all fail: kept apart from the writers' record
        for _ in range(OUTAGE_PROBES):  # a write and a read: both answered, promptly, with a retryable JSON error
            started = time.monotonic()
            assert await prober.submit(signer.signed_variables(signer.submission())) is None
            read = await prober.read(TRANSFER, {"id": known})
            assert read is not None
            assert error_codes(read[1]) == ["DATABASE_UNAVAILABLE"]
            assert time.monotonic() - started < ANSWER_WITHIN_S
            await asyncio.sleep(0.2)
        # the registry's grants cannot be read: the answer is the HTTP 503 itself, or, past authentication, a GraphQL error
        assert set(prober.seen.failures) <= RETRYABLE, prober.seen.failures
        assert prober.seen.failures.total() == OUTAGE_PROBES
        ministry = {"Authorization": f"Bearer {hub.token('ministry.justice', [Role.MINISTRY])}"}
        async with hub.http.get(  # outside GraphQL: the HTTP answer itself says 503, retry later
            f"{hub.url}/reports/committee.csv?province=ha-noi&year=2026&months=6",
            headers=ministry,
            timeout=aiohttp.ClientTimeout(total=ANSWER_WITHIN_S),
        ) as response:
            assert response.status == 503
            assert response.headers["Retry-After"] == "5"
            assert error_codes(await response.json()) == ["DATABASE_UNAVAILABLE"]
        assert (await _get(hub, "/readyz"))[0] == 503
        assert (await _get(hub, "/healthz"))[0] == 200
        assert seen.failures[NETWORK] == 0, "the hub must keep answering while the database is down"

        await asyncio.to_thread(cluster.resume)
        await _wait_for_readyz(hub, 200, within_s=30)
        await _wait_for_listener(hub, within_s=30)  # the LISTEN connection for other replicas' events is back
        after = client()
        for _ in range(AFTER):  # the same hub process: new writes succeed at the first attempt
            transfer = await after.submit(signer.signed_variables(signer.submission()))
            assert transfer is not None, seen.failures
            assert await after.acknowledge(transfer["id"]) is not None, seen.failures
    finally:
        stop.set()
        results = await asyncio.wait_for(asyncio.gather(*writers, return_exceptions=True), timeout=90)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    assert all(n >= 1 for n in results), f"a writer never got a write through: {results}"
    assert seen.failures[NETWORK] == 0
    # a write cut off mid-transaction says "retry later" too, never an internal error
    assert set(seen.failures) <= RETRYABLE, seen.failures

    # a quick restart while no client asks: the pooled connections are all dead, the next write must not fail
    await asyncio.to_thread(cluster.halt, "fast")
    await asyncio.to_thread(cluster.resume)
    quiet = client()
    for _ in range(WRITERS):
        transfer = await quiet.submit(signer.signed_variables(signer.submission()))
        assert transfer is not None, seen.failures
        assert await quiet.acknowledge(transfer["id"]) is not None, seen.failures

    counts = await check_database(hub.settings.database_url, seen)
    assert counts["numbered"] == len(seen.numbers) >= BEFORE + AFTER + 2 * WRITERS
    assert hub.process.process is not None
    assert hub.process.process.poll() is None, "the hub process is the one that served before the outage"
