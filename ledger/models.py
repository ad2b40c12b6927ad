"""Tables of the hub's ledger, as SQLAlchemy 2 typed declarative models.

The migrations in ``ledger/migrations`` are the source of truth for the live
schema; these models must describe exactly the same thing (a test runs
Alembic autogenerate against a migrated database and expects no difference).
To add a table: add its model here, then a hand-reviewed migration in
``versions/`` that creates it with the constraint names the convention below
produces.

Conventions:
- every constraint and index is named (``NAMING_CONVENTION``), so later
  migrations can drop or alter them by name on PostgreSQL and in SQLite's
  batch mode alike;
- agency codes are plain strings (``court.ha-noi.kv01``) used as keys
  everywhere; the organisation is reference data with validity periods;
- timestamps are timezone-aware UTC (:class:`UtcDateTime`), dates are dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar, Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = String(64)
"""Length of an agency code column; today's longest code is 35 characters."""

OPTIONAL_INDEXES: Final = frozenset({"ix_judgments_party_search_trgm"})
"""Indexes a migration creates only where the database can (pg_trgm), so not in the models."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are
    stored as UTC wall time and given back their zone on the way out. Naive
    datetimes are refused: guessing their zone is how audit trails go wrong.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give the hub timezone-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), str: Text()}


class AgencyRow(Base):
    """An agency over its validity period; dissolved ones point to their successor.

    ``successor_code`` is enforced but deferred to commit, so reference data can
    be loaded in any order. ``parent_code`` is informational (not a foreign key):
    callers may hold part of the organisation without every ancestor.
    """

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(32))
    name: Mapped[str]
    province_code: Mapped[str | None] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(CODE)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    successor_code: Mapped[str | None] = mapped_column(
        CODE, ForeignKey("agencies.code", deferrable=True, initially="DEFERRED")
    )
    area_number: Mapped[int | None]
    former_province: Mapped[str | None]

    __table_args__ = (
        Index(None, "kind"),
        Index(None, "province_code"),
    )


FILTER_COLUMNS: Final = (
    "court_code",
    "current_court_code",
    "enforcement_agency_code",
    "enforcement_office_code",
    "procuracy_code",
    "province_code",
    "case_type",
)
"""Columns the registry is filtered by; each is indexed together with the paging key
(effective_on, id), so a filtered page is read in order from one index."""


class JudgmentRow(Base):
    """A judgment the hub knows about, with where it was routed when registered.

    ``id`` is ``str(JudgmentKey)``. ``party_search`` holds folded party names
    (``domain.text.fold``) for diacritic-insensitive search; it is an index,
    never shown to clients.
    """

    __tablename__ = "judgments"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    court_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    number: Mapped[str] = mapped_column(String(128))
    case_type: Mapped[str] = mapped_column(String(16))
    instance: Mapped[str] = mapped_column(String(8))
    adjudicated_on: Mapped[date]
    effective_on: Mapped[date]
    current_court_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    enforcement_agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    enforcement_office_code: Mapped[str | None] = mapped_column(CODE, ForeignKey("agencies.code"))
    procuracy_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    province_code: Mapped[str] = mapped_column(String(64))
    party_search: Mapped[str]
    document_sha256: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(32), default="registered", server_default="registered")

    __table_args__ = (
        UniqueConstraint("court_code", "number"),
        Index(None, "effective_on", "id"),
        *(Index(None, column, "effective_on", "id") for column in FILTER_COLUMNS),
    )


BIGID = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit key; on SQLite an INTEGER PRIMARY KEY, which is what makes it autoincrement there."""


class CourtKeyRow(Base):
    """A court's registered Ed25519 public key, against which its submissions are verified.

    ``key_id`` is derived from the key (first 16 bytes of its SHA-256, hex), so the
    same key registered twice is the same row. Revoked keys stay for history:
    receipts issued while they were valid must still be explainable.
    """

    __tablename__ = "court_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    court_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    public_key: Mapped[str]  # base64 of the raw 32-byte key
    added_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "court_code"),)


REPORT_COLUMNS: Final = (
    "received_at",
    "acknowledged_at",
    "returned_at",
    "decision_date",
    "effective_on",
    "interim_measure",
    "has_ex_officio",
    "explained_at",
)
"""What the committee report reads of a transfer besides its office and court (``ix_transfers_report``)."""
DECISION_EXCEPTIONS: Final = "interim_measure OR explained_at IS NOT NULL"
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


class SequenceRow(Base):
    """Gapless counters taken under a row lock (event cursors, audit sequence)."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger)


class RegisterCounterRow(Base):
    """The last number given in an office's receipt register for a statistical year (1 Oct – 30 Sep)."""

    __tablename__ = "register_counters"

    office_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"), primary_key=True)
    statistical_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class WebhookRow(Base):
    """Where an agency wants its events pushed; deliveries are signed with ``secret`` (HMAC-SHA256)."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    url: Mapped[str]
    secret: Mapped[str]
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime]

    __table_args__ = (Index(None, "agency_code"),)


class OutboxRow(Base):
    """One pending (or finished) push of one event to one webhook.

    Written in the same transaction as the event, so nothing committed is ever
    left undelivered; delivered at least once (receivers drop duplicates by the
    event id); ``dead`` after the retry budget, until redriven.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BIGID, primary_key=True, autoincrement=True)
    event_cursor: Mapped[int] = mapped_column(BigInteger, ForeignKey("transfer_events.cursor"))
    webhook_id: Mapped[str] = mapped_column(String(36), ForeignKey("webhooks.id"))
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None]
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "webhook_id", "status"),
    )


class DeadlineAlertRow(Base):
    """An OVERDUE event already raised for (transfer, rule): the primary key makes it once only."""

    __tablename__ = "deadline_alerts"

    transfer_id: Mapped[str] = mapped_column(String(36), ForeignKey("transfers.id"), primary_key=True)
    rule_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    raised_at: Mapped[datetime]


class AuditRow(Base):
    """An entry of the append-only, hash-chained audit log.

    ``hash`` = SHA-256 over ``prev_hash`` and the canonical JSON of the entry;
    ``seq`` comes from :class:`SequenceRow` so the chain has no gaps.
    Triggers (migration 0003, not described here) refuse UPDATE and DELETE.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    agency_code: Mapped[str] = mapped_column(CODE)
    person: Mapped[str | None]
    roles: Mapped[str]
    operation: Mapped[str] = mapped_column(String(64))
    object_ids: Mapped[str]  # JSON list
    request_id: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index(None, "agency_code", "seq"), Index(None, "operation", "seq"), Index(None, "at"))


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


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed as such (``__table__`` is typed as a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
