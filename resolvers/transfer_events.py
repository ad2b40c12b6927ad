"""``transferEvents(office, after)``: an agency's transfer events, replayed from a cursor, then live.

The database is the only source of truth and the last delivered cursor the only
state of a subscription. It reads "events after my cursor" in pages until it
has caught up, then takes live events from the app's transfer event feed
(:mod:`resolvers.event_feed`): one reader per app reads every new event once,
woken by the app's :class:`~resolvers.signals.EventSignal` (at once by writers
in this process, and on PostgreSQL by other replicas' commits through
LISTEN/NOTIFY, see ``gateway.listen``) or after at most ``LIENTHONG_LIVE_POLL_S``
(SQLite, another process writing directly, a listener that is reconnecting),
and hands each event to the subscriptions of the agencies it concerns. Cursors
become visible in commit order (see :mod:`ledger.events`), so reading strictly
after the last cursor delivers every event exactly once: nothing missed between
replay and live, nothing twice after a reconnect with the last cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import aclosing
from typing import Final

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.errors import Forbidden
from domain.policy import AccessPolicy
from ledger import events
from resolvers.context import Context
from resolvers.event_feed import EventFeeds, FeedSource, ReadPage
from schema.types.event import TransferEvent, parse_cursor


def feeds_of(context: Context) -> EventFeeds:
    """The app's event feeds (``HubState.feeds``); a context built outside the app has none."""
    if context.feeds is None:
        raise RuntimeError("this context has no event feeds: subscriptions run only in the app")
    return context.feeds


def ensure_may_follow(policy: AccessPolicy, principal: Principal, office: str) -> None:
    """An agency follows the events of agencies in its reach (domain/policy.py), the ministry anyone's."""
    if not policy.may_act_for(principal, "transferEvents", office):
        raise Forbidden(f"{principal.agency_code or 'this caller'} may not follow the transfer events of {office}")


async def _all_events_after(
    session: AsyncSession, after: int, limit: int
) -> list[tuple[events.TransferEvent, frozenset[str]]]:
    return [(event, event.audience) for event in await events.events_after(session, after, limit=limit)]


TRANSFER_EVENTS: Final[FeedSource[events.TransferEvent]] = FeedSource(
    "transfer events", _all_events_after, events.last_cursor
)
"""What the app's transfer event feed reads: every transfer event, with the agencies it concerns."""


def transfer_events_of(agency_codes: Sequence[str]) -> ReadPage[events.TransferEvent]:
    """The page reader of transfer events concerning ``agency_codes`` (a subscription catching up)."""

    async def read(session: AsyncSession, after: int, limit: int) -> Sequence[events.TransferEvent]:
        return await events.events_after(session, after, agency_codes=agency_codes, limit=limit)

    return read


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
        feed = feeds_of(context).of(TRANSFER_EVENTS)
        return _as_schema(feed.follow([str(office)], transfer_events_of([str(office)]), after=start))
