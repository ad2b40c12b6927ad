"""The bound on directives in one document."""

from __future__ import annotations

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    ValidationContext,
    ValidationRule,
)

from domain.messages import msg
from schema.limits.refusals import too_complex


def directive_counter(limit: int) -> type[ASTValidationRule]:
    """A rule refusing documents with more than ``limit`` directives (``@skip``, ``@include``…).

    With ``limit`` 50, ``{ me @skip(if: false) @skip(if: false) … }`` with 51 of them is refused:
    repeated directives multiply validation and execution work.
    """

    class DirectiveCount(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter_directive(self, node: DirectiveNode, *_args: object) -> None:
            self.count += 1
            if self.count == limit + 1:
                self.report_error(
                    too_complex(msg("The document has more than {limit} directives.", limit=limit), maxDirectives=limit)
                )

    return DirectiveCount
