"""Every way PostgreSQL refuses the hub is "the database is unavailable" (retry later), and the pool outlives it.

``ledger.db.is_unavailable`` is the one place that tells a refusal (``DATABASE_UNAVAILABLE`` for
clients, one WARNING line in the log) from a failing statement (an internal fault, logged whole).
The PostgreSQL tests make a database of their own refuse for real, on the shared test server.
"""

from __future__ import annotations

import asyncio
import errno
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from asyncpg import exceptions as pg
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ledger.db import create_engine, is_unavailable, session_factory
from tests.fixtures.databases import PostgresServer, fresh_database
from tests.fixtures.own_cluster import run_as_admin

REFUSALS = {
    "connection refused": ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
    "connection reset": ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
    "no route to host": OSError(errno.EHOSTUNREACH, "No route to host"),
    "the pool had no connection to give": sa_exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached"),
    "starting up or shutting down (57P03)": pg.CannotConnectNowError("the database system is shutting down"),
    "too many clients (53300)": pg.TooManyConnectionsError("sorry, too many clients already"),
    "a terminated backend (57P01)": pg.AdminShutdownError("terminating connection due to administrator command"),
    "closed mid-operation (08003)": pg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    "not accepting connections (55000)": pg.ObjectNotInPrerequisiteStateError(
        'database "lt_0" is not currently accepting connections'
    ),
    "the driver saw the connection closed": asyncpg.InterfaceError("connection is closed"),
    "a statement on a closed connection": asyncpg.InterfaceError(
        "cannot call PreparedStatement.fetch(): the underlying connection is closed"
    ),
    "invalidated by SQLAlchemy": sa_exc.DBAPIError("SELECT 1", None, Exception("gone"), connection_invalidated=True),
}

NOT_REFUSALS = {
    "a duplicate key": pg.UniqueViolationError("duplicate key value violates unique constraint"),
    "another 55000": pg.ObjectNotInPrerequisiteStateError("cannot drop the currently open database"),
    "a connection used twice at once": asyncpg.InterfaceError(
        "cannot perform operation: another operation is in progress"
    ),
    "a missing file": FileNotFoundError(errno.ENOENT, "no such file"),
    "a failing statement": sa_exc.DBAPIError("SELECT x", None, Exception("column x does not exist")),
    "a bug": ValueError("not a number"),
}


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_every_way_the_database_refuses_us_is_unavailable(refusal: Exception) -> None:
    assert is_unavailable(refusal)


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_is_unavailable_however_deep_in_the_chain(refusal: Exception) -> None:
    try:
        try:
            raise refusal
        except Exception as exc:
            raise sa_exc.DBAPIError("SELECT 1", None, exc) from exc
    except sa_exc.DBAPIError as wrapped:
        outer = RuntimeError("the resolver failed")
        outer.__context__ = wrapped
        assert is_unavailable(outer)


@pytest.mark.parametrize("failure", NOT_REFUSALS.values(), ids=NOT_REFUSALS.keys())
def test_a_failure_that_is_not_a_refusal_stays_an_internal_fault(failure: Exception) -> None:
    assert not is_unavailable(failure)


@pytest.fixture
async def own_database(postgres_server: PostgresServer, tmp_path: Path) -> AsyncIterator[str]:
    """A database of this test's own on the shared server, which it may close to connections."""
    async with fresh_database("postgresql", directory=tmp_path, server=postgres_server, migrated=False) as url:
        try:
            yield url
        finally:
            name = make_url(url).database
            await run_as_admin(postgres_server.admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


async def _terminate(server: PostgresServer, application_name: str) -> int:
    rows = await run_as_admin(
        server.admin_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name",
        name=application_name,
    )
    return sum(1 for (killed,) in rows if killed)


@pytest.mark.postgres
async def test_a_database_not_accepting_connections_is_unavailable(
    postgres_server: PostgresServer, own_database: str
) -> None:
    await run_as_admin(
        postgres_server.admin_url, f'ALTER DATABASE "{make_url(own_database).database}" ALLOW_CONNECTIONS false'
    )
    engine = create_engine(own_database)
    try:
        with pytest.raises(Exception, match="not currently accepting connections") as refused:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert is_unavailable(refused.value)


@pytest.mark.postgres
async def test_a_backend_terminated_mid_statement_is_unavailable_and_the_pool_serves_the_next_one(
    postgres_server: PostgresServer, own_database: str
) -> None:
    name = f"lt_kill_{secrets.token_hex(3)}"
    engine = create_engine(own_database, application_name=name)
    sessions = session_factory(engine)

    async def sleep() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT pg_sleep(30)"))

    try:
        sleeping = asyncio.create_task(sleep())
        killed = 0
        for _ in range(100):  # bounded: until the statement is running and its backend is killed
            await asyncio.sleep(0.05)
            killed = await _terminate(postgres_server, name)
            if killed:
                break
        assert killed == 1
        with pytest.raises(Exception) as cut:  # noqa: PT011 - whatever the driver raises, it must be a refusal
            await asyncio.wait_for(sleeping, timeout=10)
        assert is_unavailable(cut.value), repr(cut.value)
        async with sessions() as session:  # the dead connection was invalidated: a new one serves
            assert await session.scalar(text("SELECT 1")) == 1
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_idle_pooled_connections_whose_backends_were_terminated_are_replaced_unseen(
    postgres_server: PostgresServer, own_database: str
) -> None:
    """pool_pre_ping: a connection the server killed while it sat in the pool is replaced before use."""
    name = f"lt_idle_{secrets.token_hex(3)}"
    engine = create_engine(own_database, pool_size=3, max_overflow=0, application_name=name)
    sessions = session_factory(engine)

    async def read() -> int:
        async with sessions() as session:
            value = (await session.execute(text("SELECT 1"))).scalar_one()
            await asyncio.sleep(0.05)  # the three hold a connection at once: the pool keeps three
            return int(value)

    try:
        assert list(await asyncio.gather(read(), read(), read())) == [1, 1, 1]
        assert await _terminate(postgres_server, name) == 3
        assert list(await asyncio.gather(read(), read(), read())) == [1, 1, 1]
    finally:
        await engine.dispose()
