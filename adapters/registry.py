"""The four adapters of an app, built once in the lifespan from settings and shared resources.

The app factory owns the one ``aiohttp.ClientSession`` and the personnel
engine, and passes them in; this module only wires them to the adapters.
``personnel`` is a router over three personnel systems: the personnel database
(enforcement units), and the staff endpoints of the court and procuracy
services, reached with the court's and the procuracy's settings unless others
are given (``court_personnel=``, ``procuracy_personnel=``)::

    async with aiohttp.ClientSession() as session:
        adapters = build_adapters(
            session,
            court=HttpAgencyConfig("http://127.0.0.1:8101", api_key=court_key),
            enforcement=HttpAgencyConfig("http://127.0.0.1:8102", api_key=enforcement_key),
            procuracy=HttpAgencyConfig("http://127.0.0.1:8103", api_key=procuracy_key),
            personnel_engine=create_personnel_engine(PersonnelConfig("sqlite:///var/personnel.db")),
            personnel_timeout_s=2.0,
            metrics=AdapterMetrics(registry),
        )
        ...
        await adapters.ping_all()
        # /readyz: court, enforcement, procuracy, then each personnel system:
        # personnel (the database), court-personnel, procuracy-personnel

``Adapters`` is typed by the interfaces of ``adapters.base``, so tests may hold
doubles in it instead of the HTTP and SQL adapters.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.base import (
    AdapterStatus,
    AgencyAdapter,
    CourtAdapter,
    EnforcementAdapter,
    HasSources,
    PersonnelAdapter,
    ProcuracyAdapter,
)
from adapters.config import HttpAgencyConfig
from adapters.court import HttpCourtAdapter
from adapters.enforcement import HttpEnforcementAdapter
from adapters.metrics import AdapterMetrics
from adapters.personnel import SqlPersonnelAdapter
from adapters.personnel_http import CourtPersonnelAdapter, ProcuracyPersonnelAdapter
from adapters.personnel_routing import PersonnelRouter
from adapters.procuracy import HttpProcuracyAdapter
from domain.errors import AgencyError


@dataclass(frozen=True, slots=True)
class Adapters:
    """The hub's view of the four agency systems."""

    court: CourtAdapter
    enforcement: EnforcementAdapter
    procuracy: ProcuracyAdapter
    personnel: PersonnelAdapter

    def statuses(self) -> tuple[AdapterStatus, ...]:
        """The outcome of each system's last call, for /readyz: court, enforcement, procuracy, then personnel.

        An adapter over several systems (the personnel router) shows each of them, so an outage of one is visible.
        """
        return tuple(status for adapter in self._all() for status in _statuses_of(adapter))

    async def ping_all(self) -> tuple[AdapterStatus, ...]:
        """Ping every agency concurrently; failures are recorded in the statuses, not raised."""
        results = await asyncio.gather(*(adapter.ping() for adapter in self._all()), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, AgencyError):
                raise result
        return self.statuses()

    def _all(self) -> tuple[CourtAdapter, EnforcementAdapter, ProcuracyAdapter, PersonnelAdapter]:
        return (self.court, self.enforcement, self.procuracy, self.personnel)


def build_adapters(
    session: aiohttp.ClientSession,
    *,
    court: HttpAgencyConfig,
    enforcement: HttpAgencyConfig,
    procuracy: HttpAgencyConfig,
    personnel_engine: AsyncEngine,
    personnel_timeout_s: float = 2.0,
    personnel_schema: str | None = None,
    metrics: AdapterMetrics | None = None,
    court_personnel: HttpAgencyConfig | None = None,
    procuracy_personnel: HttpAgencyConfig | None = None,
) -> Adapters:
    """Wire the adapters to the app's one session, the personnel engine and the app's metrics.

    The courts' and procuracies' staff are served by the court and procuracy
    services themselves (same URL, same key), so their configs are the default.
    """
    database = SqlPersonnelAdapter(personnel_engine, personnel_timeout_s, metrics, schema=personnel_schema)
    personnel = PersonnelRouter(
        database,
        {
            "court": CourtPersonnelAdapter(session, court_personnel or court, metrics),
            "procuracy": ProcuracyPersonnelAdapter(session, procuracy_personnel or procuracy, metrics),
        },
    )
    return Adapters(
        court=HttpCourtAdapter(session, court, metrics),
        enforcement=HttpEnforcementAdapter(session, enforcement, metrics),
        procuracy=HttpProcuracyAdapter(session, procuracy, metrics),
        personnel=personnel,
    )


def _statuses_of(adapter: AgencyAdapter[Any, Any]) -> tuple[AdapterStatus, ...]:
    return adapter.source_statuses() if isinstance(adapter, HasSources) else (adapter.status,)
