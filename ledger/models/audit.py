"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import CODE, Base


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
