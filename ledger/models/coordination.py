"""Coordination between agencies: agreements, their parties, requests, who sees them, their events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base


class AgreementRow(Base):
    """A coordination agreement (quy chế phối hợp) between two or more agencies.

    ``clauses`` is JSON: ``[{"title", "kind" (a request kind or null), "responseDays"}]``, the
    response times the parties agreed; ``document_sha256`` is the signed document's hash.
    """

    __tablename__ = "coordination_agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str]
    scope: Mapped[str]
    clauses: Mapped[str]  # JSON list
    document_sha256: Mapped[str] = mapped_column(String(64))
    signed_on: Mapped[date]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    registered_by: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    registered_at: Mapped[datetime]


class AgreementPartyRow(Base):
    """An agency bound by an agreement."""

    __tablename__ = "coordination_agreement_parties"

    agreement_id: Mapped[str] = mapped_column(String(36), ForeignKey("coordination_agreements.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"), primary_key=True)

    __table_args__ = (Index(None, "agency_code"),)


class CoordinationRequestRow(Base):
    """A tracked request from one agency to another, with its deadline and answer.

    ``details`` is JSON with the kind's own fields (planned day and place, reporting
    period, the sender's reply date). ``overdue_raised_at`` / ``reminded_at`` are set
    once, by a conditional UPDATE, so the OVERDUE event and the reminder are raised
    once even with several monitors.
    """

    __tablename__ = "coordination_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    sender_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    addressee_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    agreement_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("coordination_agreements.id"))
    judgment_id: Mapped[str | None] = mapped_column(String(200))
    transfer_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("transfers.id"))
    subject: Mapped[str]
    body: Mapped[str]
    details: Mapped[str]  # JSON object
    status: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[str | None]  # person
    opened_at: Mapped[datetime]
    due_at: Mapped[datetime]
    received_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    answer: Mapped[str | None]
    overdue_raised_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index(None, "status", "due_at"),
        Index(None, "transfer_id"),
        Index(None, "opened_at", "id"),
    )


class CoordinationAudienceRow(Base):
    """Who may see a request: its sender, its addressee and its observers (distribution copies).

    The primary key makes each copy exist once, however often distribution runs.
    """

    __tablename__ = "coordination_audience"

    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("coordination_requests.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # sender, addressee, observer

    __table_args__ = (Index(None, "agency_code", "request_id"),)


class CoordinationEventRow(Base):
    """An append-only event of a request: its history (who, when, a note) and the subscription stream.

    ``cursor`` comes from the ``coordination_events`` sequence, so cursors become
    visible in commit order, as for transfer events.
    """

    __tablename__ = "coordination_events"

    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("coordination_requests.id"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    actor_code: Mapped[str | None] = mapped_column(CODE)
    actor_person: Mapped[str | None]
    note: Mapped[str | None]
    payload: Mapped[str]  # JSON
    occurred_at: Mapped[datetime]

    __table_args__ = (Index(None, "request_id", "cursor"),)
