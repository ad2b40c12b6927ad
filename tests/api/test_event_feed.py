"""The event feed (``resolvers/event_feed.py``): one ledger reader per app, whatever the number of subscribers.

Three layers:

- ``TestFeedWithAFakeLedger``: the feed over an in-memory ledger whose reads are
  counted and can write "concurrent commits" at chosen moments; the signal's poll
  is an hour, so the feed reads only when the test notifies it.
- ``TestFeedOnTheLedger``: the feed over the real ledger (SQLite and PostgreSQL),
  events written through another engine, SQL statements counted with an engine
  hook; one writer is another OS process that never notifies (the poll finds it).
- ``TestManySubscribersOverWebSockets``: 200 ``transferEvents`` subscriptions to
  the hub (tests/fixtures/hub.py, served over a real socket) on a few offices.

Every wait is bounded; nothing asserts on timing. "Nothing else arrived" is
shown by order: streams are ordered by cursor, so an extra or repeated event
would shift what arrives before the last expected one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import subprocess
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
import pytest_asyncio
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.access import Role
from domain.clock import Clock
from ledger.db import create_engine, session_factory
from ledger.events import TransferEvent, last_cursor
from ledger.models import JudgmentRow
from ledger.reference import load_organisation, seed_agencies
from resolvers.event_feed import EventFeed, EventFeeds, FeedClosed, FeedFailed, FeedSource, ReadPage
from resolvers.signals import EventSignal
from resolvers.transfer_events import TRANSFER_EVENTS, transfer_events_of
from tests.api.test_transfer_events import LedgerWriter, Route, Written
from tests.ledger.conftest import handful
from tests.support.webhook_events import Audience, emit_event, make_transfer
from tests.support.ws_client import Subscription

WAIT_S = 30.0
"""The longest any test waits for something to arrive."""
AN_HOUR = 3600.0
"""The feed's poll in tests that count reads: it reads only when notified."""
DATA = Path(__file__).resolve().parents[2] / "data"


# --- following a stream -----------------------------------------------------------------------------


@dataclass
class Follower:
    """Consumes one stream in a task, collecting what arrives (or the error that ended it)."""

    stream: AsyncGenerator[Any, None]
    received: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    paused: asyncio.Event = field(default_factory=asyncio.Event)  # set: stop taking events for now
    task: asyncio.Task[None] | None = None

    def start(self) -> Follower:
        self.task = asyncio.create_task(self._consume())
        return self

    async def _consume(self) -> None:
        try:
            async with contextlib.aclosing(self.stream):
                async for item in self.stream:
                    self.received.append(item)
                    while self.paused.is_set():
                        await asyncio.sleep(0.001)
        except Exception as exc:
            self.error = exc

    async def until(self, count: int) -> list[Any]:
        """Wait (bounded) until ``count`` items arrived; what arrived."""
        async with asyncio.timeout(WAIT_S):
            while len(self.received) < count and self.error is None:
                await asyncio.sleep(0.001)
        if self.error is not None:
            raise AssertionError(f"the stream failed: {self.error!r}") from self.error
        return self.received

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


async def eventually(condition: Callable[[], bool], what: str) -> None:
    async with asyncio.timeout(WAIT_S):
        while not condition():
            await asyncio.sleep(0.001)
    assert condition(), what


async def notified_until(signal: EventSignal, follower: Follower, count: int) -> None:
    """Notify (as a writer in the app would after each commit) until ``count`` items arrived (bounded)."""
    async with asyncio.timeout(WAIT_S):
        while len(follower.received) < count and follower.error is None:
            await signal.notify()
            await asyncio.sleep(0.001)
    assert follower.error is None, follower.error


async def stop_all(followers: Iterable[Follower]) -> None:
    await asyncio.gather(*(f.stop() for f in followers))


# --- a ledger in memory ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ev:
    cursor: int
    audience: frozenset[str]


