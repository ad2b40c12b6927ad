"""The rate limiter: budgets, memory per process, a failing or hanging shared store, and its setting.

Two apps sharing one store together are in tests/api/test_shared_rate_limits.py; the database's
counters in tests/ledger/test_rate_counters.py.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from prometheus_client import CollectorRegistry

from agencies.topology import free_port
from domain.clock import Clock
from gateway.rate_limits import RETRY_SHARED_S, Budget, ClientRateLimiter, RateLimitMetrics, opened_rate_limiter
from gateway.settings import HttpLimits, Settings, SettingsError
from ledger.db import create_engine

THREE_IN_10_S = Budget(3, 10)


def _wall() -> float:
    return Clock().wall().timestamp()  # limits' memory storage counts in the machine's time


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FlakyStorage(MemoryStorage):
    """Memory that can be made to fail or to hang, counting how often it was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False
        self.hanging = False
        self.asked = 0

    async def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        self.asked += 1
        if self.hanging:
            await asyncio.Event().wait()
        if self.failing:
            raise StorageError(ConnectionRefusedError("Connect call failed ('10.0.0.9', 6379)"))
        return await super().acquire_sliding_window_entry(key, limit, expiry, amount)


def _limiter(
    shared: FlakyStorage | None = None, *, registry: CollectorRegistry | None = None, **options: object
) -> ClientRateLimiter:
    store = "memory" if shared is None else "redis://cache:6379"
    return ClientRateLimiter(
        THREE_IN_10_S,
        store,
        None if shared is None else SlidingWindowCounterRateLimiter(shared),
        metrics=RateLimitMetrics(registry or CollectorRegistry(), store),
        timeout_s=0.5,
        wall=_wall,
        **options,  # type: ignore[arg-type]
    )


def _sample(registry: CollectorRegistry, name: str) -> float:
    return registry.get_sample_value(name, {"store": "redis://cache:6379"}) or 0.0


async def _checks(limiter: ClientRateLimiter, key: str, n: int) -> list[float]:
    return [await limiter.check(key) for _ in range(n)]


@pytest.mark.parametrize(
    ("rate_per_s", "burst", "budget"),
    [(50.0, 200, Budget(200, 4)), (0.2, 5, Budget(5, 25)), (100.0, 1, Budget(1, 1)), (0.3, 1, Budget(1, 4))],
)
def test_the_burst_comes_back_in_the_time_the_rate_takes_to_allow_as_many(rate_per_s, burst, budget):
    assert Budget.of(rate_per_s, burst) == budget


async def test_a_client_gets_its_burst_then_waits_while_another_is_served():
    limiter = _limiter()
    *allowed, refused = await _checks(limiter, "principal:court.hue.kv01/a", 4)
    assert allowed == [0.0, 0.0, 0.0]
    assert 0 < refused <= THREE_IN_10_S.window_s
    assert await limiter.check("principal:court.hue.kv01/b") == 0.0


async def test_memory_counts_stay_in_their_process():
    one, other = _limiter(), _limiter()
    assert await _checks(one, "address:10.1.2.3", 3) == [0.0] * 3
    assert await _checks(other, "address:10.1.2.3", 3) == [0.0] * 3  # a second replica: a second budget
    assert await one.check("address:10.1.2.3") > 0


async def test_a_failing_shared_store_never_fails_a_request_and_the_replica_limits_alone(caplog):
    store, registry = FlakyStorage(), CollectorRegistry()
    store.failing = True
    limiter = _limiter(store, registry=registry)
    with caplog.at_level(logging.WARNING, logger="lienthong.gateway"):
        decisions = await _checks(limiter, "principal:court.hue.kv01/a", 4)
    assert decisions[:3] == [0.0] * 3
    assert decisions[3] > 0  # the same budget, kept in this replica's memory
    assert store.asked == 1  # not asked again before the retry period
    assert _sample(registry, "lienthong_rate_limit_store_errors_total") == 1
    assert _sample(registry, "lienthong_rate_limit_local_decisions_total") == 4
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "redis://cache:6379 store failed" in warning
    assert "Connect call failed" in warning


async def test_the_shared_store_is_asked_again_after_the_retry_period_and_its_return_is_logged(caplog):
    store, monotonic = FlakyStorage(), Monotonic()
    store.failing = True
    limiter = _limiter(store, monotonic=monotonic)
    await limiter.check("principal:court.hue.kv01/a")
    store.failing = False
    monotonic.now += RETRY_SHARED_S - 0.1
    await limiter.check("principal:court.hue.kv01/a")
    assert store.asked == 1
    monotonic.now += 0.1
    with caplog.at_level(logging.INFO, logger="lienthong.gateway"):
        assert await limiter.check("principal:court.hue.kv01/a") == 0.0
    assert store.asked == 2
    assert any("answers again" in r.getMessage() for r in caplog.records)


