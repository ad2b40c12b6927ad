"""Text the ledger can keep: no NUL character (U+0000) in any string of a document or of its variables.

PostgreSQL's ``text`` cannot hold U+0000, so such a value failed deep inside a query (a filter,
``transfer(id)``, a party's name) with ``INTERNAL_SERVER_ERROR``. It is refused here instead, before
anything runs, as the client's mistake: ``BAD_USER_INPUT``. A raw U+0000 in the document's text is
already a syntax error; this looks for the escaped one (``"a\\u0000b"``) and for variables.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

NUL: Final = "\x00"
NUL_REFUSED: Final = "Text may not contain the NUL character (U+0000)."


class NoNulCharacter(SchemaExtension):
    """Refuses, before validation, an operation with U+0000 in a string literal or a variable."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.pre_execution_errors is None and (
            _in_value(ctx.variables)
            or (ctx.query is not None and "\\u" in ctx.query and _in_document(ctx.graphql_document))
        ):
            ctx.pre_execution_errors = [GraphQLError(NUL_REFUSED, extensions={"code": "BAD_USER_INPUT"})]
        yield


def _in_value(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_in_value(k) or _in_value(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_in_value(item) for item in value)
    return False


class _FindNul(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_args: object) -> object:
        if NUL in node.value:
            self.found = True
            return Visitor.BREAK
        return None


def _in_document(document: DocumentNode | None) -> bool:
    if document is None:
        return False
    finder = _FindNul()
    visit(document, finder)
    return finder.found
