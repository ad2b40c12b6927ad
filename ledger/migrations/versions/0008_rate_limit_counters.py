"""Rate-limit counters in the database, so replicas share one budget per client (issue 14).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

One row per client key (``ledger/rate_counters.py``), updated by every request when
``LIENTHONG_RATE_LIMIT_STORAGE`` is ``database`` (the default on PostgreSQL). On PostgreSQL
the table is UNLOGGED (the counts are worth nothing after a crash, so no request writes WAL
for them) with fillfactor 70, so the constant updates stay HOT (no index is touched: the only
index is the primary key, which never changes). No index on ``expires_at``: the prune every
minute scans a table of the clients seen in the last seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counters",
        sa.Column("client_key", sa.Text(), nullable=False),
        sa.Column("window_index", sa.BigInteger(), nullable=False),
        sa.Column("previous_hits", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("client_key", name=op.f("pk_rate_limit_counters")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_counters SET UNLOGGED")
        op.execute("ALTER TABLE rate_limit_counters SET (fillfactor = 70)")


def downgrade() -> None:
    op.drop_table("rate_limit_counters")
