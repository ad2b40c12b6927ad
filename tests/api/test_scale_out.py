"""Scale-out: two hub processes on different ports sharing one PostgreSQL database.

As production runs them behind a load balancer (docker-compose.yml): nothing is
shared between the replicas but the database.

- A subscriber on replica A hears a transfer submitted through replica B. The
  replicas run with an hour-long live poll, so within the bounded wait only
  LISTEN/NOTIFY can have brought the event (``gateway.listen``).
- Both replicas run delivery workers: N submitted transfers reach a webhook
  receiver once each (``FOR UPDATE SKIP LOCKED`` claims, ``ledger.outbox``).
- Both replicas run the overdue monitor over the same overdue transfers: each
  OVERDUE event is raised once (``ledger.alerts.raise_once``).

Every wait is bounded; nothing asserts on timing. "Nothing more arrived" is
established by stopping the replicas gracefully (which finishes their
deliveries and sweeps in flight) before counting.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from agencies.topology import Topology, free_port
from domain.access import Role
from domain.clock import Clock
from domain.jurisdiction import route_judgment
from domain.signatures import public_key_b64
from gateway import commands
from ledger.db import create_engine, session_factory, write_transaction
from ledger.keys import CourtKeys
from ledger.models import OutboxRow, TransferEventRow
from ledger.reference import load_organisation
from ledger.transfers import TransferLedger, new_transfer_id
from tests.fixtures.databases import PostgresServer
from tests.fixtures.process_hub import ProcessHub, launch_hub
from tests.support.court_client import SUBMIT, CourtSigner, sample_submission
from tests.support.hub_process import HubProcess
from tests.support.webhook_receiver import WebhookReceiver
from tests.support.ws_client import connect

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

WAIT_S = 30.0
"""The longest any test waits for something to arrive (far below the replicas' hour-long live poll)."""

COURT, OFFICE = "court.hue.kv01", "enforcement.hue.kv01"
EVENTS = """
subscription ($office: ID!) { transferEvents(office: $office) { cursor eventId kind transferId } }
"""
REGISTER = "mutation ($url: String!) { registerWebhook(url: $url) { secret webhook { id } userErrors { code } } }"


@asynccontextmanager
async def two_replicas(
    topology: Topology, work: Path, server: PostgresServer, **overrides: Any
) -> AsyncIterator[tuple[ProcessHub, ProcessHub]]:
    """Replica A (``launch_hub``: fresh database, seeded, synced) and replica B: the same settings, another port."""
    async with launch_hub("postgresql", topology, work, server, **overrides) as a:
        b_process = HubProcess(replace(a.settings, port=free_port()), work / "log-b")
        await asyncio.to_thread(b_process.start)
        try:
            yield a, ProcessHub(settings=b_process.settings, kind=a.kind, process=b_process, http=a.http)
        finally:
            b_process.stop()


async def gauge(hub: ProcessHub, name: str) -> float | None:
    async with hub.http.get(f"{hub.url}/metrics") as response:
        text = await response.text()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    return None


async def submit_through(hub: ProcessHub, signer: CourtSigner) -> str:
    gql = hub.client(hub.token(signer.court, [Role.COURT_CLERK]))
    answer = await gql(SUBMIT, signer.signed_variables(signer.submission()))
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == [], payload
    return str(payload["transfer"]["id"])


async def until_submitted(subscription: Any, transfer_id: str) -> dict[str, Any]:
    """The SUBMITTED event of ``transfer_id`` on the stream (earlier events are passed over)."""
    async with asyncio.timeout(WAIT_S):
        while True:
            event = (await subscription.next_data(timeout=WAIT_S))["transferEvents"]
            if event["kind"] == "SUBMITTED" and event["transferId"] == transfer_id:
                return event  # type: ignore[no-any-return]


async def test_a_subscriber_on_one_replica_receives_a_transfer_submitted_through_the_other(
    agency_topology: Topology, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    # An hour between polls and no monitors: within WAIT_S, only a notification can wake A's subscription.
    async with two_replicas(agency_topology, tmp_path, postgres_server, live_poll_s=3600.0, overdue_every_s=0) as (
        a,
        b,
    ):
        assert await gauge(a, "lienthong_event_listener_connected") == 1.0
        signer = CourtSigner.new(COURT)
        await commands.keys_add(a.settings, COURT, signer.public_key)
        async with connect(a.http, a.url, token=a.token(OFFICE, [Role.ENFORCEMENT_CLERK])) as ws:
            subscription = await ws.subscribe(EVENTS, {"office": OFFICE})
            first = await submit_through(b, signer)
            await until_submitted(subscription, first)  # replayed or live: the subscription is surely waiting now
            second = await submit_through(b, signer)
            event = await until_submitted(subscription, second)  # live, and woken by B's NOTIFY
            assert event["transferId"] == second


async def test_each_outbox_delivery_happens_once_with_both_replicas_delivering(
    agency_topology: Topology, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    transfers = 16
    async with (
        WebhookReceiver() as receiver,
        two_replicas(agency_topology, tmp_path, postgres_server, overdue_every_s=0) as (a, b),
    ):
        registered = await a.client(a.token(OFFICE, [Role.ENFORCEMENT_CLERK]))(REGISTER, {"url": receiver.url})
        payload = registered.data["registerWebhook"]
        assert payload["userErrors"] == [], payload
        receiver.secret, hook = payload["secret"], payload["webhook"]["id"]
        signer = CourtSigner.new(COURT)
        await commands.keys_add(a.settings, COURT, signer.public_key)
        submitted = await asyncio.gather(*(submit_through((a, b)[n % 2], signer) for n in range(transfers)))
        assert len(set(submitted)) == transfers

        queued = await queued_events(a.settings.database_url, hook)
        assert {transfer for transfer, kind in queued.values() if kind == "SUBMITTED"} == set(submitted)
        await receiver.wait_until(
            lambda requests: {r.event_id for r in requests if r.answered == 200} >= set(queued),
            WAIT_S,
            f"accepted deliveries of all {len(queued)} queued events",
        )
        for replica in (a, b):  # deliveries still in flight finish before a replica exits
            await asyncio.to_thread(replica.process.stop)

        sent = Counter(r.event_id for r in receiver.requests)
        assert set(sent) == set(queued)
        assert [event for event, times in sent.items() if times > 1] == [], "an event was delivered twice"
        assert all(r.signature_ok for r in receiver.requests)
        statuses = await outbox_statuses(a.settings.database_url, hook)
        assert statuses == Counter({"delivered": len(queued)})


async def queued_events(database_url: str, webhook_id: str) -> dict[str, tuple[str, str]]:
    """Event id → (transfer id, kind) of every outbox row of the webhook."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(TransferEventRow.event_id, TransferEventRow.transfer_id, TransferEventRow.kind)
                .join(OutboxRow, OutboxRow.event_cursor == TransferEventRow.cursor)
                .where(OutboxRow.webhook_id == webhook_id)
            )
            return {event_id: (transfer_id, kind) for event_id, transfer_id, kind in rows}
    finally:
        await engine.dispose()


async def outbox_statuses(database_url: str, webhook_id: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return Counter(await conn.scalars(select(OutboxRow.status).where(OutboxRow.webhook_id == webhook_id)))
    finally:
        await engine.dispose()


RAISED = re.compile(r"raised (\d+) overdue alert")


async def test_replicas_sweeping_the_same_overdue_transfers_raise_each_overdue_event_once(
    agency_topology: Topology, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    overdue = 60
    async with launch_hub("postgresql", agency_topology, tmp_path, postgres_server, overdue_every_s=0) as seeded:
        seeded.process.stop()  # only the database is wanted: the replicas below start with the transfers in place
        created = await insert_overdue_transfers(seeded.settings, overdue)
        # One sweep each, at start (the next is an hour away), racing over the same transfers.
        settings = replace(seeded.settings, overdue_every_s=3600.0, log_level="info")
        replicas = [HubProcess(replace(settings, port=free_port()), tmp_path / f"log-{n}") for n in ("a", "b")]
        try:
            await asyncio.gather(*(asyncio.to_thread(replica.start) for replica in replicas))
        finally:
            # A graceful stop lets a sweep under way finish: afterwards both replicas have swept every transfer.
            await asyncio.gather(*(asyncio.to_thread(replica.stop) for replica in replicas))
        for replica in replicas:
            assert replica.process is not None
            assert replica.process.returncode in (0, -15), replica.stderr_tail()  # exited by itself after SIGTERM

        engine = create_engine(seeded.settings.database_url)
        try:
            async with engine.connect() as conn:
                rows = (
                    await conn.execute(
                        select(TransferEventRow.transfer_id, TransferEventRow.payload).where(
                            TransferEventRow.kind == "OVERDUE"
                        )
                    )
                ).all()
        finally:
            await engine.dispose()
        alerts = Counter((transfer_id, rule_of(payload)) for transfer_id, payload in rows)
        assert {transfer_id for transfer_id, _ in alerts} == created, "every overdue transfer is raised"
        assert [alert for alert, times in alerts.items() if times > 1] == [], "an OVERDUE event was raised twice"
        reported = sum(
            int(count)
            for replica in replicas
            for count in RAISED.findall((replica.log_dir / "hub.stderr.log").read_text(errors="replace"))
        )
        assert reported == len(rows), "the replicas' own counts add up to the events: none raised one twice"


def rule_of(payload: str) -> str:
    return str(orjson.loads(payload)["rule"])


async def insert_overdue_transfers(settings: Any, count: int) -> set[str]:
    """``count`` open transfers received 40 days ago, straight into the database (so every deadline has passed)."""
    organisation = {a.code: a for a in load_organisation(settings.data_dir)}
    received = Clock().now() - timedelta(days=40)
    engine = create_engine(settings.database_url)
    created: set[str] = set()
    try:
        sessions = session_factory(engine)
        async with write_transaction(sessions) as session:
            key = await CourtKeys(session).add(
                COURT, public_key_b64(Ed25519PrivateKey.generate().public_key()), received
            )
        for serial in range(count):
            submission = sample_submission(COURT, serial=700_000 + serial, effective_on=received.date())
            async with write_transaction(sessions) as session:
                transfer, _ = await TransferLedger(session).create(
                    transfer_id=new_transfer_id(),
                    submission=submission,
                    route=route_judgment(COURT, organisation),
                    key_id=key.key_id,
                    signature="-",
                    receipt={"hubKeyId": "-"},
                    receipt_json="{}",
                    receipt_signature="-",
                    received_at=received,
                )
            created.add(transfer.id)
    finally:
        await engine.dispose()
    return created
