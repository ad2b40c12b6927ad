"""The event listener turns other processes' commits into local wake-ups, and survives a lost connection.

PostgreSQL only (LISTEN/NOTIFY); SQLite gets no listener. Every wait is bounded;
nothing asserts on timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from prometheus_client import CollectorRegistry

from gateway.listen import EventListener, asyncpg_dsn, listener_for, listening
from ledger.db import create_engine, session_factory, write_transaction
from ledger.notify import CHANNEL, announce
from resolvers.signals import EventSignal
from tests.fixtures.databases import PostgresServer, fresh_database

WAIT_S = 15.0


def test_sqlite_runs_no_listener_and_postgresql_urls_become_asyncpg_dsns() -> None:
    assert listener_for("sqlite+aiosqlite:///var/hub.db", EventSignal()) is None
    assert (
        asyncpg_dsn("postgresql+asyncpg://hub:s3cret@db:5432/lienthong") == "postgresql://hub:s3cret@db:5432/lienthong"
    )
    assert asyncpg_dsn("postgres://hub@db/lienthong") == "postgresql://hub@db/lienthong"


@pytest.fixture
async def database(postgres_server: PostgresServer, tmp_path: Path) -> AsyncIterator[str]:
    async with fresh_database("postgresql", directory=tmp_path, server=postgres_server) as url:
        yield url


async def commit_an_announcement(url: str, *, roll_back: bool = False) -> None:
    """A transaction that announces new events, as ``ledger.events.append_event`` does."""
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        if roll_back:
            async with sessions() as session:
                await announce(session)
                await session.rollback()
            return
        async with write_transaction(sessions) as session:
            await announce(session)
            await announce(session)  # once per transaction is enough: the second costs nothing
    finally:
        await engine.dispose()


async def woken(signal: EventSignal, seen: int) -> bool:
    return await signal.wait(seen, WAIT_S) != seen


@pytest.mark.postgres
class TestEventListener:
    async def test_a_commit_in_another_process_wakes_the_signal(self, database: str) -> None:
        signal = EventSignal(poll_s=3600.0)
        listener = listener_for(database, signal)
        assert listener is not None
        async with listening(listener):
            assert listener.connected.is_set()
            seen = signal.generation
            await commit_an_announcement(database)
            assert await woken(signal, seen), f"no wake-up within {WAIT_S:.0f}s of a committed NOTIFY"

    async def test_a_rolled_back_announcement_is_never_sent(self, database: str) -> None:
        dsn = asyncpg_dsn(database)
        assert dsn is not None
        heard: asyncio.Queue[str] = asyncio.Queue()
        connection = await asyncpg.connect(dsn)
        try:
            await connection.add_listener(CHANNEL, lambda *args: heard.put_nowait(args[-1]))
            await commit_an_announcement(database, roll_back=True)
            await connection.execute("SELECT pg_notify($1, 'marker')", CHANNEL)
            # Notifications arrive in commit order: the marker, sent last, arrives first, so nothing came before it.
            assert await asyncio.wait_for(heard.get(), WAIT_S) == "marker"
        finally:
            await connection.close()

    async def test_it_reconnects_after_its_connection_is_killed_and_wakes_readers_again(self, database: str) -> None:
        signal, registry = EventSignal(poll_s=3600.0), CollectorRegistry()
        dsn = asyncpg_dsn(database)
        assert dsn is not None
        listener = EventListener(dsn, signal, registry=registry, min_backoff_s=0.05, max_backoff_s=0.2)
        async with listening(listener):
            killer = await asyncpg.connect(dsn)
            try:
                killed = await killer.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'lienthong-listen' AND datname = current_database()"
                )
            finally:
                await killer.close()
            assert killed == 1
            async with asyncio.timeout(WAIT_S):
                while registry.get_sample_value("lienthong_event_listener_reconnects_total") != 1.0:
                    await asyncio.sleep(0.02)
                await listener.connected.wait()
            assert registry.get_sample_value("lienthong_event_listener_connected") == 1.0
            seen = signal.generation
            await commit_an_announcement(database)
            assert await woken(signal, seen), "the reconnected listener did not hear a committed NOTIFY"
        assert registry.get_sample_value("lienthong_event_listener_connected") == 0.0
