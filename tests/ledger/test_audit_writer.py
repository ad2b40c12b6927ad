"""Group commit of audit entries (ledger/audit_writer.py), on both databases.

Concurrent callers share write transactions and still get a valid chain; a failed batch withholds
only the callers whose entries cannot be written; a caller that gives up, or a writer that closes,
loses nobody else's entries. Transactions are counted by the engine's commit events, not only by
what the writer says it did.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agencies.topology import free_port
from ledger.audit import AuditEntry, record
from ledger.audit_chain import verify
from ledger.audit_writer import AuditWriteFailed, AuditWriter, AuditWriterClosed
from ledger.db import create_engine, is_unavailable, session_factory, write_transaction
from ledger.models import AuditRow

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def read(i: int, *, kinds: int = 1) -> list[AuditEntry]:
    """What one request appends: one entry per kind of personal data it showed."""
    return [
        AuditEntry(
            agency_code="enforcement.ha-noi.kv01",
            person=f"Trần Thị {i}",
            roles=["enforcement_clerk"],
            operation=f"read:kind{k}",
            object_ids=[f"judgment-{i}"],
            request_id=f"req-{i}",
            at=START + timedelta(seconds=i),
        )
        for k in range(kinds)
    ]


def unwritable(i: int) -> list[AuditEntry]:
    """An entry the database refuses (agency_code is NOT NULL), as a bug or a bad row would be."""
    return [AuditEntry(None, None, [], "read:kind0", [], f"req-{i}", START)]  # type: ignore[arg-type]


@contextmanager
def counting_commits(engine: AsyncEngine) -> Iterator[list[int]]:
    """A one-element list holding the number of transactions the engine committed inside the block."""
    counted = [0]

    def on_commit(_conn: Any) -> None:
        counted[0] += 1

    event.listen(engine.sync_engine, "commit", on_commit)
    try:
        yield counted
    finally:
        event.remove(engine.sync_engine, "commit", on_commit)


@asynccontextmanager
async def holding_the_log(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """A write transaction that has appended an entry and holds the log until the block ends.

    Writers wait behind it: on the counter row's lock (PostgreSQL) or the write lock (SQLite).
    """
    async with write_transaction(sessions) as session:
        await record(session, read(0)[0])
        yield


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.001)


async def logged(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int, str, str]]:
    """(seq, request id, operation) of every entry, in chain order."""
    async with sessions() as session:
        rows = await session.execute(select(AuditRow.seq, AuditRow.request_id, AuditRow.operation).order_by("seq"))
        return [(int(seq), request, operation) for seq, request, operation in rows]


async def assert_chain_verifies(sessions: async_sessionmaker[AsyncSession], entries: int) -> None:
    report = await verify(sessions)
    assert report.ok, report.reason
    assert (report.checked, report.last_seq) == (entries, entries)


# --- sharing transactions -----------------------------------------------------------------------


async def test_fifty_concurrent_callers_share_transactions_and_the_chain_verifies(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    writer = AuditWriter(sessions)
    kinds = {i: 1 + i % 3 for i in range(50)}  # a request shows one to three kinds of personal data
    with counting_commits(engine) as commits:
        seqs = await asyncio.gather(*(writer.append(read(i, kinds=kinds[i])) for i in range(50)))
    await writer.aclose()

    total = sum(kinds.values())
    assert [len(s) for s in seqs] == [kinds[i] for i in range(50)]
    assert all(s == list(range(s[0], s[0] + len(s))) for s in seqs), "a caller's entries are consecutive"
    assert [n for s in seqs for n in s] == list(range(1, total + 1)), "callers are appended in arrival order"
    assert commits[0] == writer.stats.transactions < 50
    assert writer.stats.entries == total
    assert [(request, op) for _, request, op in await logged(sessions)] == [
        (f"req-{i}", f"read:kind{k}") for i in range(50) for k in range(kinds[i])
    ]
    await assert_chain_verifies(sessions, total)


async def test_callers_queued_while_a_transaction_is_written_go_together_in_the_next(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    writer = AuditWriter(sessions)
    with counting_commits(engine) as commits:
        async with holding_the_log(sessions):
            first = asyncio.create_task(writer.append(read(1)))
            await until(lambda: writer.writing == 1)  # taken: its transaction waits behind ours
            queued = [asyncio.create_task(writer.append(read(i))) for i in range(2, 22)]
            await until(lambda: writer.backlog == 20)
        assert await first == [2]
        assert [await task for task in queued] == [[n] for n in range(3, 23)]
    await writer.aclose()
    assert writer.stats.transactions == 2, "one for the first caller, one for the twenty queued behind it"
    assert commits[0] == 3, "ours, then the writer's two"
    await assert_chain_verifies(sessions, 22)


async def test_two_writers_as_of_two_processes_keep_one_chain(migrated_db_url: str) -> None:
    engines = [create_engine(migrated_db_url) for _ in range(2)]
    try:
        writers = [AuditWriter(session_factory(e)) for e in engines]
        seqs = await asyncio.gather(*(writers[i % 2].append(read(i, kinds=2)) for i in range(40)))
        for writer in writers:
            await writer.aclose()
        assert sorted(n for s in seqs for n in s) == list(range(1, 81))
        assert all(s[1] == s[0] + 1 for s in seqs)
        await assert_chain_verifies(session_factory(engines[0]), 80)
    finally:
        for e in engines:
            await e.dispose()


async def test_a_lone_caller_is_written_at_once_and_direct_appends_continue_the_chain(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    writer = AuditWriter(sessions)
    assert await writer.append(read(1, kinds=3)) == [1, 2, 3]
    async with write_transaction(sessions) as session:  # a mutation's own entry, in its own transaction
        assert await record(session, read(2)[0]) == 4
    assert await writer.append(read(3)) == [5]
    assert await writer.append([]) == []
    await writer.aclose()
    await assert_chain_verifies(sessions, 5)


# --- failures -----------------------------------------------------------------------------------


async def test_an_unwritable_entry_withholds_only_its_own_caller(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    writer = AuditWriter(sessions)
    with counting_commits(engine) as commits:
        outcomes = await asyncio.gather(
            *(writer.append(unwritable(i) if i == 3 else read(i)) for i in range(10)), return_exceptions=True
        )
    await writer.aclose()

    failed = outcomes.pop(3)
    assert isinstance(failed, AuditWriteFailed)
    assert failed.__cause__ is not None
    assert outcomes == [[n] for n in range(1, 10)], "the others are written, one by one, in arrival order"
    assert writer.stats.split_batches == 1
    assert commits[0] == writer.stats.transactions == 9
    assert [request for _, request, _ in await logged(sessions)] == [f"req-{i}" for i in range(10) if i != 3]
    await assert_chain_verifies(sessions, 9)


async def test_a_database_that_is_down_fails_every_caller(engine: AsyncEngine, tmp_path: Path) -> None:
    if engine.dialect.name == "postgresql":
        down = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test", pool_timeout=2)
    else:
        down = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a directory: the file cannot be opened
    writer = AuditWriter(session_factory(down))
    try:
        outcomes = await asyncio.gather(*(writer.append(read(i)) for i in range(5)), return_exceptions=True)
        await writer.aclose()
    finally:
        await down.dispose()
    assert all(isinstance(o, AuditWriteFailed) for o in outcomes), outcomes
    assert writer.stats.transactions == 0
    if engine.dialect.name == "postgresql":
        assert all(isinstance(o, BaseException) and is_unavailable(o) for o in outcomes)
        assert writer.stats.split_batches == 0, "an unreachable database is not retried caller by caller"


# --- cancellation and closing -------------------------------------------------------------------


async def test_callers_that_give_up_do_not_break_the_writer_or_the_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    writer = AuditWriter(sessions)
    async with holding_the_log(sessions):
        in_flight = asyncio.create_task(writer.append(read(1)))
        await until(lambda: writer.writing == 1)
        queued = {i: asyncio.create_task(writer.append(read(i))) for i in range(2, 6)}
        await until(lambda: writer.backlog == 4)
        in_flight.cancel()  # its transaction is already under way
        queued[3].cancel()  # still waiting for a transaction: left out of it
        await asyncio.sleep(0)
    assert [await queued[i] for i in (2, 4, 5)] == [[3], [4], [5]]
    for task in (in_flight, queued[3]):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert await writer.append(read(6)) == [6], "the writer goes on"
    await writer.aclose()
    assert [request for _, request, _ in await logged(sessions)] == [
        "req-0",
        "req-1",
        "req-2",
        "req-4",
        "req-5",
        "req-6",
    ]
    await assert_chain_verifies(sessions, 6)


async def test_close_writes_what_is_queued_then_refuses_more(sessions: async_sessionmaker[AsyncSession]) -> None:
    writer = AuditWriter(sessions)
    async with holding_the_log(sessions):
        waiting = [asyncio.create_task(writer.append(read(1)))]
        await until(lambda: writer.writing == 1)  # taken: its transaction waits behind ours
        waiting += [asyncio.create_task(writer.append(read(i))) for i in range(2, 6)]
        await until(lambda: writer.backlog == 4)
        closing = asyncio.create_task(writer.aclose())
        await asyncio.sleep(0)
        with pytest.raises(AuditWriterClosed):
            await writer.append(read(9))
        assert not closing.done()
    await closing
    assert [await task for task in waiting] == [[n] for n in range(2, 7)]
    await writer.aclose()  # again: nothing to do
    await assert_chain_verifies(sessions, 6)
