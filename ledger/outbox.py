"""The webhook outbox: claiming due deliveries, recording outcomes, dead letters and redrive.

Rows are written by ``ledger.events.append_event`` in the event's own
transaction. A row's life::

    pending ──2xx──▶ delivered
       │ ▲
  fail │ │ redrive (attempts back to 0)
       ▼ │
      dead          pending ──webhook deactivated──▶ cancelled

Claiming is a short write transaction that picks due rows and *leases* them by
moving ``next_attempt_at`` to the end of the lease: a worker that crashes
mid-delivery simply lets the lease run out and the row is due again, with no
"in flight" state that someone would have to clean up. On PostgreSQL the
pick is ``FOR UPDATE OF outbox SKIP LOCKED``, so replicas claiming at the same
moment take disjoint rows without waiting for each other; on SQLite writers
are serialised by ``BEGIN IMMEDIATE`` (``ledger.db.write_transaction``), which
gives the same guarantee. Delivery is at least once: a receiver drops
duplicates by the event id.

``attempts`` counts failed attempts. A failure is recorded only by the
worker that still holds the lease (``next_attempt_at`` unchanged since its
claim), so a worker that lost its lease cannot push a row another worker
already owns back into the past.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Invalid
from domain.messages import msg
from ledger.events import TransferEvent, event_from_row
from ledger.models import OutboxRow, TransferEventRow, WebhookRow
from ledger.notify import announce
from ledger.paging import Page, check_page_size, decode_cursor, encode_cursor, malformed_cursor

CURSOR_TAG: Final = "outbox"
MAX_ERROR_LENGTH: Final = 500
MAX_REDRIVE_IDS: Final = 500


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a failing webhook is retried.

    Exponential back-off with *full jitter* (a delay drawn uniformly from
    ``[0, min(max_delay_s, base_delay_s · 2^(n-1))]`` after the n-th failure):
    when a receiver comes back after an outage, the deliveries that piled up
    arrive spread out instead of all at once.
    """

    max_attempts: int = 8
    base_delay_s: float = 1.0
    max_delay_s: float = 300.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("delays must not be negative")

    def ceiling_s(self, failures: int) -> float:
        """The largest delay after the ``failures``-th failure (without jitter)."""
        exponent = min(max(failures, 1) - 1, 62)  # 2**62 s is already beyond any cap; avoids float overflow
        return min(self.max_delay_s, self.base_delay_s * 2.0**exponent)

    def delay_s(self, failures: int, rng: random.Random) -> float:
        return rng.uniform(0.0, self.ceiling_s(failures))

    def exhausted(self, failures: int) -> bool:
        return failures >= self.max_attempts

    def budget_s(self) -> float:
        """The longest time a delivery can spend waiting between its attempts before it is dead."""
        return sum(self.ceiling_s(n) for n in range(1, self.max_attempts))


@dataclass(frozen=True, slots=True)
class Claim:
    """A leased delivery: everything a worker needs to send it and to record the outcome."""

    outbox_id: int
    webhook_id: str
    url: str
    secret: str
    attempts: int  # failed attempts so far; this one is number attempts + 1
    leased_until: datetime
    event: TransferEvent


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One outbox row as operators and agencies see it (no secret)."""

    id: int
    webhook_id: str
    agency_code: str
    url: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None  # None once delivered, dead or cancelled
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    event_id: str
    event_cursor: int
    event_kind: str
    transfer_id: str


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def claim_due(session: AsyncSession, now: datetime, limit: int, lease_s: float) -> list[Claim]:
    """Lease up to ``limit`` due deliveries of active webhooks until ``now + lease_s``; oldest due first.

    Call inside a write transaction and commit promptly: on PostgreSQL the
    picked rows stay locked (and skipped by other claimers) until then.
    """
    if limit < 1:
        return []
    query = (
        select(OutboxRow, WebhookRow.url, WebhookRow.secret, TransferEventRow)
        .join(WebhookRow, WebhookRow.id == OutboxRow.webhook_id)
        .join(TransferEventRow, TransferEventRow.cursor == OutboxRow.event_cursor)
        .where(
            OutboxRow.status == DeliveryStatus.PENDING.value,
            OutboxRow.next_attempt_at <= now,
            WebhookRow.active,
        )
        .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
        .limit(limit)
    )
    if _is_postgres(session):
        query = query.with_for_update(of=OutboxRow, skip_locked=True)
    picked = (await session.execute(query)).all()
    if not picked:
        return []
    leased_until = now + timedelta(seconds=lease_s)
    ids = [row.id for row, *_ in picked]
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(ids))
        .values(next_attempt_at=leased_until)
        .execution_options(synchronize_session=False)
    )
    return [
        Claim(
            outbox_id=row.id,
            webhook_id=row.webhook_id,
            url=url,
            secret=secret,
            attempts=row.attempts,
            leased_until=leased_until,
            event=event_from_row(event_row),
        )
        for row, url, secret, event_row in picked
    ]


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest pending delivery is due (leased ones: when their lease ends); None if none is pending.

    Lets an idle worker sleep exactly until there is work, without taking a write lock to find out.
    """
    return await session.scalar(
        select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status == DeliveryStatus.PENDING.value)
    )


