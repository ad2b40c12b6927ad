"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical
JSON of the entry, so altering, deleting or reordering a row breaks the chain
from that row on. Entries are written in the same transaction as what they
record, with a gapless sequence number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.canonical import canonical_json, sha256_hex
from ledger.models import AuditRow
from ledger.sequences import next_value

AUDIT_SEQUENCE = "audit_log"
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    agency_code: str
    person: str | None
    roles: Sequence[str]
    operation: str
    object_ids: Sequence[str]
    request_id: str
    at: datetime


def entry_hash(prev_hash: str, seq: int, entry: AuditEntry) -> str:
    body = {
        "seq": seq,
        "at": entry.at.isoformat(),
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
    prev_hash = prev or GENESIS
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
