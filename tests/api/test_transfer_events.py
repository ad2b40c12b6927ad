"""``transferEvents`` over a real graphql-transport-ws WebSocket to the hub (served on 127.0.0.1 in this process).

Events are appended straight into the hub's database through an engine of the test's own, in
their own write transactions, the way another replica would write them. The hub
cannot be woken by such a write; it finds the events through its bounded poll —
the cross-process path every multi-replica deployment relies on. Every wait is
bounded; nothing asserts on timing.

Assertions on "nothing else arrived" are made by order, not by waiting for
silence: the stream is ordered by cursor, so when an event written *after* an
unwanted one arrives next, the unwanted one was not delivered.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.access import Role
from domain.clock import Clock
from gateway import commands
from ledger.db import create_engine, session_factory, write_transaction
from ledger.events import append_event, last_cursor
from ledger.models import CourtKeyRow, DeadlineAlertRow, JudgmentRow, OutboxRow, TransferEventRow, TransferRow
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.ws_client import ConnectionClosed, Error, GraphQLWebSocket, Subscription

pytestmark = pytest.mark.e2e

TRANSFER_EVENTS = """
subscription ($office: ID!, $after: String) {
  transferEvents(office: $office, after: $after) { cursor eventId kind transferId occurredAt payload }
}
"""
ACKNOWLEDGE = """
mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { registerNumber } } }
"""
FLOW_COURT = "court.ha-noi.kv07"
"""A court no other test submits for, so its office's stream holds only this module's transfers."""


# --- writing events as another process would ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Route:
    """Where a transfer of a registry judgment goes: who its events concern."""

    judgment_id: str
    court_code: str
    enforcement_agency_code: str
    office_code: str
    procuracy_code: str

    @property
    def audience(self) -> frozenset[str]:
        return frozenset({self.court_code, self.enforcement_agency_code, self.office_code, self.procuracy_code})


@dataclass(frozen=True, slots=True)
class Written:
    cursor: int
    event_id: str
    kind: str
    transfer_id: str
    payload: dict[str, Any]


class LedgerWriter:
    """Appends transfer events to the hub's database from outside the hub, and removes them afterwards.

    Transfers here are test fixtures for existing registry judgments; they are
    deleted at the end of the module so later tests that count transfers or
    read inboxes of the same offices see only their own.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self.transfer_ids: list[str] = []
        self.key_ids: list[str] = []

    async def two_routes_with_nothing_in_common(self) -> tuple[Route, Route]:
        async with self.sessions() as session:
            rows = (
                await session.scalars(
                    select(JudgmentRow).where(JudgmentRow.enforcement_office_code.is_not(None)).order_by(JudgmentRow.id)
                )
            ).all()
        routes = [
            Route(r.id, r.court_code, r.enforcement_agency_code, r.enforcement_office_code or "", r.procuracy_code)
            for r in rows
        ]
        first = routes[0]
        second = next(r for r in routes if not (r.audience & first.audience))
        return first, second

    async def new_transfer(self, route: Route) -> str:
        now = Clock().now()
        public_key = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = hashlib.sha256(public_key).hexdigest()[:32]
        transfer_id = str(uuid.uuid4())
        async with write_transaction(self.sessions) as session:
            session.add(
                CourtKeyRow(
                    key_id=key_id,
                    court_code=route.court_code,
                    public_key=base64.b64encode(public_key).decode(),
                    added_at=now,
                    revoked_at=None,
                )
            )
            await session.flush()
            session.add(
                TransferRow(
                    id=transfer_id,
                    idempotency_key=f"test-transfer-events:{transfer_id}",
                    judgment_id=route.judgment_id,
                    court_code=route.court_code,
                    enforcement_agency_code=route.enforcement_agency_code,
                    enforcement_office_code=route.office_code,
                    procuracy_code=route.procuracy_code,
                    register_office_code=route.office_code,
                    status="submitted",
                    effective_on=Clock().today(),
                    content_sha256="0" * 64,
                    document_sha256="0" * 64,
                    key_id=key_id,
                    signature="test",
                    submission="{}",
                    received_at=now,
                    receipt="{}",
                    receipt_signature="test",
                    updated_at=now,
                )
            )
        self.key_ids.append(key_id)
        self.transfer_ids.append(transfer_id)
        return transfer_id

    async def append(self, transfer_id: str, route: Route, kinds: Sequence[str]) -> list[Written]:
        """Append one event per kind, in one transaction; what was written, in cursor order."""
        written = []
        async with write_transaction(self.sessions) as session:
            for n, kind in enumerate(kinds):
                payload = {"judgmentId": route.judgment_id, "status": kind.lower(), "n": n}
                event = await append_event(
                    session,
                    transfer_id=transfer_id,
                    kind=kind,
                    office_code=route.office_code,
                    enforcement_agency_code=route.enforcement_agency_code,
                    court_code=route.court_code,
                    procuracy_code=route.procuracy_code,
                    payload=payload,
                    at=Clock().now(),
                )
                written.append(Written(event.cursor, event.event_id, kind, transfer_id, payload))
        return written

    async def last_cursor(self) -> int:
        async with self.sessions() as session:
            return await last_cursor(session)

    async def remove_everything_written(self) -> None:
        if not self.transfer_ids:
            return
        async with write_transaction(self.sessions) as session:
            mine = select(TransferEventRow.cursor).where(TransferEventRow.transfer_id.in_(self.transfer_ids))
            await session.execute(delete(OutboxRow).where(OutboxRow.event_cursor.in_(mine)))
            await session.execute(delete(DeadlineAlertRow).where(DeadlineAlertRow.transfer_id.in_(self.transfer_ids)))
            await session.execute(delete(TransferEventRow).where(TransferEventRow.transfer_id.in_(self.transfer_ids)))
            await session.execute(delete(TransferRow).where(TransferRow.id.in_(self.transfer_ids)))
            await session.execute(delete(CourtKeyRow).where(CourtKeyRow.key_id.in_(self.key_ids)))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ledger(hub) -> AsyncIterator[LedgerWriter]:
    engine = create_engine(hub.settings.database_url)
    writer = LedgerWriter(engine)
    try:
        yield writer
    finally:
        await writer.remove_everything_written()
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class Office:
    route: Route
    transfer_id: str

    @property
    def code(self) -> str:
        return self.route.office_code


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def offices(ledger: LedgerWriter) -> tuple[Office, Office]:
    """Two enforcement offices whose transfers concern no common agency, with one transfer each."""
    first, second = await ledger.two_routes_with_nothing_in_common()
    return Office(first, await ledger.new_transfer(first)), Office(second, await ledger.new_transfer(second))


