"""Wiring: configs validated at start-up, the four adapters built on shared resources, statuses for /readyz."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import prometheus_client
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.config import HttpAgencyConfig, PersonnelConfig
from adapters.court import HttpCourtAdapter
from adapters.http import AgencyHttpClient
from adapters.metrics import AdapterMetrics
from adapters.personnel import create_personnel_engine
from adapters.registry import Adapters, build_adapters
from domain.errors import AgencyUnavailable
from domain.types import JudgmentKey
from tests.adapters.fake_agency import API_KEY, FakeAgency


class TestConfig:
    def test_defaults(self) -> None:
        config = HttpAgencyConfig("http://127.0.0.1:8101", api_key="k")
        assert (config.timeout_s, config.retries) == (2.0, 1)
        assert (config.circuit_failures, config.circuit_reset_s) == (5, 10.0)  # breakers are on unless turned off
        assert PersonnelConfig("sqlite:///var/personnel.db").timeout_s == 2.0

    def test_secrets_stay_out_of_reprs(self) -> None:
        assert "bi-mat" not in repr(HttpAgencyConfig("http://x", api_key="bi-mat"))
        assert "bi-mat" not in repr(PersonnelConfig("postgresql://hub:bi-mat@db/nhan_su"))

    @pytest.mark.parametrize(
        ("options", "complaint"),
        [
            ({"base_url": "127.0.0.1:8101"}, "base_url must start with http"),
            ({"api_key": ""}, "api_key is empty"),
            ({"timeout_s": 0}, "timeout_s must be positive"),
            ({"retries": -1}, "retries must be zero or more"),
        ],
    )
    def test_bad_http_settings_fail_at_start_up(self, options: dict[str, object], complaint: str) -> None:
        values: dict[str, object] = {"base_url": "http://127.0.0.1:8101", "api_key": "k", **options}
        with pytest.raises(ValueError, match=complaint):
            HttpAgencyConfig(**values)  # type: ignore[arg-type]

    def test_personnel_urls_get_an_asyncio_driver(self) -> None:
        assert PersonnelConfig("sqlite:///var/personnel.db").async_url().drivername == "sqlite+aiosqlite"
        assert PersonnelConfig("postgresql://hub@db/nhan_su").async_url().drivername == "postgresql+asyncpg"
        assert PersonnelConfig("postgresql+asyncpg://hub@db/x").async_url().drivername == "postgresql+asyncpg"

    def test_a_malformed_personnel_url_fails_at_start_up(self) -> None:
        with pytest.raises(ValueError, match="not a database URL"):
            PersonnelConfig("khong phai url")


class TestBuild:
    async def test_builds_the_four_adapters_and_reports_their_statuses(
        self, session: aiohttp.ClientSession, fake: FakeAgency, tmp_path: Path
    ) -> None:
        registry = CollectorRegistry()
        config = HttpAgencyConfig(fake.url, api_key=API_KEY, timeout_s=0.5)
        personnel = PersonnelConfig(f"sqlite:///{tmp_path / 'personnel.db'}", timeout_s=0.5)
        engine = create_personnel_engine(personnel)
        try:
            adapters = build_adapters(
                session,
                court=config,
                enforcement=config,
                procuracy=config,
                personnel_engine=engine,
                personnel_timeout_s=personnel.timeout_s,
                metrics=AdapterMetrics(registry),
            )
            assert isinstance(adapters, Adapters)
            assert all(status.ok is None for status in adapters.statuses())
            statuses = await adapters.ping_all()
        finally:
            await engine.dispose()
        assert [s.agency for s in statuses] == [
            "court",
            "enforcement",
            "procuracy",
            "personnel",
            "court-personnel",
            "procuracy-personnel",
        ]
        assert [s.ok for s in statuses] == [True, True, True, False, True, True]  # the database has no schema
        assert statuses[3].last_error is not None
        assert statuses[3].last_error.startswith("AGENCY_UNAVAILABLE")
        assert statuses == adapters.statuses()
        assert adapters.personnel.status.ok is False  # the router sums its systems up

    async def test_a_circuit_breaker_is_fitted_when_configured(
        self, session: aiohttp.ClientSession, fake: FakeAgency
    ) -> None:
        engine = create_async_engine("sqlite+aiosqlite://")
        config = HttpAgencyConfig(fake.url, api_key=API_KEY, retries=0, circuit_failures=1, circuit_reset_s=60)
        try:
            adapters = build_adapters(
                session, court=config, enforcement=config, procuracy=config, personnel_engine=engine
            )
            fake.faults.append(500)
            key = JudgmentKey("court.ha-noi.kv01", "125/2026/DS-ST")
            with pytest.raises(AgencyUnavailable, match="HTTP 500"):
                await adapters.enforcement.fetch_many([key])
            with pytest.raises(AgencyUnavailable, match="circuit open"):
                await adapters.enforcement.fetch_many([key])
            assert await adapters.court.fetch_many([key]) == [None]  # one breaker per agency
            assert len(fake.calls) == 2
        finally:
            await engine.dispose()

    async def test_every_http_system_has_its_own_breaker_and_the_database_none(
        self, session: aiohttp.ClientSession, fake: FakeAgency
    ) -> None:
        engine = create_async_engine("sqlite+aiosqlite://")
        registry = CollectorRegistry()
        config = HttpAgencyConfig(fake.url, api_key=API_KEY)
        try:
            adapters = build_adapters(
                session,
                court=config,
                enforcement=config,
                procuracy=config,
                personnel_engine=engine,
                metrics=AdapterMetrics(registry),
            )
        finally:
            await engine.dispose()
        circuits = {s.agency: s.circuit for s in adapters.statuses()}
        assert circuits["personnel"] is None  # SQL, not AgencyHttpClient: the engine's pool bounds it
        breakers = [b for agency, b in circuits.items() if agency != "personnel"]
        assert all(b is not None for b in breakers)
        assert len({id(b) for b in breakers}) == 5
        for agency in ("court", "enforcement", "procuracy", "court-personnel", "procuracy-personnel"):
            assert registry.get_sample_value("lienthong_adapter_circuit_state", {"agency": agency}) == 0

    async def test_no_breaker_when_turned_off(self, session: aiohttp.ClientSession, fake: FakeAgency) -> None:
        client = AgencyHttpClient.from_config(
            session, "court", HttpAgencyConfig(fake.url, api_key=API_KEY, circuit_failures=0)
        )
        assert client.status.circuit is None

    async def test_adapters_take_the_session_and_a_config_or_a_client(
        self, session: aiohttp.ClientSession, fake: FakeAgency
    ) -> None:
        config = HttpAgencyConfig(fake.url, api_key=API_KEY)
        assert await HttpCourtAdapter(session, config).fetch_many([]) == []
        with pytest.raises(ValueError, match="a court adapter needs a court client, got one for 'procuracy'"):
            HttpCourtAdapter.from_client(AgencyHttpClient.from_config(session, "procuracy", config))
        with pytest.raises(ValueError, match="batch_size must be between 1 and 500"):
            HttpCourtAdapter(session, config, batch_size=501)

    def test_metrics_live_on_the_registry_passed_in(self) -> None:
        before = set(prometheus_client.REGISTRY._names_to_collectors)
        first, second = CollectorRegistry(), CollectorRegistry()
        AdapterMetrics(first).observe_call("court", "GET /health", "ok", 0.01)
        AdapterMetrics(second)  # a second app in the same process is fine
        assert (
            first.get_sample_value(
                "lienthong_adapter_calls_total", {"agency": "court", "operation": "GET /health", "outcome": "ok"}
            )
            == 1
        )
        assert (
            second.get_sample_value(
                "lienthong_adapter_calls_total", {"agency": "court", "operation": "GET /health", "outcome": "ok"}
            )
            is None
        )
        assert set(prometheus_client.REGISTRY._names_to_collectors) == before
