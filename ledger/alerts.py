"""Deadline alerts: an OVERDUE event is raised once per (transfer, rule), whoever raises it.

The alert row's primary key is the guard: the insert that creates it (INSERT …
ON CONFLICT DO NOTHING … RETURNING) wins and appends the event in the same
transaction; every other replica's insert finds the row and does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.events import TransferEvent, append_event
from ledger.models import DeadlineAlertRow, TransferRow, table_of
from ledger.transfers import Transfer, TransferStatus, transfer_from_row

OPEN: Sequence[str] = (TransferStatus.SUBMITTED.value, TransferStatus.ACKNOWLEDGED.value)


async def open_transfers(session: AsyncSession, *, after_id: str | None, limit: int) -> list[Transfer]:
    """Transfers still waiting for a decision, by id (a stable order to page through)."""
    query = select(TransferRow).where(TransferRow.status.in_(OPEN))
    if after_id is not None:
        query = query.where(TransferRow.id > after_id)
    rows = await session.scalars(query.order_by(TransferRow.id).limit(limit))
    return [transfer_from_row(r) for r in rows]


async def raise_once(
    session: AsyncSession, transfer: Transfer, rule_key: str, at: datetime, payload: dict[str, Any]
) -> TransferEvent | None:
    """Record the alert and append its OVERDUE event, unless it was raised before (then None)."""
    values = {"transfer_id": transfer.id, "rule_key": rule_key, "raised_at": at}
    table = table_of(DeadlineAlertRow)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert.values(values).on_conflict_do_nothing(index_elements=["transfer_id", "rule_key"])
    created = (await session.execute(statement.returning(table.c.transfer_id))).first()
    if created is None:
        return None
    return await append_event(
        session,
        transfer_id=transfer.id,
        kind="OVERDUE",
        office_code=transfer.register_office_code,
        enforcement_agency_code=transfer.enforcement_agency_code,
        court_code=transfer.court_code,
        procuracy_code=transfer.procuracy_code,
        payload={"judgmentId": transfer.judgment_id, "rule": rule_key, **payload},
        at=at,
    )
