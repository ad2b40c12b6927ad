"""A small circuit breaker: stop waiting on an agency system that keeps failing.

When an agency is down, every GraphQL request touching it would otherwise spend
the adapter's whole timeout before answering ``AGENCY_TIMEOUT``. After
``failures`` consecutive failures the breaker opens and calls fail at once with
``AGENCY_UNAVAILABLE``; after ``reset_after_s`` one call is let through as a
probe, and its outcome closes or re-opens the breaker::

    breaker = CircuitBreaker(failures=5, reset_after_s=10.0)
    if not breaker.allow():
        raise AgencyUnavailable("court", breaker.explain())
    ...
    breaker.success()   # or breaker.failure("HTTP 503"), or breaker.abandon() if cancelled

Only failures of the agency count (timeouts, refused connections, 5xx/429);
an answer we did not like (400, bad JSON) proves the agency is up. State lives
on the instance, one per agency client; there is nothing module-level.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    """Closed → (``failures`` in a row) → open → (``reset_after_s``) → half-open probe → closed or open."""

    def __init__(
        self,
        failures: int = 5,
        reset_after_s: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1:
            raise ValueError(f"failures must be at least 1, got {failures}")
        if reset_after_s <= 0:
            raise ValueError(f"reset_after_s must be positive, got {reset_after_s}")
        self._threshold = failures
        self._reset_after_s = reset_after_s
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False
        self._last_failure: str | None = None

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """May a call go out now? In half-open state, only one probe at a time."""
        if self._opened_at is None:
            return True
        if self._probing or self._clock() - self._opened_at < self._reset_after_s:
            return False
        self._probing = True
        return True

    def success(self) -> None:
        self._consecutive = 0
        self._opened_at = None
        self._probing = False

    def failure(self, reason: str) -> None:
        self._consecutive += 1
        self._last_failure = reason
        if self._probing or self._consecutive >= self._threshold:
            self._opened_at = self._clock()
        self._probing = False

    def abandon(self) -> None:
        """The probe ended without a verdict (cancelled): let the next call probe instead."""
        self._probing = False

    def explain(self) -> str:
        last = f"; last failure: {self._last_failure}" if self._last_failure else ""
        return f"circuit open after {self._consecutive} consecutive failures, not calling the agency for now{last}"
