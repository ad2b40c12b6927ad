"""How the hub's GraphQL operations ran, on /metrics: by their compiled plans or graphql-core's own way.

``lienthong_graphql_operations_total{way="plan"}`` counts operations run by a plan,
``{way="graphql-core",reason=…}`` those that went the standard way and why (``schema/plan_cache.py``);
``lienthong_graphql_plans_compiled_total`` how many plans were made (a number that keeps growing under a
steady load means documents or ``@skip``/``@include`` values the cache cannot hold).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from schema.plan_cache import PlanCache


class ExecutionMetrics(Collector):
    """Reads the schema's plan cache when /metrics is scraped (the cache keeps plain counters)."""

    def __init__(self, plans: PlanCache) -> None:
        self.plans = plans

    def collect(self) -> Iterator[Metric]:
        operations = CounterMetricFamily(
            "lienthong_graphql_operations",
            "GraphQL operations executed, by way: a compiled plan or graphql-core (with the reason).",
            labels=("way", "reason"),
        )
        operations.add_metric(("plan", ""), self.plans.planned)
        for reason, count in sorted(self.plans.fallbacks.items()):
            operations.add_metric(("graphql-core", reason), count)
        yield operations
        yield CounterMetricFamily(
            "lienthong_graphql_plans_compiled",
            "Execution plans compiled (per operation and @skip/@include values).",
            value=self.plans.compiled,
        )
