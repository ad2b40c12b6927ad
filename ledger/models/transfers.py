"""Transfers of judgments to enforcement: the transfer, its events and its deadline alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base

REPORT_COLUMNS: Final = (
    "received_at",
    "acknowledged_at",
    "returned_at",
    "decision_date",
    "effective_on",
    "interim_measure",
    "has_ex_officio",
    "explained_at",
    "enforced_immediately",
    "bankruptcy",
)
"""What the committee report reads of a transfer besides its office and court (``ix_transfers_report``)."""
DECISION_EXCEPTIONS: Final = "interim_measure OR bankruptcy OR explained_at IS NOT NULL"
"""Transfers whose decision deadline the report assesses one by one (``ix_transfers_decision_exceptions``)."""


class TransferRow(Base):
    """One electronic transfer of a judgment from a court to an enforcement agency.

    ``idempotency_key`` (court + judgment number) makes a resubmission return
    this row instead of creating another. ``register_office_code`` is where
    the judgment is entered in the receipt register (the area office, or the
    provincial agency when there is none); the register number is unique per
    office and statistical year.
    """

    __tablename__ = "transfers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    judgment_id: Mapped[str] = mapped_column(String(200), ForeignKey("judgments.id"))
    court_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    enforcement_agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    enforcement_office_code: Mapped[str | None] = mapped_column(CODE, ForeignKey("agencies.code"))
    procuracy_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    register_office_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    status: Mapped[str] = mapped_column(String(32))
    effective_on: Mapped[date]
    content_sha256: Mapped[str] = mapped_column(String(64))
    document_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32), ForeignKey("court_keys.key_id"))
    signature: Mapped[str]
    submission: Mapped[str]  # canonical JSON of what the court signed
    received_at: Mapped[datetime]
    receipt: Mapped[str]  # canonical JSON of the submission receipt
    receipt_signature: Mapped[str]
    acknowledged_at: Mapped[datetime | None]
    register_year: Mapped[int | None]
    register_number: Mapped[int | None]
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decision_date: Mapped[date | None]
    decision_kind: Mapped[str | None] = mapped_column(String(32))
    officer: Mapped[str | None]
    decided_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(String(32))
    return_note: Mapped[str | None]
    explained_at: Mapped[datetime | None]  # the court answered the explanation request after an UNCLEAR return
    updated_at: Mapped[datetime]
    # from ``submission``, as columns so reports can group by them (migration 0005)
    interim_measure: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    has_ex_officio: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Art. 2(2)(a) and bankruptcy decisions (Art. 36(2)(e)): deadlines the report assesses one by one (migration 0012)
    enforced_immediately: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    bankruptcy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        UniqueConstraint("register_office_code", "register_year", "register_number"),
        Index(None, "register_office_code", "status", "received_at"),
        Index(None, "enforcement_agency_code", "status", "received_at"),
        Index(None, "court_code", "received_at"),
        Index(None, "procuracy_code", "received_at"),
        Index(None, "judgment_id"),
        # the committee report (migration 0006): an index-only scan in group order instead of the whole table,
        # and the few decisions it assesses row by row
        Index("ix_transfers_report", "register_office_code", "court_code", postgresql_include=list(REPORT_COLUMNS)),
        Index(
            "ix_transfers_decision_exceptions",
            "decision_date",
            postgresql_where=text(DECISION_EXCEPTIONS),
            sqlite_where=text(DECISION_EXCEPTIONS),
        ),
        # the few judgments enforced immediately, whose transfer the report assesses one by one (migration 0012)
        Index(
            "ix_transfers_immediate",
            "received_at",
            postgresql_where=text("enforced_immediately"),
            sqlite_where=text("enforced_immediately"),
        ),
    )


class TransferEventRow(Base):
    """An append-only event of a transfer. ``cursor`` increases in commit order.

    Cursors are taken from :class:`SequenceRow` inside the writing transaction
    (a row lock on PostgreSQL, the database lock on SQLite), so an event with a
    smaller cursor can never become visible after one with a larger cursor: a
    subscriber resuming "after N" misses nothing.
    """

    __tablename__ = "transfer_events"

    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    transfer_id: Mapped[str] = mapped_column(String(36), ForeignKey("transfers.id"))
    kind: Mapped[str] = mapped_column(String(32))
    office_code: Mapped[str] = mapped_column(CODE)
    enforcement_agency_code: Mapped[str] = mapped_column(CODE)
    court_code: Mapped[str] = mapped_column(CODE)
    procuracy_code: Mapped[str] = mapped_column(CODE)
    payload: Mapped[str]  # JSON
    occurred_at: Mapped[datetime]

    __table_args__ = (
        Index(None, "office_code", "cursor"),
        Index(None, "enforcement_agency_code", "cursor"),
        Index(None, "court_code", "cursor"),
        Index(None, "procuracy_code", "cursor"),
        Index(None, "transfer_id", "cursor"),
    )


class DeadlineAlertRow(Base):
    """An OVERDUE event already raised for (transfer, rule): the primary key makes it once only."""

    __tablename__ = "deadline_alerts"

    transfer_id: Mapped[str] = mapped_column(String(36), ForeignKey("transfers.id"), primary_key=True)
    rule_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    raised_at: Mapped[datetime]
