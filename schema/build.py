"""Assembles the Schema from the root types, scalars and extensions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter, SchemaExtension
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


def limit_extensions(max_depth: int, max_tokens: int, max_aliases: int) -> list[Callable[[], SchemaExtension]]:
    """Factories (never shared instances: an instance would carry state between concurrent requests)."""
    return [
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(MaxAliasesLimiter, max_alias_count=max_aliases),
        partial(QueryDepthLimiter, max_depth=max_depth),
    ]


def build_schema(extensions: Sequence[Callable[[], SchemaExtension]] = ()) -> HubSchema:
    """A new schema; extensions are classes or factories, instantiated per operation (never shared)."""
    return HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions, ClientErrors],
        config=StrawberryConfig(scalar_map=SCALARS),
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
