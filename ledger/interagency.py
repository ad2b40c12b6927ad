"""Interagency statistics in the ledger: the record per province and period, its signed steps, and the
transfer facts the reconciliation with the courts reads (from the transfer ledger, ``transfers``).

The rules (states, deadlines, forms, reconciliation) are in :mod:`domain.interagency`; this module
only stores and reads. Steps are append-only: a record's history is the list of its steps.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.deadlines import local_day
from domain.interagency import RowNote, Snapshot, Status, Step, TransferFact
from ledger.models import InteragencyStatisticsRow, InteragencyStepRow, TransferRow


@dataclass(frozen=True, slots=True)
class StepRecord:
    seq: int
    step: Step
    status: Status
    version: int
    at: datetime
    agency_code: str
    person: str | None
    note: str | None
    notes: tuple[RowNote, ...]
    statement: str
    signature: str
    key_id: str


@dataclass(frozen=True, slots=True)
class StatisticsRecord:
    id: str
    province_code: str
    statistical_year: int
    months: int
    status: Status
    version: int
    snapshot: Snapshot
    snapshot_sha256: str
    closed_at: datetime
    countersign_due_on: date
    updated_at: datetime


def _record(row: InteragencyStatisticsRow) -> StatisticsRecord:
    return StatisticsRecord(
        id=row.id,
        province_code=row.province_code,
        statistical_year=row.statistical_year,
        months=row.months,
        status=Status(row.status),
        version=row.version,
        snapshot=Snapshot.from_json(orjson.loads(row.snapshot)),
        snapshot_sha256=row.snapshot_sha256,
        closed_at=row.closed_at,
        countersign_due_on=row.countersign_due_on,
        updated_at=row.updated_at,
    )


def _step(row: InteragencyStepRow) -> StepRecord:
    notes: list[dict[str, Any]] = orjson.loads(row.notes)
    return StepRecord(
        seq=row.seq,
        step=Step(row.step),
        status=Status(row.status),
        version=row.version,
        at=row.at,
        agency_code=row.agency_code,
        person=row.person,
        note=row.note,
        notes=tuple(RowNote(n["row"], n["note"]) for n in notes),
        statement=row.statement,
        signature=row.signature,
        key_id=row.key_id,
    )


@dataclass(frozen=True, slots=True)
class NewStep:
    step: Step
    status: Status
    version: int
    at: datetime
    agency_code: str
    person: str | None
    note: str | None
    notes: tuple[RowNote, ...]
    statement: str
    signature: str
    key_id: str


class InteragencyLedger:
    """Reads and writes of one session (the caller owns the transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, record_id: str, *, for_update: bool = False) -> StatisticsRecord | None:
        query = select(InteragencyStatisticsRow).where(InteragencyStatisticsRow.id == record_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else _record(row)

    async def steps(self, record_id: str) -> list[StepRecord]:
        rows = await self._session.scalars(
            select(InteragencyStepRow)
            .where(InteragencyStepRow.statistics_id == record_id)
            .order_by(InteragencyStepRow.seq)
        )
        return [_step(r) for r in rows]

    async def save(
        self,
        *,
        record_id: str,
        province_code: str,
        statistical_year: int,
        months: int,
        status: Status,
        version: int,
        snapshot_json: bytes,
        snapshot_sha256: str,
        closed_at: datetime,
        countersign_due_on: date,
        at: datetime,
    ) -> None:
        """Insert the record (first close) or replace what a corrected close changes."""
        row = await self._session.get(InteragencyStatisticsRow, record_id)
        if row is None:
            self._session.add(
                InteragencyStatisticsRow(
                    id=record_id,
                    province_code=province_code,
                    statistical_year=statistical_year,
                    months=months,
                    status=status.value,
                    version=version,
                    snapshot=snapshot_json.decode("utf-8"),
                    snapshot_sha256=snapshot_sha256,
                    closed_at=closed_at,
                    countersign_due_on=countersign_due_on,
                    updated_at=at,
                )
            )
        else:
            row.status = status.value
            row.version = version
            row.snapshot = snapshot_json.decode("utf-8")
            row.snapshot_sha256 = snapshot_sha256
            row.closed_at = closed_at
            row.countersign_due_on = countersign_due_on
            row.updated_at = at
        await self._session.flush()

    async def set_status(self, record_id: str, status: Status, at: datetime) -> None:
        row = await self._session.get(InteragencyStatisticsRow, record_id)
        if row is None:
            raise LookupError(record_id)
        row.status = status.value
        row.updated_at = at
        await self._session.flush()

    async def add_step(self, record_id: str, step: NewStep) -> int:
        """Append ``step`` to the record's history; its sequence number."""
        last = await self._session.scalar(
            select(func.max(InteragencyStepRow.seq)).where(InteragencyStepRow.statistics_id == record_id)
        )
        seq = (last or 0) + 1
        self._session.add(
            InteragencyStepRow(
                statistics_id=record_id,
                seq=seq,
                step=step.step.value,
                status=step.status.value,
                version=step.version,
                at=step.at,
                agency_code=step.agency_code,
                person=step.person,
                note=step.note,
                notes=orjson.dumps([{"row": n.row, "note": n.note} for n in step.notes]).decode("utf-8"),
                statement=step.statement,
                signature=step.signature,
                key_id=step.key_id,
            )
        )
        await self._session.flush()
        return seq


async def transfer_facts(
    session: AsyncSession, agency_codes: Collection[str], start: datetime, end: datetime
) -> list[TransferFact]:
    """Transfers to ``agency_codes`` sent or registered in [start, end): what reconciliation compares."""
    if not agency_codes:
        return []
    t = TransferRow
    rows = await session.execute(
        select(t.id, t.judgment_id, t.court_code, t.received_at, t.acknowledged_at, t.returned_at).where(
            t.enforcement_agency_code.in_(sorted(agency_codes)),
            or_(
                and_(t.received_at >= start, t.received_at < end),
                and_(t.acknowledged_at >= start, t.acknowledged_at < end),
            ),
        )
    )
    return [
        TransferFact(
            transfer_id=r.id,
            judgment_id=r.judgment_id,
            court_code=r.court_code,
            sent_on=local_day(r.received_at),
            registered_on=local_day(r.acknowledged_at) if r.acknowledged_at else None,
            returned_on=local_day(r.returned_at) if r.returned_at else None,
        )
        for r in rows
    ]
