"""A small circuit breaker: stop waiting on an agency system that keeps failing.

When an agency is down, every GraphQL request touching it would otherwise spend
the adapter's whole timeout before answering ``AGENCY_TIMEOUT``. After
``failures`` consecutive failures the breaker opens and calls fail at once with
``AGENCY_UNAVAILABLE``; after ``reset_after_s`` it is half-open: the next call
is let through as a probe, and its outcome closes or re-opens the breaker::

    breaker = CircuitBreaker(failures=5, reset_after_s=10.0)
    if not breaker.allow():
        raise AgencyUnavailable("court", breaker.explain())
    ...
    breaker.success()   # or breaker.failure("HTTP 503"), or breaker.abandon() if cancelled
    breaker.snapshot()  # CircuitSnapshot(state=CircuitState.CLOSED, ...) for /readyz and /metrics

Only failures of the agency count (timeouts, refused connections, 5xx/429);
an answer we did not like (400, bad JSON) proves the agency is up. State lives
on the instance, one per agency client; there is nothing module-level.

The half-open state needs no timer: once ``reset_after_s`` has passed, the
breaker *is* half-open (``state`` says so, and the next call probes), whether
or not a call has come yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.clock import Clock
from domain.messages import Text, msg


class CircuitState(StrEnum):
    CLOSED = "closed"  # calls go out
    HALF_OPEN = "half_open"  # the pause is over: one call at a time probes the agency
    OPEN = "open"  # calls fail at once, the agency is not called


@dataclass(frozen=True, slots=True)
class CircuitSnapshot:
    """A breaker's state at one moment, as /readyz and /metrics show it (times in UTC)."""

    state: CircuitState
    since: datetime  # when it entered ``state`` (for half-open: when the pause ended)
    consecutive_failures: int
    last_failure: str | None
    last_failure_at: datetime | None
    openings: int  # times it has opened (a failed probe re-opens it: that counts)
    rejected: int  # calls failed at once, without calling the agency
    failures_to_open: int
    reset_after_s: float


class CircuitBreaker:
    """Closed → (``failures`` in a row) → open → (``reset_after_s``) → half-open probe → closed or open."""

    def __init__(
        self,
        failures: int = 5,
        reset_after_s: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,  # what /readyz shows: the machine's time
    ) -> None:
        if failures < 1:
            raise ValueError(f"failures must be at least 1, got {failures}")
        if reset_after_s <= 0:
            raise ValueError(f"reset_after_s must be positive, got {reset_after_s}")
        self._threshold = failures
        self._reset_after_s = reset_after_s
        self._clock = clock
        self._now = now or Clock().wall
        self._consecutive = 0
        self._opened_at: float | None = None  # monotonic; moved on by failures that land while open
        self._opened_wall = self._now()
        self._since = self._opened_wall  # wall time of the last change between closed and open
        self._probing = False
        self._last_failure: str | None = None
        self._last_failure_at: datetime | None = None
        self._openings = 0
        self._rejected = 0

    @property
    def is_open(self) -> bool:
        """Open or half-open: not closed."""
        return self._opened_at is not None

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._probing or self._clock() - self._opened_at >= self._reset_after_s:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def allow(self) -> bool:
        """May a call go out now? In half-open state, only one probe at a time."""
        if self._opened_at is None:
            return True
        if self._probing or self._clock() - self._opened_at < self._reset_after_s:
            self._rejected += 1
            return False
        self._probing = True
        return True

    def success(self) -> None:
        if self._opened_at is not None:
            self._since = self._now()
        self._consecutive = 0
        self._opened_at = None
        self._probing = False

    def failure(self, reason: str) -> None:
        self._consecutive += 1
        self._last_failure = reason
        self._last_failure_at = self._now()
        if self._probing or self._consecutive >= self._threshold:
            if self._opened_at is None or self._probing:  # a new opening, not a late failure while open
                self._openings += 1
                self._since = self._last_failure_at
            self._opened_at = self._clock()
            self._opened_wall = self._last_failure_at
        self._probing = False

    def abandon(self) -> None:
        """The probe ended without a verdict (cancelled): let the next call probe instead."""
        self._probing = False

    def explain(self) -> Text:
        last = msg("; last failure: {failure}", failure=self._last_failure) if self._last_failure else ""
        if self._probing:
            return msg("circuit half-open, a probe call is testing the agency{last}", last=last)
        return msg(
            "circuit open after {failures} consecutive failures, not calling the agency for now{last}",
            failures=self._consecutive,
            last=last,
        )

    def snapshot(self) -> CircuitSnapshot:
        state = self.state
        since = self._since
        if state is CircuitState.HALF_OPEN:
            since = self._opened_wall + timedelta(seconds=self._reset_after_s)
        return CircuitSnapshot(
            state=state,
            since=since,
            consecutive_failures=self._consecutive,
            last_failure=self._last_failure,
            last_failure_at=self._last_failure_at,
            openings=self._openings,
            rejected=self._rejected,
            failures_to_open=self._threshold,
            reset_after_s=self._reset_after_s,
        )
