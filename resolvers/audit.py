"""`auditTrail`: the hash-chained audit log, for auditors.

Reading the trail is itself a read of personal data (entries name persons),
so every page read is recorded as ``read:auditTrail`` with the entries it
showed, committed before the page is returned (in a transaction shared with
other requests' reads, :class:`ledger.audit_writer.AuditWriter`): if that
record cannot be written, the auditor gets an error, not unaudited data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import strawberry

from domain.errors import BadInput
from domain.messages import msg
from ledger.audit import TrailFilter, trail
from resolvers.context import Context
from schema.types.audit import AuditEntryEdge, AuditEntryType, AuditTrailConnection, AuditTrailFilter
from schema.types.pagination import PageInfo, check_first

Info = strawberry.Info[Context, None]
MAX_PAGE: Final = 200
READ_OPERATION: Final = "read:auditTrail"


def _aware(moment: datetime | None, name: str) -> datetime | None:
    if moment is not None and moment.utcoffset() is None:
        raise BadInput(msg("{name} needs a time zone offset, e.g. 2026-01-31T00:00:00+07:00", name=name))
    return moment


def trail_filter(given: AuditTrailFilter | None) -> TrailFilter:
    if given is None:
        return TrailFilter()
    since, until = _aware(given.from_, "from"), _aware(given.to, "to")
    if since is not None and until is not None and since >= until:
        raise BadInput(msg("from must come before to"))
    return TrailFilter(
        agency_code=str(given.agency) if given.agency is not None else None,
        operation=given.operation,
        object_id=given.object_id,
        since=since,
        until=until,
    )


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description=f"The audit trail, newest entry first; at most {MAX_PAGE} a page. Auditor role only; "
        "every read is itself recorded (read:auditTrail)."
    )
    async def audit_trail(
        self,
        info: Info,
        filter: AuditTrailFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AuditTrailConnection:
        ctx = info.context
        check_first(first, MAX_PAGE)
        wanted = trail_filter(filter)
        async with ctx.sessions() as session:
            try:
                page = await trail(session, wanted, first=first, after=after)
            except ValueError as exc:
                raise BadInput.of(exc) from exc
        shown = [f"audit:{stored.seq}" for stored in page.items]
        await ctx.append_audit([ctx.audit_entry(READ_OPERATION, shown)])
        return AuditTrailConnection(
            edges=[
                AuditEntryEdge(cursor=cursor, node=AuditEntryType.from_ledger(stored))
                for stored, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page, after),
        )
