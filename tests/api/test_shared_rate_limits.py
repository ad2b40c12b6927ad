"""Two replicas, one budget: rate limits shared through Redis or the PostgreSQL database (issue 14).

One prepared PostgreSQL hub; each test starts two more apps in this process on its database with
the rate-limit store under test (as two replicas behind a load balancer would run), and spends a
client's budget of 4 requests across both. With a shared store the fifth request is refused by
either replica; with memory each replica has a budget of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace

import httpx
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from agencies.topology import free_port
from domain.access import Role
from domain.clock import ManualClock
from gateway.app import create_app
from gateway.settings import HttpLimits
from tests.fixtures.hub import BASE_URL, Hub, hub_for

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

BUDGET = 4
ME = {"query": "{ me { agencyCode } }"}


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=[pytest.param("postgresql", id="postgresql")])
async def postgres_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    async with hub_for(request, "shared-rate-limits") as running:
        yield running


@asynccontextmanager
async def two_replicas(hub: Hub, storage: str | None) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two apps on the hub's database with a budget of 4 requests a minute and ``storage`` (None: the default)."""
    limits = HttpLimits(rate_per_s=BUDGET / 60, rate_burst=BUDGET, rate_storage=storage)
    settings = replace(hub.settings, http_limits=limits)
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(2):
            app = create_app(settings, ManualClock())
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            clients.append(await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url=BASE_URL)))
        yield clients[0], clients[1]


async def _new_client(hub: Hub) -> dict[str, str]:
    """The headers of a client no request has been counted for: a person registered just now."""
    token = await hub.person_token("court.hue.kv01", [Role.COURT_CLERK], f"rate.{uuid.uuid4().hex[:12]}")
    return {"Authorization": f"Bearer {token}"}


async def _statuses(hub: Hub, *replicas: httpx.AsyncClient) -> list[int]:
    """One request of one new client to each replica in turn."""
    headers = await _new_client(hub)
    return [(await replica.post("/graphql", json=ME, headers=headers)).status_code for replica in replicas]


@pytest.mark.parametrize(
    "storage",
    [
        pytest.param("redis", id="redis"),
        pytest.param("database", id="database"),
        pytest.param(None, id="postgresql-default"),
    ],
)
async def test_two_replicas_on_one_store_refuse_once_the_shared_budget_is_spent(postgres_hub, storage, request):
    configured = request.getfixturevalue("redis_url") if storage == "redis" else storage
    async with two_replicas(postgres_hub, configured) as (a, b):
        statuses = await _statuses(postgres_hub, a, b, a, b, a, b)
        assert statuses == [200] * BUDGET + [429, 429]
        other = await b.post("/graphql", json=ME, headers=await _new_client(postgres_hub))
        assert other.status_code == 200  # another client has a budget of its own


async def test_a_refusal_from_the_shared_store_says_when_to_retry(postgres_hub):
    async with two_replicas(postgres_hub, "database") as (a, b):
        headers = await _new_client(postgres_hub)
        for replica in (a, b, a, b):
            await replica.post("/graphql", json=ME, headers=headers)
        refused = await a.post("/graphql", json=ME, headers=headers)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_in_memory_each_replica_has_a_budget_of_its_own(postgres_hub):
    async with two_replicas(postgres_hub, "memory") as (a, b):
        statuses = await _statuses(postgres_hub, a, b, a, b, a, b, a, b, a, b)
    assert statuses == [200] * (2 * BUDGET) + [429, 429]


async def test_an_unreachable_store_never_fails_a_request_and_shows_in_the_metrics(postgres_hub, caplog):
    async with two_replicas(postgres_hub, f"redis://127.0.0.1:{free_port()}/0") as (a, _):
        statuses = await _statuses(postgres_hub, *[a] * (BUDGET + 1))
        scraped = (await a.get("/metrics")).text
    assert statuses == [200] * BUDGET + [429]  # the replica kept the budget in its own memory
    errors = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name.startswith("lienthong_rate_limit")
    }
    assert errors["lienthong_rate_limit_store_errors_total"] >= 1
    assert errors["lienthong_rate_limit_local_decisions_total"] == BUDGET + 1
    assert any("store failed" in r.getMessage() for r in caplog.records)
