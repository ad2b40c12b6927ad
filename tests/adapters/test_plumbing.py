"""Small plumbing: the circuit breaker's states and the batch helpers."""

from __future__ import annotations

import asyncio

import pytest

from adapters.batching import chunks, gather_all, lookup_in_chunks, unique
from adapters.circuit import CircuitBreaker
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
