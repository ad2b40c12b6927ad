"""Gapless counters taken inside the caller's transaction.

``UPDATE … SET last_value = last_value + 1 … RETURNING`` locks the counter row
until the transaction ends (PostgreSQL), and SQLite writers are serialised by
``BEGIN IMMEDIATE``; so values are handed out in commit order, and a rolled-back
transaction gives its value back. Used for event cursors, the audit sequence and
(per office and statistical year) the receipt register.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.models import RegisterCounterRow, SequenceRow, table_of
from ledger.upsert import upsert_rows


async def next_value(session: AsyncSession, name: str, count: int = 1) -> int:
    """The next value of the named sequence (1, 2, 3 …); with ``count``, the last of that many values taken at once.

    ``count`` values are ``last - count + 1`` … ``last`` (the audit trail numbers a batch of entries so).
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    step = update(SequenceRow).where(SequenceRow.name == name).values(last_value=SequenceRow.last_value + count)
    value = (await session.execute(step.returning(SequenceRow.last_value))).scalar_one_or_none()
    if value is None:
        await upsert_rows(session, table_of(SequenceRow), [{"name": name, "last_value": 0}], keep=("last_value",))
        value = (await session.execute(step.returning(SequenceRow.last_value))).scalar_one()
    return int(value)


async def next_register_number(session: AsyncSession, office_code: str, statistical_year: int) -> int:
    """The next serial of an office's receipt register for a statistical year (starts at 1 every 1 October)."""
    step = (
        update(RegisterCounterRow)
        .where(RegisterCounterRow.office_code == office_code, RegisterCounterRow.statistical_year == statistical_year)
        .values(last_number=RegisterCounterRow.last_number + 1)
        .returning(RegisterCounterRow.last_number)
    )
    value = (await session.execute(step)).scalar_one_or_none()
    if value is None:
        row = {"office_code": office_code, "statistical_year": statistical_year, "last_number": 0}
        await upsert_rows(session, table_of(RegisterCounterRow), [row], keep=("last_number",))
        value = (await session.execute(step)).scalar_one()
    return int(value)
