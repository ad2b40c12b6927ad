"""``coordinationEvents`` over a real graphql-transport-ws WebSocket to the hub (served on 127.0.0.1 in this process).

Requests are opened, read and answered through the hub's own mutations, so the
hub wakes its subscribers itself. OVERDUE events come from a coordination
monitor run in this test process against the hub's database, as another
replica's would: the hub finds them through its bounded poll. Every wait is
bounded; nothing asserts on timing.

Other test modules use the same hub, so streams may carry events of requests
not made here; :meth:`Stream.next` skips those (and only those): a leak or a
repeat of one of this test's requests still shows. "Nothing else arrived" is
asserted by order, not by waiting for silence: the stream is ordered by
cursor, so when an event written *after* an unwanted one arrives next, the
unwanted one was not delivered.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.access import Role
from domain.clock import Clock
from domain.coordination import RequestKind, RequestStatus
from domain.deadlines import VIETNAM_TZ, local_day
from gateway.coordination_monitor import CoordinationMonitor
from gateway.policies import load_deadline_policy
from ledger.coordination import CoordinationLedger, CoordinationRequest
from ledger.db import create_engine, session_factory, write_transaction
from ledger.models import CoordinationAudienceRow, CoordinationEventRow, CoordinationRequestRow
from resolvers.signals import EventSignal
from tests.support.ws_client import Error, GraphQLWebSocket, Subscription

pytestmark = pytest.mark.e2e

COORDINATION_EVENTS = """
subscription ($agency: ID!, $after: String) {
  coordinationEvents(agency: $agency, after: $after) {
    cursor eventId kind requestId requestKind status agencyCode person note occurredAt payload
  }
}
"""
OPEN = """
mutation ($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) {
    request { id observers { code } }
    userErrors { field code message }
  }
}
"""
READ = "query ($id: ID!) { coordinationRequest(id: $id) { id status } }"
RESPOND = """
mutation ($id: ID!, $action: CoordinationAction!, $note: String) {
  respondToCoordinationRequest(id: $id, action: $action, note: $note) {
    request { status }
    userErrors { field code message }
  }
}
"""

# A monthly report sent up from an area office of Huế to its provincial department: the national
# department gets a copy of every periodic report (data/distribution_rules.toml).
SENDER = "enforcement.hue.kv01"
ADDRESSEE = "enforcement.hue"
NATIONAL = "enforcement.national"
# The same in Hà Nội, where the province's steering committee gets a copy too.
HANOI_SENDER = "enforcement.ha-noi.kv01"
HANOI_ADDRESSEE = "enforcement.ha-noi"
COMMITTEE = "committee.ha-noi"
# Parties of none of the above.
OUTSIDER = "court.hue.kv01"
ROLE = {
    SENDER: Role.ENFORCEMENT_CLERK,
    ADDRESSEE: Role.ENFORCEMENT_CLERK,
    NATIONAL: Role.ENFORCEMENT_CLERK,
    HANOI_SENDER: Role.ENFORCEMENT_CLERK,
    HANOI_ADDRESSEE: Role.ENFORCEMENT_CLERK,
    COMMITTEE: Role.COMMITTEE,
    OUTSIDER: Role.COURT_CLERK,
}


# --- acting through the hub -----------------------------------------------------------------------


@dataclass
class Coordination:
    """Opens and moves requests through the hub's API; remembers the ids it made (the events it cares about)."""

    hub: Any
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    mine: set[str] = field(default_factory=set)
    written: list[str] = field(default_factory=list)  # written straight into the database: removed afterwards

    async def token(self, agency: str) -> str:
        return str(await self.hub.person_token(agency, [ROLE[agency]], "Lê Thị Hoa"))

    async def open_report(self, sender: str, addressee: str) -> dict[str, Any]:
        today = Clock().today()
        first = today.replace(day=1) - timedelta(days=1)
        variables = {
            "input": {
                "kind": "PERIODIC_REPORT",
                "to": addressee,
                "subject": f"Báo cáo kết quả thi hành án dân sự tháng {first.month}/{first.year}",
                "body": "Kính gửi: Cục/Chi cục. Báo cáo số liệu thi hành án dân sự trong kỳ.",
                "periodFrom": first.replace(day=1).isoformat(),
                "periodTo": first.isoformat(),
            }
        }
        answer = await self.hub.client(await self.token(sender))(OPEN, variables)
        assert answer.data is not None, answer.body
        payload = answer.data["openCoordinationRequest"]
        assert payload["userErrors"] == [], answer.body
        self.mine.add(payload["request"]["id"])
        return payload["request"]

    async def read(self, agency: str, request_id: str) -> dict[str, Any] | None:
        answer = await self.hub.client(await self.token(agency))(READ, {"id": request_id})
        assert answer.errors == [], answer.body
        return answer.data["coordinationRequest"]

    async def respond(self, agency: str, request_id: str, action: str, note: str | None = None) -> str:
        answer = await self.hub.client(await self.token(agency))(
            RESPOND, {"id": request_id, "action": action, "note": note}
        )
        assert answer.data is not None, answer.body
        payload = answer.data["respondToCoordinationRequest"]
        assert payload["userErrors"] == [], answer.body
        return payload["request"]["status"]

    async def last_cursor(self) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.coalesce(func.max(CoordinationEventRow.cursor), 0))) or 0)

    async def write_overdue_request(self) -> str:
        """A request opened three weeks ago and due a week ago, written as another replica would have."""
        now = Clock().now()
        due = datetime.combine(local_day(now) - timedelta(days=7), time(), VIETNAM_TZ)
        request = CoordinationRequest(
            id=str(uuid.uuid4()),
            kind=RequestKind.PERIODIC_REPORT,
            sender_code=SENDER,
            addressee_code=ADDRESSEE,
            subject="Báo cáo định kỳ quá hạn xác nhận",
            body="Báo cáo số liệu thi hành án dân sự.",
            status=RequestStatus.OPEN,
            opened_at=now - timedelta(days=21),
            due_at=due,
            updated_at=now - timedelta(days=21),
            details={},
            observers=(NATIONAL,),
        )
        async with write_transaction(self.sessions) as session:
            await CoordinationLedger(session).open(request, actor_person=None, at=request.opened_at)
        self.written.append(request.id)
        self.mine.add(request.id)
        return request.id

    async def remove_written(self) -> None:
        if not self.written:
            return
        async with write_transaction(self.sessions) as session:
            await session.execute(delete(CoordinationEventRow).where(CoordinationEventRow.request_id.in_(self.written)))
            await session.execute(
                delete(CoordinationAudienceRow).where(CoordinationAudienceRow.request_id.in_(self.written))
            )
            await session.execute(delete(CoordinationRequestRow).where(CoordinationRequestRow.id.in_(self.written)))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def coordination(hub) -> AsyncIterator[Coordination]:
    engine = create_engine(hub.settings.database_url)
    helper = Coordination(hub, engine, session_factory(engine))
    try:
        yield helper
    finally:
        await helper.remove_written()
        await engine.dispose()


