"""Rate-limit counters shared by the hub's replicas (``ledger/rate_counters.py``); not history, never audited."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base


class RateLimitCounterRow(Base):
    """One client's sliding-window counts: this fixed window's hits and the previous window's.

    Unlogged on PostgreSQL (migration 0008): a crash forgets the counts, which only gives clients a
    fresh budget, and no request writes WAL for them.
    """

    __tablename__ = "rate_limit_counters"

    client_key: Mapped[str] = mapped_column(Text, primary_key=True)
    window_index: Mapped[int] = mapped_column(BigInteger)  # the window's start ÷ its length, in epoch seconds
    previous_hits: Mapped[int] = mapped_column(Integer)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)  # epoch seconds after which the row counts for nothing
