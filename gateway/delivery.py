"""Pushes transfer events from the outbox to agencies' webhooks: signed, retried, dead-lettered.

One :class:`DeliveryWorker` runs per hub process (started by the lifespan in
``gateway/app.py``). It claims due outbox rows (``ledger.outbox.claim_due``:
leased, and shared between replicas with ``SKIP LOCKED``), POSTs each with a
bounded number in flight, and records the outcome in its own short
transaction. It wakes when this process commits an event (``EventSignal``),
when a delivery finishes (a slot is free), when the next retry is due, or
after ``poll_s`` at the latest (events committed by other replicas).

The request a receiver gets::

    POST <url>
    Content-Type: application/json
    X-Lienthong-Event-Id: <event id>          (drop duplicates by this: delivery is at least once)
    X-Lienthong-Timestamp: <unix seconds>
    X-Lienthong-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

    {"eventId", "cursor", "kind", "transferId", "occurredAt", "payload"}

Any 2xx is delivered; anything else (other statuses, redirects, refused
connections, timeouts) is a failed attempt, retried after a jittered
exponential back-off until the budget is spent, then dead until redriven.

Targets are checked again at every attempt (``adapters/webhook_targets.py``):
the worker's own HTTP session resolves each connection through the
:class:`~adapters.webhook_targets.TargetGuard`, so a name that turned to a
loopback or private address after registration (DNS rebinding) is never
connected to; such an attempt fails like any other. What failed is written to
the hub's log (warning); the row keeps only :data:`FAILED`, the same for every
failure, so a client cannot use the answers of other hosts to scan ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Final

import aiohttp
import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.webhook_targets import TargetGuard
from domain.clock import Clock
from domain.webhook_targets import TargetRefused
from gateway.settings import Settings, WebhookSettings
from ledger import outbox
from ledger.db import is_unavailable, write_transaction
from ledger.events import TransferEvent
from ledger.outbox import Claim, DeliveryStatus, RetryPolicy
from resolvers.signals import EventSignal

log = logging.getLogger("lienthong.delivery")

EVENT_ID_HEADER: Final = "X-Lienthong-Event-Id"
TIMESTAMP_HEADER: Final = "X-Lienthong-Timestamp"
SIGNATURE_HEADER: Final = "X-Lienthong-Signature"
USER_AGENT: Final = "lienthong-webhooks/1"
FAILED: Final = "Giao không thành công (chi tiết trong nhật ký của hub) / delivery failed (details in the hub's log)"
"""The ``lastError`` of every failed attempt: the status, the connection error or the refusal stay in the log."""
OUTCOME_LABELS: Final = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.PENDING: "retry",  # failed; due again after a back-off
    DeliveryStatus.DEAD: "dead",
}
LATENCY_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def event_body(event: TransferEvent) -> bytes:
    """The JSON a receiver gets; its field names are a public contract (docs/operations.md).

    Same fields as the ``transferEvents`` subscription's TransferEvent, so a
    receiver that missed pushes can catch up there with ``after: <cursor>``.
    """
    return orjson.dumps(
        {
            "eventId": event.event_id,
            "cursor": str(event.cursor),  # a decimal string, as in the transferEvents subscription
            "kind": event.kind,
            "transferId": event.transfer_id,
            "occurredAt": event.occurred_at.isoformat(),
            "payload": event.payload,
        }
    )


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` over ``"<timestamp>.<body>"``: the timestamp is signed so a replay can be refused by age."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance_s: float = 300) -> bool:
    """What a receiver should check: the signature matches and the timestamp is recent (constant-time compare)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


class DeliveryMetrics:
    """The worker's Prometheus series, on the app's registry (never the global one)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "lienthong_webhook_deliveries",
            "Webhook delivery attempts by outcome: delivered, retry (failed, will be retried), dead (failed, budget spent).",
            ["outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "lienthong_webhook_delivery_seconds",
            "Time from sending a webhook request to its answer (or failure).",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.backlog = Gauge(
            "lienthong_webhook_outbox_rows",
            "Outbox rows by status (pending, dead), across all replicas; refreshed by each worker.",
            ["status"],
            registry=registry,
        )
        self.loop_errors = Counter(
            "lienthong_webhook_worker_errors",
            "Errors of the delivery loop itself (database unreachable, …); the loop carries on.",
            registry=registry,
        )
        for outcome in OUTCOME_LABELS.values():
            self.attempts.labels(outcome)
        for status in (DeliveryStatus.PENDING, DeliveryStatus.DEAD):
            self.backlog.labels(status.value)


def target_guard(settings: Settings) -> TargetGuard:
    """The webhook target rules of these settings: https only in production, the operator's allowed hosts."""
    return TargetGuard(settings.webhook_targets(), timeout_s=settings.webhooks.resolve_timeout_s)


