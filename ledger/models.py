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

from sqlalchemy import DateTime, Dialect, ForeignKey, Index, MetaData, String, Text, UniqueConstraint
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