class FakeLedger:
    """Events in memory; counts reads; ``before_read`` runs inside a read, like a commit racing it."""

    def __init__(self) -> None:
        self.events: list[Ev] = []
        self.feed_reads = 0
        self.own_reads = 0
        self.before_read: Callable[[], None] | None = None
        self.failure: Exception | None = None

    def write(self, *audiences: str) -> list[Ev]:
        """One event per audience (agency codes separated by ``+``), in cursor order."""
        written = [Ev(len(self.events) + n + 1, frozenset(a.split("+"))) for n, a in enumerate(audiences)]
        self.events.extend(written)
        return written

    def concerning(self, code: str, after: int = 0) -> list[Ev]:
        return [e for e in self.events if e.cursor > after and code in e.audience]

    def _racing(self) -> None:
        if self.before_read is not None:
            self.before_read()

    async def read_all(self, session: object, after: int, limit: int) -> list[tuple[Ev, frozenset[str]]]:
        self.feed_reads += 1
        if self.failure is not None:
            raise self.failure
        self._racing()
        return [(e, e.audience) for e in self.events if e.cursor > after][:limit]

    async def last_cursor(self, session: object) -> int:
        self.feed_reads += 1
        self._racing()
        return len(self.events)

    def read_for(self, code: str) -> ReadPage[Ev]:
        async def read(session: object, after: int, limit: int) -> list[Ev]:
            self.own_reads += 1
            self._racing()
            return self.concerning(code, after)[:limit]

        return read

    def source(self) -> FeedSource[Ev]:
        return FeedSource("fake events", self.read_all, self.last_cursor)


def no_sessions() -> async_sessionmaker[AsyncSession]:
    """A session factory for a ledger that needs none."""
    return cast(async_sessionmaker[AsyncSession], lambda: contextlib.nullcontext(None))


def fake_feed(ledger: FakeLedger, **options: Any) -> tuple[EventFeed[Ev], EventSignal]:
    signal = EventSignal(poll_s=AN_HOUR)
    return EventFeed(ledger.source(), no_sessions(), signal, **options), signal


def follow(feed: EventFeed[Ev], ledger: FakeLedger, code: str, after: int = 0) -> Follower:
    return Follower(feed.follow([code], ledger.read_for(code), after=after)).start()