async def mark_delivered(session: AsyncSession, claim: Claim, now: datetime) -> bool:
    """Record a 2xx answer. Recorded even if the lease ran out meanwhile: the receiver has the event."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == claim.outbox_id, OutboxRow.status == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.DELIVERED.value, delivered_at=now, attempts=claim.attempts + 1, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_failed(
    session: AsyncSession, claim: Claim, *, now: datetime, error: str, policy: RetryPolicy, rng: random.Random
) -> DeliveryStatus | None:
    """Record a failed attempt: due again after a jittered back-off, or dead once the budget is spent.

    Returns the new status, or ``None`` when this worker no longer holds the
    lease (another worker re-claimed the row; its outcome counts, not ours).
    """
    failures = claim.attempts + 1
    if policy.exhausted(failures):
        status, due = DeliveryStatus.DEAD, now
    else:
        status, due = DeliveryStatus.PENDING, now + timedelta(seconds=policy.delay_s(failures, rng))
    result = await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == claim.outbox_id,
            OutboxRow.status == DeliveryStatus.PENDING.value,
            OutboxRow.next_attempt_at == claim.leased_until,
        )
        .values(status=status.value, attempts=failures, next_attempt_at=due, last_error=error[:MAX_ERROR_LENGTH])
        .execution_options(synchronize_session=False)
    )
    return status if result.rowcount else None  # type: ignore[attr-defined]


async def cancel_pending(session: AsyncSession, webhook_id: str) -> int:
    """Cancel every delivery still queued for a webhook (it was deactivated); returns how many."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.webhook_id == webhook_id, OutboxRow.status == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def deliveries(
    session: AsyncSession,
    *,
    status: DeliveryStatus,
    agency_code: str | None = None,
    webhook_id: str | None = None,
    first: int = 50,
    after: str | None = None,
) -> Page[DeliveryRecord]:
    """Deliveries in one status, oldest first, of one agency's webhooks (or everyone's for ``None``).

    Keyset-paged by outbox id; ValueError for a bad page size or cursor.
    """
    size = check_page_size(first)
    query = (
        select(OutboxRow, WebhookRow.agency_code, WebhookRow.url, TransferEventRow)
        .join(WebhookRow, WebhookRow.id == OutboxRow.webhook_id)
        .join(TransferEventRow, TransferEventRow.cursor == OutboxRow.event_cursor)
        .where(OutboxRow.status == status.value)
    )
    if agency_code is not None:
        query = query.where(WebhookRow.agency_code == agency_code)
    if webhook_id is not None:
        query = query.where(OutboxRow.webhook_id == webhook_id)
    if after is not None:
        (last,) = decode_cursor(CURSOR_TAG, after, 1)
        if not last.isdigit():
            raise malformed_cursor(after, CURSOR_TAG)
        query = query.where(OutboxRow.id > int(last))
    rows = (await session.execute(query.order_by(OutboxRow.id).limit(size + 1))).all()
    records = tuple(
        DeliveryRecord(
            id=row.id,
            webhook_id=row.webhook_id,
            agency_code=agency,
            url=url,
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at if row.status == DeliveryStatus.PENDING.value else None,
            last_error=row.last_error,
            delivered_at=row.delivered_at,
            created_at=row.created_at,
            event_id=event.event_id,
            event_cursor=event.cursor,
            event_kind=event.kind,
            transfer_id=event.transfer_id,
        )
        for row, agency, url, event in rows[:size]
    )
    return Page(
        items=records,
        cursors=tuple(encode_cursor(CURSOR_TAG, [str(r.id)]) for r in records),
        has_next_page=len(rows) > size,
    )


async def dead_letters(
    session: AsyncSession, agency_code: str | None = None, limit: int = 50, after: str | None = None
) -> Page[DeliveryRecord]:
    """Deliveries that ran out of retries, for one agency or all."""
    return await deliveries(session, status=DeliveryStatus.DEAD, agency_code=agency_code, first=limit, after=after)


async def redrive(
    session: AsyncSession,
    *,
    now: datetime,
    ids: Sequence[int] | None = None,
    webhook_id: str | None = None,
    agency_code: str | None = None,
) -> list[int]:
    """Put dead deliveries back in the queue: pending, attempts 0, due ``now``. Returns the ids redriven.

    Selects by ``ids``, or every dead letter of ``webhook_id``, or both (the
    intersection); ``agency_code`` restricts to that agency's webhooks (the
    owner check). Only dead rows of *active* webhooks qualify: anything else
    in ``ids`` is left alone, and the caller tells the client which.
    """
    if ids is None and webhook_id is None:
        raise Invalid(msg("name the deliveries or the webhook to redrive"))
    if ids is not None and len(ids) > MAX_REDRIVE_IDS:
        raise Invalid(msg("at most {limit} ids at a time", limit=MAX_REDRIVE_IDS))
    query = (
        select(OutboxRow.id)
        .join(WebhookRow, WebhookRow.id == OutboxRow.webhook_id)
        .where(OutboxRow.status == DeliveryStatus.DEAD.value, WebhookRow.active)
    )
    if ids is not None:
        query = query.where(OutboxRow.id.in_(sorted(set(ids))))
    if webhook_id is not None:
        query = query.where(OutboxRow.webhook_id == webhook_id)
    if agency_code is not None:
        query = query.where(WebhookRow.agency_code == agency_code)
    if _is_postgres(session):
        query = query.with_for_update(of=OutboxRow)
    chosen = sorted((await session.scalars(query)).all())
    if chosen:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(chosen), OutboxRow.status == DeliveryStatus.DEAD.value)
            .values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        await announce(session)  # every replica's delivery worker may take them, not only this one's
    return chosen


async def backlog(session: AsyncSession) -> dict[DeliveryStatus, int]:
    """How many deliveries are pending and dead (for the metrics gauges).

    Only those two statuses: they are few and indexed, while delivered rows
    grow forever and counting them would get slower every day.
    """
    rows = await session.execute(
        select(OutboxRow.status, func.count())
        .where(OutboxRow.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.DEAD.value]))
        .group_by(OutboxRow.status)
    )
    counts = {DeliveryStatus.PENDING: 0, DeliveryStatus.DEAD: 0}
    for status, count in rows.all():
        counts[DeliveryStatus(status)] = int(count)
    return counts
