"""The hub's Schema: the root types of ``resolvers/``, guarded by the access policy, audited for personal data."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from strawberry.extensions import SchemaExtension

from resolvers.guard import guard_schema
from resolvers.mutation import Mutation
from resolvers.personal_data import AuditPersonalReads
from resolvers.query import Query
from resolvers.subscription import Subscription
from schema.build import HubSchema, assemble


def build_schema(
    extensions: Sequence[Callable[[], SchemaExtension]] = (), *, max_batch_operations: int = 0, reference: bool = False
) -> HubSchema:
    """A new schema; extensions are classes or factories, instantiated per operation (never shared).

    ``max_batch_operations`` > 0 accepts a JSON array of operations in one POST; 0 refuses arrays.
    Every root operation is guarded by the access policy (``resolvers/guard.py``). ``reference``: executed
    by graphql-core alone (:func:`schema.build.assemble`), for the differential test of the hub's executor.
    """
    roots = (Query, Mutation, Subscription)
    schema = assemble(
        *roots,
        extensions=[*extensions, AuditPersonalReads],
        max_batch_operations=max_batch_operations,
        reference=reference,
    )
    guard_schema(schema._schema)
    return schema


def schema_sdl() -> str:
    """The published contract, ``schema/schema.graphql`` (``make schema``)."""
    return build_schema().as_str() + "\n"
