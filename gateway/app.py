"""The app factory: ``create_app(settings)`` builds the hub; the lifespan owns every resource.

The database engine, the one aiohttp ClientSession, the adapters, the token
verifier and the metrics registry are created when the app starts, kept on
``app.state.hub`` (read-only), and closed when it stops. Nothing is global.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
import orjson
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

from adapters.config import HttpAgencyConfig
from adapters.metrics import AdapterMetrics
from adapters.registry import build_adapters
from domain.receipts import ReceiptSigner
from gateway.coordination_monitor import CoordinationMonitor
from gateway.delivery import DeliveryWorker, running
from gateway.graphql_view import HubGraphQL
from gateway.health import healthz, metrics, readyz, receipt_key
from gateway.identity import TokenVerifier, ensure_keypair, load_private_key
from gateway.jwks import keeping_fresh
from gateway.listen import listener_for, listening
from gateway.middleware import Authenticate, GraphQLResponseMediaType, RequestId
from gateway.overdue import OverdueMonitor, monitoring
from gateway.policies import (
    load_deadline_policy,
    load_distribution_rules,
    load_personnel_rules,
    load_report_targets,
)
from gateway.protection import (
    BodyLimit,
    GraphQLContentType,
    MaskInternalErrors,
    PlainErrorsAsJson,
    RateLimit,
    SecurityHeaders,
)
from gateway.reports.routes import report_routes
from gateway.settings import AgencyEndpoint, Settings, SettingsError
from gateway.state import HubState
from ledger.agencies import AgencyRepository
from ledger.audit_writer import AuditWriter
from ledger.db import create_engine, session_factory
from resolvers.event_feed import EventFeeds
from resolvers.signals import EventSignal
from schema.build import HubSchema, build_schema
from schema.limits import limit_extensions

log = logging.getLogger("lienthong.gateway")


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


class GraphQLEndpoint:
    """An ASGI app that hands the request to the GraphQL view the lifespan built.

    (A class, not a function: Starlette routes a plain function as a request handler.)
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["app"].state.graphql(scope, receive, send)


