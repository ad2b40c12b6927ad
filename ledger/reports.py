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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import TypeEngine

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


async def without_jit(session: AsyncSession) -> None:
    """Switch PostgreSQL's JIT off for the rest of the session's transaction (``SET LOCAL``).

    The report's aggregates cost enough to pass ``jit_above_cost``, and compiling them took
    70-100 ms of each ~0.5 s (bench/README.md, national-report) for no gain at this size.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))


def _in(column: Any, codes: Collection[str] | None) -> ColumnElement[bool]:
    return literal(True) if codes is None else column.in_(sorted(codes))


@dataclass(frozen=True, slots=True)
class CountWindow:
    """One period of :func:`transfer_counts_by_period`: [``start``, ``end``) in UTC = days ``first_day`` ..
    ``last_day``; ``window_start`` (a Vietnamese midnight, in UTC, a year or more before the period): a transfer
    whose judgment took effect before it, or a decision on a transfer received before it, is late."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date
    window_start: datetime


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
    """Counts per (register office, court) over one period (:func:`transfer_counts_by_period`)."""
    window = CountWindow(start, end, first_day, last_day, window_start)
    (counts,) = await transfer_counts_by_period(
        session, periods=[window], transfer_due=transfer_due, decision_due=decision_due, offices=offices
    )
    return counts


async def transfer_counts_by_period(
    session: AsyncSession,
    *,
    periods: Sequence[CountWindow],
    transfer_due: Mapping[tuple[date, bool], datetime],
    decision_due: Mapping[date, date],
    offices: Collection[str] | None,
) -> list[list[TransferCounts]]:
    """Counts per (register office, court) for each of ``periods``, in one scan of the transfers.

    ``transfer_due[(effective_on, interim)]``: the first instant that is late for
    the court's transfer; ``decision_due[received_day]``: the last day an
    ex-officio decision is on time. For each period only the days from its
    ``window_start`` to its ``last_day`` count (the tables may span several
    periods): a transfer whose judgment took effect before the window, or a
    decision on a transfer received before it, is late (every such deadline is
    days or weeks long). A day inside the window missing from a table (no rule in
    force) leaves its transfers unassessed. Decisions of interim measures, of
    bankruptcy decisions and after an explanation are not assessed here
    (:func:`decision_exceptions`), nor the transfer of a judgment enforced
    immediately (:func:`immediate_transfers`).

    The tables travel as one JSON parameter each (``json_to_recordset`` on PostgreSQL,
    ``json_each`` on SQLite), not as thousands of bound values.
    """
    t = TransferRow
    td = _due_table(
        session,
        "transfer_due",
        [("effective_on", Date()), ("interim", Boolean()), ("until", UtcDateTime())],
        [(day, interim, until) for (day, interim), until in sorted(transfer_due.items())],
    )
    dd = _due_table(session, "decision_due", [("received_day", Date()), ("due", Date())], sorted(decision_due.items()))
    received_day = _local_day(session, t.received_at)
    plain = and_(t.has_ex_officio, ~t.interim_measure, ~t.bankruptcy, t.explained_at.is_(None))

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count().filter(condition)

    measures: list[ColumnElement[int]] = []
    anywhere: list[ColumnElement[bool]] = []
    for p in periods:
        window_day, last_day = local_date(p.window_start), p.last_day
        received = and_(t.received_at >= p.start, t.received_at < p.end)
        acknowledged = and_(t.acknowledged_at >= p.start, t.acknowledged_at < p.end)
        returned = and_(t.returned_at >= p.start, t.returned_at < p.end)
        decided = and_(t.decision_date >= p.first_day, t.decision_date <= p.last_day)
        plain_decision = and_(decided, plain)
        ordinary = and_(
            received, ~t.enforced_immediately
        )  # the others' transfer deadline runs from the judgment's date
        on_time: ColumnElement[bool]
        late: ColumnElement[bool]
        d_on_time: ColumnElement[bool]
        d_late: ColumnElement[bool]
        effective_before = t.effective_on < window_day
        received_before = t.received_at < p.window_start
        if td is not None:
            due = and_(td.c.until.is_not(None), td.c.effective_on >= window_day, td.c.effective_on <= last_day)
            on_time = ordinary & due & (t.received_at < td.c.until)
            late = ordinary & or_(and_(due, t.received_at >= td.c.until), effective_before)
        else:
            on_time, late = literal(False), ordinary & effective_before
        if dd is not None:
            due = and_(dd.c.due.is_not(None), dd.c.received_day >= window_day, dd.c.received_day <= last_day)
            d_on_time = plain_decision & due & (t.decision_date <= dd.c.due)
            d_late = plain_decision & or_(and_(due, t.decision_date > dd.c.due), received_before)
        else:
            d_on_time, d_late = literal(False), plain_decision & received_before
        measures += [
            count(received),
            count(on_time),
            count(late),
            count(acknowledged),
            count(returned),
            count(decided),
            count(d_on_time),
            count(d_late),
        ]
        anywhere += [received, acknowledged, returned, decided]

    query = select(t.register_office_code, t.court_code, *measures).select_from(t)
    if td is not None:
        query = query.outerjoin(td, and_(td.c.effective_on == t.effective_on, td.c.interim == t.interim_measure))
    if dd is not None:
        query = query.outerjoin(dd, dd.c.received_day == received_day)
    query = query.where(_in(t.register_office_code, offices), or_(*anywhere)).group_by(
        t.register_office_code, t.court_code
    )
    rows = (await session.execute(query)).all()
    out: list[list[TransferCounts]] = [[] for _ in periods]
    for r in rows:
        for i, counts in enumerate(out):
            values_ = [int(v) for v in r[2 + 8 * i : 10 + 8 * i]]
            if any(values_[j] for j in (0, 3, 4, 5)):  # received, acknowledged, returned or decided in this period
                counts.append(TransferCounts(str(r[0]), str(r[1]), *values_))
    return out


