"""The look-ahead names exactly the fields the execution will resolve (resolvers/lookahead.py)."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.lookahead import selected_below


@strawberry.type
class Item:
    name: str = "a"
    code: str = "b"
    note: str = "c"


@strawberry.type
class Edge:
    node: Item


@strawberry.type
class Page:
    total: int = 1
    edges: list[Edge]


@strawberry.type
class Query:
    @strawberry.field
    def page(self, info: strawberry.Info) -> Page:
        info.context["seen"] = (selected_below(info), selected_below(info, "edges", "node"))
        return Page(edges=[Edge(node=Item())])


SCHEMA = strawberry.Schema(query=Query)


def seen(query: str, variables: dict[str, Any] | None = None) -> tuple[frozenset[str], frozenset[str]]:
    context: dict[str, Any] = {}
    result = SCHEMA.execute_sync(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return context["seen"]  # type: ignore[no-any-return]


def test_fields_through_fragments_and_aliases() -> None:
    query = """
    { page { t: total edges { node { ...F ... on Item { code } } } } }
    fragment F on Item { name }
    """
    assert seen(query) == (frozenset({"total", "edges"}), frozenset({"name", "code"}))


def test_skip_and_include_are_evaluated_as_the_execution_evaluates_them() -> None:
    query = """
    query ($show: Boolean!, $hide: Boolean!) {
      page { total @skip(if: $hide) edges { node { name @include(if: $show) code @skip(if: true) ...F @include(if: $show) } } }
    }
    fragment F on Item { note }
    """
    assert seen(query, {"show": False, "hide": True}) == (frozenset({"edges"}), frozenset())
    assert seen(query, {"show": True, "hide": False}) == (frozenset({"total", "edges"}), frozenset({"name", "note"}))
