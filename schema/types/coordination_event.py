"""CoordinationEvent: one entry of a coordination request's append-only history, as subscribers receive it.

The cursor works as for :class:`~schema.types.event.TransferEvent` (a decimal
string, opaque to clients, handed back as ``after`` on reconnect) but counts in
its own sequence: a transfer-event cursor means nothing to ``coordinationEvents``
and the other way round.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from domain.coordination import RequestKind
from ledger import coordination
from schema.types.coordination import CoordinationRequestKind, CoordinationRequestStatus
from schema.types.event import format_cursor


@strawberry.type(
    description=(
        "An event in a coordination request's history: opened, received, started, answered, closed, declined, "
        "withdrawn, and the hub's own REMINDER (the due moment is near) and OVERDUE (it passed unanswered)."
    )
)
class CoordinationEvent:
    cursor: str = strawberry.field(
        description="Position in the coordination event sequence; reconnect with `after: <last cursor you processed>`."
    )
    event_id: strawberry.ID = strawberry.field(description="Unique id of the event.")
    kind: str = strawberry.field(
        description="What happened: OPENED, RECEIVED, STARTED, ANSWERED, CLOSED, DECLINED, WITHDRAWN, REMINDER, OVERDUE."
    )
    request_id: strawberry.ID
    request_kind: CoordinationRequestKind | None = strawberry.field(
        description="The kind of the request (null only if it cannot be told)."
    )
    status: CoordinationRequestStatus = strawberry.field(description="The request's status after the event.")
    agency_code: str | None = strawberry.field(
        description="The agency that acted; null for the hub's own events (REMINDER, OVERDUE)."
    )
    person: str | None = strawberry.field(description="The person who acted, when the token named one.")
    note: str | None = strawberry.field(description="What the actor wrote: the answer, why it was declined…")
    occurred_at: datetime
    payload: JSON = strawberry.field(
        description="Details of the event as a JSON object (e.g. dueAt, dueOn); fields depend on `kind`."
    )

    @classmethod
    def from_event(cls, e: coordination.CoordinationEvent, request_kind: RequestKind | None) -> CoordinationEvent:
        return cls(
            cursor=format_cursor(e.cursor),
            event_id=strawberry.ID(e.event_id),
            kind=e.kind,
            request_id=strawberry.ID(e.request_id),
            request_kind=request_kind,
            status=e.status,
            agency_code=e.actor_code,
            person=e.actor_person,
            note=e.note,
            occurred_at=e.occurred_at,
            payload=JSON(e.payload),
        )
