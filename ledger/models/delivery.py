"""Webhooks and the outbox that pushes transfer events to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import BIGID, CODE, Base


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
