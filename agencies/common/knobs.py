"""Fault-injection knobs of one service: added latency, a failure rate, and hanging requests.

The failure sequence is deterministic: a ``random.Random`` seeded from the
service seed, restarted whenever ``failure_rate`` is set, so "set 0.5 then send
ten requests" fails the same requests on every run.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from typing import Any

from agencies.common.settings import MAX_LATENCY_MS


class KnobError(ValueError):
    """A knob was given a value it cannot take; the message is for the client (Vietnamese)."""


class Knobs:
    def __init__(self, seed: int, service: str, *, latency_ms: int = 0, failure_rate: float = 0.0) -> None:
        self._seed = f"{seed}:{service}:failures"
        self.latency_ms = latency_ms
        self.failure_rate = failure_rate
        self._failures = random.Random(self._seed)
        self._released = asyncio.Event()
        self._released.set()

    @property
    def hang(self) -> bool:
        return not self._released.is_set()

    def as_dict(self) -> dict[str, Any]:
        return {"latency_ms": self.latency_ms, "failure_rate": self.failure_rate, "hang": self.hang}

    def update(self, changes: Mapping[str, Any]) -> None:
        """Apply ``{"latency_ms": int, "failure_rate": 0..1, "hang": bool}`` (any subset), all or nothing."""
        unknown = set(changes) - {"latency_ms", "failure_rate", "hang"}
        if unknown:
            raise KnobError(f"Không có tham số điều khiển: {', '.join(sorted(unknown))}")
        latency = changes.get("latency_ms", self.latency_ms)
        if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= MAX_LATENCY_MS:
            raise KnobError(f"latency_ms phải là số nguyên từ 0 đến {MAX_LATENCY_MS}")
        rate = changes.get("failure_rate", self.failure_rate)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise KnobError("failure_rate phải là số từ 0 đến 1")
        hang = changes.get("hang", self.hang)
        if not isinstance(hang, bool):
            raise KnobError("hang phải là true hoặc false")
        self.latency_ms = latency
        if "failure_rate" in changes:
            self.failure_rate = float(rate)
            self._failures = random.Random(self._seed)
        if hang:
            self._released.clear()
        else:
            self._released.set()

    def should_fail(self) -> bool:
        """Draw the next outcome of the failure sequence (only while a failure rate is set)."""
        return self.failure_rate > 0 and self._failures.random() < self.failure_rate

    async def released(self) -> None:
        """Return once ``hang`` is false."""
        await self._released.wait()
