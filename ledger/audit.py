"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical
JSON of the entry, so altering, deleting or reordering a row breaks the chain
from that row on. Entries are written in the same transaction as what they
record, with a gapless sequence number; reads, which have no transaction of
their own, are appended through :class:`ledger.audit_writer.AuditWriter`,
which writes the entries of many concurrent requests in one transaction.

Appends are serialised by the sequence: taking numbers (:func:`record_many`
bumps the ``audit_log`` counter by the number of entries) locks the counter
row until the transaction ends (PostgreSQL) or runs under SQLite's single
write lock, so the entry before ours is committed (or its number was given
back) by the time we read its hash. The database refuses UPDATE and DELETE on
the table (triggers of migration 0003); the chain is what catches someone who
gets past them. :mod:`ledger.audit_chain` verifies and exports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import ColumnElement, Row, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.canonical import canonical_json, sha256_hex
from ledger.db import write_transaction
from ledger.models import AuditRow, table_of
from ledger.paging import Page, check_page_size, decode_cursor, encode_cursor, malformed_cursor
from ledger.sequences import next_value

AUDIT_SEQUENCE: Final = "audit_log"
GENESIS: Final = "0" * 64
TRAIL_CURSOR: Final = "auditTrail"
AUDIT_TABLE: Final = table_of(AuditRow)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    agency_code: str
    person: str | None
    roles: Sequence[str]
    operation: str
    object_ids: Sequence[str]
    request_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as the log holds it: its place in the chain and the hashes that bind it there."""

    seq: int
    entry: AuditEntry
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, seq: int, entry: AuditEntry) -> str:
    """The chain hash of ``entry`` at position ``seq`` after an entry hashed ``prev_hash``.

    The time is hashed in UTC, as the database gives it back, so a writer's
    time zone cannot make an intact entry look edited.
    """
    body = {
        "seq": seq,
        "at": entry.at.astimezone(UTC).isoformat(),
        "agency": entry.agency_code,
        "person": entry.person,
        "roles": sorted(entry.roles),
        "operation": entry.operation,
        "objects": list(entry.object_ids),
        "request": entry.request_id,
    }
    return sha256_hex(prev_hash.encode("ascii") + canonical_json(body))


async def record(session: AsyncSession, entry: AuditEntry) -> int:
    """Append ``entry`` in the caller's transaction; returns its sequence number."""
    (seq,) = await record_many(session, [entry])
    return seq


async def record_many(session: AsyncSession, entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries``, in this order, in the caller's transaction; returns their (consecutive) sequence numbers.

    One bump of the sequence by ``len(entries)``, one read of the previous
    hash and one INSERT executed for all rows, however many entries: what
    lets :class:`ledger.audit_writer.AuditWriter` write many requests' reads
    in one transaction. (The INSERT goes to the driver as one executemany,
    which aiosqlite and asyncpg send together; a single multi-VALUES
    statement was slower, as SQLAlchemy compiles it afresh for every count.)
    """
    if not entries:
        return []
    last = await next_value(session, AUDIT_SEQUENCE, len(entries))  # locks the counter: appends are serialised
    first = last - len(entries) + 1
    prev = await session.scalar(select(AuditRow.hash).where(AuditRow.seq == first - 1)) if first > 1 else GENESIS
    prev_hash = prev or GENESIS  # a missing predecessor (tampering) is reported by verify, not by every writer
    rows: list[dict[str, Any]] = []
    for seq, entry in enumerate(entries, start=first):
        row = _row(seq, entry, prev_hash)
        rows.append(row)
        prev_hash = row["hash"]
    await session.execute(insert(AUDIT_TABLE), rows)
    return list(range(first, last + 1))


def _row(seq: int, entry: AuditEntry, prev_hash: str) -> dict[str, Any]:
    """The ``audit_log`` row of ``entry`` at position ``seq``, chained after ``prev_hash``."""
    return {
        "seq": seq,
        "at": entry.at,
        "agency_code": entry.agency_code,
        "person": entry.person,
        "roles": orjson.dumps(sorted(entry.roles)).decode(),
        "operation": entry.operation,
        "object_ids": orjson.dumps(list(entry.object_ids)).decode(),
        "request_id": entry.request_id,
        "prev_hash": prev_hash,
        "hash": entry_hash(prev_hash, seq, entry),
    }


async def append(sessions: async_sessionmaker[AsyncSession], entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries`` in a write transaction of their own (all or none); for reads, which have none to share.

    Call it before handing the data out: if the entries cannot be written, the
    reader gets an error rather than unaudited data. In the app, requests share
    such transactions through :class:`ledger.audit_writer.AuditWriter`.
    """
    async with write_transaction(sessions) as session:
        return await record_many(session, entries)


def stored_entry(row: Row[Any] | AuditRow) -> StoredEntry:
    """A row of ``audit_log`` as a :class:`StoredEntry`; ValueError if its JSON columns are not lists."""
    roles = orjson.loads(row.roles)
    objects = orjson.loads(row.object_ids)
    if not isinstance(roles, list) or not isinstance(objects, list):
        raise ValueError("roles and object_ids must be JSON lists")
    entry = AuditEntry(
        agency_code=row.agency_code,
        person=row.person,
        roles=tuple(str(r) for r in roles),
        operation=row.operation,
        object_ids=tuple(str(o) for o in objects),
        request_id=row.request_id,
        at=row.at,
    )
    return StoredEntry(seq=int(row.seq), entry=entry, prev_hash=row.prev_hash, hash=row.hash)


@dataclass(frozen=True, slots=True)
class TrailFilter:
    """What an auditor narrows the trail to; every field given must match.

    ``operation`` matches that operation and its qualified forms: ``read``
    matches ``read:judgment.parties``, ``returnTransfer`` matches
    ``returnTransfer:UNCLEAR``. ``object_id`` matches entries naming that
    object among theirs. ``since`` is inclusive, ``until`` exclusive.
    """

    agency_code: str | None = None
    operation: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.agency_code is not None:
            found.append(AuditRow.agency_code == self.agency_code)
        if self.operation is not None:
            found.append(
                or_(
                    AuditRow.operation == self.operation,
                    AuditRow.operation.startswith(f"{self.operation}:", autoescape=True),
                )
            )
        if self.object_id is not None:
            # object_ids is a JSON list written by orjson: the id appears as its own JSON string.
            found.append(AuditRow.object_ids.contains(orjson.dumps(self.object_id).decode(), autoescape=True))
        if self.since is not None:
            found.append(AuditRow.at >= self.since)
        if self.until is not None:
            found.append(AuditRow.at < self.until)
        return found


async def trail(
    session: AsyncSession, wanted: TrailFilter, *, first: int, after: str | None = None
) -> Page[StoredEntry]:
    """A page of the entries matching ``wanted``, newest (highest seq) first.

    ValueError for a page size we do not serve or a cursor of another list.
    """
    check_page_size(first)
    conditions = wanted.conditions()
    if after is not None:
        (last,) = decode_cursor(TRAIL_CURSOR, after, 1)
        if not last.isdigit():
            raise malformed_cursor(after, TRAIL_CURSOR)
        conditions.append(AuditRow.seq < int(last))
    query = select(AuditRow).where(*conditions).order_by(AuditRow.seq.desc()).limit(first + 1)
    rows = list((await session.scalars(query)).all())
    items = tuple(stored_entry(row) for row in rows[:first])
    return Page(
        items=items,
        cursors=tuple(encode_cursor(TRAIL_CURSOR, [str(item.seq)]) for item in items),
        has_next_page=len(rows) > first,
    )