async def write(ledger: LedgerWriter, office: Office, *kinds: str) -> list[Written]:
    return await ledger.append(office.transfer_id, office.route, kinds)


def as_received(w: Written) -> dict[str, Any]:
    return {
        "cursor": str(w.cursor),
        "eventId": w.event_id,
        "kind": w.kind,
        "transferId": w.transfer_id,
        "payload": w.payload,
    }


def without_time(data: dict[str, Any]) -> dict[str, Any]:
    event = dict(data["transferEvents"])
    occurred_at = event.pop("occurredAt")
    assert datetime.fromisoformat(occurred_at).tzinfo is not None
    return event


async def receive(sub: Subscription, count: int) -> list[dict[str, Any]]:
    return [without_time(await sub.next_data()) for _ in range(count)]


def clerk_of(hub, office: Office) -> str:
    return hub.token(office.code, [Role.ENFORCEMENT_CLERK])


# --- the tests ------------------------------------------------------------------------------------


class TestConnection:
    @pytest.mark.parametrize(
        "payload",
        [
            pytest.param({}, id="no-token"),
            pytest.param({"Authorization": "Bearer not.a.jwt"}, id="garbage-token"),
            pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="not-bearer"),
        ],
    )
    async def test_connection_init_without_a_valid_token_is_closed_with_4403(self, hub, payload):
        async with hub.open_socket() as ws:
            with pytest.raises(ConnectionClosed) as rejected:
                await ws.init(payload)
        assert rejected.value.code == 4403

    async def test_an_expired_token_is_rejected(self, hub):
        token = hub.token("ministry.justice", [Role.MINISTRY], ttl_s=60, now=Clock().wall().timestamp() - 3600)
        async with hub.open_socket() as ws:
            with pytest.raises(ConnectionClosed) as rejected:
                await ws.init({"Authorization": f"Bearer {token}"})
        assert rejected.value.code == 4403

    async def test_subscribing_before_connection_init_closes_with_4401(self, hub, offices):
        async with hub.open_socket() as ws:
            await ws.subscribe(TRANSFER_EVENTS, {"office": offices[0].code})
            closed = await ws.wait_closed()
        assert closed.code == 4401

    async def test_a_ping_is_answered_with_a_pong(self, hub, offices):
        async with hub.websocket(token=clerk_of(hub, offices[0])) as ws:
            await ws.ping()


