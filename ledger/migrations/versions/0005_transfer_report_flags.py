"""Transfers carry the two facts reports group by: interim measure, and any ex-officio obligation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-15

Both were only inside ``submission`` (the JSON the court signed); the committee
report counts decisions against the decision deadline, which depends on them,
with one GROUP BY over up to millions of transfers, so they become columns
(written with the transfer, back-filled here from ``submission``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = {
    "postgresql": """
        UPDATE transfers SET
            interim_measure = COALESCE((submission::json ->> 'interimMeasure')::boolean, false),
            has_ex_officio = EXISTS (
                SELECT 1 FROM json_array_elements(COALESCE(submission::json -> 'obligations', '[]'::json)) AS o
                WHERE COALESCE((o ->> 'exOfficio')::boolean, false)
            )
    """,
    "sqlite": """
        UPDATE transfers SET
            interim_measure = COALESCE(json_extract(submission, '$.interimMeasure'), 0) = 1,
            has_ex_officio = EXISTS (
                SELECT 1 FROM json_each(submission, '$.obligations') AS o
                WHERE json_extract(o.value, '$.exOfficio') = 1
            )
    """,
}


def upgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interim_measure", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("has_ex_officio", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_column("has_ex_officio")
        batch_op.drop_column("interim_measure")
