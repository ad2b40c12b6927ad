"""The committee report's monthly summary of transfers, kept by triggers (issue 17).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

The national annual report over a million transfers scanned them all (twice: the period and the
year before); it must answer in under a second. ``report_transfer_months`` holds its figures per
Vietnamese calendar month, register office and court; triggers on ``transfers`` keep it in every
writing transaction (insert, update of a column the report reads, delete), on both databases.
Lateness is measured against ``report_deadlines`` (one row per day, written by the report from the
configured rule book, which the database cannot compute). ``ledger/report_summary.py`` explains the
figures; this migration keeps its own copy of the SQL, as of this revision.

Back-fill: the summary is counted from the existing transfers here, against an empty
``report_deadlines`` (the rule book is configuration, not in the database): the counts are
complete, lateness is not yet measured. The first report after the upgrade stores the deadlines
of its days and recounts the summary in the same transaction (seconds on a million transfers, once).

On SQLite a later batch-mode migration that rebuilds ``transfers`` drops these triggers with the old
table and must create them again (as for ``audit_log``, migration 0003).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONTH_COUNTS: Final = (
    "transferred",
    "on_time",
    "late",
    "acknowledged",
    "returned",
    "decided",
    "decided_on_time",
    "decided_late",
)
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


def trigger_ddl(dialect: str) -> list[str]:
    """The triggers that keep the summary (what migration 0013 creates)."""
    watched = (
        "register_office_code",
        "court_code",
        "received_at",
        "acknowledged_at",
        "returned_at",
        "decision_date",
        "effective_on",
        "interim_measure",
        "has_ex_officio",
        "explained_at",
        "enforced_immediately",
        "bankruptcy",
    )
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


def upgrade() -> None:
    op.create_table(
        "report_deadlines",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("transfer_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interim_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_due", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_deadlines")),
    )
    op.create_table(
        "report_transfer_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("office_code", sa.String(length=64), nullable=False),
        sa.Column("court_code", sa.String(length=64), nullable=False),
        *(sa.Column(c, sa.Integer(), server_default=sa.text("0"), nullable=False) for c in MONTH_COUNTS),
        sa.PrimaryKeyConstraint("month", "office_code", "court_code", name=op.f("pk_report_transfer_months")),
    )
    dialect = op.get_context().dialect.name
    columns = ", ".join(MONTH_COUNTS)
    op.execute(
        f"INSERT INTO report_transfer_months (month, office_code, court_code, {columns})\n{recount_sql(dialect)}"
    )
    for statement in trigger_ddl(dialect):
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS report_transfer_months_on_update ON transfers")
        op.execute("DROP TRIGGER IF EXISTS report_transfer_months_on_write ON transfers")
        op.execute("DROP FUNCTION IF EXISTS report_transfer_months_keep()")
    else:
        for name in ("on_update", "on_delete", "on_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS report_transfer_months_{name}")
    op.drop_table("report_transfer_months")
    op.drop_table("report_deadlines")
