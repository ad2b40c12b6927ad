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
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import HubExecutionContext, slim_resolvers
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


def build(context_class: type, *, slim: bool = True) -> strawberry.Schema:
    schema = strawberry.Schema(
        query=Query,
        execution_context_class=context_class,
        config=strawberry.schema.config.StrawberryConfig(scalar_map=SCALARS),
    )
    if slim:
        assert slim_resolvers(schema._schema, schema.config) >= 4  # shout, askedAs, fails, failsRequired…
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


def test_the_short_ways_are_taken() -> None:
    """Not a speed test: the hub's context does plan plain leaves and shapes (else the comparisons prove nothing)."""
    leaves: list[bool] = []
    shapes: list[bool] = []

    class Counting(HubExecutionContext):
        def _plain_leaf(self, parent_type: Any, details: Any) -> Any:
            leaf = super()._plain_leaf(parent_type, details)
            leaves.append(leaf is not None)
            return leaf

        def _build_shape(self, type_: Any, details: Any, depth: int) -> Any:
            shape = super()._build_shape(type_, details, depth)
            shapes.append(shape is not None)
            return shape

    found = build(Counting).execute_sync("{ nodes { id leaf { name shout } children { leaves { name colour } } } }")
    assert found.errors is None
    assert any(leaves)  # nodes.id
    assert any(shapes)  # children { leaves { name colour } }


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