def create_app(settings: Settings) -> Starlette:
    court = _endpoint("court", settings.court, settings)
    enforcement = _endpoint("enforcement", settings.enforcement, settings)
    procuracy = _endpoint("procuracy", settings.procuracy, settings)
    personnel_url = settings.personnel_database_url
    if not personnel_url:
        raise SettingsError("LIENTHONG_PERSONNEL_DATABASE_URL must be set")
    if settings.demo:
        ensure_keypair(settings.issuer_private_key, settings.issuer_public_key)
        ensure_keypair(settings.receipt_private_key, settings.receipt_public_key)
    receipts = ReceiptSigner(load_private_key(settings.receipt_private_key))
    deadline_policy = load_deadline_policy(settings.data_dir)
    personnel_rules = load_personnel_rules(settings.data_dir)
    report_targets = load_report_targets(settings.data_dir)
    missing = [f"{issuer}: {path}" for issuer, path in settings.public_keys().items() if not path.exists()]
    if missing:
        raise SettingsError(f"public keys of trusted issuers not found: {', '.join(missing)}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        personnel_engine: AsyncEngine = create_engine(personnel_url)
        registry = CollectorRegistry()
        http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=64, ttl_dns_cache=300),
            json_serialize=lambda obj: orjson.dumps(obj).decode(),
        )
        try:
            async with session_factory(engine)() as session:
                organisation = await AgencyRepository(session).all_by_code()
            adapters = build_adapters(
                http,
                court=court,
                enforcement=enforcement,
                procuracy=procuracy,
                personnel_engine=personnel_engine,
                personnel_timeout_s=settings.adapter_timeout_s,
                metrics=AdapterMetrics(registry),
            )
            sessions = session_factory(engine)
            signal = EventSignal(poll_s=settings.live_poll_s)
            hub = HubState(
                settings=settings,
                engine=engine,
                sessions=sessions,
                http=http,
                adapters=adapters,
                verifier=TokenVerifier.from_settings(settings, http, organisation),
                metrics=registry,
                signal=signal,
                feeds=EventFeeds(sessions, signal),  # read at most every LIENTHONG_LIVE_POLL_S, like the signal
                audit_writer=AuditWriter(sessions),
                receipts=receipts,
                deadlines=deadline_policy,
                agencies=organisation,
                # codes checked against the organisation (an empty, unseeded database checks nothing)
                distribution=load_distribution_rules(settings.data_dir, organisation or None),
                personnel_rules=personnel_rules,
                report_targets=report_targets,
            )
            app.state.hub = hub
            app.state.graphql = HubGraphQL(
                hub,
                schema=_schema(settings),
                graphql_ide="graphiql" if settings.demo else None,
                allow_queries_via_get=True,
            )
            delivery = (
                DeliveryWorker.from_settings(settings.webhooks, hub.sessions, http, hub.signal, registry)
                if settings.webhooks.enabled
                else None
            )
            overdue = (
                OverdueMonitor(hub.sessions, hub.deadlines, hub.signal, settings.overdue_every_s)
                if settings.overdue_every_s > 0
                else None
            )
            coordination = (
                CoordinationMonitor(hub.sessions, hub.deadlines.calendar, hub.signal, settings.overdue_every_s)
                if settings.overdue_every_s > 0
                else None
            )
            async with (
                contextlib.aclosing(hub.audit_writer),  # exited last: writes what the last answers queued
                keeping_fresh(hub.verifier.jwks),
                listening(listener_for(settings.database_url, hub.signal, registry)),  # other replicas' commits
                contextlib.aclosing(hub.feeds),  # subscriptions' readers
                running(delivery),
                monitoring(overdue),
                monitoring(coordination),
            ):  # stopped before the HTTP session and the engine close below
                log.info(
                    "hub ready (mode=%s, database=%s)", settings.mode, engine.url.render_as_string(hide_password=True)
                )
                yield
        finally:
            hub_state: HubState | None = getattr(app.state, "hub", None)
            if hub_state is not None:
                await hub_state.adapters.personnel.aclose()
            await http.close()
            await engine.dispose()
            await personnel_engine.dispose()

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/receipts/public-key", receipt_key, methods=["GET"]),
            Route("/graphql", GraphQLEndpoint(), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", GraphQLEndpoint()),
            *report_routes(),  # /reports/committee(.xlsx|.csv): the committee report to print or download
        ],
        middleware=[  # outermost first
            Middleware(RequestId),
            Middleware(SecurityHeaders, demo=settings.demo, hsts_max_age_s=settings.http_limits.hsts_max_age_s),
            Middleware(MaskInternalErrors),
            Middleware(GraphQLResponseMediaType),
            Middleware(Authenticate, verifier=lambda: _verifier_of(app), ide_enabled=settings.demo),
            Middleware(RateLimit, rate_per_s=settings.http_limits.rate_per_s, burst=settings.http_limits.rate_burst),
            Middleware(GraphQLContentType),
            Middleware(BodyLimit, max_bytes=settings.http_limits.max_body_bytes),
            Middleware(PlainErrorsAsJson),
        ],
        lifespan=lifespan,
    )
    return app


def _schema(settings: Settings) -> HubSchema:
    """The schema with the document bounds of the settings; introspection for all only in demo mode."""
    limits = settings.query_limits
    extensions = limit_extensions(
        max_depth=limits.max_depth,
        max_tokens=limits.max_tokens,
        max_aliases=limits.max_aliases,
        max_directives=limits.max_directives,
        max_cost=limits.max_cost,
        default_page_size=limits.default_page_size,
        schema_open_to_all=settings.demo,
    )
    return build_schema(extensions, max_batch_operations=limits.max_batch_operations)


def _verifier_of(app: Starlette) -> TokenVerifier:
    return app.state.hub.verifier  # type: ignore[no-any-return]