class TestFeedWithAFakeLedger:
    async def test_200_subscribers_on_four_offices_get_exactly_their_events_in_order(self):
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger)
        offices = ["a", "b", "c", "d"]
        followers = {n: follow(feed, ledger, offices[n % 4]) for n in range(200)}
        await eventually(lambda: feed.subscribers == 200, "every subscriber joined")
        for batch in range(10):
            ledger.write("a", "b+c", "d", "a+b+c+d", "e", f"{offices[batch % 4]}")
            await signal.notify()
        ledger.write("a+b+c+d")  # the last event: everyone's
        await signal.notify()
        for n, follower in followers.items():
            code = offices[n % 4]
            assert await follower.until(len(ledger.concerning(code))) == ledger.concerning(code)
        await stop_all(followers.values())

    async def test_reads_per_event_do_not_grow_with_subscribers(self):
        reads = {}
        for subscribers in (1, 200):
            ledger = FakeLedger()
            feed, signal = fake_feed(ledger)
            codes = ["a" if n % 2 else "b" for n in range(subscribers)]
            followers = [follow(feed, ledger, code) for code in codes]
            await eventually(lambda: feed.subscribers == subscribers, "every subscriber joined")  # noqa: B023
            before = ledger.feed_reads + ledger.own_reads
            for _ in range(20):
                ledger.write("a", "b", "a+b")
                await signal.notify()
                for code, f in zip(codes, followers, strict=True):
                    assert await f.until(len(ledger.concerning(code))) == ledger.concerning(code)
            reads[subscribers] = ledger.feed_reads + ledger.own_reads - before
            await stop_all(followers)
        assert reads[200] == reads[1] <= 20 * 2, reads  # one read a notification (two if one lands during it)

    async def test_a_subscriber_with_a_cursor_replays_the_backlog_then_continues_live(self):
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger, page_size=3)
        ledger.write(*["a", "b"] * 5)
        busy = follow(feed, ledger, "b")  # the feed is already running when the next one joins
        await busy.until(5)
        late = follow(feed, ledger, "a", after=3)  # cursor 3: events 5, 7, 9 are missed, 1 and 3 were seen
        live = ledger.write("a", "b", "a")
        await signal.notify()
        expected = ledger.concerning("a", after=3)
        assert [e.cursor for e in expected[:3]] == [5, 7, 9]
        assert expected[3:] == [live[0], live[2]]
        assert await late.until(len(expected)) == expected
        await stop_all([busy, late])

    async def test_events_committed_while_a_subscriber_catches_up_arrive_once(self):
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger, page_size=2)
        ledger.write(*["a"] * 7)
        first = follow(feed, ledger, "a")
        await first.until(7)
        racing = iter(range(6))

        def commit_meanwhile() -> None:  # the next six reads (the feed's or the subscriber's) each race a commit
            if next(racing, None) is not None:
                ledger.write("a", "b")

        ledger.before_read = commit_meanwhile
        second = follow(feed, ledger, "a", after=0)
        await notified_until(signal, second, 13)
        assert second.received == ledger.concerning("a")
        ledger.write("a")
        await signal.notify()
        assert await second.until(14) == ledger.concerning("a")
        assert await first.until(14) == ledger.concerning("a")
        await stop_all([first, second])

    async def test_a_slow_subscriber_overflows_without_losing_events_or_holding_up_the_others(self):
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger, mailbox_size=3)
        slow, fast = follow(feed, ledger, "a"), follow(feed, ledger, "a")
        ledger.write("a")
        await signal.notify()
        await slow.until(1)
        slow.paused.set()  # it stops reading: its mailbox fills up
        for _ in range(4):
            ledger.write("a", "a", "b", "a")
            await signal.notify()
            received = await fast.until(len(ledger.concerning("a")))  # the fast one is not held up
        assert received == ledger.concerning("a")
        assert feed.stats.overflows == 1
        assert feed.subscribers == 1  # the slow one left the feed; it catches up from the ledger
        own_reads = ledger.own_reads
        slow.paused.clear()
        assert await slow.until(13) == ledger.concerning("a")  # nothing lost, nothing twice, in order
        assert ledger.own_reads > own_reads
        await eventually(lambda: feed.subscribers == 2, "the slow one joined the feed again")
        ledger.write("a")
        await signal.notify()
        assert await slow.until(14) == ledger.concerning("a")
        await stop_all([slow, fast])

    async def test_the_reader_stops_when_the_last_subscriber_leaves_and_starts_again_for_the_next(self):
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger)
        first = follow(feed, ledger, "a")
        await eventually(lambda: feed.subscribers == 1, "joined")
        assert feed.reading
        await first.stop()
        assert feed.subscribers == 0
        await signal.notify()  # the reader wakes, finds no one, and ends
        await eventually(lambda: not feed.reading, "the reader stopped")
        reads = ledger.feed_reads
        await signal.notify()
        await asyncio.sleep(0)
        assert ledger.feed_reads == reads  # nobody listens: nothing is read
        ledger.write("a")
        second = follow(feed, ledger, "a")
        assert await second.until(1) == ledger.concerning("a")
        assert feed.reading
        await second.stop()

    async def test_closing_the_feed_ends_every_subscription_and_the_reader(self):
        ledger = FakeLedger()
        feeds = EventFeeds(no_sessions(), EventSignal(poll_s=AN_HOUR))
        source = ledger.source()
        feed = feeds.of(source)
        assert feeds.of(source) is feed  # one feed per source and app
        followers = [follow(feed, ledger, "a") for _ in range(3)]
        await eventually(lambda: feed.subscribers == 3, "joined")
        await feeds.aclose()
        await eventually(lambda: all(f.task is not None and f.task.done() for f in followers), "ended")
        assert all(isinstance(f.error, FeedClosed) for f in followers)
        assert not feed.reading
        with pytest.raises(FeedClosed):
            feeds.of(source)

    async def test_a_failed_read_ends_the_subscriptions_with_the_error(self):
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger)
        follower = follow(feed, ledger, "a")
        await eventually(lambda: feed.subscribers == 1, "joined")
        ledger.failure = ConnectionError("the database went away")
        await signal.notify()
        await eventually(lambda: follower.error is not None, "the subscription ended")
        assert isinstance(follower.error, FeedFailed)
        assert isinstance(follower.error.__cause__, ConnectionError)
        await eventually(lambda: not feed.reading, "the reader stopped")
        ledger.failure = None
        again = follow(feed, ledger, "a")  # the client resumes; a new reader starts
        ledger.write("a")
        await signal.notify()
        assert await again.until(1) == ledger.concerning("a")
        await again.stop()

    @pytest.mark.parametrize(
        ("failure", "traceback"), [(ConnectionError("the database went away"), False), (ValueError("a bug"), True)]
    )
    async def test_a_read_the_database_refused_is_one_log_line_and_any_other_failure_has_its_traceback(
        self, failure: Exception, traceback: bool, caplog: pytest.LogCaptureFixture
    ) -> None:
        ledger = FakeLedger()
        feed, signal = fake_feed(ledger)
        follower = follow(feed, ledger, "a")
        await eventually(lambda: feed.subscribers == 1, "joined")
        ledger.failure = failure
        await signal.notify()
        await eventually(lambda: follower.error is not None, "the subscription ended")
        records = [r for r in caplog.records if r.name == "lienthong.feed"]
        assert [r.levelno for r in records] == [logging.WARNING]
        assert bool(records[0].exc_info) is traceback


