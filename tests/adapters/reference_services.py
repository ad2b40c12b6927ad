"""The reference court and procuracy services served in-process on 127.0.0.1, for adapter contract tests.

httpx (and so starlette's TestClient) is not a dependency, and the adapters
speak aiohttp over real sockets; so a tiny aiohttp server on a loopback port
hands each request to the service's ASGI app (through tests.agencies'
in-process client) and sends its answer back::

    async with serving(create_court(settings, catalogue)) as url:
        adapter = CourtPersonnelAdapter(session, HttpAgencyConfig(url, api_key=settings.api_key))

A client that gives up disconnects, which cancels the forwarded request, so
the services' ``hang`` knob behaves as it does under uvicorn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestServer
from starlette.types import ASGIApp

from tests.agencies.asgi_client import AsgiClient


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Serve ``app`` on a free loopback port for the duration; yields its base URL."""
    client = AsgiClient(app, api_key=None)

    async def forward(request: web.Request) -> web.StreamResponse:
        answer = await client.request(
            request.method,
            request.path,
            params=dict(request.query),
            content=await request.read(),
            api_key=request.headers.get("X-API-Key"),
        )
        return web.Response(status=answer.status, body=answer.body, content_type="application/json")

    bridge = web.Application()
    bridge.router.add_route("*", "/{tail:.*}", forward)
    server = TestServer(bridge, host="127.0.0.1", handler_cancellation=True)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()