async def test_a_shared_store_that_hangs_is_given_up_after_the_timeout(caplog):
    store, registry = FlakyStorage(), CollectorRegistry()
    store.hanging = True
    limiter = _limiter(store, registry=registry)
    limiter.timeout_s = 0.05
    with caplog.at_level(logging.WARNING, logger="lienthong.gateway"):
        assert await limiter.check("principal:court.hue.kv01/a") == 0.0
    assert _sample(registry, "lienthong_rate_limit_store_errors_total") == 1
    assert any("no answer within 0.05 s" in r.getMessage() for r in caplog.records)


@asynccontextmanager
async def _opened(storage: str, registry: CollectorRegistry) -> AsyncIterator[ClientRateLimiter]:
    settings = Settings(
        database_url="sqlite+aiosqlite://",
        http_limits=HttpLimits(rate_per_s=0.3, rate_burst=3, rate_storage=storage),
    )
    engine = create_engine(settings.database_url)  # opened_rate_limiter uses it only for "database"
    try:
        async with opened_rate_limiter(settings, engine, registry, Clock()) as limiter:
            assert limiter is not None
            yield limiter
    finally:
        await engine.dispose()


async def test_an_unreachable_redis_is_a_counted_warning_not_a_failed_request():
    registry = CollectorRegistry()
    async with _opened(f"redis://127.0.0.1:{free_port()}/0", registry) as limiter:
        assert await limiter.check("principal:court.hue.kv01/a") == 0.0
    assert registry.get_sample_value("lienthong_rate_limit_store_errors_total", {"store": limiter.store}) == 1


async def test_two_limiters_on_one_redis_share_one_budget(redis_url):
    key = f"principal:court.hue.kv01/{uuid.uuid4().hex}"
    async with _opened(redis_url, CollectorRegistry()) as one, _opened(redis_url, CollectorRegistry()) as other:
        assert [await one.check(key), await other.check(key), await one.check(key)] == [0.0] * 3
        assert await other.check(key) > 0
        assert await one.check(key) > 0


async def test_no_limiter_when_the_rate_is_zero():
    settings = Settings(http_limits=HttpLimits(rate_per_s=0))
    async with opened_rate_limiter(settings, create_engine("sqlite+aiosqlite://"), CollectorRegistry(), Clock()) as x:
        assert x is None


class TestTheStorageSetting:
    @pytest.mark.parametrize(
        ("database_url", "configured", "store"),
        [
            ("sqlite+aiosqlite:///var/lienthong.db", None, "memory"),
            ("postgresql+asyncpg://hub@db/lienthong", None, "database"),
            ("postgresql://hub@db/lienthong", "memory", "memory"),
            ("sqlite+aiosqlite:///var/lienthong.db", "database", "database"),
            ("postgresql+asyncpg://hub@db/lienthong", "redis://cache:6379/2", "redis://cache:6379/2"),
        ],
    )
    def test_the_default_is_the_database_on_postgresql_and_memory_on_sqlite(self, database_url, configured, store):
        assert HttpLimits(rate_storage=configured).storage_for(database_url) == store

    @pytest.mark.parametrize(
        ("raw", "read"),
        [
            ("memory", "memory"),
            (" Database ", "database"),
            ("rediss://:secret@cache.internal:6380/1", "rediss://:secret@cache.internal:6380/1"),
            ("", None),
        ],
    )
    def test_it_is_read_from_the_environment_and_written_back(self, raw, read):
        limits = HttpLimits.from_env({"LIENTHONG_RATE_LIMIT_STORAGE": raw})
        assert limits.rate_storage == read
        assert HttpLimits.from_env(limits.to_env()) == limits

    @pytest.mark.parametrize(
        "raw", ["memcached://cache:11211", "redis://", "mongodb://:secret@db/limits", "postgres", "redis:cache"]
    )
    def test_anything_else_fails_loudly_without_echoing_it(self, raw):
        with pytest.raises(SettingsError, match="LIENTHONG_RATE_LIMIT_STORAGE") as refused:
            Settings.from_env({"LIENTHONG_RATE_LIMIT_STORAGE": raw})
        assert "secret" not in str(refused.value)

    def test_the_store_timeout_must_be_positive(self):
        with pytest.raises(SettingsError, match="LIENTHONG_RATE_LIMIT_STORAGE_TIMEOUT_S"):
            Settings.from_env({"LIENTHONG_RATE_LIMIT_STORAGE_TIMEOUT_S": "0"})
