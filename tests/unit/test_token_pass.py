"""The token pass (schema/limits/token_pass.py) counts as graphql-core and the validation rules count.

It refuses on the text what the parser and the limiters would refuse, and nothing they would let
through: tokens exactly as graphql-core's lexer counts them, aliases, directives and depth as the
validation rules count them in a document without fragments, fields through fragments as the cost
walk counts them.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, NoFragmentCyclesRule, build_schema, get_introspection_query, parse, validate
from graphql.language import Lexer, Source, TokenKind
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule

from bench.workload import QUERY as JUDGMENT_360
from schema.limits.directives import directive_counter
from schema.limits.token_pass import TextBounds
from tests.support import hostile

SDL = """
type Query { me: Me, agency(code: String, filter: Filter): Agency, a(n: Int): Int, b: Int }
type Me { agencyCode: String }
type Agency { code: String, parent: Agency }
input Filter { name: String, codes: [String] }
"""
BOUNDS = TextBounds(max_tokens=5000, max_aliases=50, max_directives=50, max_depth=12)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SDL)


def lexer_tokens(document: str) -> int:
    lexer, count = Lexer(Source(document)), 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


def rules_refuse(schema: GraphQLSchema, document: str) -> bool:
    rules = [max_aliases_rule(50), depth_limit_rule(12, should_ignore=None), directive_counter(50)]
    return bool(validate(schema, parse(document), rules))


def nested(levels: int) -> str:
    return '{ agency(code: "x") { ' + "parent { " * (levels - 1) + "code" + " }" * (levels - 1) + " } }"


SAMPLES = {
    "introspection": get_introspection_query(descriptions=True),
    "judgment-360": JUDGMENT_360,
    "fragment-bomb": hostile.FRAGMENT_BOMB,
    "strings, numbers and comments": (
        'query Q($a: [Int!]! = [1, -2.5e3, 0], $b: String = """block \\""" "q" \\n""") '
        '{ me @skip(if: false) { ... on Me { agencyCode } } a(n: -7) # a comment "with quotes" { ( @\n'
        ' agency(code: "x\\"y\\\\", filter: {name: "é\\u00e9", codes: ["a", "b"]}) { code } }'
    ),
}


@pytest.mark.parametrize("document", SAMPLES.values(), ids=SAMPLES.keys())
def test_tokens_are_counted_as_graphql_cores_lexer_counts_them(document: str) -> None:
    count = lexer_tokens(document)
    exactly = TextBounds(max_tokens=count, max_aliases=10**6, max_directives=10**6, max_depth=10**6)
    one_fewer = TextBounds(max_tokens=count - 1, max_aliases=10**6, max_directives=10**6, max_depth=10**6)

    within = exactly.first_refusal(document)  # may be refused for its fragments: the same bound, expanded
    assert within is None or "tokens" not in within.message
    refusal = one_fewer.first_refusal(document)
    assert refusal is not None
    assert refusal.message == f"Syntax Error: Document contains more than {count - 1} tokens. Parsing aborted."


CLIENTS_SEND = ("introspection", "judgment-360", "strings, numbers and comments")


@pytest.mark.parametrize("name", CLIENTS_SEND)
def test_the_documents_clients_send_pass(name: str) -> None:
    assert BOUNDS.first_refusal(SAMPLES[name]) is None


def aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: me {{ agencyCode }}" for i in range(n)) + " }"


def directives(n: int) -> str:
    return "{ me { " + "agencyCode @include(if: true) " * n + "} }"


BOUNDARIES = {
    "50 aliases": (aliases(50), None),
    "51 aliases": (aliases(51), "The document has more than 50 aliases."),
    "names in arguments and variables are no aliases": (
        'query ($a: Int, $b: Int) { agency(code: "x", filter: {name: "n", codes: []}) { code } }',
        None,
    ),
    "50 directives": (directives(50), None),
    "51 directives": (directives(51), "The document has more than 50 directives."),
    "directives of variables count": (
        "query ($a: Int @d, $b: Int @d) { me { " + "agencyCode @include(if: true) " * 49 + "} }",
        "The document has more than 50 directives.",
    ),
    "12 levels": (nested(12), None),
    "13 levels": (nested(13), "'anonymous' exceeds maximum operation depth of 12"),
    "13 levels in a named operation": ("query Deep " + nested(13), "'Deep' exceeds maximum operation depth of 12"),
    "inline fragments add no level": (
        '{ agency(code: "x") { ' + "... on Agency { parent { " * 11 + "code" + " } }" * 11 + " } }",
        None,
    ),
    "nothing under an introspection field counts": ("{ __schema { " + "types { " * 20 + "name" + " }" * 21, None),
}


