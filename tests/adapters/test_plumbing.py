"""Small plumbing: the circuit breaker's states and the batch helpers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.batching import chunks, gather_all, lookup_in_chunks, unique
from adapters.circuit import CircuitBreaker, CircuitState
from domain.errors import AgencyTimeout


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TestCircuitBreaker:
    def test_opens_after_the_threshold_and_probes_once_after_the_pause(self) -> None:
        clock = Clock()
        breaker = CircuitBreaker(failures=2, reset_after_s=10, clock=clock)
        breaker.failure("HTTP 503")
        assert breaker.allow()
        breaker.failure("HTTP 503")
        assert not breaker.allow()
        clock.now = 10
        assert breaker.allow()  # the probe
        assert not breaker.allow()  # only one at a time
        breaker.success()
        assert breaker.allow()
        assert not breaker.is_open

    def test_a_failed_probe_reopens_at_once(self) -> None:
        clock = Clock()
        breaker = CircuitBreaker(failures=3, reset_after_s=5, clock=clock)
        for _ in range(3):
            breaker.failure("timeout")
        clock.now = 5
        assert breaker.allow()
        breaker.failure("timeout")
        assert not breaker.allow()
        assert "last failure: timeout" in breaker.explain()

    def test_an_abandoned_probe_lets_the_next_call_probe(self) -> None:
        clock = Clock()
        breaker = CircuitBreaker(failures=1, reset_after_s=1, clock=clock)
        breaker.failure("HTTP 502")
        clock.now = 1
        assert breaker.allow()
        breaker.abandon()
        assert breaker.allow()

    def test_success_resets_the_count(self) -> None:
        breaker = CircuitBreaker(failures=2)
        breaker.failure("x")
        breaker.success()
        breaker.failure("x")
        assert breaker.allow()


class WallClock:
    """UTC wall time that follows a monotonic ``Clock`` (seconds since 1 March 2026, 08:00)."""

    START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def __call__(self) -> datetime:
        return self.START + timedelta(seconds=self.clock.now)


class TestCircuitState:
    """What /readyz and /metrics read from a breaker: its state, since when, and its counts."""

    @staticmethod
    def breaker(clock: Clock, failures: int = 2, reset_after_s: float = 10) -> CircuitBreaker:
        return CircuitBreaker(failures=failures, reset_after_s=reset_after_s, clock=clock, now=WallClock(clock))

    def test_a_new_breaker_is_closed_since_it_was_made(self) -> None:
        clock = Clock()
        snap = self.breaker(clock).snapshot()
        assert (snap.state, snap.since, snap.openings, snap.rejected) == (CircuitState.CLOSED, WallClock.START, 0, 0)
        assert (snap.last_failure, snap.last_failure_at, snap.consecutive_failures) == (None, None, 0)
        assert (snap.failures_to_open, snap.reset_after_s) == (2, 10)

    def test_open_since_the_failure_that_opened_it_with_that_failure_named(self) -> None:
        clock = Clock()
        breaker = self.breaker(clock)
        breaker.failure("cannot reach the agency system")
        assert breaker.state is CircuitState.CLOSED
        clock.now = 3
        breaker.failure("no answer within 1 s")
        snap = breaker.snapshot()
        assert snap.state is CircuitState.OPEN
        assert snap.since == WallClock.START + timedelta(seconds=3)
        assert (snap.last_failure, snap.consecutive_failures, snap.openings) == ("no answer within 1 s", 2, 1)
        assert snap.last_failure_at == snap.since

    def test_half_open_once_the_pause_is_over_even_before_a_call_comes(self) -> None:
        clock = Clock()
        breaker = self.breaker(clock, failures=1, reset_after_s=10)
        breaker.failure("HTTP 503")
        clock.now = 9.9
        assert breaker.state is CircuitState.OPEN
        clock.now = 10
        snap = breaker.snapshot()
        assert snap.state is CircuitState.HALF_OPEN
        assert snap.since == WallClock.START + timedelta(seconds=10)
        assert breaker.allow()  # the probe
        assert breaker.state is CircuitState.HALF_OPEN

    def test_a_successful_probe_closes_it_since_then(self) -> None:
        clock = Clock()
        breaker = self.breaker(clock, failures=1, reset_after_s=10)
        breaker.failure("HTTP 503")
        clock.now = 12
        assert breaker.allow()
        clock.now = 12.5
        breaker.success()
        snap = breaker.snapshot()
        assert (snap.state, snap.since) == (CircuitState.CLOSED, WallClock.START + timedelta(seconds=12.5))
        assert (snap.openings, snap.consecutive_failures) == (1, 0)
        assert snap.last_failure == "HTTP 503"  # kept: when it last failed is still worth knowing

    def test_a_failed_probe_is_a_second_opening_a_late_failure_while_open_is_not(self) -> None:
        clock = Clock()
        breaker = self.breaker(clock, failures=1, reset_after_s=10)
        breaker.failure("HTTP 503")
        breaker.failure("HTTP 503")  # a call that was already under way when it opened
        assert breaker.snapshot().openings == 1
        clock.now = 10
        assert breaker.allow()
        breaker.failure("HTTP 503")
        snap = breaker.snapshot()
        assert (snap.state, snap.openings, snap.since) == (
            CircuitState.OPEN,
            2,
            WallClock.START + timedelta(seconds=10),
        )

    def test_calls_refused_while_open_or_probing_are_counted(self) -> None:
        clock = Clock()
        breaker = self.breaker(clock, failures=1, reset_after_s=10)
        assert breaker.allow()
        breaker.failure("HTTP 503")
        assert not breaker.allow()
        assert not breaker.allow()
        clock.now = 10
        assert breaker.allow()  # the probe is not refused
        assert not breaker.allow()  # a second caller while it probes is
        assert breaker.snapshot().rejected == 3
        assert "half-open" in breaker.explain()


class TestBatching:
    def test_unique_keeps_first_seen_order(self) -> None:
        assert unique([3, 1, 3, 2, 1]) == [3, 1, 2]

    def test_chunks(self) -> None:
        assert [list(c) for c in chunks([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
        with pytest.raises(ValueError, match="chunk size"):
            list(chunks([1], 0))

    async def test_lookup_in_chunks_spreads_answers_over_the_keys_as_asked(self) -> None:
        asked: list[list[int]] = []

        async def lookup(chunk: object) -> dict[int, str]:
            keys = list(chunk)  # type: ignore[call-overload]
            asked.append(keys)
            return {key: f"v{key}" for key in keys}

        assert await lookup_in_chunks([2, 1, 2, 3], lookup, size=2) == ["v2", "v1", "v2", "v3"]
        assert asked == [[2, 1], [3]]

    async def test_the_first_failure_cancels_the_rest_and_is_raised_plainly(self) -> None:
        cancelled = asyncio.Event()

        async def slow() -> int:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                cancelled.set()
                raise
            return 1

        async def failing() -> int:
            raise AgencyTimeout("court", "no answer")

        with pytest.raises(AgencyTimeout):
            await gather_all([slow(), failing()])
        assert cancelled.is_set()
