"""Rate-limit counters in the hub's database: a ``limits`` storage that every replica shares.

The ``limits`` library keeps counters in memory, Redis, Memcached or MongoDB; a hub on PostgreSQL
alone has none of those, so this is a storage on the hub's own database for ``limits``' sliding
window counter (``limits.aio.strategies.SlidingWindowCounterRateLimiter``)::

    async with counter_storage(engine, now=lambda: clock.wall().timestamp()) as storage:
        limiter = SlidingWindowCounterRateLimiter(storage)
        await limiter.hit(RateLimitItemPerSecond(200, 4), "principal:court.ha-noi.kv01/-")   # True: go ahead

One row per client key (``rate_limit_counters``) holds the hits of the current fixed window and of
the one before; windows start at multiples of their length since the epoch, as in ``limits``'
memory storage. A hit is one statement on both databases: an UPSERT that moves the row to the
current window and counts the hit only if the previous window's hits, weighted by the part of it
still inside the sliding window, plus the current ones stay within the limit; otherwise it updates
nothing and returns no row. ``ON CONFLICT DO UPDATE`` locks the row, so two replicas counting the
same client at once are serialised and the limit holds exactly (a refused hit counts nothing, so a
client hammering the hub still gets its budget when the window slides on).

Rows of clients not seen for two windows mean nothing; :meth:`DatabaseStorage.prune` deletes them.
Only the sliding window counter is served: ``incr``, ``get`` and ``get_expiry`` (the fixed window's
operations) raise ``NotImplementedError``.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Final

from limits.aio.storage import SlidingWindowCounterSupport, Storage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

# Dialect-neutral SQL (PostgreSQL and SQLite ≥ 3.35 spell upsert with RETURNING alike). "Now" is
# window :window; a row still on an older window is moved to this one. A row on a later window
# (another replica's clock a little ahead) is taken as it is. With p the previous window's hits
# and c this window's, a hit of :amount passes when floor(p · :weight) + c + :amount <= :limit,
# written p · :weight + c + :amount < :limit + 1 so neither database has to floor.
_HIT: Final = text(
    """
    INSERT INTO rate_limit_counters AS c (client_key, window_index, previous_hits, hits, expires_at)
    VALUES (:key, :window, 0, :amount, :expires_at)
    ON CONFLICT (client_key) DO UPDATE SET
        previous_hits = CASE WHEN c.window_index >= :window THEN c.previous_hits
                             WHEN c.window_index = :window - 1 THEN c.hits ELSE 0 END,
        hits = CASE WHEN c.window_index >= :window THEN c.hits ELSE 0 END + :amount,
        window_index = CASE WHEN c.window_index > :window THEN c.window_index ELSE :window END,
        expires_at = CASE WHEN c.expires_at > :expires_at THEN c.expires_at ELSE :expires_at END
    WHERE (CASE WHEN c.window_index >= :window THEN c.previous_hits
                WHEN c.window_index = :window - 1 THEN c.hits ELSE 0 END) * CAST(:weight AS DOUBLE PRECISION)
          + (CASE WHEN c.window_index >= :window THEN c.hits ELSE 0 END) + :amount < :limit + 1
    RETURNING hits
    """
)
_READ: Final = text("SELECT window_index, previous_hits, hits FROM rate_limit_counters WHERE client_key = :key")
_CLEAR: Final = text("DELETE FROM rate_limit_counters WHERE client_key = :key")
_PRUNE: Final = text("DELETE FROM rate_limit_counters WHERE expires_at < :now")
_RESET: Final = text("DELETE FROM rate_limit_counters")

POOL_SIZE: Final = 8
"""Connections of a replica's counters on PostgreSQL (:func:`counter_storage`); a hit holds one for one round trip."""


class DatabaseStorage(Storage, SlidingWindowCounterSupport):
    """``limits``' sliding window counter on the hub's database (see the module docstring).

    ``now`` gives epoch seconds (the machine's time: replicas must agree on the windows, so never
    a clock shifted for a demo). Driver errors reach the limiter as ``limits.errors.StorageError``.
    """

    STORAGE_SCHEME = None  # built by the hub with its engine, never from a URL

    def __init__(self, engine: AsyncEngine, now: Callable[[], float]) -> None:
        super().__init__(None, wrap_exceptions=True)
        self.engine = engine
        self.now = now

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (SQLAlchemyError, OSError)

    async def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = self.now()
        window = math.floor(now / expiry)
        params = {
            "key": key,
            "window": window,
            "amount": amount,
            "limit": limit,
            "weight": 1.0 - (now / expiry - window),  # the part of the previous window still inside
            "expires_at": float((window + 2) * expiry),
        }
        async with self._connection() as conn:
            counted = (await conn.execute(_HIT, params)).first()
        return counted is not None

    async def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        """(previous hits, seconds the previous window still weighs, current hits, seconds this window lasts + one)."""
        now = self.now()
        window = math.floor(now / expiry)
        async with self._connection() as conn:
            row = (await conn.execute(_READ, {"key": key})).first()
        previous, current = 0, 0
        if row is not None:
            if row.window_index >= window:
                previous, current = row.previous_hits, row.hits
            elif row.window_index == window - 1:
                previous = row.hits
        left = (1.0 - (now / expiry - window)) * expiry
        return previous, (left if previous else 0.0), current, left + expiry

    async def clear_sliding_window(self, key: str, expiry: int) -> None:
        await self.clear(key)

    async def clear(self, key: str) -> None:
        async with self._connection() as conn:
            await conn.execute(_CLEAR, {"key": key})

    async def prune(self) -> int:
        """Delete the rows of clients not seen for two windows; how many went."""
        async with self._connection() as conn:
            return int((await conn.execute(_PRUNE, {"now": self.now()})).rowcount)

    async def reset(self) -> int | None:
        async with self._connection() as conn:
            return int((await conn.execute(_RESET)).rowcount)

    async def check(self) -> bool:
        async with self._connection() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("the database storage serves the sliding window counter only")

    async def get(self, key: str) -> int:
        raise NotImplementedError("the database storage serves the sliding window counter only")

    async def get_expiry(self, key: str) -> float:
        raise NotImplementedError("the database storage serves the sliding window counter only")

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose statement is committed on the way out (at once on an AUTOCOMMIT engine)."""
        async with self.engine.connect() as conn:
            yield conn
            await conn.commit()


@asynccontextmanager
async def counter_storage(engine: AsyncEngine, now: Callable[[], float]) -> AsyncIterator[DatabaseStorage]:
    """The counters on ``engine``'s database, for as long as the block runs.

    On PostgreSQL the counters get a small pool of their own (:data:`POOL_SIZE` connections at most,
    shown as ``lienthong-rate-limits`` in ``pg_stat_activity``): AUTOCOMMIT, so a hit is one round
    trip rather than BEGIN, the statement and COMMIT, and no pre-ping, which would be a second one
    (a connection dropped by a restarted server fails one hit, which the limiter survives, and the
    pool then replaces it). A flood of requests also waits on this pool, never on the ledger's.
    SQLite: ``engine`` itself (its ``begin`` hook and busy timeout apply).
    """
    if engine.dialect.name != "postgresql":
        yield DatabaseStorage(engine, now)
        return
    own = create_async_engine(
        engine.url,
        isolation_level="AUTOCOMMIT",
        pool_size=POOL_SIZE // 2,
        max_overflow=POOL_SIZE - POOL_SIZE // 2,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "lienthong-rate-limits"}},
    )
    try:
        yield DatabaseStorage(own, now)
    finally:
        await own.dispose()
