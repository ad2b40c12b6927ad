"""``transferEvents(office, after)``: an agency's transfer events, replayed from a cursor, then live.

The database is the only source of truth and the last delivered cursor the only
state. The stream reads "events after my cursor" in pages until it has caught
up, then waits on the app's :class:`~resolvers.signals.EventSignal` (woken at
once by writers in this process, and on PostgreSQL by other replicas' commits
through LISTEN/NOTIFY, see ``gateway.listen``) for at most the signal's
``poll_s`` (``LIENTHONG_LIVE_POLL_S``), and reads again. The bounded wait is the
safety net that brings in events no notification announced (SQLite, another
process writing directly, a listener that is reconnecting). Cursors become visible in commit
order (see :mod:`ledger.events`), so reading strictly after the last cursor
delivers every event exactly once: nothing missed between replay and live,
nothing twice after a reconnect with the last cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import Final, Protocol, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Principal
from domain.errors import Forbidden
from domain.policy import AccessPolicy
from ledger import events
from resolvers.context import Context
from resolvers.signals import EventSignal
from schema.types.event import TransferEvent, parse_cursor

PAGE_SIZE: Final = 200
"""Events read per query; a session is held only for one page, never while the client is slow to read."""


def ensure_may_follow(policy: AccessPolicy, principal: Principal, office: str) -> None:
    """An agency follows the events of agencies in its reach (domain/policy.py), the ministry anyone's."""
    if not policy.may_act_for(principal, "transferEvents", office):
        raise Forbidden(f"{principal.agency_code or 'this caller'} may not follow the transfer events of {office}")


class Cursored(Protocol):
    @property
    def cursor(self) -> int: ...


E = TypeVar("E", bound=Cursored)

ReadPage = Callable[[AsyncSession, int, int], Awaitable[Sequence[E]]]
"""``read(session, after, limit)``: at most ``limit`` events with a cursor above ``after``, oldest first."""


def transfer_events_of(agency_codes: Sequence[str]) -> ReadPage[events.TransferEvent]:
    """The page reader of transfer events concerning ``agency_codes``."""

    async def read(session: AsyncSession, after: int, limit: int) -> Sequence[events.TransferEvent]:
        return await events.events_after(session, after, agency_codes=agency_codes, limit=limit)

    return read


async def follow_events(
    sessions: async_sessionmaker[AsyncSession],
    signal: EventSignal,
    read: ReadPage[E],
    *,
    after: int,
    poll_s: float | None = None,
    page_size: int = PAGE_SIZE,
) -> AsyncGenerator[E, None]:
    """The events ``read`` finds with a cursor above ``after``, oldest first, without end.

    Shared by every event stream of the hub (transfers, coordination requests):
    only the page reader differs. The signal's generation is taken *before*
    each read: a notify that lands between the read and the wait then ends the
    wait at once instead of being lost for a whole poll interval. ``poll_s``
    defaults to the signal's.
    """
    cursor = after
    longest_wait_s = signal.poll_s if poll_s is None else poll_s
    while True:
        seen = signal.generation
        async with sessions() as session:
            page = await read(session, cursor, page_size)
        for event in page:
            cursor = event.cursor
            yield event
        if len(page) < page_size:  # caught up; a full page means more may be waiting already
            await signal.wait(seen, longest_wait_s)


async def _as_schema(source: AsyncGenerator[events.TransferEvent, None]) -> AsyncGenerator[TransferEvent, None]:
    async with aclosing(source):  # closed with the subscription, not left to the garbage collector
        async for event in source:
            yield TransferEvent.from_event(event)


@strawberry.type
class TransferEventSubscriptions:
    @strawberry.subscription(
        description=(
            "Transfer events concerning an agency (as register office, enforcement agency, court or procuracy), "
            "oldest first: first those after the cursor `after` (all of them when it is omitted), then live ones. "
            "Reconnect with the cursor of the last event you processed to receive exactly what you missed."
        )
    )
    async def transfer_events(
        self, info: strawberry.Info[Context, None], office: strawberry.ID, after: str | None = None
    ) -> AsyncIterator[TransferEvent]:
        # A coroutine returning the stream, not an async generator: refusals (FORBIDDEN, a bad cursor)
        # are raised here, before the stream exists, and reach the client as one `error` message.
        context = info.context
        ensure_may_follow(context.policy, context.principal, str(office))
        start = parse_cursor(after)
        return _as_schema(
            follow_events(context.sessions, context.signal, transfer_events_of([str(office)]), after=start)
        )
