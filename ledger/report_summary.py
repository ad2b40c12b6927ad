"""The committee report's monthly summary of transfers: what it holds, how it is rebuilt, how it is read.

``report_transfer_months`` (:class:`~ledger.models.report_summary.TransferMonthRow`) holds, per
Vietnamese calendar month, register office and court, the figures :func:`ledger.reports.transfer_counts`
counts by scanning the transfers. Triggers on ``transfers`` (migration 0013) keep it in the writing
transaction: every insert, update or delete of a transfer takes its old contributions off and adds
its new ones, whichever code writes (the ledger's use cases, a test's direct UPDATE, an operator's
fix). A report over whole months then reads a few thousand summary rows instead of a million
transfers.

Deadlines are configuration (``domain.transfer_deadlines``' rule book and working calendar), so the
triggers read them from ``report_deadlines``, one row per day, which the report writes
(:func:`write_deadlines`): when what it computes for its days differs from what is stored, it
rewrites those days and :func:`rebuild`\\ s the summary from the transfers in the same transaction.

A transfer's contribution (:func:`contributions`, the same SQL in the triggers and in the recount):

- month of receipt: transferred; unless enforced immediately (assessed one by one), on time when
  received before the due instant of its effective day (``interim_until`` for an interim measure),
  late when at or after it, or when no due instant is stored and the judgment took effect before
  the day of receipt (an old judgment: the report's window rule);
- months of acknowledgement and of (the latest) return;
- month of the decision's date: decided; for a plain ex-officio decision (no interim measure, no
  bankruptcy, no explanation) on time or late against the due day of the day of receipt, late when
  none is stored and the transfer was received before the decision's day.

These equal the scan's figures for a period whose days from a year before it to its end all have
every rule, stored as computed (:func:`ledger.reports.transfer_counts` checks nothing of this; the
report does, ``resolvers.reports``), given what the hub's write path guarantees: a judgment takes
effect no later than the day it is received, a decision is dated no earlier than the receipt, and
every deadline is shorter than a year (longer ones are stored as none, and the report then scans).
``tests/ledger/test_report_summary.py`` checks the summary against :func:`recount` after a varied
series of writes, and the report from the summary against the report from the scan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.models.report_summary import MONTH_COUNTS, ReportDeadlineRow, TransferMonthRow
from ledger.models.transfers import REPORT_COLUMNS
from ledger.reports import TransferCounts

# API for the report, the bench and the tests

Deadlines = tuple[datetime | None, datetime | None, date | None]
"""(transfer_until, interim_until, decision_due) of one day: :class:`ReportDeadlineRow`."""

VIETNAM_ZONE: Final = "Asia/Ho_Chi_Minh"


def _local_day(dialect: str, moment: str) -> str:
    if dialect == "postgresql":
        return f"CAST(timezone('{VIETNAM_ZONE}', {moment}) AS DATE)"
    return f"date({moment}, '+7 hours')"


def _local_month(dialect: str, moment: str) -> str:
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', timezone('{VIETNAM_ZONE}', {moment})) AS DATE)"
    return f"date({moment}, '+7 hours', 'start of month')"


def _month_of_date(dialect: str, day: str) -> str:
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', {day}) AS DATE)"
    return f"date({day}, 'start of month')"


def contributions(dialect: str, r: str, source: str = "") -> str:
    """SELECT (month, office_code, court_code, *MONTH_COUNTS) of the transfer(s) ``r``: ``NEW``/``OLD`` in a
    trigger (``source`` empty), or an alias of ``transfers`` named in ``source`` (``FROM transfers AS r``)."""
    received_day = _local_day(dialect, f"{r}.received_at")
    deadline = "SELECT {column} FROM report_deadlines WHERE report_deadlines.day = {day}"
    until = (
        f"CASE WHEN {r}.interim_measure THEN ({deadline.format(column='interim_until', day=f'{r}.effective_on')}) "
        f"ELSE ({deadline.format(column='transfer_until', day=f'{r}.effective_on')}) END"
    )
    due = f"({deadline.format(column='decision_due', day=received_day)})"
    ordinary = f"NOT {r}.enforced_immediately"
    on_time = f"CASE WHEN {ordinary} AND {r}.received_at < ({until}) THEN 1 ELSE 0 END"
    late = (
        f"CASE WHEN {ordinary} AND ({r}.received_at >= ({until}) "
        f"OR (({until}) IS NULL AND {r}.effective_on < {received_day})) THEN 1 ELSE 0 END"
    )
    plain = f"{r}.has_ex_officio AND NOT {r}.interim_measure AND NOT {r}.bankruptcy AND {r}.explained_at IS NULL"
    d_on_time = f"CASE WHEN {plain} AND {r}.decision_date <= {due} THEN 1 ELSE 0 END"
    d_late = (
        f"CASE WHEN {plain} AND ({r}.decision_date > {due} "
        f"OR ({due} IS NULL AND {received_day} < {r}.decision_date)) THEN 1 ELSE 0 END"
    )
    keys = f"{r}.register_office_code AS office_code, {r}.court_code AS court_code"
    where = "WHERE" if not source else f"{source} WHERE"
    parts = [
        f"SELECT {_local_month(dialect, f'{r}.received_at')} AS month, {keys}, 1 AS transferred, "
        f"{on_time} AS on_time, {late} AS late, 0 AS acknowledged, 0 AS returned, 0 AS decided, "
        f"0 AS decided_on_time, 0 AS decided_late {where} {r}.received_at IS NOT NULL",
        f"SELECT {_local_month(dialect, f'{r}.acknowledged_at')}, {keys}, 0, 0, 0, 1, 0, 0, 0, 0 "
        f"{where} {r}.acknowledged_at IS NOT NULL",
        f"SELECT {_local_month(dialect, f'{r}.returned_at')}, {keys}, 0, 0, 0, 0, 1, 0, 0, 0 "
        f"{where} {r}.returned_at IS NOT NULL",
        f"SELECT {_month_of_date(dialect, f'{r}.decision_date')}, {keys}, 0, 0, 0, 0, 0, 1, {d_on_time}, {d_late} "
        f"{where} {r}.decision_date IS NOT NULL",
    ]
    return "\nUNION ALL\n".join(parts)


def grouped(dialect: str, r: str, source: str = "", sign: int = 1) -> str:
    """:func:`contributions` summed per (month, office, court), times ``sign``, in key order."""
    sums = ", ".join(f"{sign} * SUM({c}) AS {c}" for c in MONTH_COUNTS)
    return (
        f"SELECT month, office_code, court_code, {sums} FROM (\n{contributions(dialect, r, source)}\n) AS c "  # noqa: S608 (our own fragments)
        "WHERE true GROUP BY month, office_code, court_code ORDER BY month, office_code, court_code"
    )


def upsert(dialect: str, r: str, sign: int) -> str:
    """Add (``sign`` 1) or take off (-1) the contributions of the trigger's row ``r`` (``NEW``/``OLD``)."""
    columns = ", ".join(MONTH_COUNTS)
    updates = ", ".join(f"{c} = report_transfer_months.{c} + excluded.{c}" for c in MONTH_COUNTS)
    return (
        f"INSERT INTO report_transfer_months (month, office_code, court_code, {columns})\n"
        f"{grouped(dialect, r, sign=sign)}\n"
        f"ON CONFLICT (month, office_code, court_code) DO UPDATE SET {updates}"
    )


