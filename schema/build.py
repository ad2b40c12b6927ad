"""Assembles the Schema from the root types, scalars and extensions."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from resolvers.mutation import Mutation
from resolvers.query import Query
from resolvers.subscription import Subscription
from schema.errors import ClientErrors, log_errors
from schema.scalars import SCALARS


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


def build_schema(extensions: Sequence[type[SchemaExtension]] = ()) -> HubSchema:
    """A new schema; extensions are classes, instantiated per operation (never shared)."""
    return HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions, ClientErrors],
        config=StrawberryConfig(scalar_map=SCALARS),
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
