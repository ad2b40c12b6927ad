"""One reader per app and kind of event, handing each new event to the subscriptions it concerns.

A subscription used to read the ledger on its own whenever the app's
:class:`~resolvers.signals.EventSignal` woke it, so every commit cost one read
per subscriber, whoever the event concerned. An :class:`EventFeed` reads "every
event after the last one I saw" once (on the signal, or every ``poll_s`` for
commits no notification announced: SQLite, another process, a listener that is
reconnecting) and puts each event in the bounded mailbox of every subscription
whose agency codes are in the event's audience. Reads now grow with events,
not with subscribers.

How a subscription joins without gap or repeat (:meth:`EventFeed.follow`)::

    join       the mailbox receives every event with a cursor above ``start``,
               the feed's position when the mailbox joined
    catch up   read the subscriber's own events after its cursor from the ledger
               (paged, as before the feed existed) until past ``start`` or a short page
    live       take events from the mailbox, skipping any at or below the cursor
               (already delivered while catching up)

Cursors become visible in commit order (:mod:`ledger.events`), so "after N"
misses nothing, for the feed as for a subscriber catching up. A mailbox that
fills up (a subscriber slower than its events) is dropped from the feed; its
subscription delivers what the mailbox holds, then joins again and catches up
from its cursor: a slow reader costs its own reads, never another subscriber's
events or an event of its own. The reader starts with the first subscription,
stops once none is left, and is cancelled when the app stops (:meth:`EventFeeds.aclose`).

Example (the app's lifespan and a subscription resolver)::

    feeds = EventFeeds(sessions, signal)            # HubState.feeds, closed with the app
    feed = context.feeds.of(TRANSFER_EVENTS)         # one feed per source, made on first use
    return feed.follow({office}, transfer_events_of([office]), after=cursor)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.db import is_unavailable
from resolvers.signals import EventSignal

log = logging.getLogger("lienthong.feed")

PAGE_SIZE: Final = 200
"""Events read per query; a session is held only for one page, never while a client is slow to read."""
MAILBOX_SIZE: Final = 500
"""Events a subscription may have waiting before it is dropped back to catching up from the ledger."""


class Cursored(Protocol):
    @property
    def cursor(self) -> int: ...


E = TypeVar("E", bound=Cursored)

ReadPage = Callable[[AsyncSession, int, int], Awaitable[Sequence[E]]]
"""``read(session, after, limit)``: at most ``limit`` events with a cursor above ``after``, oldest first."""

ReadAddressed = Callable[[AsyncSession, int, int], Awaitable[Sequence[tuple[E, frozenset[str]]]]]
"""Like :data:`ReadPage` over every event, each with its audience: the agency codes it concerns."""


class FeedClosed(Exception):
    """The app is stopping: the subscription ends (the client resumes from its cursor elsewhere or later)."""


class FeedFailed(Exception):
    """The feed's reader failed (its cause attached): each subscription ends, as a failed read of its own would."""


@dataclass(frozen=True, eq=False, slots=True)
class FeedSource(Generic[E]):
    """What one kind of event feed reads. A module-level constant per kind; compared by identity.

    ``read_all``: every event after a cursor with its audience; ``last_cursor``: the
    highest cursor committed (where a feed starting from nothing begins).
    """

    name: str
    read_all: ReadAddressed[E]
    last_cursor: Callable[[AsyncSession], Awaitable[int]]


@dataclass(slots=True)
class FeedStats:
    """What a feed has done, for tests and diagnosis."""

    reads: int = 0  # ledger reads by the feed's reader (including the one that finds where to start)
    catch_up_reads: int = 0  # ledger reads by subscriptions catching up
    overflows: int = 0  # mailboxes dropped for falling behind


