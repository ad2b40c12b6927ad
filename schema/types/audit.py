"""The audit trail as auditors read it: entries of the hash chain, newest first."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ledger.audit import StoredEntry
from schema.types.pagination import PageInfo


@strawberry.type(
    name="AuditEntry",
    description="One entry of the hash-chained audit trail: who (agency, person, roles) did or read what "
    "(operation, objects), when, in which request. `hash` is SHA-256 over `prevHash` and the entry, so an auditor "
    "can recompute the chain (see docs/operations.md, Audit trail).",
)
class AuditEntryType:
    seq: str = strawberry.field(
        description="Position in the gapless audit sequence, as a decimal string (the sequence is 64-bit)."
    )
    at: datetime
    agency_code: strawberry.ID
    person: str | None
    roles: list[str]
    operation: str = strawberry.field(
        description="What was done, e.g. submitJudgment, returnTransfer:UNCLEAR, read:auditTrail."
    )
    object_ids: list[str]
    request_id: str
    hash: str
    prev_hash: str

    @classmethod
    def from_ledger(cls, stored: StoredEntry) -> AuditEntryType:
        e = stored.entry
        return cls(
            seq=str(stored.seq),
            at=e.at,
            agency_code=strawberry.ID(e.agency_code),
            person=e.person,
            roles=list(e.roles),
            operation=e.operation,
            object_ids=list(e.object_ids),
            request_id=e.request_id,
            hash=stored.hash,
            prev_hash=stored.prev_hash,
        )


@strawberry.type
class AuditEntryEdge:
    cursor: str
    node: AuditEntryType


@strawberry.type(description="A page of the audit trail, newest entry (highest seq) first.")
class AuditTrailConnection:
    edges: list[AuditEntryEdge]
    page_info: PageInfo


@strawberry.input(description="Narrows the audit trail; every field given must match.")
class AuditTrailFilter:
    agency: strawberry.ID | None = strawberry.field(default=None, description="The acting agency's code.")
    operation: str | None = strawberry.field(
        default=None,
        description="An operation and its qualified forms: `read` matches every `read:…`, `returnTransfer` "
        "matches `returnTransfer:UNCLEAR`.",
    )
    object_id: str | None = strawberry.field(
        default=None, description="Entries naming this object (e.g. a transfer id)."
    )
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Entries at or after this time (with an offset)."
    )
    to: datetime | None = strawberry.field(default=None, description="Entries before this time (with an offset).")