@dataclass
class Stream:
    """One agency's ``coordinationEvents``, reduced to the requests of this module."""

    subscription: Subscription
    mine: set[str]
    seen: list[dict[str, Any]] = field(default_factory=list)

    async def next(self) -> dict[str, Any]:
        while True:  # bounded: every read waits at most the client's timeout
            event = dict((await self.subscription.next_data())["coordinationEvents"])
            assert datetime.fromisoformat(event.pop("occurredAt")).tzinfo is not None
            if event["requestId"] in self.mine:
                self.seen.append(event)
                return event

    async def take(self, count: int) -> list[dict[str, Any]]:
        return [await self.next() for _ in range(count)]


async def follow(ws: GraphQLWebSocket, coordination: Coordination, agency: str, after: int | str) -> Stream:
    sub = await ws.subscribe(COORDINATION_EVENTS, {"agency": agency, "after": str(after)})
    return Stream(sub, coordination.mine)


def steps(events: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(e["kind"], e["status"], e["agencyCode"]) for e in events]


def cursors(events: list[dict[str, Any]]) -> list[int]:
    return [int(e["cursor"]) for e in events]


# --- the tests ------------------------------------------------------------------------------------


class TestCoordinationEvents:
    async def test_the_sender_sees_its_request_opened_received_and_answered_in_order(self, hub, coordination):
        start = await coordination.last_cursor()
        async with hub.websocket(token=await coordination.token(SENDER)) as ws:
            stream = await follow(ws, coordination, SENDER, start)
            request = await coordination.open_report(SENDER, ADDRESSEE)
            [opened] = await stream.take(1)
            assert (await coordination.read(ADDRESSEE, request["id"]))["status"] == "RECEIVED"
            [received] = await stream.take(1)
            assert await coordination.respond(ADDRESSEE, request["id"], "ANSWER", "Đã nhận báo cáo.") == "ANSWERED"
            [answered] = await stream.take(1)

        events = [opened, received, answered]
        assert steps(events) == [
            ("OPENED", "OPEN", SENDER),
            ("RECEIVED", "RECEIVED", ADDRESSEE),
            ("ANSWERED", "ANSWERED", ADDRESSEE),
        ]
        assert {e["requestId"] for e in events} == {request["id"]}
        assert {e["requestKind"] for e in events} == {"PERIODIC_REPORT"}
        assert [e["person"] for e in events] == ["Lê Thị Hoa"] * 3
        assert answered["note"] == "Đã nhận báo cáo."
        assert opened["payload"]["kind"] == RequestKind.PERIODIC_REPORT.value
        assert start < cursors(events)[0] < cursors(events)[1] < cursors(events)[2]
        assert len({e["eventId"] for e in events}) == 3

    async def test_a_backlog_is_replayed_from_the_cursor_then_live_events_follow(self, hub, coordination):
        start = await coordination.last_cursor()
        request = await coordination.open_report(SENDER, ADDRESSEE)
        await coordination.respond(ADDRESSEE, request["id"], "START")  # its receipt, then its start
        async with hub.websocket(token=await coordination.token(ADDRESSEE)) as ws:
            stream = await follow(ws, coordination, ADDRESSEE, start)
            assert [e["kind"] for e in await stream.take(3)] == ["OPENED", "RECEIVED", "STARTED"]
            await coordination.respond(ADDRESSEE, request["id"], "DECLINE", "Không thuộc thẩm quyền tiếp nhận.")
            [declined] = await stream.take(1)
        assert steps([declined]) == [("DECLINED", "DECLINED", ADDRESSEE)]

    async def test_reconnecting_with_the_last_cursor_replays_exactly_what_was_missed(self, hub, coordination):
        start = await coordination.last_cursor()
        token = await coordination.token(SENDER)
        async with hub.websocket(token=token) as ws:
            stream = await follow(ws, coordination, SENDER, start)
            request = await coordination.open_report(SENDER, ADDRESSEE)
            [opened] = await stream.take(1)

        await coordination.read(ADDRESSEE, request["id"])
        await coordination.respond(ADDRESSEE, request["id"], "ANSWER", "Đã nhận và tổng hợp.")
        async with hub.websocket(token=token) as ws:
            stream = await follow(ws, coordination, SENDER, opened["cursor"])
            missed = await stream.take(2)
            await coordination.respond(SENDER, request["id"], "CLOSE")
            [closed] = await stream.take(1)  # next comes the new one: nothing replayed twice

        assert [e["kind"] for e in missed] == ["RECEIVED", "ANSWERED"]
        assert closed["kind"] == "CLOSED"
        assert int(opened["cursor"]) < cursors(missed)[0] < cursors(missed)[1] < int(closed["cursor"])

    async def test_an_observer_receives_each_event_of_the_request_exactly_once(self, hub, coordination):
        start = await coordination.last_cursor()
        async with hub.websocket(token=await coordination.token(COMMITTEE)) as ws:
            stream = await follow(ws, coordination, COMMITTEE, start)
            request = await coordination.open_report(HANOI_SENDER, HANOI_ADDRESSEE)
            assert [o["code"] for o in request["observers"]] == [COMMITTEE, NATIONAL]
            await coordination.read(HANOI_ADDRESSEE, request["id"])
            await coordination.read(HANOI_ADDRESSEE, request["id"])  # a second read records nothing
            await coordination.respond(HANOI_ADDRESSEE, request["id"], "ANSWER", "Đã tiếp nhận báo cáo.")
            await coordination.respond(HANOI_SENDER, request["id"], "CLOSE")
            marker = await coordination.open_report(HANOI_SENDER, HANOI_ADDRESSEE)  # written after all of them
            events = await stream.take(5)

        assert [(e["kind"], e["requestId"]) for e in events] == [
            ("OPENED", request["id"]),
            ("RECEIVED", request["id"]),
            ("ANSWERED", request["id"]),
            ("CLOSED", request["id"]),
            ("OPENED", marker["id"]),  # the marker comes next: no copy was delivered twice
        ]
        assert cursors(events) == sorted(set(cursors(events)))

    async def test_an_agency_outside_the_request_never_sees_it(self, hub, coordination):
        start = await coordination.last_cursor()
        async with hub.websocket(token=await coordination.token(OUTSIDER)) as ws:
            stream = await follow(ws, coordination, OUTSIDER, start)
            secret = await coordination.open_report(SENDER, ADDRESSEE)
            await coordination.read(ADDRESSEE, secret["id"])
            await coordination.respond(ADDRESSEE, secret["id"], "ANSWER", "Đã nhận.")
            marker = await coordination.open_report(OUTSIDER, ADDRESSEE)
            [first] = await stream.take(1)
        assert (first["kind"], first["requestId"]) == ("OPENED", marker["id"])
        assert await coordination.read(OUTSIDER, secret["id"]) is None  # not even its existence

    async def test_the_ministry_may_follow_any_agency(self, hub, coordination):
        start = await coordination.last_cursor()
        request = await coordination.open_report(SENDER, ADDRESSEE)
        async with hub.websocket(token=hub.token("ministry.justice", [Role.MINISTRY])) as ws:
            stream = await follow(ws, coordination, ADDRESSEE, start)
            [opened] = await stream.take(1)
        assert (opened["kind"], opened["requestId"]) == ("OPENED", request["id"])


