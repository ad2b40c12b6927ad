"""Where a report's figures come from: the running hub's state, or the pieces the command line opens itself."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp

from adapters.config import HttpAgencyConfig
from adapters.registry import build_adapters
from gateway.policies import load_deadline_policy, load_personnel_rules, load_report_targets
from gateway.settings import AgencyEndpoint, Settings, SettingsError
from ledger.agencies import AgencyRepository
from ledger.db import create_engine, session_factory
from resolvers.reports import ReportSources

# The command line waits longer than a live request: a province's figures are one batch, a nation's 34.
CLI_ADAPTER_TIMEOUT_S = 60.0


def _config(name: str, endpoint: AgencyEndpoint | None) -> HttpAgencyConfig:
    if endpoint is None:
        raise SettingsError(f"LIENTHONG_{name.upper()}_URL and LIENTHONG_{name.upper()}_API_KEY must be set")
    return HttpAgencyConfig(endpoint.base_url, endpoint.api_key, timeout_s=max(CLI_ADAPTER_TIMEOUT_S, 1.0))


@contextlib.asynccontextmanager
async def opened_sources(settings: Settings) -> AsyncIterator[ReportSources]:
    """The database, the agency adapters and the rules a ``lienthong report`` run reads, closed afterwards.

    Configured like ``lienthong serve`` (``LIENTHONG_*``): the same database and agency systems.
    """
    court = _config("court", settings.court)
    enforcement = _config("enforcement", settings.enforcement)
    procuracy = _config("procuracy", settings.procuracy)
    if not settings.personnel_database_url:
        raise SettingsError("LIENTHONG_PERSONNEL_DATABASE_URL must be set")
    deadlines = load_deadline_policy(settings.data_dir)
    personnel_rules = load_personnel_rules(settings.data_dir)
    targets = load_report_targets(settings.data_dir)
    engine = create_engine(settings.database_url)
    personnel_engine = create_engine(settings.personnel_database_url)
    try:
        async with aiohttp.ClientSession() as http:
            sessions = session_factory(engine)
            async with sessions() as session:
                agencies = await AgencyRepository(session).all_by_code()
            adapters = build_adapters(
                http,
                court=court,
                enforcement=enforcement,
                procuracy=procuracy,
                personnel_engine=personnel_engine,
                personnel_timeout_s=CLI_ADAPTER_TIMEOUT_S,
            )
            try:
                yield ReportSources(
                    sessions=sessions,
                    enforcement=adapters.enforcement,
                    personnel=adapters.personnel,
                    agencies=agencies,
                    deadlines=deadlines,
                    clock=settings.clock(),
                    targets=targets,
                    personnel_rules=personnel_rules,
                )
            finally:
                await adapters.personnel.aclose()
    finally:
        await engine.dispose()
        await personnel_engine.dispose()