@pytest.mark.parametrize(("document", "refused"), BOUNDARIES.values(), ids=BOUNDARIES.keys())
def test_aliases_directives_and_depth_are_refused_exactly_where_the_validation_rules_refuse(
    schema: GraphQLSchema, document: str, refused: str | None
) -> None:
    refusal = BOUNDS.first_refusal(document)

    assert (refusal.message if refusal else None) == refused
    if "__schema" not in document and "@d" not in document:  # the test schema has neither
        assert rules_refuse(schema, document) is (refused is not None)


def test_a_refusal_names_its_bound_and_code() -> None:
    refusal = BOUNDS.first_refusal(aliases(51))

    assert refusal is not None
    assert refusal.extensions == {"code": "QUERY_TOO_COMPLEX", "maxAliases": 50}


def test_depth_inside_a_fragment_is_left_to_the_depth_limiter() -> None:
    """The text shows no operation to name for it: the limiter refuses it once parsed, naming the operation."""
    document = "{ ...deep } fragment deep on Query " + nested(13)
    assert BOUNDS.first_refusal(document) is None


def test_a_fragment_bomb_is_refused_with_the_fields_it_expands_to() -> None:
    refusal = BOUNDS.first_refusal(hostile.FRAGMENT_BOMB)

    assert refusal is not None
    assert refusal.message == f"The document expands to {2**31} fields through its fragments, more than 5000."
    assert refusal.extensions == {"code": "QUERY_TOO_COMPLEX", "fields": 2**31, "maxFields": 5000}


def test_only_the_operation_to_run_is_expanded() -> None:
    bomb_and_small = hostile.FRAGMENT_BOMB.replace(
        "{ ...f0 }", "query Bomb { ...f0 } query Small { me { agencyCode } }"
    )

    assert BOUNDS.first_refusal(bomb_and_small, "Small") is None
    assert BOUNDS.first_refusal(bomb_and_small, "Bomb") is not None
    assert BOUNDS.first_refusal(bomb_and_small) is not None  # not said which: the largest counts


def test_a_long_chain_of_fragments_and_a_cycle_are_no_bomb() -> None:
    chain = "{ ...f0 } " + " ".join(f"fragment f{i} on Query {{ b ...f{i + 1} }}" for i in range(500))
    chain += " fragment f500 on Query { me { agencyCode } }"

    assert BOUNDS.first_refusal(chain) is None
    assert BOUNDS.first_refusal(hostile.FRAGMENT_CYCLE) is None  # graphql-core's own rule refuses it, once parsed


def test_a_broken_document_over_the_token_bound_is_refused_for_the_bound() -> None:
    broken = '{ me { agencyCode "unterminated ' + "word " * 5000 + "} }"
    refusal = BOUNDS.first_refusal(broken)

    assert refusal is not None
    assert "more than 5000 tokens" in refusal.message


CYCLES = {
    "through another": hostile.FRAGMENT_CYCLE,
    "itself": "{ ...a } fragment a on Query { b ...a }",
    "two cycles, spread twice": (
        "query Q { ...a ...c } fragment a on Query { ...b } fragment b on Query { ...a ...a }"
        " fragment c on Query { me { ... on Me { ...d } } } fragment d on Me { agencyCode ...e } fragment e on Me { ...d }"
    ),
    "cycle under inline fragments and directives": (
        "{ ... @include(if: true) { ...a } } fragment a on Query { ... on Query { ...b @skip(if: false) } }"
        " fragment b on Query { me { agencyCode } ...a }"
    ),
}


@pytest.mark.parametrize("name", list(CYCLES))
def test_fragments_spreading_themselves_are_refused_as_graphql_cores_rule_refuses_them(
    schema: GraphQLSchema, name: str
) -> None:
    document = CYCLES[name]
    expected = [e.formatted for e in validate(schema, parse(document), [NoFragmentCyclesRule])]
    assert expected  # the sample is a cycle

    found = [e.formatted for e in BOUNDS.refusals(document)]

    assert found == [{**e, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}} for e in expected]


def test_a_cycle_in_a_document_that_does_not_parse_is_left_to_the_parser() -> None:
    assert BOUNDS.refusals(hostile.FRAGMENT_CYCLE + " }") == []


@pytest.mark.parametrize("name", ["judgment-360", "fragment-bomb", "introspection"])
def test_documents_without_a_cycle_give_no_cycle(name: str) -> None:
    assert all(
        e.extensions and e.extensions.get("code") != "GRAPHQL_VALIDATION_FAILED" for e in BOUNDS.refusals(SAMPLES[name])
    )
