"""Agencies carry their province's administrative-unit code (mã đơn vị hành chính) beside the slug (issue 16).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null until the reference data is seeded again (every start-up does: ledger.reference.seed_agencies).
    op.add_column("agencies", sa.Column("administrative_unit_code", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("administrative_unit_code")
