"""``coordinationEvents(agency, after)``: events of the requests an agency takes part in, replayed, then live.

The same stream as ``transferEvents`` (:mod:`resolvers.transfer_events`): read
"events after my cursor" in pages until caught up, then take live events from
the app's coordination event feed (:mod:`resolvers.event_feed`), whose one
reader reads each new event once and hands it to the agencies of its request's
audience. A subscription catching up reads
:meth:`ledger.coordination.CoordinationLedger.events_after` for the one agency,
i.e. the events of requests it sent, received or observes (a distribution
copy); the feed reads every event with its request's audience. Both label each
event with its request's kind.

Who sees a request is its audience row, written once with the request, so an
observer receives each event of the request exactly once, and an agency outside
the audience receives nothing of it — not even that it exists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.coordination import RequestKind
from domain.messages import msg
from ledger.coordination import CoordinationEvent as LedgerEvent
from ledger.coordination import CoordinationLedger
from ledger.models import CoordinationAudienceRow, CoordinationEventRow
from resolvers.context import Context
from resolvers.event_feed import FeedSource, ReadPage
from resolvers.following import Following, follow
from schema.types.coordination_event import CoordinationEvent

OPERATION = "coordinationEvents"


@dataclass(frozen=True, slots=True)
class LabelledEvent:
    """A request's event with the request's kind (read with the page, so the stream asks nothing per event)."""

    event: LedgerEvent
    request_kind: RequestKind | None

    @property
    def cursor(self) -> int:
        return self.event.cursor


def coordination_events_of(agency_codes: Sequence[str]) -> ReadPage[LabelledEvent]:
    """The page reader of events of requests one of ``agency_codes`` sends, receives or observes."""

    async def read(session: AsyncSession, after: int, limit: int) -> Sequence[LabelledEvent]:
        ledger = CoordinationLedger(session)
        page = await ledger.events_after(after, agency_codes=agency_codes, limit=limit)
        kinds = await ledger.kinds_of(e.request_id for e in page)
        return [LabelledEvent(e, kinds.get(e.request_id)) for e in page]

    return read


async def _all_events_after(
    session: AsyncSession, after: int, limit: int
) -> list[tuple[LabelledEvent, frozenset[str]]]:
    """Every event after ``after`` with its request's kind and audience (three queries a page, whatever its size).

    The audience is written once, with the request and its first event, so it is
    visible whenever an event of the request is.
    """
    ledger = CoordinationLedger(session)
    page = await ledger.events_after(after, agency_codes=None, limit=limit)
    request_ids = sorted({e.request_id for e in page})
    kinds = await ledger.kinds_of(request_ids)
    audiences: dict[str, set[str]] = {}
    if request_ids:
        rows = await session.execute(
            select(CoordinationAudienceRow.request_id, CoordinationAudienceRow.agency_code).where(
                CoordinationAudienceRow.request_id.in_(request_ids)
            )
        )
        for request_id, code in rows:
            audiences.setdefault(request_id, set()).add(code)
    return [(LabelledEvent(e, kinds.get(e.request_id)), frozenset(audiences.get(e.request_id, ()))) for e in page]


async def _last_cursor(session: AsyncSession) -> int:
    return int((await session.scalar(select(func.coalesce(func.max(CoordinationEventRow.cursor), 0)))) or 0)


COORDINATION_EVENTS: Final[FeedSource[LabelledEvent]] = FeedSource(
    "coordination events", _all_events_after, _last_cursor
)
"""What the app's coordination event feed reads: every request event, with the agencies that see the request."""


# An agency follows its own requests (or a predecessor's), the ministry anyone's (domain/policy.py).
FOLLOWING: Final = Following(
    OPERATION,
    msg("coordination events"),
    "CoordinationEvent",
    COORDINATION_EVENTS,
    lambda item: CoordinationEvent.from_event(item.event, item.request_kind),
)


@strawberry.type
class CoordinationEventSubscriptions:
    @strawberry.subscription(
        description=(
            "Events of the coordination requests an agency sends, receives or observes (a distribution copy), "
            "oldest first: first those after the cursor `after` (all of them when it is omitted), then live ones, "
            "including the hub's REMINDER and OVERDUE events. Reconnect with the cursor of the last event you "
            "processed to receive exactly what you missed. Requests the agency takes no part in never appear."
        )
    )
    async def coordination_events(
        self, info: strawberry.Info[Context, None], agency: strawberry.ID, after: str | None = None
    ) -> AsyncIterator[CoordinationEvent]:
        # A coroutine returning the stream: FORBIDDEN and a bad cursor reach the client as one `error` message.
        return follow(info.context, FOLLOWING, str(agency), after, read=coordination_events_of([str(agency)]))