class TestMonitorEvents:
    async def test_an_overdue_event_raised_by_another_replica_reaches_the_parties_and_the_observer(
        self, hub, coordination
    ):
        start = await coordination.last_cursor()
        request_id = await coordination.write_overdue_request()
        replica = CoordinationMonitor(
            coordination.sessions, load_deadline_policy(hub.settings.data_dir).calendar, EventSignal()
        )
        await replica.sweep()
        await replica.sweep()  # a second sweep raises nothing again
        marker = await coordination.open_report(SENDER, ADDRESSEE)
        for agency in (SENDER, NATIONAL):
            async with hub.websocket(token=await coordination.token(agency)) as ws:
                stream = await follow(ws, coordination, agency, start)
                events = await stream.take(3)
            assert [(e["kind"], e["requestId"]) for e in events] == [
                ("OPENED", request_id),
                ("OVERDUE", request_id),
                ("OPENED", marker["id"]),
            ], agency
            overdue = events[1]
            assert (overdue["status"], overdue["agencyCode"], overdue["requestKind"]) == (
                "OPEN",
                None,
                "PERIODIC_REPORT",
            )
            assert set(overdue["payload"]) == {"dueAt", "dueOn"}


async def _refusal(ws: GraphQLWebSocket, variables: dict[str, Any]) -> Error:
    message = await (await ws.subscribe(COORDINATION_EVENTS, variables)).receive()
    assert isinstance(message, Error), message
    return message


