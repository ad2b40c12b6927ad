"""Indexes for the committee report over millions of transfers (issue 7, bench ``national-report``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-16

The report (``ledger/reports.py``) counts transfers per (register office, court)
with one GROUP BY whose filter is an OR of four date ranges, so no index can
narrow it: the database reads every transfer. On PostgreSQL with a million
transfers that was a parallel scan of the 1.8 GB table, twice per report (the
period and the same period a year earlier), plus a sort spilled to disk:

- ``ix_transfers_report``: (register_office_code, court_code) INCLUDE the eight
  columns the report reads, so the scan is an index-only scan of ~110 MB, in
  group order (PostgreSQL; SQLite has no INCLUDE and gets the two key columns);
- ``ix_transfers_decision_exceptions``: decision dates of the few transfers whose
  decision deadline is evaluated row by row (interim measures, decisions after an
  explanation): a partial index instead of another full scan;
- extended statistics on (register_office_code, court_code) (PostgreSQL only, no
  model: SQLAlchemy does not describe statistics objects): without them the planner
  multiplies the two columns' distinct counts, expects ~100 000 groups instead of
  ~1 100, and sorts instead of aggregating in memory.

Measured with ``python -m bench national-report`` (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_COLUMNS = [
    "received_at",
    "acknowledged_at",
    "returned_at",
    "decision_date",
    "effective_on",
    "interim_measure",
    "has_ex_officio",
    "explained_at",
]
EXCEPTIONS = "interim_measure OR explained_at IS NOT NULL"
STATISTICS = "st_transfers_register_office_code_court_code"


def upgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transfers_report",
            ["register_office_code", "court_code"],
            unique=False,
            postgresql_include=REPORT_COLUMNS,
        )
        batch_op.create_index(
            "ix_transfers_decision_exceptions",
            ["decision_date"],
            unique=False,
            postgresql_where=sa.text(EXCEPTIONS),
            sqlite_where=sa.text(EXCEPTIONS),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE STATISTICS {STATISTICS} (ndistinct) ON register_office_code, court_code FROM transfers")
        op.execute("ANALYZE transfers")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_decision_exceptions")
        batch_op.drop_index("ix_transfers_report")
