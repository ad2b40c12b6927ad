"""Interagency statistics (TTLT 12/2021): one record per province and period, and its signed steps (append-only)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base


class InteragencyStatisticsRow(Base):
    """The figures as last closed (``snapshot``: canonical JSON, ``snapshot_sha256`` its hash) and where they stand."""

    __tablename__ = "interagency_statistics"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # ha-noi:2026-06
    province_code: Mapped[str] = mapped_column(CODE)
    statistical_year: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)  # 1 at the first close, +1 at each corrected close
    snapshot: Mapped[str]
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime]
    countersign_due_on: Mapped[date]
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("province_code", "statistical_year", "months"), Index(None, "status"))


class InteragencyStepRow(Base):
    """One signed step: the hub's statement (canonical JSON) and its Ed25519 signature."""

    __tablename__ = "interagency_steps"

    statistics_id: Mapped[str] = mapped_column(String(80), ForeignKey("interagency_statistics.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    step: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    agency_code: Mapped[str] = mapped_column(CODE)
    person: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None]
    notes: Mapped[str]  # JSON list of {row, note} (a dispute's)
    statement: Mapped[str]
    signature: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(32))
