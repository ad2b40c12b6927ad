"""Counters taken under a row lock: event cursors, the audit sequence, receipt register numbers."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base


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
