"""TransferEvent: one entry of a transfer's append-only history, as subscribers receive it.

The cursor is the event's position in the hub-wide, gapless, commit-ordered
sequence, written as a decimal string (``"1042"``). Clients treat it as opaque:
they keep the last one they processed and hand it back as ``after`` when they
reconnect. It is a string, not an ``Int``, because the sequence is 64-bit and
GraphQL ``Int`` is 32-bit, and so that its encoding may change without
breaking the contract.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

import strawberry
from strawberry.scalars import JSON

from domain.errors import BadInput
from domain.messages import msg
from ledger import events

MAX_CURSOR: Final = 2**63 - 1
"""The largest value the cursor column (a signed 64-bit integer) can hold."""

_DIGITS: Final = re.compile(r"[0-9]{1,19}")


def format_cursor(cursor: int) -> str:
    return str(cursor)


def parse_cursor(text: str | None, *, of: str = "TransferEvent") -> int:
    """The integer behind an ``after`` cursor of an ``of`` stream; no cursor means "from the first event".

    Anything but a cursor this hub handed out is refused with a message, rather
    than silently read as 0 (which would replay the whole history) or as
    "latest" (which would skip events the client has not seen).
    """
    if text is None:
        return 0
    value = int(text) if _DIGITS.fullmatch(text) else -1
    if not 0 <= value <= MAX_CURSOR:
        raise BadInput(
            msg(
                "after must be a cursor from a previous {of} (a string of digits), not {given}",
                of=of,
                given=repr(text[:40]),
            )
        )
    return value


@strawberry.type(description="An event in a transfer's history: submitted, acknowledged, decided, returned, overdue…")
class TransferEvent:
    cursor: str = strawberry.field(
        description="Position in the event sequence; reconnect with `after: <last cursor you processed>`."
    )
    event_id: strawberry.ID = strawberry.field(description="Unique id; the same event pushed to a webhook has it too.")
    kind: str = strawberry.field(description="What happened, e.g. SUBMITTED, ACKNOWLEDGED.")
    transfer_id: strawberry.ID
    occurred_at: datetime
    payload: JSON = strawberry.field(
        description="Details of the event as a JSON object (e.g. status, registerNumber); fields depend on `kind`."
    )

    @classmethod
    def from_event(cls, e: events.TransferEvent) -> TransferEvent:
        return cls(
            cursor=format_cursor(e.cursor),
            event_id=strawberry.ID(e.event_id),
            kind=e.kind,
            transfer_id=strawberry.ID(e.transfer_id),
            occurred_at=e.occurred_at,
            payload=JSON(e.payload),
        )
