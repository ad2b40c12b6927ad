"""Bounds on what one GraphQL document may ask, checked before anything runs.

Hostile or careless documents are refused at parse or validation time, so a
refusal costs no database or agency call. Every refusal carries
``extensions.code``:

- ``QUERY_TOO_COMPLEX`` — over a bound: tokens (parser), aliases, depth,
  directives, the estimated cost (with ``cost`` and ``maxCost``), or the
  fields once fragments are expanded (no more than the token bound: fragments
  spread twice in a chain would otherwise make validation exponential);
- ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` — any other
  parse or validation error;
- ``FORBIDDEN`` — introspection by anyone but an operator, in production.

The cost is a static estimate: every field costs 1, and the fields under a
list are counted once per item expected — the ``first``/``last``/``limit``
argument of the list field or of the connection holding it, or a default
page size. Introspection fields (``__schema``, ``__type``…) cost nothing:
their size is bounded by the schema. For example, with a page size of 20::

    { judgments(first: 50) { totalCount edges { node { id parties { name } } } } }

costs ``1 + 1 + (1 + 50 × (1 + 1 + (1 + 20 × 1))) = 1153``.

One module per bound: ``refusals`` (the codes), ``directives``, ``cost``, ``disclosure`` (introspection
and suggestions); :func:`limit_extensions` puts them with Strawberry's own limiters. Before any of
them, ``token_pass`` checks tokens, aliases, directives and depth on the document's text, so the
documents refused most often are refused without being parsed (a refusal costs well under 2 ms of
CPU: ``python -m bench refusals``); the limiters stay as the backstop for what only the parsed
document shows (aliases and depth through fragments).

Extensions are returned as factories, never shared instances: an instance
would carry state between concurrent operations.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule

from schema.document_cache import DocumentCache, DocumentMemo
from schema.limits.cost import MaxCost
from schema.limits.directives import directive_counter
from schema.limits.disclosure import SchemaDisclosure
from schema.limits.refusals import RefusalCodes
from schema.limits.token_pass import TextBounds, TokenPass


def limit_extensions(
    *,
    max_depth: int,
    max_tokens: int,
    max_aliases: int,
    max_directives: int,
    max_cost: int,
    default_page_size: int,
    schema_open_to_all: bool,
) -> list[Callable[[], SchemaExtension]]:
    """The document bounds and the schema-disclosure policy, as per-operation factories.

    The last one remembers parsed documents and passed validations (``schema/document_cache.py``):
    one memory for every operation these factories serve, none shared with another schema.
    """
    memo = DocumentMemo()
    # The validation rules are classes made from their limits: made once here, not by every
    # operation's extension (three classes a request, for documents the memo spares validating).
    rules = [
        max_aliases_rule(max_aliases),
        depth_limit_rule(max_depth, should_ignore=None),
        directive_counter(max_directives),
    ]
    bounds = TextBounds(
        max_tokens=max_tokens, max_aliases=max_aliases, max_directives=max_directives, max_depth=max_depth
    )
    return [
        RefusalCodes,
        partial(TokenPass, bounds),
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(AddValidationRules, rules),  # as Strawberry's MaxAliasesLimiter and QueryDepthLimiter
        partial(MaxCost, max_cost=max_cost, max_fields=max_tokens, default_page_size=default_page_size),
        partial(SchemaDisclosure, open_to_all=schema_open_to_all),
        partial(DocumentCache, memo),
    ]