def _due_table(
    session: AsyncSession, name: str, columns: Sequence[tuple[str, TypeEngine[Any]]], rows: Sequence[Sequence[Any]]
) -> Any:
    """A small table of due moments as one JSON parameter: a ``json_to_recordset`` (PostgreSQL) or
    ``json_each`` (SQLite) CTE with ``columns``; ``None`` when there are no ``rows``."""
    if not rows:
        return None
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        records = [{c: _json_value(v) for (c, _), v in zip(columns, row, strict=True)} for row in rows]
        return (
            func.json_to_recordset(cast(bindparam(name, orjson.dumps(records).decode(), type_=Text()), JSON()))
            .table_valued(*(column(c, type_) for c, type_ in columns))
            .render_derived(name=name, with_types=True)
        )
    # SQLite: values as stored (the column types' own bind processing), compared as stored
    processors = [type_.bind_processor(dialect) for _, type_ in columns]
    data = [[p(v) if p is not None else v for p, v in zip(processors, row, strict=True)] for row in rows]
    each = func.json_each(bindparam(name, orjson.dumps(data, default=str).decode(), type_=Text())).table_valued("value")
    return (
        select(*(func.json_extract(each.c.value, f"$[{i}]").label(c) for i, (c, _) in enumerate(columns)))
        .select_from(each)
        .cte(name)
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


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
_REQUEST_KINDS: dict[object, RequestKind] = {k.value: k for k in RequestKind}


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
    kinds = _REQUEST_KINDS  # a dict look-up instead of the enum's constructor: ≈ 20 000 rows per national period
    return [
        RequestCountsRow(
            str(sender),
            str(addressee),
            kinds.get(kind) or RequestKind(kind),
            int(opened),
            int(answered),
            int(late),
            int(waiting),
            int(overdue),
        )
        for sender, addressee, kind, opened, answered, late, waiting, overdue in rows
    ]


__all__ = [
    "CountWindow",
    "DecisionFacts",
    "ImmediateTransfer",
    "RequestCountsRow",
    "TransferCounts",
    "coordination_counts",
    "decision_exceptions",
    "immediate_transfers",
    "transfer_counts",
    "transfer_counts_by_period",
    "without_jit",
]
