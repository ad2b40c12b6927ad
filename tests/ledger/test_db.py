"""Engines: URL normalisation, SQLite connection settings, readiness, telling an outage from a failing statement."""

from __future__ import annotations

import asyncio
import secrets
import socket
from pathlib import Path

import pytest
from asyncpg.exceptions import AdminShutdownError, CannotConnectNowError, TooManyConnectionsError, UniqueViolationError
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from ledger.db import create_engine, is_sqlite, is_unavailable, normalise_url, ping, session_factory


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/hub.db", "sqlite+aiosqlite:///var/hub.db"),
        ("sqlite+aiosqlite:////abs/hub.db", "sqlite+aiosqlite:////abs/hub.db"),
        ("postgresql://hub@db:5432/lienthong", "postgresql+asyncpg://hub@db:5432/lienthong"),
        ("postgres://hub@db/lienthong", "postgresql+asyncpg://hub@db/lienthong"),
        ("postgresql+asyncpg://hub@db/lienthong", "postgresql+asyncpg://hub@db/lienthong"),
    ],
)
def test_urls_name_the_async_driver(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string() == expected


@pytest.mark.parametrize("url", ["mysql://hub:secret@db/x", "postgresql+psycopg2://hub:secret@db/x"])
def test_unsupported_urls_are_refused_without_showing_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database URL") as caught:
        normalise_url(url)
    assert "secret" not in str(caught.value)


def test_sqlite_is_told_apart() -> None:
    assert is_sqlite("sqlite:///x.db")
    assert not is_sqlite("postgresql://h/x")


async def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/nested/dir/hub.db", sqlite_busy_timeout_ms=1234)
    try:
        async with engine.connect() as conn:
            pragmas = {
                name: (await conn.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        await engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 1234, "synchronous": 1}
    assert (tmp_path / "nested" / "dir" / "hub.db").exists()


async def test_ping_passes_for_a_live_database(engine: AsyncEngine) -> None:
    await ping(engine)


async def test_ping_raises_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = create_engine(f"postgresql://nobody@127.0.0.1:{port}/nothing")
    try:
        with pytest.raises(OSError, match="Connect call failed"):
            await ping(engine)
    finally:
        await engine.dispose()


async def test_a_database_that_does_not_answer_is_told_apart_from_a_failing_statement(engine: AsyncEngine) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nothing = create_engine(f"postgresql://nobody@127.0.0.1:{port}/nothing")
    try:
        with pytest.raises(OSError, match="Connect call failed") as refused:
            async with nothing.connect() as conn:
                await conn.execute(text("SELECT 1"))
    finally:
        await nothing.dispose()
    with pytest.raises(DBAPIError) as bad_statement:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))

    assert is_unavailable(refused.value)
    assert not is_unavailable(bad_statement.value)
    assert is_unavailable(CannotConnectNowError("the database system is starting up"))  # SQLSTATE 57P03
    assert is_unavailable(AdminShutdownError("terminating connection due to administrator command"))
    assert not is_unavailable(UniqueViolationError("duplicate key"))
    assert not is_unavailable(FileNotFoundError(2, "no such file"))  # an OSError, but not the database's


async def test_a_file_database_keeps_its_connections_for_the_next_burst_of_sessions(tmp_path: Path) -> None:
    """16 concurrent sessions twice: the second burst opens no connection (each one is a thread and PRAGMAs).

    SQLAlchemy's default pool for SQLite files keeps 5 and closes its overflow connections, so every
    burst of concurrent requests (a page and its count each) opened new ones.
    """
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    opened = 0

    def count(*_args: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", count)
    sessions = session_factory(engine)

    async def read() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.05)  # all 16 hold a connection at once

    try:
        await asyncio.gather(*(read() for _ in range(16)))
        first_burst = opened
        await asyncio.gather(*(read() for _ in range(16)))
        assert first_burst == 16
        assert opened == first_burst
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_server_with_no_connection_left_for_us_is_unavailable_not_an_internal_fault(postgres_server) -> None:
    """ "too many clients" (SQLSTATE 53300) is the database not serving now, as a restart is: DATABASE_UNAVAILABLE."""
    role = f"lt_full_{secrets.token_hex(3)}"
    admin = create_engine(postgres_server.admin_url.render_as_string(hide_password=False))
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0'))
            await conn.commit()
        full = create_engine(postgres_server.admin_url.set(username=role).render_as_string(hide_password=False))
        try:
            with pytest.raises(Exception, match="too many connections") as refused:
                async with full.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        finally:
            await full.dispose()
        assert is_unavailable(refused.value)
        assert is_unavailable(TooManyConnectionsError("sorry, too many clients already"))
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            await conn.commit()
        await admin.dispose()
