"""The registry of who may act: people and system clients, and the roles granted to them (issue 14).

A holder is a person (an official, named by a stable id) or a system client (another
agency's system, by its client id); each works for one agency. A grant gives a holder
one role at one agency for a period; revoking it stamps ``revoked_at`` (rows are never
deleted, so who could do what, when, stays answerable). ``ledger/grants.py`` reads and
writes these tables; every write is also an audit entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base


class HolderRow(Base):
    """A person or a system client registered with the hub."""

    __tablename__ = "holders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | client
    name: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    status: Mapped[str] = mapped_column(String(16))  # active | suspended
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index(None, "agency_code"),)


class GrantRow(Base):
    """One role granted to one holder at one agency, valid over [valid_from, valid_to), unless revoked."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    holder_id: Mapped[str] = mapped_column(String(64), ForeignKey("holders.id"))
    role: Mapped[str] = mapped_column(String(32))
    agency_code: Mapped[str] = mapped_column(CODE, ForeignKey("agencies.code"))
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime | None]
    granted_by: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index(None, "holder_id", "agency_code"),)
