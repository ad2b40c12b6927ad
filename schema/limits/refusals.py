"""Codes for refusals: every parse and validation error says whether it hit a bound or was a mistake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLError,
)
from strawberry.extensions import (
    SchemaExtension,
)

from domain.messages import Text

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
# Strawberry's own limiters report without a code; their messages are recognised here (tests pin them).
_BUILT_IN_LIMIT = re.compile(r"tokens\. Parsing aborted|aliases found\. Allowed|exceeds maximum operation depth")


def too_complex(message: Text, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": TOO_COMPLEX, **extensions})


class RefusalCodes(SchemaExtension):
    """Gives every parse and validation error a code, so clients can tell a refusal from a mistake."""

    def on_parse(self) -> Iterator[None]:
        yield
        self._tag("GRAPHQL_PARSE_FAILED")

    def on_validate(self) -> Iterator[None]:
        yield
        self._tag(VALIDATION_FAILED)

    def _tag(self, default: str) -> None:
        for error in self.execution_context.pre_execution_errors or ():
            if (error.extensions or {}).get("code"):
                continue
            code = TOO_COMPLEX if _BUILT_IN_LIMIT.search(error.message) else default
            error.extensions = {**(error.extensions or {}), "code": code}
