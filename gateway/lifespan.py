"""The hub's lifespan in named steps: check the configuration, open resources, build the state, run the workers.

``create_app`` (gateway/app.py) checks the configuration before the app exists
(:func:`startup_config`: a missing setting or key fails at once, not at the first
request). When the app starts, :func:`lifespan` opens the resources
(:func:`opened_resources`: the database engines, the one aiohttp session, the
metrics registry), builds the read-only :class:`~gateway.state.HubState`
(:func:`build_state`) and the GraphQL view, and runs the background workers
(:func:`background_work`) until the app stops; everything closes in reverse order.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import orjson
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from adapters.config import HttpAgencyConfig
from adapters.metrics import AdapterMetrics
from adapters.registry import build_adapters
from console.paths import templates as console_templates
from console.views import Console
from domain.clock import Clock
from domain.personnel.rules import PersonnelRules
from domain.receipts import ReceiptSigner
from domain.reports.targets import ReportTargets
from domain.transfer_deadlines import DeadlinePolicy
from gateway.authority import Authority
from gateway.console_port import HubConsolePort
from gateway.console_signin import oidc_client, secure_cookies, signin_key
from gateway.coordination_monitor import CoordinationMonitor
from gateway.delivery import DeliveryWorker, running, target_guard
from gateway.execution_metrics import ExecutionMetrics
from gateway.grant_watch import GrantWatch
from gateway.graphql_view import HubGraphQL
from gateway.identity import TokenVerifier, ensure_keypair, load_private_key
from gateway.jwks import keeping_fresh
from gateway.listen import listener_for, listening
from gateway.overdue import OverdueMonitor
from gateway.policies import (
    load_deadline_policy,
    load_distribution_rules,
    load_personnel_rules,
    load_report_targets,
)
from gateway.rate_limits import ClientRateLimiter, opened_rate_limiter
from gateway.settings import AgencyEndpoint, Settings, SettingsError
from gateway.state import HubState
from gateway.sweeps import monitoring
from ledger.agencies import AgencyRepository
from ledger.audit_writer import AuditWriter
from ledger.console_sessions import ConsoleSessions
from ledger.db import create_engine, session_factory
from ledger.grant_reader import GrantReader
from resolvers.event_feed import EventFeeds
from resolvers.signals import EventSignal
from schema.build import HubSchema
from schema.execution import plan_cache_of

log = logging.getLogger("lienthong.gateway")


@dataclass(frozen=True, slots=True)
class StartupConfig:
    """What the hub needs before it starts, read and checked once by :func:`startup_config`."""

    settings: Settings
    clock: Clock
    court: HttpAgencyConfig
    enforcement: HttpAgencyConfig
    procuracy: HttpAgencyConfig
    personnel_url: str
    receipts: ReceiptSigner
    deadlines: DeadlinePolicy
    personnel_rules: PersonnelRules
    report_targets: ReportTargets


@dataclass(frozen=True, slots=True)
class Resources:
    """What the lifespan opens and closes: the engines, the HTTP session, the metrics, the rate limits' store."""

    engine: AsyncEngine
    personnel_engine: AsyncEngine
    http: aiohttp.ClientSession
    metrics: CollectorRegistry
    rate_limiter: ClientRateLimiter | None


def startup_config(settings: Settings, clock: Clock) -> StartupConfig:
    """Every setting, key and rules file the hub needs, checked; ``SettingsError`` names what is missing."""
    personnel_url = settings.personnel_database_url
    if not personnel_url:
        raise SettingsError("LIENTHONG_PERSONNEL_DATABASE_URL must be set")
    if settings.demo:
        ensure_keypair(settings.issuer_private_key, settings.issuer_public_key)
        ensure_keypair(settings.receipt_private_key, settings.receipt_public_key)
    config = StartupConfig(
        settings=settings,
        clock=clock,
        court=_endpoint("court", settings.court, settings),
        enforcement=_endpoint("enforcement", settings.enforcement, settings),
        procuracy=_endpoint("procuracy", settings.procuracy, settings),
        personnel_url=personnel_url,
        receipts=ReceiptSigner(load_private_key(settings.receipt_private_key)),
        deadlines=load_deadline_policy(settings.data_dir),
        personnel_rules=load_personnel_rules(settings.data_dir),
        report_targets=load_report_targets(settings.data_dir),
    )
    missing = [f"{issuer}: {path}" for issuer, path in settings.public_keys().items() if not path.exists()]
    if missing:
        raise SettingsError(f"public keys of trusted issuers not found: {', '.join(missing)}")
    return config


def _endpoint(name: str, ep: AgencyEndpoint | None, settings: Settings) -> HttpAgencyConfig:
    if ep is None:
        raise SettingsError(f"LIENTHONG_{name.upper()}_URL and LIENTHONG_{name.upper()}_API_KEY must be set")
    return HttpAgencyConfig(
        base_url=ep.base_url,
        api_key=ep.api_key,
        timeout_s=settings.adapter_timeout_s,
        circuit_failures=settings.circuit_failures,
        circuit_reset_s=settings.circuit_reset_s,
    )


