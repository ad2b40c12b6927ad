"""Every read of personal data lands in the audit trail before the answer leaves the hub.

Resolvers that show personal data (a judgment's parties: names, addresses,
citizen IDs) add the record's id to ``info.context.personal_reads``; this
extension writes one audit entry per operation (``read:judgment.parties`` with
all the ids) once the operation has run, and per message for subscriptions.
If the entry cannot be written, the answer is withheld: the client gets an
error and no data, never personal data without its audit record.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from ledger.audit import append
from resolvers.context import Context

log = logging.getLogger("lienthong.audit")

PARTIES_READ = "read:judgment.parties"


async def flush_personal_reads(context: Context) -> None:
    """Record the reads gathered so far in one audit entry, and forget them."""
    if not context.personal_reads:
        return
    ids = sorted(context.personal_reads)
    context.personal_reads.clear()
    await append(context.sessions, context.audit_entry(PARTIES_READ, ids))


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
                result.errors = [  # type: ignore[attr-defined]
                    GraphQLError(
                        "The read of personal data could not be recorded in the audit trail, so it is withheld; "
                        f"try again or quote request id {context.request_id} to the operator.",
                        extensions={"code": "AUDIT_UNAVAILABLE", "requestId": context.request_id},
                    )
                ]
