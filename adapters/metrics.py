"""Prometheus metrics for the adapters, registered on a registry the app passes in.

One ``AdapterMetrics`` per app: tests and several apps in one process each get
their own registry, so nothing here touches prometheus-client's global
``REGISTRY`` (registering twice there fails, and it would mix apps' numbers)::

    registry = CollectorRegistry()
    metrics = AdapterMetrics(registry)
    metrics.observe_call("court", "POST /api/ban-an/tra-cuu", "ok", 0.042)

Label values are bounded: ``agency`` is one of six names (the four systems,
plus ``court-personnel`` and ``procuracy-personnel`` for the staff endpoints of
the court and procuracy services), ``operation`` is a method and a fixed path
(never a URL with a key in it), ``outcome`` is ``ok`` or ``error`` and ``code``
is one of the ``AgencyError`` codes.

Circuit breakers are read when Prometheus scrapes (``watch_circuit``), so the
state gauge is never stale: a breaker whose pause is over shows half-open
(1) even before a call probes the agency::

    metrics.watch_circuit("court", breaker)
    # lienthong_adapter_circuit_state{agency="court"} 0 closed | 1 half-open | 2 open
    # lienthong_adapter_circuit_openings_total{agency="court"}, lienthong_adapter_circuit_rejected_total{...}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from adapters.circuit import CircuitBreaker, CircuitState

Outcome = Literal["ok", "error"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
_BATCH_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
CIRCUIT_STATE_VALUES: Mapping[CircuitState, int] = MappingProxyType(
    {CircuitState.CLOSED: 0, CircuitState.HALF_OPEN: 1, CircuitState.OPEN: 2}
)


class AdapterMetrics:
    """Calls, errors, retries, latency and batch sizes of the agency adapters."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.calls = Counter(
            "lienthong_adapter_calls",
            "Calls made to agency systems, by outcome.",
            ("agency", "operation", "outcome"),
            registry=registry,
        )
        self.errors = Counter(
            "lienthong_adapter_errors",
            "Failed calls to agency systems, by error code (AGENCY_UNAVAILABLE, AGENCY_TIMEOUT, ...).",
            ("agency", "operation", "code"),
            registry=registry,
        )
        self.retries = Counter(
            "lienthong_adapter_retries",
            "Safe reads sent again after a connection error or a 502/503/504.",
            ("agency", "operation"),
            registry=registry,
        )
        self.bad_records = Counter(
            "lienthong_adapter_bad_records",
            "Records an agency sent that the adapter could not translate (answered in place as AGENCY_BAD_DATA).",
            ("agency",),
            registry=registry,
        )
        self.latency = Histogram(
            "lienthong_adapter_call_seconds",
            "Wall time of a call to an agency system, retries and back-off included.",
            ("agency", "operation", "outcome"),
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.batch_keys = Histogram(
            "lienthong_adapter_batch_keys",
            "Distinct keys asked for in one fetch_many call (before chunking).",
            ("agency",),
            buckets=_BATCH_BUCKETS,
            registry=registry,
        )
        self._circuits = _CircuitCollector()
        registry.register(self._circuits)

    def watch_circuit(self, agency: str, breaker: CircuitBreaker) -> None:
        """Export ``breaker``'s state, openings and rejected calls under ``agency`` (a later breaker replaces it)."""
        self._circuits.breakers[agency] = breaker

    def observe_call(self, agency: str, operation: str, outcome: Outcome, seconds: float) -> None:
        self.calls.labels(agency, operation, outcome).inc()
        self.latency.labels(agency, operation, outcome).observe(seconds)

    def count_error(self, agency: str, operation: str, code: str) -> None:
        self.errors.labels(agency, operation, code).inc()

    def count_retry(self, agency: str, operation: str) -> None:
        self.retries.labels(agency, operation).inc()

    def count_bad_records(self, agency: str, count: int) -> None:
        if count:
            self.bad_records.labels(agency).inc(count)

    def observe_batch(self, agency: str, keys: int) -> None:
        self.batch_keys.labels(agency).observe(keys)


class _CircuitCollector(Collector):
    """Reads every watched breaker at scrape time (one collector per ``AdapterMetrics``, so per registry)."""

    def __init__(self) -> None:
        self.breakers: dict[str, CircuitBreaker] = {}

    def describe(self) -> Iterator[Metric]:
        return self._families(())

    def collect(self) -> Iterator[Metric]:
        return self._families(tuple(self.breakers.items()))

    @staticmethod
    def _families(breakers: tuple[tuple[str, CircuitBreaker], ...]) -> Iterator[Metric]:
        state = GaugeMetricFamily(
            "lienthong_adapter_circuit_state",
            "Circuit breaker of each agency system: 0 closed, 1 half-open (next call probes), 2 open (failing fast).",
            labels=("agency",),
        )
        openings = CounterMetricFamily(
            "lienthong_adapter_circuit_openings",
            "Times each agency's circuit breaker opened (a failed half-open probe re-opens it and counts).",
            labels=("agency",),
        )
        rejected = CounterMetricFamily(
            "lienthong_adapter_circuit_rejected",
            "Calls failed at once with AGENCY_UNAVAILABLE because the agency's circuit was open.",
            labels=("agency",),
        )
        for agency, breaker in breakers:
            snapshot = breaker.snapshot()
            state.add_metric((agency,), CIRCUIT_STATE_VALUES[snapshot.state])
            openings.add_metric((agency,), snapshot.openings)
            rejected.add_metric((agency,), snapshot.rejected)
        yield from (state, openings, rejected)
