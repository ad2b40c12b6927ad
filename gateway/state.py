"""What the lifespan builds once per process and every request shares (read-only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from adapters.registry import Adapters
from domain.clock import Clock
from domain.coordination import DistributionRule
from domain.personnel.rules import PersonnelRules
from domain.receipts import ReceiptSigner
from domain.reports.targets import EMPTY_TARGETS, ReportTargets
from domain.transfer_deadlines import DeadlinePolicy
from domain.types import Agency
from gateway.authority import Authority
from gateway.grant_watch import GrantWatch
from gateway.identity import TokenVerifier
from gateway.rate_limits import ClientRateLimiter
from gateway.settings import Settings
from ledger.audit_writer import AuditWriter
from resolvers.event_feed import EventFeeds
from resolvers.signals import EventSignal


@dataclass(frozen=True, slots=True)
class HubState:
    settings: Settings
    clock: Clock  # the one clock (domain/clock.py): set by a test or LIENTHONG_CLOCK_START
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    http: aiohttp.ClientSession
    adapters: Adapters
    verifier: TokenVerifier
    authority: Authority  # the verifier, then the registry's grants (gateway/authority.py)
    grant_watch: GrantWatch  # open subscriptions re-checked against the grants
    metrics: CollectorRegistry
    signal: EventSignal
    feeds: EventFeeds  # one reader per kind of event for every subscription (resolvers/event_feed.py)
    audit_writer: AuditWriter  # audit entries of reads, many requests per transaction (ledger/audit_writer.py)
    receipts: ReceiptSigner
    deadlines: DeadlinePolicy
    agencies: Mapping[str, Agency]  # the organisation (codes → agencies, dissolved ones too), loaded at start
    personnel_rules: PersonnelRules  # data/personnel_rules.toml, loaded at start
    rate_limiter: ClientRateLimiter | None  # per client, shared by replicas on Redis or the database; None: off
    distribution: tuple[DistributionRule, ...] = ()  # who gets copies of coordination requests, loaded at start
    report_targets: ReportTargets = EMPTY_TARGETS  # data/report_targets.toml, loaded at start


def hub_of(app: Starlette) -> HubState:
    """The state the running app's lifespan built (``app.state.hub``), typed; an error before it has started."""
    hub = getattr(app.state, "hub", None)
    if not isinstance(hub, HubState):
        raise RuntimeError("the hub has not started: its lifespan has not run")
    return hub
