"""The Schema class of the hub and how root types, scalars and extensions are put together.

The root types themselves live in ``resolvers/`` (imports run ``resolvers`` → ``schema``),
which calls :func:`assemble` with them: ``resolvers.build.build_schema``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import BatchingConfig, StrawberryConfig
from strawberry.types import ExecutionContext

from schema.errors import ClientErrors, log_errors
from schema.execution import HubExecutionContext, prepare_execution
from schema.input_boundary import InputBoundary
from schema.scalars import SCALARS


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


def assemble(
    query: type,
    mutation: type,
    subscription: type,
    *,
    extensions: Sequence[Callable[[], SchemaExtension]],
    max_batch_operations: int,
    reference: bool = False,
) -> HubSchema:
    """A new schema over the root types; extensions are classes or factories, made per operation (never shared).

    ``max_batch_operations`` > 0 accepts a JSON array of operations in one POST (each one
    checked by every extension on its own); 0 refuses arrays. Arguments are checked and normalised
    where they enter (``schema/input_boundary.py``), after the document bounds; client errors are masked last.
    ``reference``: executed by graphql-core's own execution context through Strawberry's resolvers, without
    the hub's short ways (``schema/execution.py``): the answer they must give, for the differential test.
    """
    schema = HubSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=[*extensions, InputBoundary, ClientErrors],
        execution_context_class=None if reference else HubExecutionContext,
        config=StrawberryConfig(
            scalar_map=SCALARS,
            batching_config=BatchingConfig(max_operations=max_batch_operations) if max_batch_operations > 0 else None,
        ),
    )
    if not reference:
        prepare_execution(schema._schema, schema.config)
    return schema
