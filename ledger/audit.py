"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical
JSON of the entry, so altering, deleting or reordering a row breaks the chain
from that row on. Entries are written in the same transaction as what they
record, with a gapless sequence number.

Appends are serialised by the sequence: :func:`ledger.sequences.next_value`
locks the ``audit_log`` counter row until the transaction ends (PostgreSQL) or
runs under SQLite's single write lock, so the entry before ours is committed
(or its number was given back) by the time we read its hash. The database
refuses UPDATE and DELETE on the table (triggers of migration 0003); the chain
is what catches someone who gets past them. :mod:`ledger.audit_chain` verifies
and exports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from sqlalchemy import ColumnElement, Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.canonical import canonical_json, sha256_hex
from ledger.db import write_transaction
from ledger.models import AuditRow
from ledger.paging import Page, check_page_size, decode_cursor, encode_cursor
from ledger.sequences import next_value

AUDIT_SEQUENCE: Final = "audit_log"
GENESIS: Final = "0" * 64
TRAIL_CURSOR: Final = "auditTrail"


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
    seq = await next_value(session, AUDIT_SEQUENCE)
    prev = await session.scalar(select(AuditRow.hash).where(AuditRow.seq == seq - 1)) if seq > 1 else GENESIS
    prev_hash = prev or GENESIS  # a missing predecessor (tampering) is reported by verify, not by every writer
    session.add(
        AuditRow(
            seq=seq,
            at=entry.at,
            agency_code=entry.agency_code,
            person=entry.person,
            roles=orjson.dumps(sorted(entry.roles)).decode(),
            operation=entry.operation,
            object_ids=orjson.dumps(list(entry.object_ids)).decode(),
            request_id=entry.request_id,
            prev_hash=prev_hash,
            hash=entry_hash(prev_hash, seq, entry),
        )
    )
    return seq


async def append(sessions: async_sessionmaker[AsyncSession], entry: AuditEntry) -> int:
    """Append ``entry`` in a write transaction of its own; for reads, which have none to share.

    Call it before handing the data out: if the entry cannot be written, the
    reader gets an error rather than unaudited data.
    """
    async with write_transaction(sessions) as session:
        return await record(session, entry)


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
            raise ValueError(f"malformed cursor {after!r}: not a cursor of the {TRAIL_CURSOR} list")
        conditions.append(AuditRow.seq < int(last))
    query = select(AuditRow).where(*conditions).order_by(AuditRow.seq.desc()).limit(first + 1)
    rows = list((await session.scalars(query)).all())
    items = tuple(stored_entry(row) for row in rows[:first])
    return Page(
        items=items,
        cursors=tuple(encode_cursor(TRAIL_CURSOR, [str(item.seq)]) for item in items),
        has_next_page=len(rows) > first,
    )
