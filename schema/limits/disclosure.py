"""Who may see the schema: introspection and "Did you mean …?" suggestions only for operators in production."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    FieldNode,
    GraphQLError,
    ValidationRule,
    get_named_type,
    is_introspection_type,
)
from strawberry.extensions import (
    SchemaExtension,
)

from domain.access import Role
from domain.messages import msg

_SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)


class SchemaDisclosure(SchemaExtension):
    """Introspection and "Did you mean …?" suggestions only for operators, unless ``open_to_all`` (demo).

    Suggestions let a client without introspection rebuild the schema field by field, so they are
    stripped from every error message for the same principals that are refused introspection.
    """

    def __init__(self, open_to_all: bool) -> None:
        self.open_to_all = open_to_all

    def on_operation(self) -> Iterator[None]:
        closed = not self._may_see_schema()
        if closed:
            ctx = self.execution_context
            ctx.validation_rules = (*ctx.validation_rules, OperatorOnlyIntrospection)
        yield
        if closed:
            _strip_suggestions(getattr(self.execution_context.result, "errors", None))

    def on_stream_result(self, result: object) -> Iterator[None]:
        if not self._may_see_schema():
            _strip_suggestions(getattr(result, "errors", None))
        yield

    def _may_see_schema(self) -> bool:
        if self.open_to_all:
            return True
        principal = getattr(self.execution_context.context, "principal", None)
        return principal is not None and principal.has(Role.OPERATOR)


def _strip_suggestions(errors: list[GraphQLError] | None) -> None:
    for error in errors or ():
        if "Did you mean" in error.message:
            error.message = _SUGGESTION.sub("", error.message)


class OperatorOnlyIntrospection(ValidationRule):
    """Refuses fields of the introspection types (``__schema``, ``__type``); ``__typename`` stays allowed."""

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        named = get_named_type(self.context.get_type())
        if named is not None and is_introspection_type(named):
            self.report_error(
                GraphQLError(
                    msg(
                        "Introspection ('{field}') is only open to the operator role in production.",
                        field=node.name.value,
                    ),
                    node,
                    extensions={"code": "FORBIDDEN"},
                )
            )