class TestRefusals:
    @pytest.mark.parametrize(
        ("caller", "agency"),
        [
            pytest.param(SENDER, ADDRESSEE, id="an-office-for-its-provincial-department"),
            pytest.param(OUTSIDER, SENDER, id="a-court-for-an-enforcement-office"),
            pytest.param(COMMITTEE, HANOI_SENDER, id="an-observer-for-a-party"),
        ],
    )
    async def test_an_agency_may_not_follow_another_agencys_requests(self, hub, coordination, caller, agency):
        async with hub.websocket(token=await coordination.token(caller)) as ws:
            refusal = await _refusal(ws, {"agency": agency})
            assert refusal.codes() == {"FORBIDDEN"}
            await ws.ping()  # the connection stays usable

    async def test_roles_without_coordination_are_refused(self, hub):
        token = hub.token("enforcement.hue", [Role.PERSONNEL])
        async with hub.websocket(token=token) as ws:
            assert (await _refusal(ws, {"agency": "enforcement.hue"})).codes() == {"FORBIDDEN"}

    @pytest.mark.parametrize("after", ["abc", "-1", "", "99999999999999999999"])
    async def test_a_malformed_cursor_is_refused_with_a_message(self, hub, coordination, after):
        async with hub.websocket(token=await coordination.token(SENDER)) as ws:
            refusal = await _refusal(ws, {"agency": SENDER, "after": after})
        assert refusal.codes() == {"BAD_USER_INPUT"}
        assert "CoordinationEvent" in refusal.errors[0]["message"]
