"""Keeping an adapter's ``AdapterStatus`` and metrics true for every call.

HTTP and SQL adapters share this so /readyz and /metrics tell the same story
whatever the transport: each call is timed, counted by outcome, and the status
remembers the last success and the last error (UTC)::

    with tracker.call("POST /api/ban-an/tra-cuu"):
        answer = await ...   # an AgencyError escaping here marks the call failed
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from adapters.base import AdapterStatus
from adapters.metrics import AdapterMetrics
from domain.clock import Clock
from domain.errors import AgencyError


class CallTracker:
    """Times calls and records their outcome on one adapter's status and metrics."""

    def __init__(
        self,
        status: AdapterStatus,
        metrics: AdapterMetrics | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        now: Callable[[], datetime] | None = None,  # what /readyz shows: the machine's time
    ) -> None:
        self.status = status
        self.metrics = metrics
        self._clock = clock
        self._now = now or Clock().wall

    @property
    def agency(self) -> str:
        return self.status.agency

    @contextmanager
    def call(self, operation: str) -> Iterator[None]:
        """Track one whole call (retries included).

        Only ``AgencyError`` marks the agency failed: a cancellation is the
        caller giving up, and any other exception is a bug of ours, which the
        agency should not be blamed for on /readyz.
        """
        started = self._clock()
        try:
            yield
        except AgencyError as error:
            self._failed(operation, error, self._clock() - started)
            raise
        self._succeeded(operation, self._clock() - started)

    def record_error(self, operation: str, error: AgencyError) -> None:
        """A failure found after the transport call (an unusable answer) still shows on /readyz."""
        self.status.ok = False
        self.status.last_error = f"{error.code}: {error.message}"
        self.status.last_error_at = self._now()
        if self.metrics is not None:
            self.metrics.count_error(self.agency, operation, error.code)

    def count_bad_records(self, count: int) -> None:
        """Records answered in place as AgencyBadData; the call itself still succeeded."""
        if self.metrics is not None:
            self.metrics.count_bad_records(self.agency, count)

    def observe_batch(self, keys: int) -> None:
        if self.metrics is not None:
            self.metrics.observe_batch(self.agency, keys)

    def count_retry(self, operation: str) -> None:
        if self.metrics is not None:
            self.metrics.count_retry(self.agency, operation)

    def _succeeded(self, operation: str, seconds: float) -> None:
        self.status.ok = True
        self.status.last_ok_at = self._now()
        if self.metrics is not None:
            self.metrics.observe_call(self.agency, operation, "ok", seconds)

    def _failed(self, operation: str, error: AgencyError, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.observe_call(self.agency, operation, "error", seconds)
        self.record_error(operation, error)
