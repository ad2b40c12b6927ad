"""Webhooks: where an agency wants its transfer events pushed, and the secret that signs them.

An agency registers a URL and gets a secret back exactly once (the hub keeps it
to sign, never shows it again: a leaked listing must not let anyone forge
deliveries). ``ledger.events.append_event`` queues an outbox row for every
*active* webhook of the agencies an event concerns; deactivating a webhook
cancels what is still queued for it, so a removed endpoint stops receiving at
once instead of after its retry budget runs out.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.messages import Text, msg
from ledger.models import AgencyRow, WebhookRow
from ledger.outbox import cancel_pending

MAX_URL_LENGTH: Final = 2048
MAX_ACTIVE_WEBHOOKS: Final = 10
"""Per agency: every event is pushed once per webhook, so this bounds the fan-out one agency can cause."""

SECRET_BYTES: Final = 32


class WebhookErrorCode(StrEnum):
    INVALID_URL = "INVALID_URL"
    TARGET_NOT_ALLOWED = "TARGET_NOT_ALLOWED"  # a host that is not public (domain/webhook_targets.py)
    UNKNOWN_AGENCY = "UNKNOWN_AGENCY"
    LIMIT_REACHED = "LIMIT_REACHED"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    NOT_REDRIVABLE = "NOT_REDRIVABLE"


class WebhookRejected(ValueError):
    """An expected refusal, with the input field and a stable code for the client's userErrors."""

    def __init__(self, field: str, code: WebhookErrorCode, message: Text) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Webhook:
    """A registered endpoint, without its secret (listings never carry it)."""

    id: str
    agency_code: str
    url: str
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewWebhook:
    """What registration returns: the webhook and its signing secret, shown this one time."""

    webhook: Webhook
    secret: str


def _webhook(row: WebhookRow) -> Webhook:
    return Webhook(id=row.id, agency_code=row.agency_code, url=row.url, active=row.active, created_at=row.created_at)


def check_url(url: str) -> str:
    """``url`` stripped of surrounding blanks if it is an absolute http(s) URL we will POST to.

    Refused: other schemes, no host, credentials in the URL (they would sit in
    our database and logs in clear), fragments (never sent, so surely a
    mistake), control characters and blanks, bad ports, very long URLs.
    Where the URL points (a public host, https in production) is checked by
    the caller before registering (``adapters/webhook_targets.py``): that
    needs a name lookup, which has no place in a write transaction.
    """
    candidate = url.strip()

    def reject(why: Text) -> WebhookRejected:
        return WebhookRejected("url", WebhookErrorCode.INVALID_URL, msg("webhook URL {problem}", problem=why))

    if not candidate:
        raise reject(msg("is empty"))
    if len(candidate) > MAX_URL_LENGTH:
        raise reject(msg("is longer than {limit} characters", limit=MAX_URL_LENGTH))
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        raise reject(msg("contains blanks or control characters"))
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in {"http", "https"}:
        raise reject(msg("must start with http:// or https://"))
    if not parts.hostname:
        raise reject(msg("has no host"))
    if parts.username is not None or parts.password is not None:
        raise reject(msg("must not carry credentials; authenticate deliveries by their signature"))
    if parts.fragment or candidate.endswith("#"):
        raise reject(msg("must not have a #fragment"))
    try:
        _ = parts.port
    except ValueError as exc:
        raise reject(msg("has an invalid port")) from exc
    return candidate


async def register_webhook(session: AsyncSession, *, agency_code: str, url: str, now: datetime) -> NewWebhook:
    """Register ``url`` for ``agency_code`` (call inside a write transaction); WebhookRejected if refused."""
    checked = check_url(url)
    if await session.get(AgencyRow, agency_code) is None:
        raise WebhookRejected(
            "url",
            WebhookErrorCode.UNKNOWN_AGENCY,
            msg("agency {agency} is not in the registry", agency=repr(agency_code)),
        )
    active = await session.scalar(
        select(func.count()).select_from(WebhookRow).where(WebhookRow.agency_code == agency_code, WebhookRow.active)
    )
    if (active or 0) >= MAX_ACTIVE_WEBHOOKS:
        raise WebhookRejected(
            "url",
            WebhookErrorCode.LIMIT_REACHED,
            msg("an agency may have at most {limit} active webhooks; deactivate one first", limit=MAX_ACTIVE_WEBHOOKS),
        )
    row = WebhookRow(
        id=str(uuid.uuid4()),
        agency_code=agency_code,
        url=checked,
        secret=secrets.token_urlsafe(SECRET_BYTES),
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return NewWebhook(webhook=_webhook(row), secret=row.secret)


async def get_webhook(session: AsyncSession, webhook_id: str) -> Webhook | None:
    row = await session.get(WebhookRow, webhook_id)
    return _webhook(row) if row is not None else None


async def webhooks_of(
    session: AsyncSession, agency_code: str | None, *, include_inactive: bool = False
) -> list[Webhook]:
    """Webhooks of one agency (or of all, for ``None``), oldest first."""
    query = select(WebhookRow)
    if agency_code is not None:
        query = query.where(WebhookRow.agency_code == agency_code)
    if not include_inactive:
        query = query.where(WebhookRow.active)
    rows = await session.scalars(query.order_by(WebhookRow.created_at, WebhookRow.id))
    return [_webhook(r) for r in rows]


async def deactivate_webhook(session: AsyncSession, webhook_id: str) -> tuple[Webhook, int] | None:
    """Stop pushing to a webhook; returns it and how many queued deliveries were cancelled.

    Dead letters are kept (they are the record of what the agency missed).
    Deactivating twice is harmless. ``None`` if there is no such webhook.
    """
    row = await session.get(WebhookRow, webhook_id, with_for_update=True)
    if row is None:
        return None
    row.active = False
    await session.flush()
    cancelled = await cancel_pending(session, webhook_id)
    return _webhook(row), cancelled