def recount_sql(dialect: str) -> str:
    """The summary recounted from the transfers (what the triggers should have kept)."""
    return grouped(dialect, "r", "FROM transfers AS r")


async def recount(session: AsyncSession) -> dict[tuple[date, str, str], tuple[int, ...]]:
    """Every (month, office, court) with a figure, recounted from the transfers."""
    rows = (await session.execute(text(recount_sql(_dialect(session))))).all()
    return {(_as_date(r[0]), str(r[1]), str(r[2])): tuple(int(v) for v in r[3:]) for r in rows}


async def stored(session: AsyncSession) -> dict[tuple[date, str, str], tuple[int, ...]]:
    """Every (month, office, court) of the summary with a figure other than 0."""
    m = TransferMonthRow
    rows = (
        await session.execute(select(m.month, m.office_code, m.court_code, *(getattr(m, c) for c in MONTH_COUNTS)))
    ).all()
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows if any(r[3:])}


async def rebuild(session: AsyncSession) -> None:
    """Recount the whole summary from the transfers (in the caller's write transaction).

    On PostgreSQL the summary is locked first, so a transfer written meanwhile either commits before the
    recount reads (and is in it) or adds its figures after it.
    """
    dialect = _dialect(session)
    if dialect == "postgresql":
        await session.execute(text("LOCK TABLE report_transfer_months IN EXCLUSIVE MODE"))
    await session.execute(delete(TransferMonthRow))
    columns = ", ".join(MONTH_COUNTS)
    await session.execute(
        text(f"INSERT INTO report_transfer_months (month, office_code, court_code, {columns})\n{recount_sql(dialect)}")
    )


