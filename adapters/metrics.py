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
"""

from __future__ import annotations

from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Histogram

Outcome = Literal["ok", "error"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
_BATCH_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)


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
