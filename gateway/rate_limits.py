"""Rate limits per client (``limits``' sliding window counter), shared by the replicas when a shared store is set.

A client (``gateway.protection.client_key``: the principal, else the peer address) may make
``LIENTHONG_RATE_LIMIT_BURST`` requests in any window of burst ÷ ``LIENTHONG_RATE_LIMIT_PER_S``
seconds, rounded up to whole seconds (:class:`Budget`; the defaults: 200 in 4 s). The counter
weighs the previous fixed window's hits by the part of it still inside the sliding window, so the
long-run rate is the configured one, and a client quiet for a window has its whole burst again.

Where the counts live (``LIENTHONG_RATE_LIMIT_STORAGE``, :meth:`HttpLimits.storage_for`):

- ``memory``: this process (``limits``' async memory storage); N replicas give a client N budgets;
- ``redis://…``: Redis, through ``limits``' async Redis storage (coredis): one budget for all replicas;
- ``database``: the hub's database (``ledger/rate_counters.py``): one budget for all replicas.

A shared store that fails, or answers later than ``LIENTHONG_RATE_LIMIT_STORAGE_TIMEOUT_S``, never
fails the request: the replica decides alone with the same budget in its own memory (as ``memory``
would), logs a warning, counts ``lienthong_rate_limit_store_errors_total``, and asks the shared store
again :data:`RETRY_SHARED_S` seconds later (a store that hangs costs one time-out per period, not one
per request)::

    async with opened_rate_limiter(settings, engine, registry, clock) as limiter:
        wait = await limiter.check("principal:court.ha-noi.kv01/-")   # 0.0: go ahead; else seconds to wait
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

import coredis
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from gateway.settings import Settings
from gateway.sweeps import PeriodicSweep, monitoring
from ledger.rate_counters import DatabaseStorage, counter_storage

log = logging.getLogger("lienthong.gateway")

RETRY_SHARED_S: Final = 5.0
"""After a shared store failed, requests are decided in memory this long before it is asked again."""
PRUNE_EVERY_S: Final = 60.0
"""How often a replica deletes the database counters of clients gone quiet (``DatabaseStorage.prune``)."""
REDIS_KEY_PREFIX: Final = "lienthong"


@dataclass(frozen=True, slots=True)
class Budget:
    """``amount`` requests in any window of ``window_s`` seconds."""

    amount: int
    window_s: int

    @classmethod
    def of(cls, rate_per_s: float, burst: int) -> Budget:
        """The burst, in the time the rate takes to allow as many (whole seconds, as ``limits`` counts)."""
        return cls(burst, max(1, math.ceil(burst / rate_per_s)))

    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.amount, self.window_s)


class RateLimitMetrics:
    """Refusals, and the shared store's failures and the requests decided in memory meanwhile."""

    def __init__(self, registry: CollectorRegistry, store: str) -> None:
        self.store = store
        self.limited = Counter(
            "lienthong_rate_limited", "Requests refused with 429 RATE_LIMITED", ["store"], registry=registry
        )
        self.store_errors = Counter(
            "lienthong_rate_limit_store_errors",
            "Failures and time-outs of the shared rate-limit store",
            ["store"],
            registry=registry,
        )
        self.local_decisions = Counter(
            "lienthong_rate_limit_local_decisions",
            "Requests decided in this replica's memory because the shared store was failing",
            ["store"],
            registry=registry,
        )


