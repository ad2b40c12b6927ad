"""The memory of parsed documents (schema/document_cache.py) keeps only documents that were answered."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import AddValidationRules
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule

from schema.document_cache import DocumentCache, DocumentMemo


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "xin chào"


def schema_remembering_in(memo: DocumentMemo) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query, extensions=[partial(AddValidationRules, [max_aliases_rule(1)]), partial(DocumentCache, memo)]
    )


def test_a_refused_document_never_enters_the_memory() -> None:
    memo = DocumentMemo(size=4)
    schema = schema_remembering_in(memo)

    assert schema.execute_sync("{ hello }").errors is None
    refused = [schema.execute_sync(f"{{ a{i}: hello b{i}: hello }}") for i in range(10)]  # parse, then refused
    broken = schema.execute_sync("{ nothing }")

    assert all(result.errors for result in [*refused, broken])
    assert len(memo) == 1  # the answered one, not pushed out by ten refused ones


def test_a_document_answered_again_is_taken_from_the_memory() -> None:
    memo = DocumentMemo(size=4)
    schema = schema_remembering_in(memo)

    first = schema.execute_sync("{ hello }")
    again = schema.execute_sync("{ hello }")

    assert first.data == again.data == {"hello": "xin chào"}
    assert len(memo) == 1
