"""Aggregates of the hub's own records for the committee report: GROUP BY in the database, never row by row.

API for exports and bench: :func:`transfer_counts`, :func:`coordination_counts`
(and :func:`decision_exceptions`). Deadline rules are not
evaluated in SQL: the caller computes, from ``domain.transfer_deadlines``' rule
book, a small table of due moments per day (``transfer_due`` keyed by legal
effect day and interim flag, ``decision_due`` keyed by the day of receipt), and
the database joins against it (``VALUES``) so one scan of the transfers counts
everything, on SQLite and PostgreSQL alike. The few transfers whose decision
deadline does not run from receipt in working days (interim measures, decisions
after a court's explanation, bankruptcy decisions) are returned as rows by
:func:`decision_exceptions`, and the few transfers of judgments enforced immediately
(whose transfer deadline runs from the judgment's date, not its legal effect) by
:func:`immediate_transfers`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Boolean, Date, and_, case, cast, column, func, literal, or_, select, values
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from domain.coordination import RequestKind, RequestStatus
from ledger.models import CoordinationRequestRow, TransferRow, UtcDateTime

VIETNAM_OFFSET = "+7 hours"  # Vietnam keeps UTC+7 all year (no daylight saving)
VIETNAM_ZONE = "Asia/Ho_Chi_Minh"

# API for exports and bench


@dataclass(frozen=True, slots=True)
class TransferCounts:
    """Transfers to one register office from one court (``court_code``) over the period."""

    office_code: str
    court_code: str
    transferred: int
    on_time: int
    late: int
    acknowledged: int
    returned: int
    decided: int
    decided_on_time: int
    decided_late: int


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    """A transfer decided in the period whose decision deadline the caller evaluates itself."""

    office_code: str
    effective_on: date
    received_at: datetime
    interim_measure: bool
    has_ex_officio: bool
    decision_date: date
    decided_at: datetime | None
    explained_at: datetime | None
    bankruptcy: bool = False


@dataclass(frozen=True, slots=True)
class ImmediateTransfer:
    """A judgment enforced immediately (Art. 2(2)(a)) received in the period: the caller assesses its transfer."""

    office_code: str
    court_code: str
    effective_on: date
    adjudicated_on: date
    received_at: datetime


@dataclass(frozen=True, slots=True)
class RequestCountsRow:
    sender_code: str
    addressee_code: str
    kind: RequestKind
    opened: int
    answered: int
    answered_late: int
    open: int
    overdue: int


def local_date(moment: datetime) -> date:
    """The Vietnamese calendar day of a UTC instant."""
    return (moment + timedelta(hours=7)).date()


def _local_day(session: AsyncSession, column: Any) -> ColumnElement[Any]:
    """The Vietnamese calendar day of a UTC timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(VIETNAM_ZONE, column), Date)
    return func.date(column, VIETNAM_OFFSET)


def _in(column: Any, codes: Collection[str] | None) -> ColumnElement[bool]:
    return literal(True) if codes is None else column.in_(sorted(codes))


async def transfer_counts(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    first_day: date,
    last_day: date,
    transfer_due: Mapping[tuple[date, bool], datetime],
    decision_due: Mapping[date, date],
    window_start: datetime,
    offices: Collection[str] | None,
) -> list[TransferCounts]:
    """Counts per (register office, court) over [``start``, ``end``) (UTC) = days ``first_day`` .. ``last_day``.

    ``transfer_due[(effective_on, interim)]``: the first instant that is late for
    the court's transfer; ``decision_due[received_day]``: the last day an
    ex-officio decision is on time. Both tables start at ``window_start`` (a
    Vietnamese midnight, in UTC), a year or more before the period: a transfer
    whose judgment took effect before it, or a decision on a transfer received
    before it, is late (every such deadline is days or weeks long). A day inside
    the window missing from a table (no rule in force) leaves its transfers
    unassessed. Decisions of interim measures, of bankruptcy decisions and after an
    explanation are not assessed here (:func:`decision_exceptions`), nor the transfer
    of a judgment enforced immediately (:func:`immediate_transfers`).
    """
    t = TransferRow
    received = and_(t.received_at >= start, t.received_at < end)
    acknowledged = and_(t.acknowledged_at >= start, t.acknowledged_at < end)
    returned = and_(t.returned_at >= start, t.returned_at < end)
    decided = and_(t.decision_date >= first_day, t.decision_date <= last_day)
    plain_decision = and_(decided, t.has_ex_officio, ~t.interim_measure, ~t.bankruptcy, t.explained_at.is_(None))
    ordinary = and_(received, ~t.enforced_immediately)  # the others' transfer deadline runs from the judgment's date

    td = (
        values(
            *(
                column("effective_on", Date()),
                column("interim", Boolean()),
                column("until", UtcDateTime()),
            ),
            name="transfer_due",
        )
        .data([(day, interim, until) for (day, interim), until in sorted(transfer_due.items())])
        .cte("transfer_due")
        if transfer_due
        else None
    )
    dd = (
        values(column("received_day", Date()), column("due", Date()), name="decision_due")
        .data(sorted(decision_due.items()))
        .cte("decision_due")
        if decision_due
        else None
    )
    received_day = _local_day(session, t.received_at)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    on_time: ColumnElement[bool]
    late: ColumnElement[bool]
    d_on_time: ColumnElement[bool]
    d_late: ColumnElement[bool]
    effective_before = t.effective_on < local_date(window_start)
    received_before = t.received_at < window_start
    if td is not None:
        on_time = ordinary & td.c.until.is_not(None) & (t.received_at < td.c.until)
        late = ordinary & or_(and_(td.c.until.is_not(None), t.received_at >= td.c.until), effective_before)
    else:
        on_time, late = literal(False), ordinary & effective_before
    if dd is not None:
        d_on_time = plain_decision & dd.c.due.is_not(None) & (t.decision_date <= dd.c.due)
        d_late = plain_decision & or_(and_(dd.c.due.is_not(None), t.decision_date > dd.c.due), received_before)
    else:
        d_on_time, d_late = literal(False), plain_decision & received_before

    query = select(
        t.register_office_code,
        t.court_code,
        count(received),
        count(on_time),
        count(late),
        count(acknowledged),
        count(returned),
        count(decided),
        count(d_on_time),
        count(d_late),
    ).select_from(t)
    if td is not None:
        query = query.outerjoin(td, and_(td.c.effective_on == t.effective_on, td.c.interim == t.interim_measure))
    if dd is not None:
        query = query.outerjoin(dd, dd.c.received_day == received_day)
    query = query.where(_in(t.register_office_code, offices), or_(received, acknowledged, returned, decided)).group_by(
        t.register_office_code, t.court_code
    )
    rows = (await session.execute(query)).all()
    return [TransferCounts(str(r[0]), str(r[1]), *(int(v) for v in r[2:])) for r in rows]


