"""Agencies and the judgments registry.

Revision ID: 0001
Revises:
Create Date: 2025-11-23

On PostgreSQL, party names are also indexed by trigrams (pg_trgm) so
``LIKE '%nguyen%'`` does not scan the table. Creating the extension needs a
privilege some managed databases withhold; the search works without the index,
so its absence must not stop the migration: both steps run in DO blocks that
degrade to a NOTICE (each block is its own subtransaction, so a failure there
does not abort the migration's transaction).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILTER_COLUMNS = (
    "court_code",
    "current_court_code",
    "enforcement_agency_code",
    "enforcement_office_code",
    "procuracy_code",
    "province_code",
    "case_type",
)

CREATE_TRIGRAM_EXTENSION = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%), party search will scan', SQLERRM;
END
$$
"""

CREATE_TRIGRAM_INDEX = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS ix_judgments_party_search_trgm
            ON judgments USING gin (party_search gin_trgm_ops);
    END IF;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("province_code", sa.String(64), nullable=True),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("successor_code", sa.String(64), nullable=True),
        sa.Column("area_number", sa.Integer(), nullable=True),
        sa.Column("former_province", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
        sa.ForeignKeyConstraint(
            ["successor_code"],
            ["agencies.code"],
            name=op.f("fk_agencies_successor_code_agencies"),
            deferrable=True,
            initially="DEFERRED",
        ),
    )
    op.create_index(op.f("ix_agencies_kind"), "agencies", ["kind"])
    op.create_index(op.f("ix_agencies_province_code"), "agencies", ["province_code"])

    op.create_table(
        "judgments",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("court_code", sa.String(64), nullable=False),
        sa.Column("number", sa.String(128), nullable=False),
        sa.Column("case_type", sa.String(16), nullable=False),
        sa.Column("instance", sa.String(8), nullable=False),
        sa.Column("adjudicated_on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("current_court_code", sa.String(64), nullable=False),
        sa.Column("enforcement_agency_code", sa.String(64), nullable=False),
        sa.Column("enforcement_office_code", sa.String(64), nullable=True),
        sa.Column("procuracy_code", sa.String(64), nullable=False),
        sa.Column("province_code", sa.String(64), nullable=False),
        sa.Column("party_search", sa.Text(), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(32), server_default="registered", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgments")),
        sa.UniqueConstraint("court_code", "number", name=op.f("uq_judgments_court_code_number")),
        *(
            sa.ForeignKeyConstraint([column], ["agencies.code"], name=op.f(f"fk_judgments_{column}_agencies"))
            for column in (
                "court_code",
                "current_court_code",
                "enforcement_agency_code",
                "enforcement_office_code",
                "procuracy_code",
            )
        ),
    )
    op.create_index(op.f("ix_judgments_effective_on_id"), "judgments", ["effective_on", "id"])
    for column in FILTER_COLUMNS:
        op.create_index(op.f(f"ix_judgments_{column}_effective_on_id"), "judgments", [column, "effective_on", "id"])

    if op.get_context().dialect.name == "postgresql":
        op.execute(CREATE_TRIGRAM_EXTENSION)
        op.execute(CREATE_TRIGRAM_INDEX)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_judgments_party_search_trgm")
    for column in reversed(FILTER_COLUMNS):
        op.drop_index(op.f(f"ix_judgments_{column}_effective_on_id"), table_name="judgments")
    op.drop_index(op.f("ix_judgments_effective_on_id"), table_name="judgments")
    op.drop_table("judgments")
    op.drop_index(op.f("ix_agencies_province_code"), table_name="agencies")
    op.drop_index(op.f("ix_agencies_kind"), table_name="agencies")
    op.drop_table("agencies")