class _Mailbox(Generic[E]):
    """A subscription's bounded queue: filled by the feed's reader, emptied by the subscription."""

    __slots__ = ("_events", "_wake", "codes", "error", "limit", "overflowed", "start")

    def __init__(self, codes: frozenset[str], limit: int) -> None:
        self.codes = codes
        self.limit = limit
        self.start: int | None = None  # every event after this cursor comes through the mailbox
        self.overflowed = False
        self.error: BaseException | None = None
        self._events: deque[E] = deque()
        self._wake = asyncio.Event()

    def begin_at(self, cursor: int) -> None:
        self.start = cursor
        self._wake.set()

    def offer(self, event: E) -> bool:
        """Queue ``event``; False (and nothing queued) when the mailbox is full."""
        if len(self._events) >= self.limit:
            self.overflowed = True
            self._wake.set()
            return False
        self._events.append(event)
        self._wake.set()
        return True

    def fail(self, error: BaseException) -> None:
        self.error = error
        self._wake.set()

    async def started(self) -> int:
        while self.start is None:
            if self.error is not None:
                raise self.error
            self._wake.clear()
            await self._wake.wait()
        return self.start

    async def next(self) -> E | None:
        """The next event; None once the mailbox overflowed and is empty (the subscription must catch up)."""
        while not self._events:
            if self.error is not None:
                raise self.error
            if self.overflowed:
                return None
            self._wake.clear()
            await self._wake.wait()
        return self._events.popleft()


