"""SQLite through aiosqlite in one thread hop per statement (``ledger/sqlite_one_hop.py``), transactions intact."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ledger.db import SQLITE_WRITE_LOCK, create_engine, session_factory, write_transaction


@pytest_asyncio.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite:///{tmp_path}/hub.db", sqlite_busy_timeout_ms=200)
    async with made.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"))
    yield made
    await made.dispose()


@contextmanager
def hops() -> Iterator[list[str]]:
    """The calls queued to aiosqlite's connection threads inside the block."""
    seen: list[str] = []
    original = aiosqlite.core.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        aiosqlite.core.Connection._execute = original  # type: ignore[method-assign]


async def test_a_read_in_a_session_is_two_hops_its_statement_with_the_begin_and_the_rollback(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:  # a connection in the pool first, so that opening one is not counted
        await session.execute(text("SELECT 1"))
    with hops() as seen:
        async with sessions() as session:
            assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
    assert seen == ["_run", "rollback"]


async def test_a_transaction_that_ran_no_statement_costs_no_hop(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
    with hops() as seen:
        async with sessions() as session, session.begin():
            await session.connection()  # begins: SQLAlchemy's transaction, no statement yet
    assert seen == []


async def _insert_then_fail(sessions: async_sessionmaker[AsyncSession], name: str) -> None:
    async with write_transaction(sessions) as session:
        await session.execute(text("INSERT INTO t (name) VALUES (:name)"), {"name": name})
        raise RuntimeError("rolled back")


async def _insert_twice(sessions: async_sessionmaker[AsyncSession], name: str) -> None:
    async with write_transaction(sessions) as session:
        for _ in range(2):
            await session.execute(text("INSERT INTO t (name) VALUES (:name)"), {"name": name})


async def test_writes_commit_roll_back_and_report_row_counts_and_ids(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with write_transaction(sessions) as session:
        inserted = await session.execute(text("INSERT INTO t (name) VALUES ('một')"))
        assert inserted.lastrowid == 1  # type: ignore[attr-defined]
        await session.execute(text("INSERT INTO t (name) VALUES ('hai')"))
    with pytest.raises(RuntimeError):
        await _insert_then_fail(sessions, "ba")
    async with write_transaction(sessions) as session:
        updated = await session.execute(text("UPDATE t SET name = name || '!'"))
        assert updated.rowcount == 2  # type: ignore[attr-defined]
    async with sessions() as session:
        names = (await session.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
    assert names == ["một!", "hai!"]


async def test_a_failing_statement_raises_sqlalchemys_error_and_its_transaction_is_undone(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    with pytest.raises(IntegrityError):
        await _insert_twice(sessions, "một")
    async with sessions() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_an_immediate_transaction_holds_the_write_lock_from_its_begin(engine: AsyncEngine) -> None:
    """BEGIN IMMEDIATE is not deferred: the lock is held from the begin, before any statement."""
    async with engine.connect() as holder:
        await (await holder.execution_options(**SQLITE_WRITE_LOCK)).begin()
        async with engine.connect() as other:
            with pytest.raises(OperationalError, match="locked"):
                await other.execute(text("INSERT INTO t (name) VALUES ('chờ')"))
        await holder.rollback()
