"""Fault drills: an agency system failing, stopped or hanging, and the hub answering around it.

A hub of this module runs with a tight circuit breaker (``FAILURES`` failures in a row open
it, ``RESET_S`` later a call probes), once on SQLite and once on PostgreSQL, in front of the
shared reference agencies on 127.0.0.1. Each drill:

1. breaks the procuracy system, and sees court and enforcement data still arrive with the
   procuracy's fields null and an error naming it;
2. after ``FAILURES`` such requests sees the breaker open in /readyz (still ready) and
   /metrics, and the next request fail fast: the procuracy's own call counter stays put;
3. mends the procuracy (every knob is put back in ``finally``), polls /readyz until the
   pause is over (half-open), and sees one request probe, close the breaker and get data.

Nothing here measures time: the polls are bounded loops, the requests have client timeouts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from agencies.common.catalogue import CATALOGUE_END
from agencies.topology import ServiceProcess, Topology
from domain.access import Role
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import ADAPTER_TIMEOUT_S, Hub, hub_for
from tests.support.graphql_client import Answer, GraphQLClient

pytestmark = pytest.mark.e2e

FAILURES = 2
RESET_S = 2.0  # long enough that the fail-fast request surely comes before the pause ends
POLL_S = 0.1
POLLS = int((RESET_S + 10) / POLL_S)  # the bound of every wait for a circuit state
CLIENT_TIMEOUT_S = ADAPTER_TIMEOUT_S + 10  # a hanging agency must not hang the test
HTTP_SYSTEMS = ("court", "enforcement", "procuracy", "court-personnel", "procuracy-personnel")

PAGE = """
query ($first: Int!) {
  judgments(first: $first, filter: {effectiveTo: "KNOWN"}) {
    edges { node {
      id
      courtDetails { judge }
      parties { name }
      enforcementCase { caseNumber status }
      supervision { number kind }
    } }
  }
}
""".replace("KNOWN", CATALOGUE_END.isoformat())
"""Judgments every reference system knows: one batched call to each of court, enforcement and procuracy."""


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def drill_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    async with hub_for(request, "fault-hub", circuit_failures=FAILURES, circuit_reset_s=RESET_S) as running:
        yield running


@pytest.fixture
def gql(drill_hub: Hub) -> GraphQLClient:
    return drill_hub.client(drill_hub.token("ministry.justice", [Role.MINISTRY]))


@pytest_asyncio.fixture(loop_scope="session")
async def procuracy(drill_hub: Hub, gql: GraphQLClient, agency_topology: Topology) -> ServiceProcess:
    """The procuracy service, with the drill hub's procuracy circuit closed when the test starts."""
    if (await _circuit(drill_hub, "procuracy"))["state"] != "closed":
        await _recovers(drill_hub, gql)  # an earlier drill failed half-way
    return agency_topology.procuracy


# --- helpers ------------------------------------------------------------------------------------


async def _readyz(hub: Hub) -> dict[str, Any]:
    async with asyncio.timeout(CLIENT_TIMEOUT_S):
        response = await hub.http.get("/readyz")
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body  # an agency never makes the hub unready
    assert body["ready"] is True
    return body


async def _circuit(hub: Hub, agency: str) -> dict[str, Any]:
    circuit: dict[str, Any] = (await _readyz(hub))["agencies"][agency]["circuit"]
    return circuit


