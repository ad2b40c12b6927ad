"""The short way for plain leaf fields (schema/execution.py) answers exactly as graphql-core's own.

The same schema runs with Strawberry's standard execution context and with the
hub's; every query — written by hand for the awkward cases, generated at random
for the rest — must give the same data and the same errors (messages, paths).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import gc
import weakref
from typing import Any

import pytest
import strawberry
from graphql import FieldNode, GraphQLObjectType, OperationDefinitionNode, parse
from graphql.execution.collect_fields import FieldDetails
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.document_cache import DocumentCache, DocumentMemo
from schema.execution import HubExecutionContext, plan_cache_of, prepare_execution
from schema.plans import FieldPlan
from schema.scalars import SCALARS, VND


@strawberry.enum
class Colour(enum.Enum):
    RED = "đỏ"
    GREEN = "xanh"


@strawberry.enum
class Size(enum.StrEnum):
    SMALL = "s"
    LARGE = "l"


@strawberry.type
class Leaf:
    name: str
    nickname: str | None
    colour: Colour
    maybe_colour: Colour | None
    size: Size
    on: dt.date
    at: dt.datetime | None
    count: int
    ratio: float | None
    flag: bool
    amount: VND | None
    code: strawberry.ID

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def asked_as(self, info: strawberry.Info) -> str:
        return f"{info.field_name} at {info.path.as_list()}"

    @strawberry.field
    def fails(self) -> str | None:
        raise ValueError(f"{self.name} cannot answer")

    @strawberry.field
    def fails_required(self) -> str:
        raise ValueError(f"{self.name} cannot answer at all")


@strawberry.type
class Broken:
    """Values the standard way must report: each read below is an error, or a null in a non-null field."""

    missing_required: str  # holds None
    not_a_colour: Colour  # holds a string that is no member's value
    exception_value: str | None  # holds an Exception instance
    not_an_int: int | None  # holds a string
    raising: str  # a property that raises


class BrokenSource:
    missing_required = None
    not_a_colour = "tím"
    exception_value = ValueError("kept as a value")
    not_an_int = "mười"

    @property
    def raising(self) -> str:
        raise RuntimeError("the attribute cannot be read")


@strawberry.type
class Node:
    id: strawberry.ID
    leaf: Leaf
    leaves: list[Leaf]
    optional_leaf: Leaf | None
    children: list[Node]

    @strawberry.field
    def broken(self) -> Broken:
        return BrokenSource()  # type: ignore[return-value]

    @strawberry.field
    def broken_list(self) -> list[Broken | None]:
        return [BrokenSource(), None]  # type: ignore[list-item]


def make_leaf(i: int) -> Leaf:
    return Leaf(
        name=f"Nguyễn Văn {i}",
        nickname=None if i % 2 else f"Ấn {i}",
        colour=Colour.RED if i % 2 else Colour.GREEN,
        maybe_colour=None if i % 3 == 0 else Colour.GREEN,
        size=Size.LARGE,
        on=dt.date(2026, 1, 1 + i % 28),
        at=None if i % 2 else dt.datetime(2026, 11, 26, 9, i % 60, tzinfo=dt.UTC),
        count=i,
        ratio=None if i % 4 == 0 else i / 3,
        flag=i % 2 == 0,
        amount=VND(i * 1_000_000) if i % 2 else None,
        code=strawberry.ID(f"c{i}"),
    )


def make_node(i: int, depth: int = 2) -> Node:
    return Node(
        id=strawberry.ID(str(i)),
        leaf=make_leaf(i),
        leaves=[make_leaf(i * 10 + k) for k in range(3)],
        optional_leaf=None if i % 2 else make_leaf(i + 100),
        children=[make_node(i * 10 + k, depth - 1) for k in range(2)] if depth else [],
    )


@strawberry.type
class Query:
    @strawberry.field
    def nodes(self) -> list[Node]:
        return [make_node(i) for i in range(3)]

    @strawberry.field
    async def later_nodes(self) -> list[Node]:
        return [make_node(i) for i in range(3)]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self) -> int:
        return 1


def build(context_class: type, *, slim: bool = True) -> strawberry.Schema:
    """The test schema; documents are parsed once per text as in the hub (its plans are kept per parsed document)."""
    memo = DocumentMemo()
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[lambda: DocumentCache(memo)],
        execution_context_class=context_class,
        config=strawberry.schema.config.StrawberryConfig(scalar_map=SCALARS),
    )
    if slim:
        assert prepare_execution(schema._schema, schema.config) >= 4  # shout, askedAs, fails, failsRequired…
    return schema


STANDARD = build(StrawberryGraphQLCoreExecutionContext, slim=False)
HUB = build(HubExecutionContext)
LEAF_FIELDS = (
    "name",
    "nickname",
    "colour",
    "maybeColour",
    "size",
    "on",
    "at",
    "count",
    "ratio",
    "flag",
    "amount",
    "code",
    "shout",
    "__typename",
)
BROKEN_FIELDS = ("missingRequired", "notAColour", "exceptionValue", "notAnInt", "raising")


def on(field: str, *selection: str) -> str:
    return f"{field} {{ {' '.join(selection)} }}"


def nodes(selection: str) -> str:
    return f"{{ {on('nodes', selection)} }}"


def answer(schema: strawberry.Schema, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    result = schema.execute_sync(query, variable_values=variables)
    errors = sorted(
        (e.message, tuple(e.path or ()), tuple((loc.line, loc.column) for loc in e.locations or ()))
        for e in result.errors or ()
    )
    return {"data": result.data, "errors": errors}


def same(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    expected = answer(STANDARD, query, variables)
    assert answer(HUB, query, variables) == expected
    return expected


def test_plain_leaves_of_every_kind() -> None:
    found = same(nodes(f"id {on('leaf', *LEAF_FIELDS)} leaves {{ name colour size amount }}"))
    assert found["errors"] == []
    first = found["data"]["nodes"][0]["leaf"]
    assert (first["colour"], first["nickname"], first["on"]) == ("GREEN", "Ấn 0", "2026-01-01")


def test_aliases_fragments_and_directives() -> None:
    same(
        """
        query Q($yes: Boolean!, $no: Boolean!) {
          nodes {
            a: id
            b: id
            leaf { ...L n2: name @include(if: $yes) gone: name @skip(if: $yes) }
            optionalLeaf { ... on Leaf { colour maybeColour } }
            children { leaf { ...L } children { leaf { name @include(if: $no) colour } } }
          }
        }
        fragment L on Leaf { name nickname colour size on at count ratio flag amount code }
        """,
        {"yes": True, "no": False},
    )


def test_errors_and_nulls_are_reported_as_graphql_core_reports_them() -> None:
    found = same(nodes(f"id {on('broken', *BROKEN_FIELDS)} {on('brokenList', 'exceptionValue')}"))
    assert found["errors"], "the broken fields must produce errors"
    for field in BROKEN_FIELDS:
        same(nodes(f"id {on('broken', field)}"))
    same(nodes(f"id {on('leaf', 'name', 'failsRequired')} {on('optionalLeaf', 'failsRequired')}"))


def _selection(draw: st.DrawFn, depth: int) -> str:
    leaf = on("leaf", *draw(st.lists(st.sampled_from(LEAF_FIELDS), min_size=1, max_size=6)))
    parts = [draw(st.sampled_from(["id", leaf, "leaves { name count }", "optionalLeaf { colour on }"]))]
    parts += draw(st.lists(st.sampled_from(["id", leaf, "__typename"]), max_size=3))
    if depth and draw(st.booleans()):
        parts.append(on("children", _selection(draw, depth - 1)))
    if draw(st.booleans()):
        parts.append(on("broken", draw(st.sampled_from(BROKEN_FIELDS))))
    return " ".join(parts)


@st.composite
def queries(draw: st.DrawFn) -> str:
    return nodes(_selection(draw, 2))


@settings(max_examples=150, deadline=None)
@given(queries())
def test_random_selections_answer_the_same(query: str) -> None:
    same(query)


def test_query_operations_run_by_their_plans_and_reuse_them() -> None:
    """Not a speed test: the hub's context does run queries by plans (else the comparisons prove nothing)."""
    schema = build(HubExecutionContext)
    cache = plan_cache_of(schema._schema)
    assert cache is not None
    query = "query Q($yes: Boolean!) { nodes { id leaf { name shout } children { leaves { name colour } } n: id @include(if: $yes) } }"
    for yes in (True, False, True, True):
        found = schema.execute_sync(query, variable_values={"yes": yes})
        assert found.errors is None
        assert ("n" in found.data["nodes"][0]) is yes  # type: ignore[index]
    assert (cache.planned, cache.compiled, len(cache)) == (4, 2, 1)  # one plan per @include value
    assert not cache.fallbacks


