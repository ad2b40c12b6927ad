"""Engines: URL normalisation, SQLite connection settings, readiness."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ledger.db import create_engine, is_sqlite, normalise_url, ping


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