class ClientRateLimiter:
    """Decides whether a client may go ahead; ``shared`` is ``limits``' strategy over the configured store.

    ``local`` (this process's memory) decides when the store is ``memory``, and stands in for a
    shared store that fails (see the module docstring). ``wall`` gives the machine's epoch seconds
    (``limits`` tells when a window resets in those); ``monotonic`` times the retry of a failed store.
    """

    def __init__(
        self,
        budget: Budget,
        store: str,
        shared: SlidingWindowCounterRateLimiter | None,
        *,
        metrics: RateLimitMetrics,
        timeout_s: float,
        wall: Callable[[], float],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.item = budget.item()
        self.store = store
        self.shared = shared
        self.local = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.metrics = metrics
        self.timeout_s = timeout_s
        self.wall = wall
        self.monotonic = monotonic
        self._shared_again_at: float | None = None  # set while the shared store is failing

    async def check(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it could (at least a little above 0)."""
        if self.shared is None or not self._shared_due():
            if self.shared is not None:
                self.metrics.local_decisions.labels(self.store).inc()
            return await self._decide(self.local, key)
        try:
            async with asyncio.timeout(self.timeout_s):
                wait = await self._decide(self.shared, key)
        except (StorageError, TimeoutError) as exc:
            self._failed(exc)
            self.metrics.local_decisions.labels(self.store).inc()
            return await self._decide(self.local, key)
        if self._shared_again_at is not None:
            self._shared_again_at = None
            log.info("rate limits: the %s store answers again; limits are shared again", self.store)
        return wait

    async def _decide(self, strategy: SlidingWindowCounterRateLimiter, key: str) -> float:
        if await strategy.hit(self.item, key):
            return 0.0
        self.metrics.limited.labels(self.store).inc()
        stats = await strategy.get_window_stats(self.item, key)
        return max(stats.reset_time - self.wall(), 0.001)

    def _shared_due(self) -> bool:
        return self._shared_again_at is None or self.monotonic() >= self._shared_again_at

    def _failed(self, exc: Exception) -> None:
        self.metrics.store_errors.labels(self.store).inc()
        self._shared_again_at = self.monotonic() + RETRY_SHARED_S
        reason = f"no answer within {self.timeout_s} s" if isinstance(exc, TimeoutError) else str(exc)
        log.warning(
            "rate limits: the %s store failed (%s); this replica limits alone, in memory, for %s s",
            self.store,
            reason,
            RETRY_SHARED_S,
        )


class RateCounterSweep(PeriodicSweep[int]):
    """Deletes the database counters of clients gone quiet, every :data:`PRUNE_EVERY_S` seconds."""

    def __init__(self, storage: DatabaseStorage, clock: Clock) -> None:
        super().__init__(PRUNE_EVERY_S, clock, log)
        self.storage = storage

    async def sweep(self, now: datetime | None = None) -> int:
        return await self.storage.prune()

    def describe(self, result: int) -> str | None:
        return None  # a routine clean-up, not news


def store_name(storage: str) -> str:
    """The store as logs and metrics name it: memory, database, or redis://host:port (no password, no path)."""
    if storage in {"memory", "database"}:
        return storage
    parts = urlsplit(storage)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"


@asynccontextmanager
async def opened_rate_limiter(
    settings: Settings, engine: AsyncEngine, registry: CollectorRegistry, clock: Clock
) -> AsyncIterator[ClientRateLimiter | None]:
    """The app's rate limiter while the app runs (None: ``LIENTHONG_RATE_LIMIT_PER_S=0``); its store closed after."""
    limits = settings.http_limits
    if limits.rate_per_s <= 0:
        yield None
        return
    storage = limits.storage_for(settings.database_url)
    name = store_name(storage)

    def wall() -> float:
        return clock.wall().timestamp()

    async with AsyncExitStack() as stack:
        shared: SlidingWindowCounterRateLimiter | None = None
        if storage == "database":
            counters = await stack.enter_async_context(counter_storage(engine, now=wall))
            shared = SlidingWindowCounterRateLimiter(counters)
            await stack.enter_async_context(monitoring(RateCounterSweep(counters, clock)))
        elif storage != "memory":
            pool = coredis.ConnectionPool.from_url(
                storage, connect_timeout=limits.rate_storage_timeout_s, stream_timeout=limits.rate_storage_timeout_s
            )
            stack.callback(pool.disconnect)
            options: dict[str, Any] = {"connection_pool": pool}  # limits hands it to coredis.Redis
            redis = RedisStorage(f"async+{storage}", wrap_exceptions=True, key_prefix=REDIS_KEY_PREFIX, **options)
            shared = SlidingWindowCounterRateLimiter(redis)
        budget = Budget.of(limits.rate_per_s, limits.rate_burst)
        log.info("rate limits: %d requests per %d s per client, counted in %s", budget.amount, budget.window_s, name)
        yield ClientRateLimiter(
            budget,
            name,
            shared,
            metrics=RateLimitMetrics(registry, name),
            timeout_s=limits.rate_storage_timeout_s,
            wall=wall,
        )
