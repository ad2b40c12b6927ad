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

from collections.abc import AsyncIterator, Sequence
from typing import Final

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from domain.messages import msg
from ledger import events
from resolvers.context import Context
from resolvers.event_feed import FeedSource, ReadPage
from resolvers.following import Following, follow
from schema.types.event import TransferEvent


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


# An agency follows the events of agencies in its reach (domain/policy.py), the ministry anyone's.
FOLLOWING: Final = Following(
    "transferEvents", msg("transfer events"), "TransferEvent", TRANSFER_EVENTS, TransferEvent.from_event
)


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
        return follow(info.context, FOLLOWING, str(office), after, read=transfer_events_of([str(office)]))