class DeliveryWorker:
    """The delivery loop. ``await run()`` until ``await stop()``; one instance per process.

    It opens its own HTTP session for the time it runs, connecting only where ``targets`` allows
    (the strict rules by default: https, public addresses).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        signal: EventSignal,
        registry: CollectorRegistry,
        *,
        targets: TargetGuard | None = None,
        max_attempts: int = 8,
        base_delay_s: float = 1.0,
        max_delay_s: float = 300.0,
        timeout_s: float = 5.0,
        batch: int = 50,
        poll_s: float = 1.0,
        concurrency: int = 16,
        backlog_refresh_s: float = 5.0,
        rng: random.Random | None = None,
        clock: Clock | None = None,
    ) -> None:
        if timeout_s <= 0 or batch < 1 or poll_s <= 0 or concurrency < 1:
            raise ValueError("timeout_s, batch, poll_s and concurrency must be positive")
        self.sessions = sessions
        self.signal = signal
        self.targets = targets or TargetGuard()
        self.policy = RetryPolicy(max_attempts=max_attempts, base_delay_s=base_delay_s, max_delay_s=max_delay_s)
        self.timeout_s = timeout_s
        self.batch = batch
        self.poll_s = poll_s
        self.concurrency = concurrency
        self.backlog_refresh_s = backlog_refresh_s
        # The lease outlives the request's timeout by a wide margin, so only a crashed worker's rows come back.
        self.lease_s = 2 * timeout_s + 30.0
        self.metrics = DeliveryMetrics(registry)
        self._rng = rng or random.Random()
        self._clock = clock or Clock()
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._backlog_at = float("-inf")
        self._http: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(
        cls,
        settings: WebhookSettings,
        sessions: async_sessionmaker[AsyncSession],
        signal: EventSignal,
        registry: CollectorRegistry,
        clock: Clock | None = None,
        *,
        targets: TargetGuard,
    ) -> DeliveryWorker:
        return cls(
            sessions,
            signal,
            registry,
            targets=targets,
            max_attempts=settings.max_attempts,
            base_delay_s=settings.base_delay_s,
            max_delay_s=settings.max_delay_s,
            timeout_s=settings.timeout_s,
            batch=settings.batch,
            poll_s=settings.poll_s,
            concurrency=settings.concurrency,
            clock=clock,
        )

    # --- the loop -------------------------------------------------------------------------------

    async def run(self) -> None:
        """Deliver until :meth:`stop`, over an HTTP session of its own that connects only to allowed targets."""
        if self._running:
            raise RuntimeError("this DeliveryWorker is already running")
        self._running = True
        self._finished.clear()
        try:
            async with aiohttp.ClientSession(connector=self.targets.connector(limit=self.concurrency)) as http:
                self._http = http
                try:
                    await self._loop()
                finally:
                    await self._drain()  # deliveries in flight use the session: they end before it closes
        finally:
            self._http = None
            self._running = False
            self._finished.set()

    async def _loop(self) -> None:
        """Claim and deliver until :meth:`stop`; errors of one round are logged and counted, never fatal."""
        while not self._stopping.is_set():
            seen = self.signal.generation
            wait_s = self.poll_s
            more_due = False
            try:
                more_due, wait_s = await self._round()
                await self._refresh_backlog()
            except Exception as exc:
                self.metrics.loop_errors.inc()
                if is_unavailable(exc):  # an outage: one line per round, not a traceback per second
                    log.warning(
                        "webhook delivery round: database unavailable (%s); retrying in %.1fs", exc, self.poll_s
                    )
                else:
                    log.exception("webhook delivery round failed; retrying in %.1fs", self.poll_s)
            if more_due and len(self._in_flight) < self.concurrency:
                continue
            await self._wait(seen, wait_s)

    async def stop(self) -> None:
        """Stop claiming, let deliveries in flight finish (each is bounded by ``timeout_s``), then return."""
        self._stopping.set()
        if self._running:
            await self._finished.wait()

    async def _round(self) -> tuple[bool, float]:
        """Claim what is due into free slots; returns whether more may be due now, and how long to wait if not."""
        free = self.concurrency - len(self._in_flight)
        if free <= 0:
            return False, self.poll_s
        now = self._clock.now()
        async with self.sessions() as session:  # a read first: an idle hub never takes the write lock
            due = await outbox.next_due_at(session)
        if due is None or due > now:
            wait = self.poll_s if due is None else min(self.poll_s, (due - now).total_seconds())
            return False, max(wait, 0.0)
        async with write_transaction(self.sessions) as session:
            claims = await outbox.claim_due(session, now, min(free, self.batch), self.lease_s)
        for claim in claims:
            task = asyncio.create_task(self._deliver(claim), name=f"webhook-delivery-{claim.outbox_id}")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(claims) == min(free, self.batch), self.poll_s  # a full batch: more may be waiting

    async def _wait(self, seen: int, at_most_s: float) -> None:
        """Until a new event is signalled, a delivery finishes, stop() is called, or ``at_most_s`` passes."""
        waiters = {
            asyncio.create_task(self.signal.wait(seen, at_most_s)),
            asyncio.create_task(self._stopping.wait()),
        }
        try:
            await asyncio.wait(waiters | self._in_flight, timeout=at_most_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    async def _drain(self) -> None:
        """Give deliveries in flight their timeout to finish; cancel the rest (their leases bring them back)."""
        if not self._in_flight:
            return
        _, late = await asyncio.wait(set(self._in_flight), timeout=self.timeout_s + 1.0)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def _refresh_backlog(self) -> None:
        if time.monotonic() - self._backlog_at < self.backlog_refresh_s:
            return
        async with self.sessions() as session:
            counts = await outbox.backlog(session)
        for status, count in counts.items():
            self.metrics.backlog.labels(status.value).set(count)
        self._backlog_at = time.monotonic()

    # --- one delivery ---------------------------------------------------------------------------

    async def _deliver(self, claim: Claim) -> None:
        error = await self._send(claim)
        if error is not None:
            log.warning(
                "webhook delivery %s (event %s → %s), attempt %d, failed: %s",
                claim.outbox_id,
                claim.event.event_id,
                claim.url,
                claim.attempts + 1,
                error,
            )
        try:
            async with write_transaction(self.sessions) as session:
                if error is None:
                    await outbox.mark_delivered(session, claim, self._clock.now())
                    outcome: DeliveryStatus | None = DeliveryStatus.DELIVERED
                else:
                    outcome = await outbox.mark_failed(
                        session, claim, now=self._clock.now(), error=FAILED, policy=self.policy, rng=self._rng
                    )
        except Exception:
            # Not recorded: the lease runs out and the row is tried again (the receiver drops a duplicate).
            self.metrics.loop_errors.inc()
            log.exception("could not record webhook delivery %s", claim.outbox_id)
            return
        if outcome is not None:
            self.metrics.attempts.labels(OUTCOME_LABELS[outcome]).inc()
        if outcome is DeliveryStatus.DEAD:
            log.warning(
                "webhook delivery %s (event %s → %s) is dead after %d attempts",
                claim.outbox_id,
                claim.event.event_id,
                claim.url,
                claim.attempts + 1,
            )

    async def _send(self, claim: Claim) -> str | None:
        """POST the event; ``None`` on a 2xx answer, else why it failed (for the log only)."""
        http = self._http
        if http is None:
            raise RuntimeError("deliveries are sent while the worker runs")
        try:
            self.targets.check_before_connect(claim.url)
        except TargetRefused as refused:
            return f"target refused: {refused.detail}"
        body = event_body(claim.event)
        timestamp = int(self._clock.wall().timestamp())  # the receiver checks it against its own clock
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_ID_HEADER: claim.event.event_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(claim.secret, timestamp, body),
        }
        started = time.perf_counter()
        try:
            async with http.post(
                claim.url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                allow_redirects=False,
            ) as response:
                status = response.status
        except TargetRefused as refused:  # from the resolver: the name now points somewhere not allowed
            return f"target refused: {refused.detail}"
        except TimeoutError:
            return f"no answer within {self.timeout_s:g}s"
        except aiohttp.ClientError as exc:
            return f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a receiver must never be able to stop the worker
            log.warning("webhook delivery %s failed unexpectedly", claim.outbox_id, exc_info=True)
            return f"{type(exc).__name__}: {exc}"
        finally:
            self.metrics.latency.observe(time.perf_counter() - started)
        return None if 200 <= status < 300 else f"HTTP {status}"


@contextlib.asynccontextmanager
async def running(worker: DeliveryWorker | None) -> AsyncIterator[None]:
    """Run ``worker`` (if any) in a task for the duration of the block; stop it gracefully after.

    Leave the block before closing the HTTP session and the engine the worker uses.
    """
    if worker is None:
        yield
        return
    task = asyncio.create_task(worker.run(), name="webhook-delivery")
    try:
        yield
    finally:
        await worker.stop()
        try:
            await task
        except Exception:
            log.exception("the webhook delivery worker ended with an error")
