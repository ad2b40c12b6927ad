"""Transfers carry two more facts the deadlines depend on: enforced immediately, and bankruptcy (issue 16).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

A judgment enforced immediately (Law on civil judgment enforcement Art. 2(2)(a))
is transferred within 15 days of the day it is given (Art. 28(2)), not from its
legal effect; the enforcement decision on a court's bankruptcy decision is due 3
working days from receipt (Art. 36(2)(e)). The court signs both as
``enforcedImmediately`` / ``bankruptcy`` in ``submission`` (only when true); they
become columns like ``interim_measure`` (migration 0005), back-filled the same way,
so the committee report can leave these transfers to be assessed one by one:

- ``ix_transfers_decision_exceptions`` (migration 0006) is rebuilt with
  ``bankruptcy`` in its condition (``ledger.models.transfers.DECISION_EXCEPTIONS``);
- ``ix_transfers_report`` is rebuilt to include the two columns (PostgreSQL), so
  the report's scan stays index-only;
- ``ix_transfers_immediate``: received_at of the few judgments enforced immediately,
  whose transfer the report assesses one by one (a partial index, not a full scan).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = {
    "postgresql": """
        UPDATE transfers SET
            enforced_immediately = COALESCE((submission::json ->> 'enforcedImmediately')::boolean, false),
            bankruptcy = COALESCE((submission::json ->> 'bankruptcy')::boolean, false)
    """,
    "sqlite": """
        UPDATE transfers SET
            enforced_immediately = COALESCE(json_extract(submission, '$.enforcedImmediately'), 0) = 1,
            bankruptcy = COALESCE(json_extract(submission, '$.bankruptcy'), 0) = 1
    """,
}
OLD_REPORT_COLUMNS = [
    "received_at",
    "acknowledged_at",
    "returned_at",
    "decision_date",
    "effective_on",
    "interim_measure",
    "has_ex_officio",
    "explained_at",
]
REPORT_COLUMNS = [*OLD_REPORT_COLUMNS, "enforced_immediately", "bankruptcy"]
OLD_EXCEPTIONS = "interim_measure OR explained_at IS NOT NULL"
EXCEPTIONS = "interim_measure OR bankruptcy OR explained_at IS NOT NULL"


def _indexes(report_columns: list[str], exceptions: str) -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_decision_exceptions")
        batch_op.drop_index("ix_transfers_report")
        batch_op.create_index(
            "ix_transfers_report",
            ["register_office_code", "court_code"],
            unique=False,
            postgresql_include=report_columns,
        )
        batch_op.create_index(
            "ix_transfers_decision_exceptions",
            ["decision_date"],
            unique=False,
            postgresql_where=sa.text(exceptions),
            sqlite_where=sa.text(exceptions),
        )


def upgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enforced_immediately", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("bankruptcy", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(BACKFILL[op.get_bind().dialect.name])
    _indexes(REPORT_COLUMNS, EXCEPTIONS)
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transfers_immediate",
            ["received_at"],
            unique=False,
            postgresql_where=sa.text("enforced_immediately"),
            sqlite_where=sa.text("enforced_immediately"),
        )


def downgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_immediate")
    _indexes(OLD_REPORT_COLUMNS, OLD_EXCEPTIONS)
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_column("bankruptcy")
        batch_op.drop_column("enforced_immediately")
