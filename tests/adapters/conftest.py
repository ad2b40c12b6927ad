"""Fixtures for adapter tests: one ClientSession, a fake agency on 127.0.0.1, clients bound to it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from adapters.http import AgencyHttpClient
from adapters.metrics import AdapterMetrics
from tests.adapters.fake_agency import API_KEY, FakeAgency

ClientFactory = Callable[..., AgencyHttpClient]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def fake() -> AsyncIterator[FakeAgency]:
    agency = FakeAgency()
    server = TestServer(agency.app(), host="127.0.0.1", handler_cancellation=True)
    await server.start_server()
    agency.url = str(server.make_url("")).rstrip("/")
    try:
        yield agency
    finally:
        agency.release.set()  # let hanging handlers finish so the server closes at once
        await server.close()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> AdapterMetrics:
    return AdapterMetrics(registry)


@pytest.fixture
def make_client(session: aiohttp.ClientSession, fake: FakeAgency, metrics: AdapterMetrics) -> ClientFactory:
    """A client for the fake agency; keyword arguments override the defaults (0.5 s, one retry)."""

    def make(agency: str = "court", **overrides: Any) -> AgencyHttpClient:
        options: dict[str, Any] = {
            "base_url": fake.url,
            "api_key": API_KEY,
            "timeout_s": 0.5,
            "metrics": metrics,
            "retries": 1,
            "backoff_s": 0.01,
        }
        options.update(overrides)
        return AgencyHttpClient(session, agency, **options)

    return make


@pytest.fixture
def dead_url() -> str:
    """A loopback port nobody listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
