"""The inbox pages read the contract as it stands: no field the schema marks deprecated.

Our own console is the first client to move off a deprecated field (the inbox's top-level
``hasNextPage``/``endCursor`` gave way to ``pageInfo``); graphql-core's NoDeprecatedCustomRule finds any left.
"""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, parse, validate
from graphql.validation import NoDeprecatedCustomRule

from console.pages import inbox_operations

CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_no_document_of_the_inbox_pages_reads_a_deprecated_field() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in inbox_operations.ALL:
        assert validate(schema, parse(document), [NoDeprecatedCustomRule]) == [], document


def test_the_rule_finds_the_deprecated_paging_fields() -> None:
    """The check can fail: the inbox read as it was before pageInfo is caught."""
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    old = 'query { inbox(office: "x") { edges { cursor } hasNextPage endCursor } }'
    found = validate(schema, parse(old), [NoDeprecatedCustomRule])
    assert sorted(error.message.split()[2] for error in found) == [
        "TransferConnection.endCursor",
        "TransferConnection.hasNextPage",
    ]