async def _metric(hub: Hub, name: str, agency: str) -> float | None:
    async with asyncio.timeout(CLIENT_TIMEOUT_S):
        text = (await hub.http.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels.get("agency") == agency:
                return float(sample.value)
    return None


async def _page(gql: GraphQLClient) -> Answer:
    return await gql(PAGE, {"first": 5}, timeout=CLIENT_TIMEOUT_S)


def _assert_procuracy_missing(answer: Answer, code: str) -> None:
    """Court and enforcement data arrived; the procuracy's fields are null, each with ``code`` naming it."""
    assert answer.status == 200
    assert answer.data is not None, answer.body
    nodes = [e["node"] for e in answer.data["judgments"]["edges"]]
    assert len(nodes) == 5
    assert all(n["parties"] and n["courtDetails"] for n in nodes)
    assert any(n["enforcementCase"] for n in nodes)
    assert all(n["supervision"] is None for n in nodes)
    assert {(e["extensions"]["code"], e["extensions"]["agency"]) for e in answer.errors} == {(code, "procuracy")}


def _assert_complete(answer: Answer) -> None:
    assert answer.status == 200
    assert not answer.errors, answer.body
    assert answer.data is not None
    nodes = [e["node"] for e in answer.data["judgments"]["edges"]]
    assert nodes
    assert all(n["supervision"] is not None for n in nodes)


async def _wait_for(hub: Hub, agency: str, state: str) -> dict[str, Any]:
    """Poll /readyz (a bounded number of times) until ``agency``'s circuit is in ``state``."""
    circuit: dict[str, Any] = {}
    for _ in range(POLLS):
        circuit = await _circuit(hub, agency)
        if circuit["state"] == state:
            return circuit
        await asyncio.sleep(POLL_S)
    pytest.fail(f"{agency}'s circuit never became {state}: {circuit}")


async def _recovers(hub: Hub, gql: GraphQLClient) -> None:
    """Once the pause is over the circuit is half-open; the next request probes, closes it and gets data."""
    await _wait_for(hub, "procuracy", "half_open")
    assert await _metric(hub, "lienthong_adapter_circuit_state", "procuracy") == 1
    _assert_complete(await _page(gql))
    circuit = await _circuit(hub, "procuracy")
    assert circuit["state"] == "closed", circuit
    assert circuit["consecutiveFailures"] == 0
    assert await _metric(hub, "lienthong_adapter_circuit_state", "procuracy") == 0
    assert (await _readyz(hub))["degraded"] == []


async def _open_the_circuit(hub: Hub, gql: GraphQLClient, code: str) -> dict[str, Any]:
    """``FAILURES`` requests, each with partial data; then the circuit is open, in /readyz and /metrics."""
    openings = await _metric(hub, "lienthong_adapter_circuit_openings_total", "procuracy")
    for _ in range(FAILURES):
        _assert_procuracy_missing(await _page(gql), code)
    readiness = await _readyz(hub)
    circuit: dict[str, Any] = readiness["agencies"]["procuracy"]["circuit"]
    assert circuit["state"] == "open", circuit
    assert circuit["consecutiveFailures"] == FAILURES
    assert readiness["degraded"] == ["procuracy"]
    assert "do not decide readiness" in readiness["note"]
    assert await _metric(hub, "lienthong_adapter_circuit_state", "procuracy") == 2
    assert await _metric(hub, "lienthong_adapter_circuit_openings_total", "procuracy") == (openings or 0) + 1
    return circuit


async def _fails_fast(hub: Hub, gql: GraphQLClient, procuracy: ServiceProcess) -> None:
    """While open, a request gets partial data without the procuracy system being called at all."""
    rejected = await _metric(hub, "lienthong_adapter_circuit_rejected_total", "procuracy")
    if procuracy.running:
        await procuracy.reset_stats()
    answer = await _page(gql)
    _assert_procuracy_missing(answer, "AGENCY_UNAVAILABLE")
    assert all("circuit open" in e["message"] for e in answer.errors), answer.errors
    if procuracy.running:
        assert (await procuracy.stats())["tong"] == 0
    assert await _metric(hub, "lienthong_adapter_circuit_rejected_total", "procuracy") == (rejected or 0) + 1
    assert (await _circuit(hub, "procuracy"))["state"] == "open"


# --- drills -------------------------------------------------------------------------------------


class TestHealthyAgencies:
    async def test_readyz_shows_a_closed_circuit_for_every_http_system_and_none_for_the_database(
        self, drill_hub: Hub, gql: GraphQLClient, procuracy: ServiceProcess
    ) -> None:
        _assert_complete(await _page(gql))
        readiness = await _readyz(drill_hub)
        assert readiness["degraded"] == []
        for system in HTTP_SYSTEMS:
            circuit = readiness["agencies"][system]["circuit"]
            assert circuit["state"] == "closed"
            assert (circuit["failuresToOpen"], circuit["resetAfterS"]) == (FAILURES, RESET_S)
            assert await _metric(drill_hub, "lienthong_adapter_circuit_state", system) == 0
        assert readiness["agencies"]["personnel"]["circuit"] is None


class TestProcuracyDown:
    async def test_a_failing_procuracy_opens_its_circuit_then_is_not_called_until_a_probe_closes_it(
        self, drill_hub: Hub, gql: GraphQLClient, procuracy: ServiceProcess
    ) -> None:
        knobs = await procuracy.set_knobs()
        try:
            await procuracy.set_knobs(failure_rate=1.0)  # up, but answering 503 to everything
            circuit = await _open_the_circuit(drill_hub, gql, "AGENCY_UNAVAILABLE")
            assert "HTTP 503" in circuit["lastError"]
            await _fails_fast(drill_hub, gql, procuracy)
        finally:
            await procuracy.set_knobs(**knobs)
        await procuracy.reset_stats()
        await _recovers(drill_hub, gql)
        assert (await procuracy.stats())["tong"] == 1  # the probe, which was the request's own call

    async def test_a_stopped_procuracy_opens_its_circuit_and_a_probe_closes_it_once_it_is_back(
        self, drill_hub: Hub, gql: GraphQLClient, procuracy: ServiceProcess
    ) -> None:
        try:
            await asyncio.to_thread(procuracy.stop)
            circuit = await _open_the_circuit(drill_hub, gql, "AGENCY_UNAVAILABLE")
            assert "cannot reach the agency system" in circuit["lastError"]
            await _fails_fast(drill_hub, gql, procuracy)
        finally:
            await asyncio.to_thread(procuracy.start)
        await _recovers(drill_hub, gql)


class TestProcuracyHanging:
    async def test_a_hanging_procuracy_times_out_within_the_adapter_timeout_and_opens_its_circuit(
        self, drill_hub: Hub, gql: GraphQLClient, procuracy: ServiceProcess
    ) -> None:
        knobs = await procuracy.set_knobs()
        try:
            await procuracy.set_knobs(hang=True)
            circuit = await _open_the_circuit(drill_hub, gql, "AGENCY_TIMEOUT")
            assert f"no answer within {ADAPTER_TIMEOUT_S:g} s" in circuit["lastError"]
            await _fails_fast(drill_hub, gql, procuracy)
        finally:
            await procuracy.set_knobs(**knobs)
        await _recovers(drill_hub, gql)