# --- the feed over the real ledger ------------------------------------------------------------------

COURTS = ("court.ha-noi.kv01", "court.ha-noi.kv02", "court.hue.kv01")


@dataclass
class Ledger:
    """The ledger seen from outside the feed: a writer with its own engine, transfers of a few courts."""

    writer: async_sessionmaker[AsyncSession]
    audiences: dict[str, Audience]  # by court
    transfers: dict[str, str]  # court → a transfer of it
    written: list[TransferEvent] = field(default_factory=list)

    async def write(self, court: str, kind: str = "STEP") -> TransferEvent:
        event = await emit_event(self.writer, self.audiences[court], self.transfers[court], kind=kind)
        self.written.append(event)
        return event

    def concerning(self, code: str, after: int = 0) -> list[str]:
        return [e.event_id for e in self.written if e.cursor > after and code in e.audience]


@pytest_asyncio.fixture(loop_scope="session")
async def ledger(migrated_db_url: str, sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Ledger]:
    organisation = {a.code: a for a in load_organisation(DATA)}
    await seed_agencies(sessions, handful(organisation, COURTS))
    writer_engine = create_engine(migrated_db_url)
    try:
        writer = session_factory(writer_engine)
        audiences = {court: Audience.of_court(court, organisation) for court in COURTS}
        now = Clock().now()
        transfers = {court: await make_transfer(writer, audiences[court], now) for court in COURTS}
        yield Ledger(writer, audiences, transfers)
    finally:
        await writer_engine.dispose()