async def decision_exceptions(
    session: AsyncSession, *, first_day: date, last_day: date, offices: Collection[str] | None
) -> list[DecisionFacts]:
    """Transfers decided in the period under an interim measure, on a bankruptcy decision or after a court's
    explanation (few: ``ix_transfers_decision_exceptions``)."""
    t = TransferRow
    rows = (
        await session.execute(
            select(
                t.register_office_code,
                t.effective_on,
                t.received_at,
                t.interim_measure,
                t.has_ex_officio,
                t.decision_date,
                t.decided_at,
                t.explained_at,
                t.bankruptcy,
            ).where(
                _in(t.register_office_code, offices),
                t.decision_date >= first_day,
                t.decision_date <= last_day,
                or_(t.interim_measure, t.bankruptcy, t.explained_at.is_not(None)),
            )
        )
    ).all()
    return [
        DecisionFacts(
            office_code=row[0],
            effective_on=row[1],
            received_at=row[2],
            interim_measure=row[3],
            has_ex_officio=row[4],
            decision_date=row[5] if row[5] is not None else first_day,
            decided_at=row[6],
            explained_at=row[7],
            bankruptcy=row[8],
        )
        for row in rows
    ]


async def immediate_transfers(
    session: AsyncSession, *, start: datetime, end: datetime, offices: Collection[str] | None
) -> list[ImmediateTransfer]:
    """Judgments enforced immediately received in [``start``, ``end``) (few: ``ix_transfers_immediate``).

    The judgment's date is read from the signed submission (``adjudicatedOn``), where it is kept.
    """
    t = TransferRow
    rows = (
        await session.execute(
            select(t.register_office_code, t.court_code, t.effective_on, t.received_at, t.submission).where(
                _in(t.register_office_code, offices),
                t.enforced_immediately,
                t.received_at >= start,
                t.received_at < end,
            )
        )
    ).all()
    return [
        ImmediateTransfer(
            office_code=row[0],
            court_code=row[1],
            effective_on=row[2],
            adjudicated_on=date.fromisoformat(orjson.loads(row[4])["adjudicatedOn"]),
            received_at=row[3],
        )
        for row in rows
    ]


_WAITING = tuple(s.value for s in RequestStatus if s.is_open)


async def coordination_counts(
    session: AsyncSession, *, start: datetime, end: datetime, cut: datetime, agencies: Collection[str] | None
) -> list[RequestCountsRow]:
    """Requests opened in [``start``, ``end``) per (sender, addressee, kind), as they stood at ``cut``.

    ``agencies``: only requests whose sender or addressee is one of them (``None``: all).
    """
    r = CoordinationRequestRow
    answered = and_(r.answered_at.is_not(None), r.answered_at <= cut)
    waiting = and_(
        ~answered,
        or_(
            r.status.in_(_WAITING),
            r.answered_at > cut,
            and_(r.closed_at.is_not(None), r.closed_at > cut),
        ),
    )

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    involved: ColumnElement[bool] = (
        literal(True) if agencies is None else or_(_in(r.sender_code, agencies), _in(r.addressee_code, agencies))
    )
    rows = (
        await session.execute(
            select(
                r.sender_code,
                r.addressee_code,
                r.kind,
                func.count(),
                count(answered),
                count(and_(answered, r.answered_at > r.due_at)),
                count(waiting),
                count(and_(waiting, r.due_at < cut)),
            )
            .where(r.opened_at >= start, r.opened_at < end, involved)
            .group_by(r.sender_code, r.addressee_code, r.kind)
        )
    ).all()
    return [RequestCountsRow(str(row[0]), str(row[1]), RequestKind(row[2]), *(int(v) for v in row[3:])) for row in rows]


__all__ = [
    "DecisionFacts",
    "ImmediateTransfer",
    "RequestCountsRow",
    "TransferCounts",
    "coordination_counts",
    "decision_exceptions",
    "immediate_transfers",
    "transfer_counts",
]
