"""Coordination: agreements between agencies, tracked requests, who sees them, and their events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A request is seen by its sender, its addressee and its observers
(``coordination_audience``, one row each: distribution copies exist once).
``coordination_events`` is both a request's history and the stream behind
``coordinationEvents``; its cursor comes from the ``coordination_events``
sequence, so cursors become visible in commit order. ``transfers.explained_at``
records the court's answer to an explanation request after an UNCLEAR return.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coordination_agreements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("clauses", sa.Text(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_by"], ["agencies.code"], name=op.f("fk_coordination_agreements_registered_by_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_agreements")),
    )
    op.create_table(
        "coordination_agreement_parties",
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_coordination_agreement_parties_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["coordination_agreements.id"],
            name=op.f("fk_coordination_agreement_parties_agreement_id_coordination_agreements"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", "agency_code", name=op.f("pk_coordination_agreement_parties")),
    )
    with op.batch_alter_table("coordination_agreement_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_agreement_parties_agency_code"), ["agency_code"], unique=False
        )

    op.create_table(
        "coordination_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sender_code", sa.String(length=64), nullable=False),
        sa.Column("addressee_code", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.String(length=36), nullable=True),
        sa.Column("judgment_id", sa.String(length=200), nullable=True),
        sa.Column("transfer_id", sa.String(length=36), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("overdue_raised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressee_code"], ["agencies.code"], name=op.f("fk_coordination_requests_addressee_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["coordination_agreements.id"],
            name=op.f("fk_coordination_requests_agreement_id_coordination_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_code"], ["agencies.code"], name=op.f("fk_coordination_requests_sender_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["transfers.id"], name=op.f("fk_coordination_requests_transfer_id_transfers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_requests")),
    )
    with op.batch_alter_table("coordination_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coordination_requests_opened_at_id"), ["opened_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coordination_requests_status_due_at"), ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_coordination_requests_transfer_id"), ["transfer_id"], unique=False)

    op.create_table(
        "coordination_audience",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_coordination_audience_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["coordination_requests.id"],
            name=op.f("fk_coordination_audience_request_id_coordination_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", "agency_code", name=op.f("pk_coordination_audience")),
    )
    with op.batch_alter_table("coordination_audience", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_audience_agency_code_request_id"), ["agency_code", "request_id"], unique=False
        )

    op.create_table(
        "coordination_events",
        sa.Column("cursor", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor_code", sa.String(length=64), nullable=True),
        sa.Column("actor_person", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["coordination_requests.id"],
            name=op.f("fk_coordination_events_request_id_coordination_requests"),
        ),
        sa.PrimaryKeyConstraint("cursor", name=op.f("pk_coordination_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_coordination_events_event_id")),
    )
    with op.batch_alter_table("coordination_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_events_request_id_cursor"), ["request_id", "cursor"], unique=False
        )

    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("explained_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_column("explained_at")

    with op.batch_alter_table("coordination_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_events_request_id_cursor"))

    op.drop_table("coordination_events")
    with op.batch_alter_table("coordination_audience", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_audience_agency_code_request_id"))

    op.drop_table("coordination_audience")
    with op.batch_alter_table("coordination_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_requests_transfer_id"))
        batch_op.drop_index(batch_op.f("ix_coordination_requests_status_due_at"))
        batch_op.drop_index(batch_op.f("ix_coordination_requests_opened_at_id"))

    op.drop_table("coordination_requests")
    with op.batch_alter_table("coordination_agreement_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordination_agreement_parties_agency_code"))

    op.drop_table("coordination_agreement_parties")
    op.drop_table("coordination_agreements")
