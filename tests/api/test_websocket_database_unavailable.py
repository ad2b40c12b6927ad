"""A WebSocket whose ``connection_init`` meets the hub's database refusing is told to retry later (1013).

``connection_init`` reads the token's grants from the registry. While the database refuses (here:
a database of this module's own, ``ALLOW_CONNECTIONS false`` and its backends terminated) the socket
is closed with 1013 "Try Again Later" — the legacy ``graphql-ws`` protocol first gets
``connection_error`` with ``DATABASE_UNAVAILABLE`` — and nothing is logged at ERROR (it was an
unhandled exception: a traceback, and a socket dropped with no close code). Once the database
accepts connections again the same hub acknowledges the next ``connection_init``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import orjson
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from domain.access import Role
from gateway.ws_protocols import TRY_AGAIN_LATER
from tests.fixtures.databases import PostgresServer
from tests.fixtures.hub import Hub, hub_for
from tests.fixtures.own_cluster import run_as_admin
from tests.support.ws_client import ConnectionClosed, websocket_url

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

OFFICE = "enforcement.ha-noi.kv01"
LEGACY_PROTOCOL = "graphql-ws"
WAIT_S = 10.0


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["postgresql"])
async def refusing_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    async with hub_for(request, "refusing-hub") as hub:
        yield hub


@asynccontextmanager
async def refusing(server: PostgresServer, hub: Hub) -> AsyncIterator[None]:
    """The hub's database closed to new connections and every connection to it cut, until the block ends."""
    database = make_url(hub.settings.database_url).database
    await run_as_admin(server.admin_url, f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        await run_as_admin(
            server.admin_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()",
            db=database,
        )
        yield
    finally:
        await run_as_admin(server.admin_url, f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


async def test_connection_init_while_the_database_refuses_is_closed_with_try_again_later(
    refusing_hub: Hub, postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = refusing_hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
    async with refusing(postgres_server, refusing_hub), refusing_hub.open_socket() as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.init({"Authorization": f"Bearer {token}"}, timeout=WAIT_S)
    assert closed.value.code == TRY_AGAIN_LATER
    assert "retry later" in closed.value.reason
    assert not errors_logged(caplog)

    async with refusing_hub.websocket(token=token, timeout=WAIT_S) as ws:  # the same hub, the database back
        await ws.ping(timeout=WAIT_S)


async def test_the_legacy_protocol_gets_connection_error_database_unavailable_then_try_again_later(
    refusing_hub: Hub, postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = refusing_hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
    http, url = await refusing_hub.sockets.endpoint()
    init = orjson.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}).decode()
    async with (
        refusing(postgres_server, refusing_hub),
        http.ws_connect(websocket_url(url), protocols=(LEGACY_PROTOCOL,)) as ws,
    ):
        await ws.send_str(init)
        first = await ws.receive(timeout=WAIT_S)
        last = await ws.receive(timeout=WAIT_S)
    assert first.type == aiohttp.WSMsgType.TEXT
    assert orjson.loads(first.data) == {
        "type": "connection_error",
        "payload": {"message": "The hub's database is not answering; retry later.", "code": "DATABASE_UNAVAILABLE"},
    }
    assert (last.type, last.data) == (aiohttp.WSMsgType.CLOSE, TRY_AGAIN_LATER)
    assert not errors_logged(caplog)

    async with http.ws_connect(websocket_url(url), protocols=(LEGACY_PROTOCOL,)) as ws:
        await ws.send_str(init)
        ack = await asyncio.wait_for(ws.receive_json(), timeout=WAIT_S)
    assert ack == {"type": "connection_ack"}