class EventFeed(Generic[E]):
    """The one reader of a :class:`FeedSource` in an app, and the mailboxes of its subscriptions.

    ``poll_s`` (default: the signal's, ``LIENTHONG_LIVE_POLL_S``) bounds how long the
    reader waits for a notification before reading anyway.
    """

    def __init__(
        self,
        source: FeedSource[E],
        sessions: async_sessionmaker[AsyncSession],
        signal: EventSignal,
        *,
        poll_s: float | None = None,
        page_size: int = PAGE_SIZE,
        mailbox_size: int = MAILBOX_SIZE,
    ) -> None:
        if page_size < 1 or mailbox_size < 1:
            raise ValueError("page_size and mailbox_size must be positive")
        self.source = source
        self.sessions = sessions
        self.signal = signal
        self.poll_s = signal.poll_s if poll_s is None else poll_s
        self.page_size = page_size
        self.mailbox_size = mailbox_size
        self.stats = FeedStats()
        self._by_code: dict[str, set[_Mailbox[E]]] = {}
        self._joined: set[_Mailbox[E]] = set()
        self._head: int | None = None  # every event up to here was offered to the mailboxes joined then
        self._reader: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def subscribers(self) -> int:
        return len(self._joined)

    @property
    def reading(self) -> bool:
        """Whether the reader task is running (it stops once no subscription is left)."""
        return self._reader is not None

    async def follow(self, codes: Iterable[str], read: ReadPage[E], *, after: int) -> AsyncGenerator[E, None]:
        """The events concerning ``codes`` with a cursor above ``after``, oldest first, without end.

        ``read`` reads the subscriber's own events (those concerning ``codes``) when it
        catches up; the feed brings the rest. Close the generator to leave (``aclosing``).
        """
        wanted = frozenset(codes)
        cursor = after
        while True:
            with self._mailbox(wanted) as mailbox:
                start = await mailbox.started()
                while cursor < start:  # what the mailbox will not bring: up to `start`, from the ledger
                    async with self.sessions() as session:
                        page = await read(session, cursor, self.page_size)
                    self.stats.catch_up_reads += 1
                    for event in page:
                        cursor = event.cursor
                        yield event
                    if len(page) < self.page_size:  # read after `start` was committed: nothing up to it is left
                        break
                while (live := await mailbox.next()) is not None:
                    if live.cursor > cursor:  # at or below: already delivered while catching up
                        cursor = live.cursor
                        yield live
            # the mailbox overflowed: join again and catch up from the last event delivered

    async def aclose(self) -> None:
        """Stop the reader and end every subscription with :class:`FeedClosed` (the app is stopping)."""
        self._closed = True
        for mailbox in list(self._joined):
            self._leave(mailbox)
            mailbox.fail(FeedClosed("the hub is stopping; resume from your last cursor"))
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    # --- joining and leaving ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _mailbox(self, codes: frozenset[str]) -> Iterator[_Mailbox[E]]:
        if self._closed:
            raise FeedClosed("the hub is stopping; resume from your last cursor")
        mailbox: _Mailbox[E] = _Mailbox(codes, self.mailbox_size)
        self._joined.add(mailbox)
        for code in codes:
            self._by_code.setdefault(code, set()).add(mailbox)
        if self._head is not None:
            mailbox.begin_at(self._head)
        elif self._reader is None:  # the reader finds where to start, then starts every mailbox waiting
            self._reader = asyncio.create_task(self._read(), name=f"event feed: {self.source.name}")
        try:
            yield mailbox
        finally:
            self._leave(mailbox)

    def _leave(self, mailbox: _Mailbox[E]) -> None:
        if mailbox not in self._joined:
            return
        self._joined.discard(mailbox)
        for code in mailbox.codes:
            followers = self._by_code.get(code)
            if followers is not None:
                followers.discard(mailbox)
                if not followers:
                    del self._by_code[code]

    # --- the reader -------------------------------------------------------------------------------

    async def _read(self) -> None:
        """Read new events and hand them out until no subscription is left (it then ends by itself)."""
        try:
            async with self.sessions() as session:
                head = await self.source.last_cursor(session)
            self.stats.reads += 1
            self._head = head
            for mailbox in self._joined:
                if mailbox.start is None:
                    mailbox.begin_at(head)
            while self._joined:
                seen = self.signal.generation  # taken before the read: a notify during it is not lost
                async with self.sessions() as session:
                    page = await self.source.read_all(session, head, self.page_size)
                self.stats.reads += 1
                for event, audience in page:
                    self._hand_out(event, audience)
                    head = self._head = event.cursor
                if len(page) < self.page_size and self._joined:
                    await self.signal.wait(seen, self.poll_s)
        except Exception as exc:  # e.g. the database went away: each subscription ends with the error
            log.warning("event feed %s stopped: %s", self.source.name, exc, exc_info=not is_unavailable(exc))
            for mailbox in list(self._joined):
                self._leave(mailbox)
                failure = FeedFailed(f"reading {self.source.name} failed: {type(exc).__name__}")
                failure.__cause__ = exc
                mailbox.fail(failure)  # an exception of its own: each is raised in another subscription's task
        finally:
            if self._reader is asyncio.current_task():
                self._reader, self._head = None, None  # a new subscription starts a new reader from scratch

    def _hand_out(self, event: E, audience: frozenset[str]) -> None:
        concerned: set[_Mailbox[E]] = set()
        for code in audience:
            concerned.update(self._by_code.get(code, ()))
        for mailbox in concerned:
            if not mailbox.offer(event):
                self._leave(mailbox)  # it catches up from the ledger by itself, then joins again
                self.stats.overflows += 1


class EventFeeds:
    """The app's event feeds, one per :class:`FeedSource`, made on first use; owned by the lifespan.

    ``async with contextlib.aclosing(feeds):`` stops every reader when the app stops.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        signal: EventSignal,
        *,
        poll_s: float | None = None,
        page_size: int = PAGE_SIZE,
        mailbox_size: int = MAILBOX_SIZE,
    ) -> None:
        self.sessions = sessions
        self.signal = signal
        self._options: dict[str, Any] = {"poll_s": poll_s, "page_size": page_size, "mailbox_size": mailbox_size}
        self._feeds: dict[FeedSource[Any], EventFeed[Any]] = {}
        self._closed = False

    def of(self, source: FeedSource[E]) -> EventFeed[E]:
        if self._closed:
            raise FeedClosed("the hub is stopping; resume from your last cursor")
        feed = self._feeds.get(source)
        if feed is None:
            feed = self._feeds[source] = EventFeed(source, self.sessions, self.signal, **self._options)
        return cast(EventFeed[E], feed)

    async def aclose(self) -> None:
        self._closed = True
        for feed in self._feeds.values():
            await feed.aclose()
