"""Fill the hub's judgment registry from the court system (demo seeding and catch-up).

Until courts submit electronically (``submitJudgment``), the registry learns of
judgments by reading the court system page by page. Each judgment is routed by
domain rules (successors of dissolved agencies followed) and upserted, so a
second run changes nothing. Malformed records are counted and logged, never fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.base import CourtAdapter
from domain.clock import Clock
from domain.errors import AgencyBadData
from domain.jurisdiction import RoutingError, route_judgment
from ledger.agencies import AgencyRepository
from ledger.judgments import JudgmentRegistry, RegistryEntry

log = logging.getLogger("lienthong.sync")


@dataclass(slots=True)
class SyncReport:
    registered: int = 0
    malformed: int = 0
    unroutable: int = 0


async def sync_judgments(
    court: CourtAdapter,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    *,
    page_size: int = 1000,
    progress: Callable[[SyncReport], None] | None = None,
) -> SyncReport:
    report = SyncReport()
    async with sessions() as session:
        agencies = await AgencyRepository(session).all_by_code()
    now = clock.now()
    async for page in court.iter_judgments(page_size=page_size):
        entries: list[RegistryEntry] = []
        for item in page:
            if isinstance(item, AgencyBadData):
                report.malformed += 1
                log.warning("skipped a malformed court record: %s", item)
                continue
            try:
                route = route_judgment(item.key.court_code, agencies)
            except RoutingError as exc:
                report.unroutable += 1
                log.warning("cannot route %s: %s", item.key, exc)
                continue
            entries.append(JudgmentRegistry.entry_from(item, route, now))
        async with sessions() as session, session.begin():
            await JudgmentRegistry(session).upsert_many(entries)
        report.registered += len(entries)
        if progress is not None:
            progress(report)
    return report