class StatementCounter:
    """Counts the SQL statements an engine runs that read transfer events (an engine hook, not the feed's word)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.count = 0

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "transfer_events" in statement:
            self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine.sync_engine, "before_cursor_execute", self._seen)


def transfer_feed(
    sessions: async_sessionmaker[AsyncSession], poll_s: float = AN_HOUR, **options: Any
) -> tuple[EventFeeds, EventSignal]:
    signal = EventSignal(poll_s=poll_s)
    return EventFeeds(sessions, signal, **options), signal


def follow_code(feeds: EventFeeds, code: str, after: int) -> Follower:
    feed = feeds.of(TRANSFER_EVENTS)
    return Follower(feed.follow([code], transfer_events_of([code]), after=after)).start()


def ids(events: Sequence[TransferEvent]) -> list[str]:
    return [e.event_id for e in events]


class TestFeedOnTheLedger:
    async def test_ledger_reads_per_event_do_not_grow_with_subscribers(self, engine, sessions, ledger):
        batches, reads = 5, {}
        office = {court: ledger.audiences[court].office_code for court in COURTS}
        for subscribers in (2, 200):
            feeds, signal = transfer_feed(sessions)
            async with sessions() as session:
                start = await last_cursor(session)
            codes = [office[COURTS[n % len(COURTS)]] for n in range(subscribers)]
            followers = [follow_code(feeds, code, start) for code in codes]
            feed = feeds.of(TRANSFER_EVENTS)
            await eventually(lambda: feed.subscribers == subscribers, "every subscriber joined")  # noqa: B023
            for court in COURTS:  # one event each first: the feed has started and every subscriber is live
                await ledger.write(court)
            await signal.notify()
            for code, f in zip(codes, followers, strict=True):
                await f.until(len(ledger.concerning(code, start)))
            with StatementCounter(engine) as counter:
                for _ in range(batches):
                    for court in COURTS:
                        await ledger.write(court)
                    await signal.notify()
                    for code, f in zip(codes, followers, strict=True):
                        await f.until(len(ledger.concerning(code, start)))
            for code, f in zip(codes, followers, strict=True):
                assert ids(f.received) == ledger.concerning(code, start)
            reads[subscribers] = counter.count
            await stop_all(followers)
            await feeds.aclose()
        assert reads[200] == reads[2] <= 2 * batches, reads

    async def test_a_backlog_longer_than_a_page_then_live_events_with_commits_racing_the_catch_up(
        self, sessions, ledger
    ):
        court = COURTS[0]
        office = ledger.audiences[court].office_code
        feeds, signal = transfer_feed(sessions, page_size=50)
        for _ in range(120):
            await ledger.write(court)
        await ledger.write(COURTS[2])  # not this office's
        watched_from, late_from = ledger.written[-1].cursor, ledger.written[10].cursor
        watcher = follow_code(feeds, office, after=watched_from)  # the feed may be running when `late` joins
        late = follow_code(feeds, office, after=late_from)
        for n in range(30):  # committed while `late` replays, each announced as the hub's own writes are
            await ledger.write(court if n % 3 else COURTS[2])
            await signal.notify()
        expected = ledger.concerning(office, late_from)
        assert len(expected) == 120 - 11 + 20
        assert ids(await late.until(len(expected))) == expected
        assert ids(await watcher.until(20)) == ledger.concerning(office, watched_from)
        await stop_all([watcher, late])
        await feeds.aclose()

    async def test_a_slow_subscriber_overflows_and_catches_up_from_the_ledger(self, sessions, ledger):
        court = COURTS[1]
        office = ledger.audiences[court].office_code
        feeds, signal = transfer_feed(sessions, mailbox_size=4)
        async with sessions() as session:
            start = await last_cursor(session)
        slow, fast = follow_code(feeds, office, start), follow_code(feeds, office, start)
        await ledger.write(court)
        await signal.notify()
        await slow.until(1)
        slow.paused.set()
        for n in range(12):
            await ledger.write(court)
            await signal.notify()
            # The fast one takes each event before the next is written: only the paused one can overflow,
            # however busy the event loop (the session's hub may be serving in it too).
            await fast.until(2 + n)
        expected = ledger.concerning(office, start)
        assert ids(await fast.until(len(expected))) == expected
        assert feeds.of(TRANSFER_EVENTS).stats.overflows == 1
        slow.paused.clear()
        assert ids(await slow.until(len(expected))) == expected
        await stop_all([slow, fast])
        await feeds.aclose()

    async def test_events_another_process_writes_arrive_by_the_poll_without_any_notification(
        self, migrated_db_url, sessions, ledger
    ):
        court = COURTS[2]
        office = ledger.audiences[court].office_code
        feeds, _ = transfer_feed(sessions, poll_s=0.05)  # nobody notifies this feed: only its poll finds events
        async with sessions() as session:
            start = await last_cursor(session)
        follower = follow_code(feeds, office, start)
        await eventually(lambda: feeds.of(TRANSFER_EVENTS).subscribers == 1, "joined")
        written = await asyncio.to_thread(
            write_from_another_process, migrated_db_url, ledger.audiences[court], ledger.transfers[court], 3
        )
        assert ids(await follower.until(3)) == written
        await follower.stop()
        await feeds.aclose()


WRITER = """
import asyncio, sys, orjson
from ledger.db import create_engine, session_factory
from tests.support.webhook_events import Audience, emit_event

