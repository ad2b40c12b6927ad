"""Every read of personal data lands in the audit trail before the answer leaves the hub.

Resolvers that show personal data add ``(kind of read, record id)`` to
``info.context.personal_reads``: a judgment's parties (names, addresses, citizen
IDs) as ``(PARTIES_READ, judgment id)``, officers as ``(OFFICERS_READ, officer
code)``, officers named by personnel alerts as ``(ALERTS_READ, officer code)``.
This extension writes one audit entry per kind of read (e.g.
``read:judgment.parties`` with all the ids) once the operation has run, and per
message for subscriptions. The entries of concurrent requests share one write
transaction (:class:`ledger.audit_writer.AuditWriter`, group commit): each
answer still waits until its own entries are committed.
If the entry cannot be written, the answer is withheld: the client gets an
error and no data, never personal data without its audit record.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from domain.messages import msg, tell
from resolvers.context import Context

log = logging.getLogger("lienthong.audit")


async def flush_personal_reads(context: Context) -> None:
    """Record the reads gathered so far, one audit entry per kind of read, and forget them."""
    if not context.personal_reads:
        return
    by_kind: dict[str, set[str]] = {}
    for kind, object_id in context.personal_reads:
        by_kind.setdefault(kind, set()).add(object_id)
    context.personal_reads.clear()
    at = context.clock.now()
    # all kinds recorded, or none; in a transaction shared with other requests' reads (ledger/audit_writer.py)
    await context.append_audit([context.audit_entry(kind, sorted(by_kind[kind]), at) for kind in sorted(by_kind)])


class AuditPersonalReads(SchemaExtension):
    """Writes the audit entry for personal data shown by the operation (see the module docstring)."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        await self._flush(self.execution_context.result)

    async def on_stream_result(self, result: object) -> AsyncIterator[None]:
        """Subscription messages go out one by one, long before the operation ends: audit each first."""
        await self._flush(result)
        yield

    async def _flush(self, result: object) -> None:
        context = self.execution_context.context
        if not isinstance(context, Context) or not context.personal_reads:
            return
        try:
            await flush_personal_reads(context)
        except Exception:
            log.exception("request %s: could not record a read of personal data; answer withheld", context.request_id)
            if result is not None and hasattr(result, "errors"):
                result.data = None  # type: ignore[attr-defined]
                result.errors = [
                    GraphQLError(
                        tell(
                            msg(
                                "The read of personal data could not be recorded in the audit trail, so it is "
                                "withheld; try again or quote request id {request_id} to the operator.",
                                request_id=context.request_id,
                            ),
                            context.language,
                        ),
                        extensions={"code": "AUDIT_UNAVAILABLE", "requestId": context.request_id},
                    )
                ]
