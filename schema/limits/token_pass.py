"""The document bounds checked on the text, before anything is parsed: tokens, aliases, directives, depth.

Refusing must cost less than answering. graphql-core's parser, and its lexer alone, are pure Python:
parsing a 1,000-alias document up to the token bound took ~25 ms, lexing 5,000 tokens ~11 ms, and
the validation rules then walked what was parsed. So the bounds are first checked here, in one pass
over the document's tokens made by compiled regular expressions:

1. **Tokens.** One match of a pattern of ``max_tokens + 1`` tokens (names, numbers, strings, block
   strings, punctuators; whitespace, commas and comments between them) says whether the document
   has more tokens than the bound, without a Python step per token and without looking past the
   first ``max_tokens + 1`` (~0.5 ms for 5,000 on the reference machine). It counts exactly as
   graphql-core's lexer does (``tests/unit/test_token_pass.py``); any other character counts as
   one token, so a broken document over the bound is refused for the bound.
2. **Aliases, directives, depth**, in one walk over the tokens of a document within the token bound,
   stopping at the first bound crossed: aliases (``name:`` outside parentheses), directives (``@``),
   and the depth of selections within an operation as the depth limiter counts it (fields with a
   selection set; inline fragments add none; nothing under an introspection field such as
   ``__schema``).

The walk sees the text, not fragments expanded: the validation rules (``schema.limits``) stay as
the backstop for aliases and depth reached through fragments, and for the exact token count.

3. **Fragments that spread themselves** (``fragment a on Query { ...b } fragment b on Query { ...a }``),
   which the walk meets when it adds up the fragments' fields: the document is then parsed and
   graphql-core's own ``NoFragmentCyclesRule`` alone gives the errors (messages, locations, the code
   ``GRAPHQL_VALIDATION_FAILED``), without the schema's other rules, which would walk the whole document
   for nothing (a cycle's refusal cost ~1.8 ms of CPU through all of them). A document that does not
   parse is left to the parser, which says so as before.
A refused operation is given a stand-in document, so Strawberry neither parses nor validates it
(it parses only when no document is set, validates only when no error is), and its error carries
``QUERY_TOO_COMPLEX`` and the bound, e.g. ``{"code": "QUERY_TOO_COMPLEX", "maxAliases": 50}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    NameNode,
    NoFragmentCyclesRule,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    visit,
)
from graphql.validation import ASTValidationContext
from strawberry.extensions import SchemaExtension

from domain.messages import msg
from schema.limits.refusals import VALIDATION_FAILED, too_complex

# What the lexer skips between tokens: white space, commas, comments.
_IGNORED = r"[\t \n\r,\ufeff]*+(?:#[^\n\r]*+[\t \n\r,\ufeff]*+)*+"
_NAME = r"[_A-Za-z][_0-9A-Za-z]*+"
# A block string ("""…""", where \""" is a quote) or a string ("…" on one line, \ escapes); one pattern, one "
_STRINGS = r'"(?:""(?:[^"\\]++|\\"""|\\|"(?!""))*+"""|(?:[^"\\\n\r]++|\\.)*+")'
_NUMBER = r"-?[0-9]++(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+"
# Commonest first; "." is one stray character (an unterminated string's quote…), counted as a token.
_TOKEN = rf"(?>{_NAME}|[!$&():=@\[\]{{|}}]|{_STRINGS}|{_NUMBER}|\.\.\.|.)"
# Named groups for what the walk counts; every other token matches the unnamed rest.
_WALK = re.compile(
    rf"(?P<name>{_NAME})(?P<colon>{_IGNORED}:)?|(?P<open>\{{)|(?P<close>\}})|(?P<paren>\()|(?P<unparen>\))"
    rf"|(?P<at>@)|(?P<spread>\.\.\.)|{_STRINGS}|#[^\n\r]*+|{_NUMBER}|[^\t \n\r,\ufeff]"
)
_OPERATIONS = frozenset(("query", "mutation", "subscription"))


class _Opens(Enum):
    """What a ``{`` outside parentheses opens, as the depth limiter counts it."""

    DEFINITION = 0  # an operation's or a fragment's selections
    FIELD = 1  # a field's selections: one level deeper
    INLINE = 2  # an inline fragment's selections: no deeper
    UNCOUNTED = 3  # an introspection field's selections: not counted, nor anything under it


@dataclass(frozen=True, slots=True)
class TextBounds:
    """The bounds the token pass checks; made once per schema, with its token pattern compiled once."""

    max_tokens: int
    max_aliases: int
    max_directives: int
    max_depth: int
    over_tokens: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Matches the start of a document with more than max_tokens tokens.
        pattern = re.compile(rf"{_IGNORED}(?>(?:{_TOKEN}{_IGNORED}){{{self.max_tokens + 1}}})")
        object.__setattr__(self, "over_tokens", pattern)

    def first_refusal(self, query: str, operation_name: str | None = None) -> GraphQLError | None:
        """The refusal of the first bound ``query`` crosses (tokens first, as the parser would), or None.

        ``operation_name``: the operation to run, whose fields once fragments are expanded count
        (all of them, the largest counting, when it is not given).
        """
        if self.over_tokens.match(query) is not None:
            return too_complex(
                msg(
                    "Syntax Error: Document contains more than {limit} tokens. Parsing aborted.", limit=self.max_tokens
                ),
                maxTokens=self.max_tokens,
            )
        walk = _Walk(self)
        return walk.run(query) or walk.expansion(operation_name)

    def refusals(self, query: str, operation_name: str | None = None) -> list[GraphQLError]:
        """What the text refuses: the first bound crossed (:meth:`first_refusal`), or else its fragments
        spreading themselves (graphql-core's errors for them); empty when neither."""
        if self.over_tokens.match(query) is not None:
            refusal = self.first_refusal(query, operation_name)
            return [] if refusal is None else [refusal]
        walk = _Walk(self)
        refusal = walk.run(query) or walk.expansion(operation_name)
        if refusal is not None:
            return [refusal]
        return fragment_cycles(query) if walk.cycle else []


@dataclass(slots=True)
class _Definition:
    """An operation or a fragment as the walk saw it: its field names and the fragments it spreads."""

    name: str
    fields: int = 0
    spreads: list[str] = field(default_factory=list)


class _Walk:
    """One walk over a document's tokens (see the module docstring); every field is state of this walk."""

    def __init__(self, bounds: TextBounds) -> None:
        self.bounds = bounds
        self.aliases = 0
        self.directives = 0
        self.depth = 0  # fields with a selection set around the current selections, as the depth limiter counts
        self.uncounted = 0  # open selection sets under an introspection field
        self.opened: list[_Opens] = []
        self.next_brace = _Opens.DEFINITION
        self.after = ""  # the token before, where it decides what a name is: "@", "...", "on", "keyword", "fragment"
        self.kind = ""  # between definitions: "operation" or "fragment" once its first word is read
        self.current = _Definition("anonymous")
        self.operations: list[_Definition] = []
        self.fragments: dict[str, _Definition] = {}
        self.cycle = False  # a fragment spreads itself, directly or through others (known after expansion)

    def run(self, query: str) -> GraphQLError | None:
        parens = 0  # arguments, variable definitions, values: nothing in parentheses counts but directives
        for token in _WALK.finditer(query):
            kind = token.lastgroup  # names first: the commonest token
            if kind == "name":
                if not parens:
                    self.name(token[1])
            elif kind is None:
                continue
            elif kind == "colon":
                if not parens and self.opened:
                    self.aliases += 1
                    if self.aliases > self.bounds.max_aliases:
                        limit = self.bounds.max_aliases
                        return too_complex(
                            msg("The document has more than {limit} aliases.", limit=limit), maxAliases=limit
                        )
            elif kind == "paren":
                parens += 1
            elif kind == "unparen":
                parens = max(parens - 1, 0)
            elif kind == "at":
                self.directives += 1
                if self.directives > self.bounds.max_directives:
                    limit = self.bounds.max_directives
                    return too_complex(
                        msg("The document has more than {limit} directives.", limit=limit), maxDirectives=limit
                    )
                self.after = "@"
            elif parens:
                continue
            elif kind == "open":
                refusal = self.open()
                if refusal is not None:
                    return refusal
            elif kind == "close":
                self.close()
            else:  # "spread"
                self.after, self.next_brace = "...", _Opens.INLINE
        return None

    def name(self, name: str) -> None:
        after, self.after = self.after, ""
        if not self.opened:  # between definitions: `query Name`, `fragment Name on Type`
            if not self.kind and name in _OPERATIONS:
                self.kind, self.after = "operation", "keyword"
            elif not self.kind and name == "fragment":
                self.kind, self.after = "fragment", "fragment"
            elif after in ("keyword", "fragment"):
                self.current.name = name
        elif after == "...":
            if name == "on":
                self.after = "on"  # the type condition follows
            else:  # a fragment spread: no selections follow
                self.current.spreads.append(name)
                self.next_brace = _Opens.DEFINITION
        elif after not in ("@", "on"):  # a field (a directive's name and a type condition are not)
            self.current.fields += 1
            self.next_brace = _Opens.UNCOUNTED if name.startswith("__") else _Opens.FIELD

    def open(self) -> GraphQLError | None:
        if not self.opened:
            opens = _Opens.DEFINITION
            self.kind = self.kind or "operation"  # `{ … }` alone: the anonymous query
        elif self.uncounted or self.next_brace is _Opens.UNCOUNTED:
            opens = _Opens.UNCOUNTED
            self.uncounted += 1
        else:
            opens = self.next_brace
        self.after, self.next_brace = "", _Opens.DEFINITION
        self.opened.append(opens)
        if opens is _Opens.FIELD:
            self.depth += 1
            if self.kind == "operation" and self.depth > self.bounds.max_depth:
                limit = self.bounds.max_depth
                return too_complex(
                    msg("'{name}' exceeds maximum operation depth of {limit}", name=self.current.name, limit=limit),
                    maxDepth=limit,
                )
        return None

    def close(self) -> None:
        if not self.opened:
            return
        closed = self.opened.pop()
        self.next_brace = _Opens.DEFINITION
        if closed is _Opens.FIELD:
            self.depth -= 1
        elif closed is _Opens.UNCOUNTED:
            self.uncounted -= 1
        if not self.opened:  # the end of a definition
            if self.kind == "fragment":
                self.fragments.setdefault(self.current.name, self.current)
            else:
                self.operations.append(self.current)
            self.kind, self.current, self.depth = "", _Definition("anonymous"), 0

    def expansion(self, operation_name: str | None) -> GraphQLError | None:
        """Refused when the operation's fields, fragments expanded, are more than the token bound
        (as ``schema.limits.cost.MaxCost`` counts them: a spread of a fragment counts all its fields)."""
        if not self.fragments:
            return None
        totals, self.cycle = _expanded_fragments(self.fragments)
        chosen = [op for op in self.operations if operation_name is None or op.name == operation_name]
        fields = max((op.fields + sum(totals.get(s, 0) for s in op.spreads) for op in chosen), default=0)
        limit = self.bounds.max_tokens
        if fields <= limit:
            return None
        return too_complex(
            msg(
                "The document expands to {fields} fields through its fragments, more than {limit}.",
                fields=fields,
                limit=limit,
            ),
            fields=min(fields, _LARGEST_NUMBER),
            maxFields=limit,
        )


_LARGEST_NUMBER = 2**53  # the largest whole number every JSON reader holds exactly


def _expanded_fragments(fragments: dict[str, _Definition]) -> tuple[dict[str, int], bool]:
    """Each fragment's fields with the fragments it spreads expanded, each fragment counted once
    (depth first, without recursion: a chain of a thousand fragments is a few thousand tokens),
    and whether a fragment spreads one already being expanded (a cycle).
    A spread of an unknown fragment, or in a cycle, counts nothing: validation refuses both."""
    totals: dict[str, int] = {}
    cycle = False
    for root in fragments:
        if root in totals:
            continue
        path, next_spread, on_path = [root], [0], {root}
        while path:
            fragment = fragments[path[-1]]
            if next_spread[-1] < len(fragment.spreads):
                spread = fragment.spreads[next_spread[-1]]
                next_spread[-1] += 1
                cycle = cycle or spread in on_path
                if spread in fragments and spread not in totals and spread not in on_path:
                    path.append(spread)
                    next_spread.append(0)
                    on_path.add(spread)
            else:
                done = path.pop()
                on_path.discard(done)
                next_spread.pop()
                totals[done] = fragment.fields + sum(totals.get(s, 0) for s in fragment.spreads)
    return totals, cycle


def fragment_cycles(query: str) -> list[GraphQLError]:
    """graphql-core's errors for the fragments of ``query`` that spread themselves, with its rule alone
    (no schema needed); empty when there are none or ``query`` does not parse (the parser will say why)."""
    try:
        document = parse(query)
    except GraphQLError:
        return []
    errors: list[GraphQLError] = []
    visit(document, NoFragmentCyclesRule(ASTValidationContext(document, errors.append)))
    for error in errors:
        error.extensions = {**(error.extensions or {}), "code": VALIDATION_FAILED}
    return errors


class TokenPass(SchemaExtension):
    """Refuses an operation over a bound (see the module docstring) before it is parsed.

    With ``max_aliases`` 50, ``{ a0: me { agencyCode } … a50: me { agencyCode } }`` is answered
    ``The document has more than 50 aliases.`` without a node of it ever built.
    """

    def __init__(self, bounds: TextBounds) -> None:
        self.bounds = bounds

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            refusals = self.bounds.refusals(ctx.query, ctx.operation_name)
            if refusals:
                # Strawberry then neither parses (a document is set) nor validates (an error is set).
                ctx.graphql_document = stand_in(ctx.operation_name)
                ctx.pre_execution_errors = refusals
        yield


def stand_in(operation_name: str | None) -> DocumentNode:
    """What a refused operation is given instead of its own: a query of that name, never run.

    Built, not parsed: the name the client gave is kept whatever it is, so the operation Strawberry
    looks for by name is found.
    """
    operation = OperationDefinitionNode(
        operation=OperationType.QUERY,
        name=NameNode(value=operation_name) if operation_name is not None else None,
        variable_definitions=(),
        directives=(),
        selection_set=SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),)),
    )
    return DocumentNode(definitions=(operation,))