async def main(url, audience, transfer_id, count):
    engine = create_engine(url)
    try:
        written = [await emit_event(session_factory(engine), audience, transfer_id) for _ in range(count)]
    finally:
        await engine.dispose()
    print(orjson.dumps([e.event_id for e in written]).decode())

url, audience, transfer_id, count = sys.argv[1], orjson.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4])
asyncio.run(main(url, Audience(**audience), transfer_id, count))
"""


def write_from_another_process(url: str, audience: Audience, transfer_id: str, count: int) -> list[str]:
    """``count`` events appended by a separate Python process (its own connections, no signal of ours)."""
    fields = orjson.dumps(audience).decode()  # a dataclass
    done = subprocess.run(
        [sys.executable, "-c", WRITER, url, fields, transfer_id, str(count)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return cast(list[str], orjson.loads(done.stdout.strip().splitlines()[-1]))


# --- many subscribers over WebSockets -----------------------------------------------------------------

EVENTS = """
subscription ($office: ID!, $after: String) {
  transferEvents(office: $office, after: $after) { cursor eventId }
}
"""
SUBSCRIBERS, PER_CONNECTION = 200, 20


async def routes_of_distinct_offices(writer: LedgerWriter, count: int) -> list[Route]:
    async with writer.sessions() as session:
        rows = (
            await session.scalars(
                select(JudgmentRow).where(JudgmentRow.enforcement_office_code.is_not(None)).order_by(JudgmentRow.id)
            )
        ).all()
    routes: dict[str, Route] = {}
    for r in rows:
        office = r.enforcement_office_code or ""
        routes.setdefault(office, Route(r.id, r.court_code, r.enforcement_agency_code, office, r.procuracy_code))
    assert len(routes) >= count
    return list(routes.values())[:count]


async def receive(subscription: Subscription, count: int) -> list[str]:
    return [(await subscription.next_data(timeout=WAIT_S))["transferEvents"]["eventId"] for _ in range(count)]


@pytest.mark.e2e
class TestManySubscribersOverWebSockets:
    async def test_200_subscriptions_on_four_offices_receive_exactly_their_events_in_order(self, hub):
        engine = create_engine(hub.settings.database_url)
        writer = LedgerWriter(engine)
        try:
            routes = await routes_of_distinct_offices(writer, 4)
            transfers = [await writer.new_transfer(route) for route in routes]
            start = await writer.last_cursor()
            written: list[tuple[Route, Written]] = []
            async with contextlib.AsyncExitStack() as stack:
                subscriptions: list[tuple[str, Subscription]] = []
                for c in range(SUBSCRIBERS // PER_CONNECTION):
                    route = routes[c % len(routes)]
                    token = hub.token(route.office_code, [Role.ENFORCEMENT_CLERK])
                    ws = await stack.enter_async_context(hub.websocket(token=token))
                    for _ in range(PER_CONNECTION):
                        variables = {"office": route.office_code, "after": str(start)}
                        subscriptions.append((route.office_code, await ws.subscribe(EVENTS, variables)))
                for n in range(3):  # written by the test's engine, as another replica would: the hub's poll finds them
                    for route, transfer in zip(routes, transfers, strict=True):
                        for w in await writer.append(transfer, route, [f"STEP_{n}", f"STEP_{n}_AGAIN"]):
                            written.append((route, w))

                def expected(office: str) -> list[str]:
                    return [w.event_id for route, w in written if office in route.audience]

                received = await asyncio.gather(*(receive(s, len(expected(o))) for o, s in subscriptions))
                for (office, _), got in zip(subscriptions, received, strict=True):
                    assert got == expected(office)
        finally:
            await writer.remove_everything_written()
            await engine.dispose()