def test_plain_fields_are_read_as_attributes_and_resolvers_called_without_info() -> None:
    leaf = build(HubExecutionContext)._schema.type_map["Leaf"]
    assert isinstance(leaf, GraphQLObjectType)

    def plan_of(name: str) -> FieldPlan:
        operation = parse(f"{{ {name} }}").definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        node = operation.selection_set.selections[0]
        assert isinstance(node, FieldNode)
        return FieldPlan(leaf, name, [FieldDetails(node, None)], leaf.fields[name])

    assert (plan_of("name").attribute, plan_of("name").wants_info) == ("name", False)
    assert (plan_of("shout").attribute, plan_of("shout").wants_info) == (None, False)
    assert (plan_of("askedAs").attribute, plan_of("askedAs").wants_info) == (None, True)


def test_mutations_go_graphql_cores_way_and_are_counted() -> None:
    schema = build(HubExecutionContext)
    cache = plan_cache_of(schema._schema)
    assert cache is not None
    assert schema.execute_sync("mutation { touch }").errors is None
    assert cache.fallbacks["mutation"] == 1
    assert cache.planned == 0


class Marker:
    """A request context: nothing but something to hold a weak reference to."""


@pytest.mark.parametrize("query", ["{ nodes { id leaf { name } } }", "{ laterNodes { id leaf { name } } }"])
def test_an_answered_operation_is_freed_without_the_cycle_collector(query: str) -> None:
    """Once the result is built, nothing of the operation waits for the cyclic garbage collector.

    graphql-core's executor holds bound methods of itself (its resolve-info helpers); the hub's
    breaks that cycle, so the request's context — and the loaders and records hanging off it —
    is freed by reference counting as soon as the answer is out.
    """
    gc.collect()
    gc.disable()
    try:
        context = Marker()
        alive = weakref.ref(context)
        if query.startswith("{ later"):
            result = asyncio.run(HUB.execute(query, context_value=context))
        else:
            result = HUB.execute_sync(query, context_value=context)
        assert result.errors is None
        del context, result
        assert alive() is None
    finally:
        gc.enable()
