"""The audit chain: append-only in the database, and any tampering named by verify, on both databases.

Tampering is done as an attacker with the database owner's rights would: the append-only
triggers are switched off first (disabled on PostgreSQL, dropped on SQLite), then rows are
edited, deleted, swapped or renumbered. Each test states which row ``verify`` must name.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from domain.deadlines import VIETNAM_TZ
from ledger.audit import AuditEntry, TrailFilter, entry_hash, record, trail
from ledger.audit_chain import export, export_line, sidecar_of, verify, verify_export
from ledger.db import create_engine, session_factory, write_transaction
from ledger.models import AuditRow, SequenceRow, table_of

START = datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM_TZ)  # writers may hand in any zone; the chain hashes UTC
AUDIT = table_of(AuditRow)
REPO = Path(__file__).resolve().parents[2]


def entry(i: int, *, agency: str = "court.ha-noi.kv01", operation: str = "submitJudgment") -> AuditEntry:
    return AuditEntry(
        agency_code=agency,
        person=f"Nguyễn Văn {i}",
        roles=["court_clerk"],
        operation=operation,
        object_ids=[f"transfer-{i}", f"judgment-{i}"],
        request_id=f"req-{i}",
        at=START + timedelta(minutes=i),
    )


async def append_entries(sessions: async_sessionmaker[AsyncSession], entries: Sequence[AuditEntry]) -> None:
    for e in entries:
        async with write_transaction(sessions) as session:
            await record(session, e)


@pytest.fixture
async def ten(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """A log of ten entries, 1–10."""
    await append_entries(sessions, [entry(i) for i in range(1, 11)])
    return sessions


@asynccontextmanager
async def as_owner(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection of someone with owner rights, who switches the append-only triggers off first."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            await conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            await conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        yield conn
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


async def row_of(engine: AsyncEngine, seq: int) -> dict[str, Any]:
    async with engine.connect() as conn:
        return dict((await conn.execute(select(AUDIT).where(AUDIT.c.seq == seq))).one()._mapping)


# --- intact chains ------------------------------------------------------------------------------


async def test_an_empty_log_verifies(sessions: async_sessionmaker[AsyncSession]) -> None:
    report = await verify(sessions)
    assert (report.ok, report.checked, report.last_seq) == (True, 0, 0)


async def test_an_intact_chain_verifies_across_batches(ten: async_sessionmaker[AsyncSession]) -> None:
    seen: list[int] = []
    report = await verify(ten, batch_size=3, progress=seen.append)
    assert report.ok, report.reason
    assert (report.checked, report.last_seq, report.first_bad_seq) == (10, 10, None)
    assert seen == [3, 6, 9, 10]


async def test_entries_chain_from_genesis_with_their_position_in_the_hash(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    first, second = await row_of(engine, 1), await row_of(engine, 2)
    assert first["prev_hash"] == "0" * 64
    assert second["prev_hash"] == first["hash"]
    assert first["hash"] == entry_hash("0" * 64, 1, entry(1))
    assert entry_hash("0" * 64, 2, entry(1)) != first["hash"], "the position must be inside the hash"


# --- append-only in the database ----------------------------------------------------------------


async def test_the_database_refuses_to_update_an_audit_entry(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(update(AUDIT).where(AUDIT.c.seq == 3).values(operation="nothing"))
    assert (await row_of(engine, 3))["operation"] == "submitJudgment"


async def test_the_database_refuses_to_delete_an_audit_entry(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(delete(AUDIT).where(AUDIT.c.seq >= 9))
    assert (await verify(ten)).checked == 10


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_postgresql_refuses_to_truncate_the_audit_log(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text("TRUNCATE audit_log"))
    assert (await verify(ten)).checked == 10


# --- tampering ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"operation": "registerWebhook"},
        {"object_ids": '["transfer-999","judgment-7"]'},
        {"person": "Trần Thị Khác"},
        {"agency_code": "court.ha-noi.kv02"},
        {"roles": '["auditor"]'},
        {"at": START + timedelta(days=1)},
        {"object_ids": "not json"},
    ],
    ids=["operation", "object_ids", "person", "agency", "roles", "time", "broken-json"],
)
async def test_an_edited_entry_is_named(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine, change: dict[str, Any]
) -> None:
    async with as_owner(engine) as conn:
        await conn.execute(update(AUDIT).where(AUDIT.c.seq == 7).values(**change))
    report = await verify(ten)
    assert not report.ok
    assert report.first_bad_seq == 7
    assert report.checked == 6
    assert "edited" in (report.reason or "")


async def test_a_deleted_middle_entry_is_named_by_the_entry_after_the_gap(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    async with as_owner(engine) as conn:
        await conn.execute(delete(AUDIT).where(AUDIT.c.seq == 5))
    report = await verify(ten)
    assert report.first_bad_seq == 6
    assert report.reason is not None
    assert "entry 5" in report.reason
    assert "missing" in report.reason


async def test_deleted_last_entries_are_named(ten: async_sessionmaker[AsyncSession], engine: AsyncEngine) -> None:
    async with as_owner(engine) as conn:
        await conn.execute(delete(AUDIT).where(AUDIT.c.seq >= 9))
    report = await verify(ten)
    assert report.first_bad_seq == 9
    assert report.checked == 8
    assert report.reason is not None
    assert "9–10" in report.reason


async def test_swapped_entries_are_named_at_the_first_of_them(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    third, sixth = await row_of(engine, 3), await row_of(engine, 6)
    async with as_owner(engine) as conn:
        for seq, other in ((3, sixth), (6, third)):
            values = {k: v for k, v in other.items() if k != "seq"}
            await conn.execute(update(AUDIT).where(AUDIT.c.seq == seq).values(**values))
    report = await verify(ten)
    assert report.first_bad_seq == 3
    assert report.checked == 2


async def test_renumbered_entries_are_named_even_when_the_counter_is_lowered_too(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    """Entry 4 deleted and 5–10 moved down to close the gap, the sequence counter set back to 9."""
    async with as_owner(engine) as conn:
        await conn.execute(delete(AUDIT).where(AUDIT.c.seq == 4))
        for seq in range(5, 11):
            await conn.execute(update(AUDIT).where(AUDIT.c.seq == seq).values(seq=seq - 1))
        await conn.execute(update(table_of(SequenceRow)).values(last_value=9))
    report = await verify(ten)
    assert report.first_bad_seq == 4
    assert report.checked == 3


async def test_an_entry_rewritten_with_a_recomputed_hash_breaks_the_link_to_the_next(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    forged = entry(5, operation="read:judgment.parties")
    prev_hash = (await row_of(engine, 5))["prev_hash"]
    async with as_owner(engine) as conn:
        await conn.execute(
            update(AUDIT)
            .where(AUDIT.c.seq == 5)
            .values(operation=forged.operation, hash=entry_hash(prev_hash, 5, forged))
        )
    report = await verify(ten)
    assert report.first_bad_seq == 6
    assert report.reason is not None
    assert "prev_hash" in report.reason


async def test_a_tail_rewritten_with_recomputed_hashes_is_caught_by_an_anchor(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    """Without a secret, a whole rewritten tail is a valid chain; an anchor kept elsewhere is not fooled."""
    anchor = (8, (await row_of(engine, 8))["hash"])
    async with as_owner(engine) as conn:
        prev_hash = (await row_of(engine, 4))["hash"]
        for seq in range(5, 11):
            forged = entry(seq, operation="deactivateWebhook")
            new_hash = entry_hash(prev_hash, seq, forged)
            await conn.execute(
                update(AUDIT)
                .where(AUDIT.c.seq == seq)
                .values(operation=forged.operation, prev_hash=prev_hash, hash=new_hash)
            )
            prev_hash = new_hash
    assert (await verify(ten)).ok, "the limitation the anchor exists for"
    report = await verify(ten, anchors=dict([anchor]))
    assert report.first_bad_seq == 8
    assert report.reason is not None
    assert "anchor" in report.reason


async def test_an_anchor_beyond_the_end_means_entries_were_removed(ten: async_sessionmaker[AsyncSession]) -> None:
    report = await verify(ten, anchors={12: "ab" * 32})
    assert report.first_bad_seq == 11


# --- concurrency --------------------------------------------------------------------------------


async def test_concurrent_appends_stay_gapless_and_verify(migrated_db_url: str) -> None:
    """50 transactions from 5 independent engines (as from 5 hub replicas), all at once, on a fresh log."""
    engines = [create_engine(migrated_db_url) for _ in range(5)]
    try:
        factories = [session_factory(e) for e in engines]

        async def one(i: int) -> int:
            async with write_transaction(factories[i % len(factories)]) as session:
                seq = await record(session, entry(i, agency=f"agency-{i}"))
                await asyncio.sleep(0.005)  # hold the transaction open so the others queue behind it
                return seq

        seqs = await asyncio.gather(*(one(i) for i in range(50)))
        report = await verify(factories[0])
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(seqs) == list(range(1, 51))
    assert report.ok, report.reason
    assert report.checked == 50


async def test_a_rolled_back_append_gives_its_number_back(ten: async_sessionmaker[AsyncSession]) -> None:
    async def failing_write() -> None:
        async with write_transaction(ten) as session:
            await record(session, entry(11))
            raise RuntimeError("the write it records failed")

    with pytest.raises(RuntimeError):
        await failing_write()
    await append_entries(ten, [entry(12)])
    report = await verify(ten)
    assert report.ok
    assert report.checked == 11


# --- reading the trail --------------------------------------------------------------------------


async def test_the_trail_pages_newest_first_and_filters(sessions: async_sessionmaker[AsyncSession]) -> None:
    await append_entries(
        sessions,
        [
            entry(1, operation="submitJudgment"),
            entry(2, operation="read:judgment.parties", agency="enforcement.ha-noi.kv01"),
            entry(3, operation="returnTransfer:UNCLEAR", agency="enforcement.ha-noi.kv01"),
            entry(4, operation="readiness"),
            entry(5, operation="read:auditTrail"),
        ],
    )
    async with sessions() as session:
        first = await trail(session, TrailFilter(), first=2)
        rest = await trail(session, TrailFilter(), first=10, after=first.end_cursor)
        by_agency = await trail(session, TrailFilter(agency_code="enforcement.ha-noi.kv01"), first=10)
        reads = await trail(session, TrailFilter(operation="read"), first=10)
        returns = await trail(session, TrailFilter(operation="returnTransfer"), first=10)
        about = await trail(session, TrailFilter(object_id="transfer-3"), first=10)
        window = await trail(
            session,
            TrailFilter(since=START + timedelta(minutes=2), until=START + timedelta(minutes=4)),
            first=10,
        )
    assert [e.seq for e in first.items] == [5, 4]
    assert first.has_next_page
    assert [e.seq for e in rest.items] == [3, 2, 1]
    assert not rest.has_next_page
    assert [e.seq for e in by_agency.items] == [3, 2]
    assert [e.seq for e in reads.items] == [5, 2], "read matches read:… but not readiness"
    assert [e.seq for e in returns.items] == [3]
    assert [e.seq for e in about.items] == [3]
    assert [e.seq for e in window.items] == [3, 2]


async def test_object_ids_with_like_wildcards_match_only_themselves(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    odd = AuditEntry("a", None, [], "op", ["50%_off", 'quote"d'], "r", START)
    await append_entries(sessions, [odd, entry(2)])
    async with sessions() as session:
        exact = await trail(session, TrailFilter(object_id="50%_off"), first=10)
        wildcard = await trail(session, TrailFilter(object_id="%"), first=10)
        partial = await trail(session, TrailFilter(object_id="transfer"), first=10)
        quoted = await trail(session, TrailFilter(object_id='quote"d'), first=10)
    assert [e.seq for e in exact.items] == [1]
    assert wildcard.items == ()
    assert partial.items == (), "a prefix of an id is not the id"
    assert [e.seq for e in quoted.items] == [1]


async def test_a_cursor_of_another_list_is_refused(ten: async_sessionmaker[AsyncSession]) -> None:
    from ledger.paging import encode_cursor

    async with ten() as session:
        with pytest.raises(ValueError, match="auditTrail"):
            await trail(session, TrailFilter(), first=5, after=encode_cursor("inbox", ["7"]))


# --- export -------------------------------------------------------------------------------------


async def test_an_export_holds_the_chain_and_checks_on_its_own(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine, tmp_path: Path
) -> None:
    out = tmp_path / "audit.jsonl"
    summary = await export(ten, out)
    lines = out.read_bytes().splitlines(keepends=True)
    async with ten() as session:
        newest_first = await trail(session, TrailFilter(), first=10)
    assert lines == [export_line(stored) for stored in reversed(newest_first.items)]
    assert orjson.loads(lines[0]).keys() == {
        "seq", "at", "agency", "person", "roles", "operation", "objects", "request_id", "prev_hash", "hash",
    }  # fmt: skip
    assert summary.entries == 10
    assert summary.chain.ok
    assert summary.anchor == f"10:{(await row_of(engine, 10))['hash']}"
    assert sidecar_of(out).read_text() == f"{hashlib.sha256(out.read_bytes()).hexdigest()}  audit.jsonl\n"
    assert verify_export(out).checked == 10


async def test_an_edited_export_is_noticed(ten: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    await export(ten, out)
    lines = out.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b"submitJudgment", b"registerWebhook")
    out.write_bytes(b"".join(lines))
    with pytest.raises(ValueError, match="does not match the digest"):
        verify_export(out)
    sidecar_of(out).write_text(f"{hashlib.sha256(out.read_bytes()).hexdigest()}  audit.jsonl\n")
    report = verify_export(out)
    assert report.first_bad_seq == 4


async def test_an_export_of_a_time_window_is_a_contiguous_piece_of_the_chain(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    days = [START + timedelta(days=d) for d in (0, 1, 1, 2, 3)]
    await append_entries(sessions, [AuditEntry("a", None, [], "op", [str(i)], "r", at) for i, at in enumerate(days)])
    out = tmp_path / "window.jsonl"
    summary = await export(sessions, out, since=days[1], until=days[3])
    assert (summary.first_seq, summary.last_seq, summary.entries) == (2, 3, 2)
    assert [orjson.loads(line)["seq"] for line in out.read_bytes().splitlines()] == [2, 3]
    assert orjson.loads(out.read_bytes().splitlines()[0])["prev_hash"] != "0" * 64
    assert verify_export(out).ok
    empty = await export(sessions, tmp_path / "none.jsonl", since=days[4] + timedelta(days=1))
    assert empty.entries == 0
    assert (tmp_path / "none.jsonl").read_bytes() == b""


# --- the command line ---------------------------------------------------------------------------


def lienthong(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    env["LIENTHONG_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_audit_verify_exits_0_then_1_naming_the_tampered_entry(
    ten: async_sessionmaker[AsyncSession], engine: AsyncEngine, migrated_db_url: str
) -> None:
    intact = await asyncio.to_thread(lienthong, migrated_db_url, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("audit chain intact: 10 entries")
    async with as_owner(engine) as conn:
        await conn.execute(update(AUDIT).where(AUDIT.c.seq == 4).values(object_ids='["someone-else"]'))
    broken = await asyncio.to_thread(lienthong, migrated_db_url, "audit", "verify")
    assert broken.returncode == 1, broken.stderr
    assert broken.stdout.startswith("audit entry 4: its content does not match its hash")


async def test_audit_export_writes_the_chain_and_its_archive_verifies(
    ten: async_sessionmaker[AsyncSession], migrated_db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "march.jsonl"
    done = await asyncio.to_thread(
        lienthong, migrated_db_url, "audit", "export", "--out", str(out), "--from", "2026-03-02", "--to", "2026-03-02"
    )
    assert done.returncode == 0, done.stderr
    assert "exported 10 audit entries (entries 1–10)" in done.stdout
    async with ten() as session:
        newest_first = await trail(session, TrailFilter(), first=10)
    assert out.read_bytes() == b"".join(export_line(s) for s in reversed(newest_first.items))
    anchor = done.stdout.split("anchor (keep it outside the hub's database): ")[1].strip()
    checked = await asyncio.to_thread(
        lienthong, migrated_db_url, "audit", "verify-export", str(out), "--anchor", anchor
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("audit archive intact: 10 entries")
    outside = await asyncio.to_thread(
        lienthong, migrated_db_url, "audit", "export", "--out", str(tmp_path / "x.jsonl"), "--from", "2026-03-03"
    )
    assert outside.returncode == 0
    assert "exported 0 audit entries" in outside.stdout