async def stored_deadlines(session: AsyncSession, first: date, last: date) -> dict[date, Deadlines]:
    """The deadlines stored for days ``first`` .. ``last``."""
    d = ReportDeadlineRow
    rows = await session.execute(
        select(d.day, d.transfer_until, d.interim_until, d.decision_due).where(d.day >= first, d.day <= last)
    )
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


async def write_deadlines(session: AsyncSession, deadlines: Mapping[date, Deadlines]) -> None:
    """Store these days' deadlines (replacing what was stored for them), then :func:`rebuild` the summary."""
    if _dialect(session) == "postgresql":
        await session.execute(text("LOCK TABLE report_transfer_months IN EXCLUSIVE MODE"))
    d = ReportDeadlineRow
    await session.execute(delete(d).where(d.day.in_(sorted(deadlines))))
    rows = [
        {"day": day, "transfer_until": t, "interim_until": i, "decision_due": due}
        for day, (t, i, due) in sorted(deadlines.items())
    ]
    for start in range(0, len(rows), 500):
        await session.execute(insert(d), rows[start : start + 500])
    await rebuild(session)


async def month_counts(
    session: AsyncSession, *, first_month: date, last_month: date, offices: Collection[str] | None
) -> list[TransferCounts]:
    """The summary's figures per (register office, court) over the months ``first_month`` .. ``last_month``."""
    m = TransferMonthRow
    query = (
        select(m.office_code, m.court_code, *(func.sum(getattr(m, c)) for c in MONTH_COUNTS))
        .where(m.month >= first_month, m.month <= last_month)
        .group_by(m.office_code, m.court_code)
    )
    if offices is not None:
        query = query.where(m.office_code.in_(sorted(offices)))
    out = []
    for r in (await session.execute(query)).all():
        figures = [int(v or 0) for v in r[2:]]
        if any(figures[i] for i in (0, 3, 4, 5)):  # as the scan: only pairs with something in the period
            out.append(TransferCounts(str(r[0]), str(r[1]), *figures))
    return out


def trigger_ddl(dialect: str) -> list[str]:
    """The triggers that keep the summary (what migration 0013 creates)."""
    watched = ("register_office_code", "court_code", *REPORT_COLUMNS)
    if dialect == "postgresql":
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
        return [
            "CREATE FUNCTION report_transfer_months_keep() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"    IF TG_OP IN ('UPDATE', 'DELETE') THEN\n{upsert(dialect, 'OLD', -1)};\n    END IF;\n"
            f"    IF TG_OP IN ('INSERT', 'UPDATE') THEN\n{upsert(dialect, 'NEW', 1)};\n    END IF;\n"
            "    RETURN NULL;\n"
            "END\n$$",
            "CREATE TRIGGER report_transfer_months_on_write AFTER INSERT OR DELETE ON transfers "
            "FOR EACH ROW EXECUTE FUNCTION report_transfer_months_keep()",
            f"CREATE TRIGGER report_transfer_months_on_update AFTER UPDATE ON transfers FOR EACH ROW WHEN ({changed}) "
            "EXECUTE FUNCTION report_transfer_months_keep()",
        ]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
    return [
        f"CREATE TRIGGER report_transfer_months_on_insert AFTER INSERT ON transfers BEGIN\n{upsert(dialect, 'NEW', 1)};\nEND",
        f"CREATE TRIGGER report_transfer_months_on_delete AFTER DELETE ON transfers BEGIN\n{upsert(dialect, 'OLD', -1)};\nEND",
        f"CREATE TRIGGER report_transfer_months_on_update AFTER UPDATE ON transfers WHEN {changed} BEGIN\n"
        f"{upsert(dialect, 'OLD', -1)};\n{upsert(dialect, 'NEW', 1)};\nEND",
    ]


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


__all__ = [
    "Deadlines",
    "contributions",
    "month_counts",
    "rebuild",
    "recount",
    "recount_sql",
    "stored",
    "stored_deadlines",
    "trigger_ddl",
    "write_deadlines",
]
