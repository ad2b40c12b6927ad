"""Transfer events: appended in the writer's transaction, read back by cursor.

Every event is written with the outbox rows of the webhooks that want it, in
the same transaction (so a committed event is never left undelivered), and
its cursor comes from the ``transfer_events`` sequence (so cursors become
visible in increasing order: "everything after N" never misses one).

Who an event concerns: the register office, the enforcement agency, the court
and the procuracy of the transfer — each may read it (inbox, subscription,
webhook).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.models import OutboxRow, TransferEventRow, WebhookRow
from ledger.notify import announce
from ledger.sequences import next_value

EVENT_SEQUENCE = "transfer_events"
MAX_EVENTS_PER_READ = 500


@dataclass(frozen=True, slots=True)
class TransferEvent:
    cursor: int
    event_id: str
    transfer_id: str
    kind: str
    office_code: str
    enforcement_agency_code: str
    court_code: str
    procuracy_code: str
    payload: dict[str, Any]
    occurred_at: datetime

    @property
    def audience(self) -> frozenset[str]:
        """Agency codes this event concerns."""
        return frozenset({self.office_code, self.enforcement_agency_code, self.court_code, self.procuracy_code})


def event_from_row(row: TransferEventRow) -> TransferEvent:
    return TransferEvent(
        cursor=row.cursor,
        event_id=row.event_id,
        transfer_id=row.transfer_id,
        kind=row.kind,
        office_code=row.office_code,
        enforcement_agency_code=row.enforcement_agency_code,
        court_code=row.court_code,
        procuracy_code=row.procuracy_code,
        payload=orjson.loads(row.payload),
        occurred_at=row.occurred_at,
    )


async def append_event(
    session: AsyncSession,
    *,
    transfer_id: str,
    kind: str,
    office_code: str,
    enforcement_agency_code: str,
    court_code: str,
    procuracy_code: str,
    payload: dict[str, Any],
    at: datetime,
) -> TransferEvent:
    """Append an event and queue it for every active webhook of the agencies it concerns.

    Call inside a write transaction; nothing is visible until it commits, and
    other replicas are woken (``ledger.notify``) only then.
    """
    row = TransferEventRow(
        cursor=await next_value(session, EVENT_SEQUENCE),
        event_id=str(uuid.uuid4()),
        transfer_id=transfer_id,
        kind=kind,
        office_code=office_code,
        enforcement_agency_code=enforcement_agency_code,
        court_code=court_code,
        procuracy_code=procuracy_code,
        payload=orjson.dumps(payload).decode(),
        occurred_at=at,
    )
    session.add(row)
    await session.flush()
    event = event_from_row(row)
    hooks = await session.scalars(
        select(WebhookRow.id).where(WebhookRow.active.is_(True), WebhookRow.agency_code.in_(sorted(event.audience)))
    )
    for hook_id in hooks:
        session.add(
            OutboxRow(
                event_cursor=event.cursor,
                webhook_id=hook_id,
                status="pending",
                attempts=0,
                next_attempt_at=at,
                created_at=at,
            )
        )
    await announce(session)  # other replicas' subscribers and delivery workers wake when this commits
    return event


async def events_after(
    session: AsyncSession,
    after: int,
    *,
    agency_codes: Sequence[str] | None = None,
    limit: int = MAX_EVENTS_PER_READ,
) -> list[TransferEvent]:
    """Events with a cursor greater than ``after``, oldest first, optionally only those concerning some agencies."""
    query = select(TransferEventRow).where(TransferEventRow.cursor > after)
    if agency_codes is not None:
        codes = sorted(set(agency_codes))
        query = query.where(
            or_(
                TransferEventRow.office_code.in_(codes),
                TransferEventRow.enforcement_agency_code.in_(codes),
                TransferEventRow.court_code.in_(codes),
                TransferEventRow.procuracy_code.in_(codes),
            )
        )
    rows = await session.scalars(query.order_by(TransferEventRow.cursor).limit(max(1, min(limit, MAX_EVENTS_PER_READ))))
    return [event_from_row(r) for r in rows]


async def last_cursor(session: AsyncSession) -> int:
    return int((await session.scalar(select(func.coalesce(func.max(TransferEventRow.cursor), 0)))) or 0)