@contextlib.asynccontextmanager
async def opened_resources(config: StartupConfig) -> AsyncIterator[Resources]:
    engine = create_engine(config.settings.database_url)
    personnel_engine = create_engine(config.personnel_url)
    http = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=200, limit_per_host=64, ttl_dns_cache=300),
        json_serialize=lambda obj: orjson.dumps(obj).decode(),
    )
    metrics = CollectorRegistry()
    try:
        async with opened_rate_limiter(config.settings, engine, metrics, config.clock) as rate_limiter:
            yield Resources(engine, personnel_engine, http, metrics, rate_limiter)
    finally:
        await http.close()
        await engine.dispose()
        await personnel_engine.dispose()


async def build_state(config: StartupConfig, resources: Resources) -> HubState:
    """The read-only state every request shares: the organisation as the database holds it, the adapters, rules."""
    settings = config.settings
    sessions = session_factory(resources.engine)
    async with sessions() as session:
        organisation = await AgencyRepository(session).all_by_code()
    adapters = build_adapters(
        resources.http,
        court=config.court,
        enforcement=config.enforcement,
        procuracy=config.procuracy,
        personnel_engine=resources.personnel_engine,
        personnel_timeout_s=settings.adapter_timeout_s,
        metrics=AdapterMetrics(resources.metrics),
    )
    signal = EventSignal(poll_s=settings.live_poll_s)
    verifier = TokenVerifier.from_settings(settings, resources.http, organisation, config.clock)
    authority = Authority(verifier, sessions, organisation, config.clock, GrantReader(sessions, settings.database_url))
    return HubState(
        settings=settings,
        clock=config.clock,
        engine=resources.engine,
        sessions=sessions,
        http=resources.http,
        adapters=adapters,
        verifier=verifier,
        authority=authority,
        grant_watch=GrantWatch(authority, settings.grant_recheck_s, config.clock),
        metrics=resources.metrics,
        signal=signal,
        feeds=EventFeeds(sessions, signal),  # read at most every LIENTHONG_LIVE_POLL_S, like the signal
        audit_writer=AuditWriter(sessions),
        receipts=config.receipts,
        deadlines=config.deadlines,
        agencies=organisation,
        # codes checked against the organisation (an empty, unseeded database checks nothing)
        distribution=load_distribution_rules(settings.data_dir, organisation or None),
        personnel_rules=config.personnel_rules,
        rate_limiter=resources.rate_limiter,
        report_targets=config.report_targets,
    )


@contextlib.asynccontextmanager
async def background_work(hub: HubState) -> AsyncIterator[None]:
    """The workers of this process, stopped (in reverse order) before the HTTP session and the engines close."""
    settings = hub.settings
    delivery = (
        DeliveryWorker.from_settings(
            settings.webhooks, hub.sessions, hub.signal, hub.metrics, hub.clock, targets=target_guard(settings)
        )
        if settings.webhooks.enabled
        else None
    )
    overdue, coordination = None, None
    if settings.overdue_every_s > 0:
        overdue = OverdueMonitor(hub.sessions, hub.deadlines, hub.signal, settings.overdue_every_s, hub.clock)
        coordination = CoordinationMonitor(
            hub.sessions, hub.deadlines.calendar, hub.signal, settings.overdue_every_s, clock=hub.clock
        )
    async with (
        contextlib.aclosing(hub.audit_writer),  # exited last: writes what the last answers queued
        keeping_fresh(hub.verifier.jwks),
        listening(listener_for(settings.database_url, hub.signal, hub.metrics)),  # other replicas' commits
        contextlib.aclosing(hub.feeds),  # subscriptions' readers
        running(delivery),
        monitoring(overdue),
        monitoring(coordination),
        monitoring(hub.grant_watch),
    ):
        yield


def lifespan(
    config: StartupConfig, schema: Callable[[], HubSchema]
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """The app's lifespan: resources → state (``app.state.hub``) and GraphQL view → workers; closed in reverse."""

    @contextlib.asynccontextmanager
    async def run(app: Starlette) -> AsyncIterator[None]:
        async with opened_resources(config) as resources:
            hub = await build_state(config, resources)
            app.state.hub = hub
            try:
                hub_schema = schema()
                plans = plan_cache_of(hub_schema._schema)
                if plans is not None:
                    resources.metrics.register(ExecutionMetrics(plans))
                app.state.graphql = HubGraphQL(
                    hub,
                    schema=hub_schema,
                    graphql_ide="graphiql" if config.settings.demo else None,
                    allow_queries_via_get=True,
                )
                app.state.console = Console(  # the console's pages (console/), through the same view
                    hub=HubConsolePort(app.state.graphql, hub.authority),
                    sessions=ConsoleSessions(hub.sessions, hub.clock),
                    templates=console_templates(),
                    secure_cookies=secure_cookies(config.settings),
                    oidc=oidc_client(config.settings, resources.http, hub.clock),
                    signin_key=signin_key(config.settings),
                    clock=hub.clock,
                    calendar=hub.deadlines.calendar,
                    demo_sign_in=config.settings.mode == "demo" and not config.settings.oidc.issuer,
                )
                async with background_work(hub):
                    log.info(
                        "hub ready (mode=%s, database=%s)",
                        config.settings.mode,
                        resources.engine.url.render_as_string(hide_password=True),
                    )
                    yield
            finally:
                await hub.adapters.personnel.aclose()
                await hub.authority.aclose()  # its own connections for reading grants (ledger/grant_reader.py)

    return run
