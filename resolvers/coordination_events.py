"""``coordinationEvents(agency, after)``: events of the requests an agency takes part in, replayed, then live.

The same loop as ``transferEvents`` (:func:`resolvers.transfer_events.follow_events`):
read "events after my cursor" in pages until caught up, then wait on the app's
:class:`~resolvers.signals.EventSignal` for at most a poll interval. Only the
page reader differs: it reads :meth:`ledger.coordination.CoordinationLedger.events_after`
for the one agency, i.e. the events of requests it sent, received or observes
(a distribution copy), and labels each with its request's kind.

Who sees a request is its audience row, written once with the request, so an
observer receives each event of the request exactly once, and an agency outside
the audience receives nothing of it — not even that it exists.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.coordination import RequestKind
from domain.errors import Forbidden
from domain.policy import AccessPolicy
from ledger.coordination import CoordinationEvent as LedgerEvent
from ledger.coordination import CoordinationLedger
from resolvers.context import Context
from resolvers.transfer_events import ReadPage, follow_events
from schema.types.coordination_event import CoordinationEvent
from schema.types.event import parse_cursor

OPERATION = "coordinationEvents"


@dataclass(frozen=True, slots=True)
class LabelledEvent:
    """A request's event with the request's kind (read with the page, so the stream asks nothing per event)."""

    event: LedgerEvent
    request_kind: RequestKind | None

    @property
    def cursor(self) -> int:
        return self.event.cursor


def ensure_may_follow(policy: AccessPolicy, principal: Principal, agency: str) -> None:
    """An agency follows its own requests (or a predecessor's), the ministry anyone's (domain/policy.py)."""
    if not policy.may_act_for(principal, OPERATION, agency):
        raise Forbidden(f"{principal.agency_code or 'this caller'} may not follow the coordination events of {agency}")


def coordination_events_of(agency_codes: Sequence[str]) -> ReadPage[LabelledEvent]:
    """The page reader of events of requests one of ``agency_codes`` sends, receives or observes."""

    async def read(session: AsyncSession, after: int, limit: int) -> Sequence[LabelledEvent]:
        ledger = CoordinationLedger(session)
        page = await ledger.events_after(after, agency_codes=agency_codes, limit=limit)
        kinds = await ledger.kinds_of(e.request_id for e in page)
        return [LabelledEvent(e, kinds.get(e.request_id)) for e in page]

    return read


async def _as_schema(source: AsyncGenerator[LabelledEvent, None]) -> AsyncGenerator[CoordinationEvent, None]:
    async with aclosing(source):  # closed with the subscription, not left to the garbage collector
        async for item in source:
            yield CoordinationEvent.from_event(item.event, item.request_kind)


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
        context = info.context
        ensure_may_follow(context.policy, context.principal, str(agency))
        start = parse_cursor(after, of="CoordinationEvent")
        return _as_schema(
            follow_events(context.sessions, context.signal, coordination_events_of([str(agency)]), after=start)
        )
