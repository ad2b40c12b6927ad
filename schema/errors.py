"""What clients see of errors: our own errors with their code, everything else masked.

Errors raised as :class:`domain.errors.HubError` reach the client with their
message and ``extensions`` (``code``, and ``agency`` for agency failures).
Parse and validation errors pass as GraphQL reports them. Anything else is an
internal fault: the client gets ``INTERNAL_SERVER_ERROR`` and the request id,
the log gets the whole exception. One internal fault is told apart: the hub's
own database not answering (``ledger.db.is_unavailable``) is ``DATABASE_UNAVAILABLE``,
which a client may retry (the same idempotent submission), and is logged in one
line, since an outage would otherwise fill the log with identical tracebacks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from domain.errors import HubError
from domain.messages import ENGLISH, msg, tell
from ledger.db import is_unavailable
from schema.graphql_messages import told

log = logging.getLogger("lienthong.graphql")


def request_id_of(execution_context: ExecutionContext | None) -> str:
    context = getattr(execution_context, "context", None)
    return str(getattr(context, "request_id", "-"))


def is_internal(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, HubError | GraphQLError)


def database_unavailable(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and is_internal(error) and is_unavailable(original)


def for_client(error: GraphQLError, request_id: str, language: str = ENGLISH) -> GraphQLError:
    original = error.original_error
    if isinstance(original, HubError):
        error.extensions = {**(error.extensions or {}), **original.extensions()}
        error.message = tell(original.message, language)  # a catalogue Text (HubError takes nothing else)
        return error
    if database_unavailable(error):
        return GraphQLError(
            tell(
                msg(
                    "The hub's database is not answering; retry later (request id {request_id}).", request_id=request_id
                ),
                language,
            ),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "DATABASE_UNAVAILABLE", "requestId": request_id},
        )
    if is_internal(error):
        return GraphQLError(
            tell(
                msg("Internal error; quote request id {request_id} to the operator.", request_id=request_id), language
            ),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
    if error.path is None and not (error.extensions or {}).get("code"):
        # A request error graphql-core reports before any field runs without a code (a variable that is
        # not of its type: "Variable '$input' has invalid value …"); parse and validation errors have theirs.
        error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
    error.message = told(error.message, language)  # the hub's own (a Text); graphql-core's by its templates
    return error


class ClientErrors(SchemaExtension):
    """Rewrites ``result.errors`` for clients once the operation has run."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            rid = request_id_of(self.execution_context)
            language = str(getattr(self.execution_context.context, "language", ENGLISH))
            result.errors = [for_client(e, rid, language) for e in errors]

    def on_stream_result(self, result: object) -> Iterator[None]:
        """Subscription results are sent as they come, long before on_operation ends: rewrite each one."""
        errors = getattr(result, "errors", None)
        if errors:
            rid = request_id_of(self.execution_context)
            language = str(getattr(self.execution_context.context, "language", ENGLISH))
            result.errors = [for_client(e, rid, language) for e in errors]  # type: ignore[attr-defined]
        yield


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Internal faults are logged whole; client mistakes and agency failures in one line."""
    rid = request_id_of(execution_context)
    for error in errors:
        if database_unavailable(error):
            log.warning("request %s: database unavailable: %s", rid, error.message)
        elif is_internal(error):
            log.error("request %s: %s", rid, error.message, exc_info=error.original_error)
        elif isinstance(error.original_error, HubError):
            log.info("request %s: %s %s", rid, error.original_error.code, error.message)