class TestTransferEvents:
    async def test_replays_the_events_after_the_cursor_then_delivers_live_ones(self, hub, ledger, offices):
        office, other = offices
        start = await ledger.last_cursor()
        backlog = await write(ledger, office, "SUBMITTED", "ACKNOWLEDGED")
        await write(ledger, other, "SUBMITTED")

        async with hub.websocket(token=clerk_of(hub, office)) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office.code, "after": str(start)})
            assert await receive(sub, 2) == [as_received(w) for w in backlog]

            live = await write(ledger, office, "DECIDED")
            assert await receive(sub, 1) == [as_received(live[0])]

    async def test_reconnecting_with_the_last_cursor_delivers_exactly_the_missed_events(self, hub, ledger, offices):
        office = offices[0]
        start = await ledger.last_cursor()
        token = clerk_of(hub, office)
        first = await write(ledger, office, "SUBMITTED")
        async with hub.websocket(token=token) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office.code, "after": str(start)})
            [seen] = await receive(sub, 1)
        assert seen == as_received(first[0])

        missed = await write(ledger, office, "ACKNOWLEDGED", "DECIDED")
        async with hub.websocket(token=token) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office.code, "after": seen["cursor"]})
            assert await receive(sub, 2) == [as_received(w) for w in missed]
            later = await write(ledger, office, "OFFICER_ASSIGNED")
            assert await receive(sub, 1) == [as_received(later[0])]  # next comes the new one, no repeat

    async def test_events_of_another_office_are_not_delivered(self, hub, ledger, offices):
        office, other = offices
        start = await ledger.last_cursor()
        async with hub.websocket(token=clerk_of(hub, office)) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office.code, "after": str(start)})
            await write(ledger, other, "SUBMITTED", "ACKNOWLEDGED")
            mine = await write(ledger, office, "SUBMITTED")
            assert await receive(sub, 1) == [as_received(mine[0])]

    async def test_a_backlog_longer_than_a_page_arrives_whole_and_in_order(self, hub, ledger, offices):
        office = offices[0]
        start = await ledger.last_cursor()
        backlog = await write(ledger, office, *(f"STEP_{n}" for n in range(450)))
        async with hub.websocket(token=clerk_of(hub, office)) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office.code, "after": str(start)})
            assert await receive(sub, len(backlog)) == [as_received(w) for w in backlog]

    async def test_the_ministry_may_follow_any_office(self, hub, ledger, offices):
        office = offices[1]
        start = await ledger.last_cursor()
        written = await write(ledger, office, "SUBMITTED")
        token = hub.token("ministry.justice", [Role.MINISTRY])
        async with hub.websocket(token=token) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office.code, "after": str(start)})
            assert await receive(sub, 1) == [as_received(written[0])]


class TestEventsOfTheTransferFlow:
    """Events written by the hub's own mutations: the hub wakes its subscribers itself (the in-process signal)."""

    async def test_a_submission_and_its_acknowledgement_reach_the_register_office(self, hub, ledger):
        court = CourtSigner.new(FLOW_COURT)
        await commands.keys_add(hub.settings, court.court, court.public_key)
        start = await ledger.last_cursor()
        court_gql = hub.client(hub.token(FLOW_COURT, [Role.COURT_CLERK]))
        submitted = await court_gql(SUBMIT, court.signed_variables(court.submission()))
        transfer = submitted.data["submitJudgment"]["transfer"]
        office = transfer["registerOffice"]["code"]
        office_token = hub.token(office, [Role.ENFORCEMENT_CLERK])

        async with hub.websocket(token=office_token) as ws:
            sub = await ws.subscribe(TRANSFER_EVENTS, {"office": office, "after": str(start)})
            first = without_time(await sub.next_data())
            assert (first["kind"], first["transferId"]) == ("SUBMITTED", transfer["id"])

            acknowledged = await hub.client(office_token)(ACKNOWLEDGE, {"id": transfer["id"]})
            number = acknowledged.data["acknowledgeTransfer"]["transfer"]["registerNumber"]
            second = without_time(await sub.next_data())
        assert (second["kind"], second["transferId"]) == ("ACKNOWLEDGED", transfer["id"])
        assert second["payload"]["registerNumber"] == number
        assert int(second["cursor"]) > int(first["cursor"])


async def _refusal(ws: GraphQLWebSocket, variables: dict[str, Any]) -> Error:
    message = await (await ws.subscribe(TRANSFER_EVENTS, variables)).receive()
    assert isinstance(message, Error), message
    return message


class TestRefusals:
    async def test_an_agency_may_not_follow_another_agencys_events(self, hub, offices):
        office, other = offices
        async with hub.websocket(token=clerk_of(hub, other)) as ws:
            refusal = await _refusal(ws, {"office": office.code})
            assert refusal.codes() == {"FORBIDDEN"}
            await ws.ping()  # the connection stays usable

    async def test_a_court_may_not_follow_an_enforcement_office(self, hub, offices):
        office = offices[0]
        token = hub.token(office.route.court_code, [Role.COURT_CLERK])
        async with hub.websocket(token=token) as ws:
            assert (await _refusal(ws, {"office": office.code})).codes() == {"FORBIDDEN"}

    @pytest.mark.parametrize("after", ["abc", "-1", "1.5", "", "99999999999999999999", "١٢"])
    async def test_a_malformed_cursor_is_refused_with_a_message(self, hub, offices, after):
        office = offices[0]
        async with hub.websocket(token=clerk_of(hub, office)) as ws:
            refusal = await _refusal(ws, {"office": office.code, "after": after})
        assert refusal.codes() == {"BAD_USER_INPUT"}
        assert "cursor" in refusal.errors[0]["message"]
