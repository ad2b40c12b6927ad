"""The app factory: ``create_app(settings)`` builds the hub; the lifespan owns every resource.

``create_app`` checks the configuration (``gateway.lifespan.startup_config``), then
assembles routes, middleware and the lifespan (``gateway/lifespan.py``), which
creates the database engine, the one aiohttp ClientSession, the adapters, the
token verifier and the metrics registry when the app starts, keeps them on
``app.state.hub`` (read-only; read it with ``gateway.state.hub_of``), and closes
them when it stops. Nothing is global; the clock is passed in (``settings.clock()``
unless a test or drill hands another).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

from console.routes import console_routes
from console.web_assets import ASSETS_DIR, Assets
from domain.clock import Clock
from gateway.authority import Authority
from gateway.graphiql import FILES as GRAPHIQL_FILES
from gateway.graphiql import graphiql_routes
from gateway.health import healthz, metrics, readyz, receipt_key
from gateway.lifespan import lifespan, startup_config
from gateway.middleware import Authenticate, GraphQLResponseMediaType, RequestId
from gateway.protection import (
    BodyLimit,
    GraphQLContentType,
    MaskInternalErrors,
    PlainErrorsAsJson,
    RateLimit,
    SecurityHeaders,
)
from gateway.rate_limits import ClientRateLimiter
from gateway.reports.routes import report_routes
from gateway.settings import Settings
from gateway.state import hub_of
from resolvers.build import build_schema
from schema.build import HubSchema
from schema.limits import limit_extensions


class GraphQLEndpoint:
    """An ASGI app that hands the request to the GraphQL view the lifespan built.

    (A class, not a function: Starlette routes a plain function as a request handler.)
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["app"].state.graphql(scope, receive, send)


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    """The hub: routes, middleware and a lifespan that builds every resource; ``clock``: ``settings.clock()``."""
    config = startup_config(settings, clock or settings.clock())
    return Starlette(
        routes=[*_routes(), *_browser_routes(settings)],
        middleware=_middleware(settings),
        lifespan=lifespan(config, lambda: hub_schema(settings)),
    )


def _routes() -> list[BaseRoute]:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/receipts/public-key", receipt_key, methods=["GET"]),
        Route("/graphql", GraphQLEndpoint(), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", GraphQLEndpoint()),
        *report_routes(),  # /reports/committee(.xlsx|.csv): the committee report to print or download
        *console_routes(),  # Cổng Liên thông, the console for people (console/): /, /dang-xuat, …
    ]


def _browser_routes(settings: Settings) -> list[BaseRoute]:
    """The files browsers load (/assets/…: read and hashed now) and, in demo mode only, GraphiQL (/graphiql)."""
    if not settings.demo:
        return Assets.load(ASSETS_DIR, ()).routes()
    assets = Assets.load(ASSETS_DIR, GRAPHIQL_FILES)
    return [*assets.routes(), *graphiql_routes(assets)]


def _middleware(settings: Settings) -> list[Middleware]:
    limits = settings.http_limits
    return [  # outermost first
        Middleware(RequestId),
        Middleware(SecurityHeaders, hsts_max_age_s=limits.hsts_max_age_s),
        Middleware(MaskInternalErrors),
        Middleware(GraphQLResponseMediaType),
        Middleware(Authenticate, verifier=_verifier_of, ide_enabled=settings.demo),
        Middleware(RateLimit, limiter=_rate_limiter_of),
        Middleware(GraphQLContentType),
        Middleware(BodyLimit, max_bytes=limits.max_body_bytes),
        Middleware(PlainErrorsAsJson),
    ]


def hub_schema(settings: Settings, *, reference: bool = False) -> HubSchema:
    """The schema with the document bounds of the settings; introspection for all only in demo mode.

    ``reference``: the same schema executed by graphql-core alone (tests/api/test_executor_differential.py).
    """
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
    return build_schema(extensions, max_batch_operations=limits.max_batch_operations, reference=reference)


def _rate_limiter_of(scope: Scope) -> ClientRateLimiter | None:
    """The running hub's rate limiter (None: rate limiting is off)."""
    return hub_of(scope["app"]).rate_limiter


def _verifier_of(scope: Scope) -> Authority:
    """The running hub's authority: token, then grants (Starlette puts the app in every request's scope)."""
    return hub_of(scope["app"]).authority
