"""The organisation and the judgment registry: agencies, judgments, and the courts' signing keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base


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
    administrative_unit_code: Mapped[str | None] = mapped_column(String(8))  # mã đơn vị hành chính (migration 0011)

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
