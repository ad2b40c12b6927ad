"""Fault drill: the hub is killed with SIGKILL while courts submit and offices acknowledge.

Several clients of two courts and their two enforcement offices write concurrently: each submits a
judgment and acknowledges the transfer, retrying every failed request with the same content, and
records every success it is told of. Midway the hub gets ``kill -9`` and is started again on the
same database. Afterwards every receipt and every register number a client received is in the
database, no judgment has two transfers, no transfer two numbers, and each office's register for
the year runs 1…n without a gap. Runs once on SQLite and once on PostgreSQL.
(tests/api/test_crash_drill.py covers the same kill for submissions alone, with a subscriber.)
"""

from __future__ import annotations

import asyncio

import pytest

from domain.access import Role
from gateway import commands
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.process_hub import launch_hub
from tests.support.court_client import CourtSigner
from tests.support.write_drill import NETWORK, Acknowledged, DrillClient, check_database

pytestmark = pytest.mark.e2e

PAIRS = (("court.ha-noi.kv07", "enforcement.ha-noi.kv07"), ("court.ha-noi.kv08", "enforcement.ha-noi.kv08"))
CLIENTS_PER_PAIR, WRITES, KILL_AFTER = 4, 160, 50
"""Eight clients in all write 160 acknowledged transfers; the hub is killed after the 50th acknowledgement."""


@pytest.fixture(params=BOTH_DATABASES)
async def own_hub(request, agency_topology, tmp_path):
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    async with launch_hub(request.param, agency_topology, tmp_path, server) as hub:
        yield hub


async def test_sigkill_under_concurrent_writes_loses_no_acknowledged_write(own_hub):
    hub = own_hub
    seen = Acknowledged()
    clients: list[tuple[DrillClient, CourtSigner]] = []
    for court, office in PAIRS:
        signer = CourtSigner.new(court)
        await commands.keys_add(hub.settings, court, signer.public_key)
        court_token, office_token = hub.token(court, [Role.COURT_CLERK]), hub.token(office, [Role.ENFORCEMENT_CLERK])
        clients += [
            (DrillClient(hub.http, hub.url, office, court_token, office_token, seen), signer)
            for _ in range(CLIENTS_PER_PAIR)
        ]
    started = 0

    async def write(client: DrillClient, signer: CourtSigner) -> None:
        nonlocal started
        while started < WRITES:
            started += 1  # claimed before the first await: exactly WRITES writes in all
            await client.write_until_done(signer, attempts=600, pause_s=0.05)

    killed_at: list[int] = []

    async def killer() -> None:
        while len(seen.numbers) < KILL_AFTER:
            await asyncio.sleep(0.01)
        killed_at.append(len(seen.numbers))
        hub.process.kill()  # SIGKILL: no shutdown, whatever is in flight is cut
        await asyncio.sleep(0.3)
        await asyncio.to_thread(hub.process.start)

    await asyncio.wait_for(asyncio.gather(killer(), *(write(c, s) for c, s in clients)), timeout=100)

    assert killed_at, "the killer never ran"
    assert killed_at[0] < WRITES - len(clients), "the hub must die while the writes are under way"
    assert seen.failures[NETWORK] > 0, "some requests must have been cut by the kill"
    assert len(seen.receipts) == len(seen.numbers) == WRITES
    counts = await check_database(hub.settings.database_url, seen)
    assert counts == {"transfers": WRITES, "numbered": WRITES}
    offices = {office for office, _, _ in seen.numbers.values()}
    assert offices == {office for _, office in PAIRS}
