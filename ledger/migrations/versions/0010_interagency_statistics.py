"""Interagency statistics (issue 16, TTLT 12/2021): a record per province and period, and its signed steps.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interagency_statistics",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("province_code", sa.String(length=64), nullable=False),
        sa.Column("statistical_year", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("countersign_due_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interagency_statistics")),
        sa.UniqueConstraint(
            "province_code",
            "statistical_year",
            "months",
            name=op.f("uq_interagency_statistics_province_code_statistical_year_months"),
        ),
    )
    with op.batch_alter_table("interagency_statistics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interagency_statistics_status"), ["status"], unique=False)
    op.create_table(
        "interagency_steps",
        sa.Column("statistics_id", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["statistics_id"],
            ["interagency_statistics.id"],
            name=op.f("fk_interagency_steps_statistics_id_interagency_statistics"),
        ),
        sa.PrimaryKeyConstraint("statistics_id", "seq", name=op.f("pk_interagency_steps")),
    )


def downgrade() -> None:
    op.drop_table("interagency_steps")
    with op.batch_alter_table("interagency_statistics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interagency_statistics_status"))
    op.drop_table("interagency_statistics")
