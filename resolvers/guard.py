"""The policy guard: every root operation checks :mod:`domain.policy` before its resolver runs.

Applied once, when the schema is built, by wrapping the resolver (and, for
subscriptions, the source stream) of every root field: nested fields pay
nothing. A root field the policy table does not name makes :func:`guard_schema`
fail, so a new operation cannot ship without a policy row (deny by default).
Which records an allowed operation shows is decided by the resolvers with
:class:`domain.policy.AccessPolicy` (``info.context.policy``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema

from domain import policy


class PolicyGap(RuntimeError):
    """A root operation has no row in the policy table."""


def guard_schema(schema: GraphQLSchema) -> None:
    roots = (schema.query_type, schema.mutation_type, schema.subscription_type)
    missing = [name for root in roots if root is not None for name in root.fields if name not in policy.RULES]
    if missing:
        raise PolicyGap(f"operations without a policy rule (add them to domain/policy.py): {', '.join(missing)}")
    for root in roots:
        if root is not None:
            _guard_fields(root)


def _guard_fields(root: GraphQLObjectType) -> None:
    for name, field in root.fields.items():
        _guard(name, field)


def _guard(operation: str, field: GraphQLField) -> None:
    if field.subscribe is not None:
        field.subscribe = _checked(operation, field.subscribe)
    elif field.resolve is not None:
        field.resolve = _checked(operation, field.resolve)


def _checked(operation: str, resolver: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(resolver)
    def checked(root: Any, info: Any, **kwargs: Any) -> Any:
        policy.require(info.context.principal, operation)  # raises Denied: FORBIDDEN, before anything runs
        return resolver(root, info, **kwargs)

    return checked
