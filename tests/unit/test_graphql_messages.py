"""graphql-core's own refusals told in Vietnamese (issue 22): read back into their catalogue templates.

The messages are produced by the installed graphql-core itself (parse, validate, variable
coercion over a small schema), so a graphql-core upgrade that rewords one fails here.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLError, build_schema, parse, validate
from graphql.execution import execute

from domain.messages import ENGLISH, VIETNAMESE
from schema.graphql_messages import told

SCHEMA = build_schema(
    """
    enum Status { OPEN CLOSED }
    input Filter { status: Status!, first: Int }
    type Item { id: ID!, name: String!, count: Int }
    type Query {
      item(id: ID!): Item
      items(filter: Filter): [Item!]!
    }
    """
)


def errors_of(query: str, variables: dict[str, object] | None = None) -> list[GraphQLError]:
    try:
        document = parse(query)
    except GraphQLError as error:
        return [error]
    found = validate(SCHEMA, document)
    if found:
        return list(found)
    result = execute(SCHEMA, document, variable_values=variables)
    assert not hasattr(result, "__await__")
    return list(result.errors or [])  # type: ignore[union-attr]


MISTAKES = {
    "syntax": ("{ item(id: ", None),
    "unknown field, with a suggestion": ("{ items { nam } }", None),
    "unknown argument": ('{ item(id: "1", name: "x") { id } }', None),
    "missing required argument": ("{ item { id } }", None),
    "leaf with a selection": ('{ item(id: "1") { id { x } } }', None),
    "object without a selection": ('{ item(id: "1") }', None),
    "unknown type": ("query ($f: Filtr) { items(filter: $f) { id } }", None),
    "unknown fragment": ("{ items { ...Nope } }", None),
    "unused fragment": ("fragment F on Item { id } { items { id } }", None),
    "undefined variable": ("query Q { item(id: $id) { id } }", None),
    "unused variable": ("query Q($x: Int) { items { id } }", None),
    "variable in the wrong position": ("query Q($id: Int) { item(id: $id) { id } }", None),
    "required variable not given": ("query Q($id: ID!) { item(id: $id) { id } }", {}),
    "variable of the wrong type": (
        "query Q($f: Filter) { items(filter: $f) { id } }",
        {"f": {"status": "MAYBE"}},
    ),
    "literal of the wrong type": ('{ items(filter: {status: OPEN, first: "x"}) { id } }', None),
    "enum value unknown": ("{ items(filter: {status: MAYBE}) { id } }", None),
    "two anonymous operations": ("{ items { id } } { items { id } }", None),
    "two operations of one name": ("query A { items { id } } query A { items { id } }", None),
    "conflicting aliases": ('{ a: item(id: "1") { id } a: item(id: "2") { id } }', None),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_graphql_core_refusal_reads_into_a_template_told_in_vietnamese(mistake: str) -> None:
    query, variables = MISTAKES[mistake]
    errors = errors_of(query, variables)
    assert errors, f"graphql-core accepted {query!r}"
    for error in errors:
        vietnamese = told(error.message, VIETNAMESE)
        assert vietnamese != error.message, error.message
        assert not vietnamese.startswith("yêu cầu GraphQL không hợp lệ"), f"no template for: {error.message}"
        assert told(error.message, ENGLISH) == error.message


def test_the_values_are_kept_and_a_suggestion_is_told_too() -> None:
    (error,) = errors_of("{ items { nam } }")
    assert told(error.message, VIETNAMESE) == "Kiểu 'Item' không có trường 'nam'. Có phải ý bạn là 'name'?"


def test_a_sentence_no_template_knows_is_still_said_in_vietnamese_with_the_english_inside() -> None:
    assert told("Something graphql-core may say one day.", VIETNAMESE) == (
        "yêu cầu GraphQL không hợp lệ: Something graphql-core may say one day."
    )
