"""The transfer ledger: court keys, transfers, events, register counters, webhooks, outbox, alerts, audit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Event cursors and audit sequence numbers come from the ``sequences`` table
(taken under a row lock in the writing transaction), not from autoincrement,
so they become visible in order. See ledger/models.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("person", sa.Text(), nullable=True),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("object_ids", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "sequences",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sequences")),
    )
    op.create_table(
        "court_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("court_code", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["court_code"], ["agencies.code"], name=op.f("fk_court_keys_court_code_agencies")),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_court_keys")),
    )
    with op.batch_alter_table("court_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_court_keys_court_code"), ["court_code"], unique=False)

    op.create_table(
        "register_counters",
        sa.Column("office_code", sa.String(length=64), nullable=False),
        sa.Column("statistical_year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_code"], ["agencies.code"], name=op.f("fk_register_counters_office_code_agencies")
        ),
        sa.PrimaryKeyConstraint("office_code", "statistical_year", name=op.f("pk_register_counters")),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_code"], ["agencies.code"], name=op.f("fk_webhooks_agency_code_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhooks_agency_code"), ["agency_code"], unique=False)

    op.create_table(
        "transfers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("judgment_id", sa.String(length=200), nullable=False),
        sa.Column("court_code", sa.String(length=64), nullable=False),
        sa.Column("enforcement_agency_code", sa.String(length=64), nullable=False),
        sa.Column("enforcement_office_code", sa.String(length=64), nullable=True),
        sa.Column("procuracy_code", sa.String(length=64), nullable=False),
        sa.Column("register_office_code", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("submission", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=False),
        sa.Column("receipt_signature", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("register_year", sa.Integer(), nullable=True),
        sa.Column("register_number", sa.Integer(), nullable=True),
        sa.Column("decision_number", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decision_kind", sa.String(length=32), nullable=True),
        sa.Column("officer", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.String(length=32), nullable=True),
        sa.Column("return_note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["court_code"], ["agencies.code"], name=op.f("fk_transfers_court_code_agencies")),
        sa.ForeignKeyConstraint(
            ["enforcement_agency_code"], ["agencies.code"], name=op.f("fk_transfers_enforcement_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["enforcement_office_code"], ["agencies.code"], name=op.f("fk_transfers_enforcement_office_code_agencies")
        ),
        sa.ForeignKeyConstraint(["judgment_id"], ["judgments.id"], name=op.f("fk_transfers_judgment_id_judgments")),
        sa.ForeignKeyConstraint(["key_id"], ["court_keys.key_id"], name=op.f("fk_transfers_key_id_court_keys")),
        sa.ForeignKeyConstraint(
            ["procuracy_code"], ["agencies.code"], name=op.f("fk_transfers_procuracy_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["register_office_code"], ["agencies.code"], name=op.f("fk_transfers_register_office_code_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_transfers_idempotency_key")),
        sa.UniqueConstraint(
            "register_office_code",
            "register_year",
            "register_number",
            name=op.f("uq_transfers_register_office_code_register_year_register_number"),
        ),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transfers_court_code_received_at"), ["court_code", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transfers_enforcement_agency_code_status_received_at"),
            ["enforcement_agency_code", "status", "received_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_transfers_judgment_id"), ["judgment_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_transfers_procuracy_code_received_at"), ["procuracy_code", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transfers_register_office_code_status_received_at"),
            ["register_office_code", "status", "received_at"],
            unique=False,
        )

    op.create_table(
        "deadline_alerts",
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("rule_key", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["transfers.id"], name=op.f("fk_deadline_alerts_transfer_id_transfers")
        ),
        sa.PrimaryKeyConstraint("transfer_id", "rule_key", name=op.f("pk_deadline_alerts")),
    )
    op.create_table(
        "transfer_events",
        sa.Column("cursor", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("office_code", sa.String(length=64), nullable=False),
        sa.Column("enforcement_agency_code", sa.String(length=64), nullable=False),
        sa.Column("court_code", sa.String(length=64), nullable=False),
        sa.Column("procuracy_code", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["transfers.id"], name=op.f("fk_transfer_events_transfer_id_transfers")
        ),
        sa.PrimaryKeyConstraint("cursor", name=op.f("pk_transfer_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_transfer_events_event_id")),
    )
    with op.batch_alter_table("transfer_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transfer_events_court_code_cursor"), ["court_code", "cursor"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transfer_events_enforcement_agency_code_cursor"),
            ["enforcement_agency_code", "cursor"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_transfer_events_office_code_cursor"), ["office_code", "cursor"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transfer_events_procuracy_code_cursor"), ["procuracy_code", "cursor"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_transfer_events_transfer_id_cursor"), ["transfer_id", "cursor"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_cursor", sa.BigInteger(), nullable=False),
        sa.Column("webhook_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_cursor"], ["transfer_events.cursor"], name=op.f("fk_outbox_event_cursor_transfer_events")
        ),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], name=op.f("fk_outbox_webhook_id_webhooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_status_next_attempt_at"), ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_webhook_id_status"), ["webhook_id", "status"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_webhook_id_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_status_next_attempt_at"))

    op.drop_table("outbox")
    with op.batch_alter_table("transfer_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfer_events_transfer_id_cursor"))
        batch_op.drop_index(batch_op.f("ix_transfer_events_procuracy_code_cursor"))
        batch_op.drop_index(batch_op.f("ix_transfer_events_office_code_cursor"))
        batch_op.drop_index(batch_op.f("ix_transfer_events_enforcement_agency_code_cursor"))
        batch_op.drop_index(batch_op.f("ix_transfer_events_court_code_cursor"))

    op.drop_table("transfer_events")
    op.drop_table("deadline_alerts")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfers_register_office_code_status_received_at"))
        batch_op.drop_index(batch_op.f("ix_transfers_procuracy_code_received_at"))
        batch_op.drop_index(batch_op.f("ix_transfers_judgment_id"))
        batch_op.drop_index(batch_op.f("ix_transfers_enforcement_agency_code_status_received_at"))
        batch_op.drop_index(batch_op.f("ix_transfers_court_code_received_at"))

    op.drop_table("transfers")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhooks_agency_code"))

    op.drop_table("webhooks")
    op.drop_table("register_counters")
    with op.batch_alter_table("court_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_court_keys_court_code"))

    op.drop_table("court_keys")
    op.drop_table("sequences")
    op.drop_table("audit_log")
