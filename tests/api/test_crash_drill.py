"""Crash drill: the hub is killed with SIGKILL in the middle of 500 submissions.

The court's client retries every failed request with the same content (the
idempotency key is court + number). After the restart: each submission has
exactly one transfer, every receipt the client got verifies, and a subscriber
that resumed with its last cursor has every event exactly once.
Runs once on SQLite and once on PostgreSQL, each with its own hub process.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import pytest
from sqlalchemy import func, select

from domain.access import Role
from domain.receipts import verify_receipt
from domain.signatures import public_key_from_b64
from gateway import commands
from ledger.db import create_engine
from ledger.models import TransferRow
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.process_hub import launch_hub
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.ws_client import ConnectionClosed, connect

pytestmark = pytest.mark.e2e

COURT, OFFICE = "court.ha-noi.kv03", "enforcement.ha-noi.kv03"
SUBMISSIONS, CONCURRENCY, KILL_AFTER = 500, 8, 150
EVENTS = """
subscription ($office: ID!, $after: String) { transferEvents(office: $office, after: $after) { cursor eventId kind transferId } }
"""


@pytest.fixture(params=BOTH_DATABASES)
async def own_hub(request, agency_topology, tmp_path):
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    async with launch_hub(request.param, agency_topology, tmp_path, server) as hub:
        yield hub


async def _submit_until_accepted(http, url, token, variables):
    """POST until the hub answers with a transfer; connection failures and 5xx are retried with the same content."""
    for _ in range(600):
        try:
            async with http.post(
                f"{url}/graphql",
                json={"query": SUBMIT, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                if response.status == 200:
                    body = await response.json()
                    payload = (body.get("data") or {}).get("submitJudgment")
                    if payload and payload["transfer"]:
                        return payload["transfer"]
                    assert not (payload and payload["userErrors"]), payload  # a refusal would be a bug here
        except (aiohttp.ClientError, TimeoutError):
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"{variables['input']['number']} was never accepted")


async def _follow(hub, token, seen, stop):
    """Follow the office's events, reconnecting with the last cursor whenever the hub goes away."""
    while not stop.is_set():
        after = seen[-1]["cursor"] if seen else None
        with contextlib.suppress(ConnectionClosed, aiohttp.ClientError, OSError, TimeoutError):
            async with connect(hub.http, hub.url, token=token) as ws:
                sub = await ws.subscribe(EVENTS, {"office": OFFICE, "after": after})
                while not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        seen.append((await sub.next_data(timeout=1.0))["transferEvents"])
        await asyncio.sleep(0.1)


async def test_sigkill_during_500_submissions_loses_and_duplicates_nothing(own_hub):
    hub = own_hub
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, COURT, signer.public_key)
    court_token = hub.token(COURT, [Role.COURT_CLERK])
    office_token = hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
    work = [signer.signed_variables(signer.submission()) for _ in range(SUBMISSIONS)]
    accepted: list[dict] = []
    events: list[dict] = []
    stop_following = asyncio.Event()
    follower = asyncio.create_task(_follow(hub, office_token, events, stop_following))
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for variables in work:
        queue.put_nowait(variables)

    async def court_client():
        while not queue.empty():
            accepted.append(await _submit_until_accepted(hub.http, hub.url, court_token, queue.get_nowait()))

    killed_when: list[int] = []

    async def killer():
        while len(accepted) < KILL_AFTER:
            await asyncio.sleep(0.01)
        killed_when.append(len(accepted))
        hub.process.kill()
        await asyncio.sleep(0.5)
        await asyncio.to_thread(hub.process.start)

    await asyncio.gather(killer(), *(court_client() for _ in range(CONCURRENCY)))

    ids = {t["id"] for t in accepted}
    assert killed_when, "the killer never ran"
    assert killed_when[0] < SUBMISSIONS - CONCURRENCY, "the hub must die while submissions are under way"
    assert len(accepted) == SUBMISSIONS
    assert len(ids) == SUBMISSIONS

    engine = create_engine(hub.settings.database_url)
    try:
        async with engine.connect() as conn:
            total = await conn.scalar(select(func.count()).select_from(TransferRow))
            keys = await conn.scalar(select(func.count(func.distinct(TransferRow.idempotency_key))))
    finally:
        await engine.dispose()
    assert (total, keys) == (SUBMISSIONS, SUBMISSIONS)

    async with hub.http.get(f"{hub.url}/receipts/public-key") as response:
        hub_key = public_key_from_b64((await response.json())["publicKey"])
    assert all(verify_receipt(t["receipt"]["json"], t["receipt"]["signature"], hub_key) for t in accepted)

    for _ in range(300):  # bounded: the follower catches up through replay after the restart
        if {e["transferId"] for e in events if e["kind"] == "SUBMITTED"} >= ids:
            break
        await asyncio.sleep(0.1)
    stop_following.set()
    await follower
    cursors = [int(e["cursor"]) for e in events]
    assert cursors == sorted(set(cursors)), "events arrived twice or out of order"
    assert len({e["eventId"] for e in events}) == len(events)
    assert {e["transferId"] for e in events if e["kind"] == "SUBMITTED"} == ids
