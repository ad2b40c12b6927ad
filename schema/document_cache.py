"""Parsed documents and passed validations, remembered per schema.

Clients send the same few documents again and again with new variables; parsing
and validating one costs more than executing many of its fields. The cache is
one :class:`DocumentMemo` per schema (made with the schema, never module-wide),
bounded, least recently used out first.

- A parse is remembered under the query text and the parse options (the token
  limit), only once the document has also passed validation and every bound: a
  document refused for any reason never enters the memory, so a client sending
  new hostile or broken documents cannot push the good ones out (it is refused
  each time, cheaply: ``schema.limits.token_pass``).
- A validation is remembered only when it passed, under the query text and the
  names of the rules that ran: the rules differ by principal (introspection is
  refused to all but operators), their limits are fixed for the schema. Variables
  play no part in validation; the cost check that reads them
  (``schema.limits.cost.MaxCost``) runs before this extension on every request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

DEFAULT_SIZE = 512


class DocumentMemo:
    """Bounded LRU memory of parsed documents and passed validations."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._documents: OrderedDict[Hashable, DocumentNode] = OrderedDict()
        self._valid: OrderedDict[Hashable, None] = OrderedDict()

    def __len__(self) -> int:
        """How many parsed documents are remembered."""
        return len(self._documents)

    def document(self, key: Hashable) -> DocumentNode | None:
        found = self._documents.get(key)
        if found is not None:
            self._documents.move_to_end(key)
        return found

    def keep_document(self, key: Hashable, document: DocumentNode) -> None:
        self._documents[key] = document
        self._trim(self._documents)

    def passed(self, key: Hashable) -> bool:
        if key in self._valid:
            self._valid.move_to_end(key)
            return True
        return False

    def keep_passed(self, key: Hashable) -> None:
        self._valid[key] = None
        self._trim(self._valid)

    def _trim(self, entries: OrderedDict[Hashable, Any]) -> None:
        while len(entries) > self.size:
            entries.popitem(last=False)


class DocumentCache(SchemaExtension):
    """Skips parsing and validation of a document seen before (listed after every validation extension)."""

    def __init__(self, memo: DocumentMemo) -> None:
        self.memo = memo
        self.parsed: tuple[Hashable, DocumentNode] | None = None  # this operation's parse, kept if it passes

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        key: Hashable | None = None
        if ctx.graphql_document is None and ctx.query:
            key = (ctx.query, tuple(sorted(ctx.parse_options.items())))
            found = self.memo.document(key)
            if found is not None:
                ctx.graphql_document, key = found, None
        yield
        if key is not None and ctx.graphql_document is not None and not ctx.pre_execution_errors:
            self.parsed = (key, ctx.graphql_document)

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        key: Hashable | None = None
        if ctx.query and ctx.pre_execution_errors is None and ctx.validation_rules:
            key = (ctx.query, tuple(rule.__qualname__ for rule in ctx.validation_rules))
            if self.memo.passed(key):
                ctx.pre_execution_errors, key = [], None  # Strawberry validates only while this is None
        yield
        if ctx.pre_execution_errors == []:
            if key is not None:
                self.memo.keep_passed(key)
            if self.parsed is not None:
                self.memo.keep_document(*self.parsed)
