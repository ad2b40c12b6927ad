"""What every table of the ledger shares: the declarative base, its naming convention, column types.

Every constraint and index is named (``NAMING_CONVENTION``), so later
migrations can drop or alter them by name on PostgreSQL and in SQLite's batch
mode alike; timestamps are timezone-aware UTC (:class:`UtcDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Final

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import DeclarativeBase
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


BIGID = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit key; on SQLite an INTEGER PRIMARY KEY, which is what makes it autoincrement there."""


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


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed as such (``__table__`` is typed as a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
