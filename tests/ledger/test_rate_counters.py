"""The database's rate-limit counters (``limits``' sliding window counter) on SQLite and PostgreSQL.

The storage reads the time from a function, so the tests stand it on chosen moments: windows of
4 s start at multiples of 4 since the epoch (1000.0 opens one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from limits import RateLimitItemPerSecond
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ledger.db import create_engine
from ledger.rate_counters import DatabaseStorage, counter_storage

FIVE_IN_4_S = RateLimitItemPerSecond(5, 4)


class StandingClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> StandingClock:
    return StandingClock()


@pytest_asyncio.fixture(loop_scope="session")
async def storage(engine: AsyncEngine, clock: StandingClock) -> AsyncIterator[DatabaseStorage]:
    async with counter_storage(engine, now=clock) as counters:  # as the hub opens them: a pool of their own
        yield counters


@pytest.fixture
def limiter(storage: DatabaseStorage) -> SlidingWindowCounterRateLimiter:
    return SlidingWindowCounterRateLimiter(storage)


async def _hits(limiter: SlidingWindowCounterRateLimiter, key: str, n: int) -> list[bool]:
    return [await limiter.hit(FIVE_IN_4_S, key) for _ in range(n)]


async def test_a_client_has_its_limit_then_is_refused_while_another_is_not(limiter):
    assert await _hits(limiter, "a", 7) == [True] * 5 + [False] * 2
    assert await _hits(limiter, "b", 1) == [True]


async def test_the_previous_window_weighs_by_the_part_of_it_still_inside(limiter, clock):
    await _hits(limiter, "a", 5)
    clock.now = 1004.0  # the next window opens: the five still weigh fully
    assert await _hits(limiter, "a", 1) == [False]
    clock.now = 1006.0  # half-way: floor(5 × 0.5) = 2 still count, so 3 more
    assert await _hits(limiter, "a", 4) == [True] * 3 + [False]
    clock.now = 1012.0  # two windows on: nothing weighs
    assert await _hits(limiter, "a", 6) == [True] * 5 + [False]


async def test_refused_hits_count_nothing_so_a_hammering_client_gets_its_budget_back(limiter, clock):
    assert (await _hits(limiter, "a", 100)).count(True) == 5
    clock.now = 1006.0
    assert await _hits(limiter, "a", 4) == [True] * 3 + [False]


async def test_hits_on_many_connections_at_once_never_pass_the_limit(limiter):
    ten = RateLimitItemPerSecond(10, 4)
    allowed = await asyncio.gather(*(limiter.hit(ten, "crowd") for _ in range(40)))
    assert allowed.count(True) == 10


async def test_the_window_read_back_is_what_was_counted(storage, limiter, clock):
    await _hits(limiter, "a", 3)
    clock.now = 1005.0
    await _hits(limiter, "a", 1)
    key = FIVE_IN_4_S.key_for("a")
    assert await storage.get_sliding_window(key, 4) == (3, 3.0, 1, 7.0)
    stats = await limiter.get_window_stats(FIVE_IN_4_S, "a")
    assert stats.remaining == 5 - (2 + 1)  # floor(3 × 0.75) + 1


async def test_a_row_moved_ahead_by_a_replica_whose_clock_runs_ahead_is_kept(limiter, clock):
    clock.now = 1004.1  # the other replica is already in the next window
    await _hits(limiter, "a", 4)
    clock.now = 1003.9  # this replica is not: it counts into the same row, not over it
    assert await _hits(limiter, "a", 2) == [True, False]


async def test_rows_of_clients_quiet_for_two_windows_are_pruned(engine, storage, limiter, clock):
    await _hits(limiter, "quiet", 1)
    clock.now = 1007.0
    await _hits(limiter, "busy", 1)
    assert await storage.prune() == 0  # "quiet" still weighs in the window 1004–1008
    clock.now = 1008.5
    assert await storage.prune() == 1
    async with engine.connect() as conn:
        keys = (await conn.execute(text("SELECT client_key FROM rate_limit_counters"))).scalars().all()
    assert keys == [FIVE_IN_4_S.key_for("busy")]


async def test_clear_gives_a_client_its_whole_budget_again(limiter):
    await _hits(limiter, "a", 5)
    await limiter.clear(FIVE_IN_4_S, "a")
    assert await _hits(limiter, "a", 5) == [True] * 5


async def test_a_database_that_does_not_answer_is_a_storage_error():
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none", pool_timeout=1)
    try:
        with pytest.raises(StorageError):
            await SlidingWindowCounterRateLimiter(DatabaseStorage(engine, now=StandingClock())).hit(FIVE_IN_4_S, "a")
    finally:
        await engine.dispose()
