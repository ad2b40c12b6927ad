"""Assembles the Schema from the root types, scalars and extensions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import BatchingConfig, StrawberryConfig
from strawberry.types import ExecutionContext

from resolvers.guard import guard_schema
from resolvers.mutation import Mutation
from resolvers.personal_data import AuditPersonalReads
from resolvers.query import Query
from resolvers.subscription import Subscription
from schema.errors import ClientErrors, log_errors
from schema.execution import HubExecutionContext, slim_resolvers
from schema.scalars import SCALARS


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


def build_schema(
    extensions: Sequence[Callable[[], SchemaExtension]] = (), *, max_batch_operations: int = 0
) -> HubSchema:
    """A new schema; extensions are classes or factories, instantiated per operation (never shared).

    ``max_batch_operations`` > 0 accepts a JSON array of operations in one POST (each one
    checked by every extension on its own); 0 refuses arrays.

    Every root operation is guarded by the access policy (``resolvers/guard.py``).
    """
    schema = HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions, AuditPersonalReads, ClientErrors],
        execution_context_class=HubExecutionContext,
        config=StrawberryConfig(
            scalar_map=SCALARS,
            batching_config=BatchingConfig(max_operations=max_batch_operations) if max_batch_operations > 0 else None,
        ),
    )
    slim_resolvers(schema._schema, schema.config)
    guard_schema(schema._schema)
    return schema


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
