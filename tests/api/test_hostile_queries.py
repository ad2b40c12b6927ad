"""Hostile documents, batches and bodies are refused before anything runs; normal queries keep being answered.

Each attack gets a clear error with a code (QUERY_TOO_COMPLEX for documents over a bound,
BAD_REQUEST for a batch over the limit, PAYLOAD_TOO_LARGE for bodies) and the right status,
against the hub with its default limits (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import gzip
import random
import zlib
from collections.abc import AsyncIterator

import orjson
import pytest
from graphql import get_introspection_query

from domain.access import Role
from gateway.settings import HttpLimits
from tests.support.hostile import (
    ALIASES_60,
    ALIASES_1000,
    COSTLY,
    COSTLY_COST,
    DIRECTIVES_51,
    DIRECTIVES_10000,
    FIELDS_6000,
    FIELDS_6000_SUBSCRIPTION,
    FRAGMENT_BOMB,
    FRAGMENT_CYCLE,
    ME,
    NESTED_100,
    VARIABLES_2000,
)
from tests.support.hostile import gzip_bomb as make_gzip_bomb

pytestmark = pytest.mark.e2e

MAX_BODY = HttpLimits().max_body_bytes


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GiB of zeros gzipped to about 1 MB, compressed a MiB at a time (never 1 GiB in memory)."""
    bomb = make_gzip_bomb(1024)
    assert len(bomb) < MAX_BODY  # passes the size check on the wire; only inflating it shows the bomb
    return bomb


def _headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **extra}


async def _post(hub, token: str, data: bytes | AsyncIterator[bytes], **headers: str) -> tuple[int, object]:
    async with asyncio.timeout(60):
        response = await hub.http.post("/graphql", content=data, headers=_headers(token, **headers))
    return response.status_code, response.json()


def _code(body: object) -> str:
    assert isinstance(body, dict), body
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        pytest.param(ALIASES_1000, "more than 5000 tokens", id="1000-aliases"),
        pytest.param(ALIASES_60, "more than 50 aliases", id="60-aliases"),
        pytest.param(NESTED_100, "'anonymous' exceeds maximum operation depth of 12", id="100-levels"),
        pytest.param(DIRECTIVES_10000, "more than 5000 tokens", id="10000-directives"),
        pytest.param(DIRECTIVES_51, "more than 50 directives", id="51-directives"),
        pytest.param(FIELDS_6000, "more than 5000 tokens", id="6000-fields"),
        pytest.param(FIELDS_6000_SUBSCRIPTION, "more than 5000 tokens", id="6000-fields-and-the-word-subscription"),
        pytest.param(VARIABLES_2000, "more than 5000 tokens", id="2000-variables"),
        pytest.param(COSTLY, f"costs {COSTLY_COST}, more than the limit of 100000", id="costly"),
        pytest.param(FRAGMENT_BOMB, f"expands to {2**31} fields through its fragments", id="fragment-bomb"),
    ],
)
async def test_hostile_document_is_refused_before_it_runs(ministry_gql, document, fragment):
    answer = await ministry_gql(document)
    assert answer.status == 200  # legacy application/json clients; graphql-response+json gets 400
    assert "data" not in answer.body
    assert fragment in answer.errors[0]["message"]
    assert answer.codes() == {"QUERY_TOO_COMPLEX"}


@pytest.mark.parametrize(
    ("document", "bound"),
    [
        pytest.param(ALIASES_1000, {"maxTokens": 5000}, id="tokens"),
        pytest.param(ALIASES_60, {"maxAliases": 50}, id="aliases"),
        pytest.param(DIRECTIVES_51, {"maxDirectives": 50}, id="directives"),
        pytest.param(NESTED_100, {"maxDepth": 12}, id="depth"),
        pytest.param(FRAGMENT_BOMB, {"fields": 2**31, "maxFields": 5000}, id="fragments"),
    ],
)
async def test_a_document_refused_on_its_text_names_the_bound(ministry_gql, document, bound):
    answer = await ministry_gql(document)
    assert answer.errors[0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", **bound}


async def test_a_refused_document_with_an_operation_name_is_refused_the_same(hub):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    request = {"query": ALIASES_60.replace("{", "query Many {", 1), "operationName": "Many"}
    status, answer = await _post(hub, token, orjson.dumps(request))
    assert (status, _code(answer)) == (200, "QUERY_TOO_COMPLEX")
    assert answer["errors"][0]["message"] == "The document has more than 50 aliases."


async def test_fragments_spreading_each_other_are_refused_as_invalid(ministry_gql):
    answer = await ministry_gql(FRAGMENT_CYCLE)
    assert answer.codes() == {"GRAPHQL_VALIDATION_FAILED"}
    assert answer.errors[0]["message"] == "Cannot spread fragment 'a' within itself via 'b'."


async def test_a_costly_query_is_refused_with_its_cost_and_the_limit(ministry_gql):
    answer = await ministry_gql(COSTLY)
    assert answer.errors[0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": COSTLY_COST, "maxCost": 100_000}


async def test_the_cost_counts_page_sizes_given_in_variables(ministry_gql):
    query = "query ($n: Int!) { judgments(first: $n) { edges { node { id } } } }"
    refused = await ministry_gql(query, {"n": 100_000})
    assert refused.errors[0]["extensions"]["cost"] == COSTLY_COST
    answered = await ministry_gql(query, {"n": 2})
    assert answered.errors == []
    assert len(answered.data["judgments"]["edges"]) == 2


async def test_the_cost_follows_fragments(ministry_gql):
    query = "{ judgments(first: 100000) { ...page } } fragment page on JudgmentConnection { edges { node { id } } }"
    answer = await ministry_gql(query)
    assert answer.errors[0]["extensions"]["cost"] == COSTLY_COST


async def test_other_document_errors_carry_a_code(ministry_gql):
    assert (await ministry_gql("{ me { ")).codes() == {"GRAPHQL_PARSE_FAILED"}
    assert (await ministry_gql("{ me { noSuchField } }")).codes() == {"GRAPHQL_VALIDATION_FAILED"}


async def test_a_batch_over_the_limit_is_refused_naming_the_limit(hub):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    status, body = await _post(hub, token, orjson.dumps([{"query": ME}] * 1000))
    assert status == 400
    assert _code(body) == "BAD_REQUEST"
    assert body["errors"][0]["message"] == "A batch holds at most 10 operations; this one has 1000."


async def test_a_small_batch_is_answered_operation_by_operation_each_within_the_limits(hub):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    status, body = await _post(hub, token, orjson.dumps([{"query": ME}, {"query": NESTED_100}]))
    assert status == 200
    assert body[0] == {"data": {"me": {"agencyCode": "ministry.justice"}}}
    assert _code(body[1]) == "QUERY_TOO_COMPLEX"


async def test_a_body_declared_over_the_limit_is_refused(hub):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    body = orjson.dumps({"query": ME, "variables": {"pad": "x" * 10_000_000}})
    status, answer = await _post(hub, token, body)
    assert status == 413
    assert answer["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": MAX_BODY}


async def test_a_chunked_body_is_counted_as_it_streams(hub):
    token = hub.token("ministry.justice", [Role.MINISTRY])

    async def ten_megabytes() -> AsyncIterator[bytes]:
        yield b'{"query": "{ me { agencyCode } }", "variables": {"pad": "'
        for _ in range(10):
            yield b"x" * 1_000_000
        yield b'"}}'

    status, answer = await _post(hub, token, ten_megabytes())
    assert (status, _code(answer)) == (413, "PAYLOAD_TOO_LARGE")


async def test_a_gzip_bomb_is_refused_once_it_inflates_past_the_limit(hub, gzip_bomb):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    status, answer = await _post(hub, token, gzip_bomb, **{"Content-Encoding": "gzip"})
    assert (status, _code(answer)) == (413, "PAYLOAD_TOO_LARGE")
    assert answer["errors"][0]["extensions"]["maxInflation"] == 100  # refused after 64 KiB, not 4 MB


async def test_a_body_inflating_past_the_limit_at_an_ordinary_ratio_is_refused_for_its_size(hub):
    """Random text compresses little: it is refused for the limit, not as a bomb."""
    token = hub.token("ministry.justice", [Role.MINISTRY])
    noise = random.Random(1).randbytes(MAX_BODY // 2 + 1000).hex()  # ~4.2 MB that compresses about 2-fold
    body = gzip.compress(orjson.dumps({"query": ME, "variables": {"pad": noise}}))
    status, answer = await _post(hub, token, body, **{"Content-Encoding": "gzip"})
    assert (status, _code(answer)) == (413, "PAYLOAD_TOO_LARGE")
    assert answer["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": MAX_BODY}


async def test_a_small_body_that_compresses_well_is_answered(hub):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    body = gzip.compress(orjson.dumps({"query": ME, "variables": {"pad": " " * 60_000}}))  # ~500-fold, < 64 KiB
    status, answer = await _post(hub, token, body, **{"Content-Encoding": "gzip"})
    assert (status, answer) == (200, {"data": {"me": {"agencyCode": "ministry.justice"}}})


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [pytest.param("gzip", gzip.compress, id="gzip"), pytest.param("deflate", zlib.compress, id="deflate")],
)
async def test_a_compressed_body_within_the_limit_is_answered(hub, encoding, pack):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    status, answer = await _post(hub, token, pack(orjson.dumps({"query": ME})), **{"Content-Encoding": encoding})
    assert (status, answer) == (200, {"data": {"me": {"agencyCode": "ministry.justice"}}})


@pytest.mark.parametrize(
    ("encoding", "data", "status", "code"),
    [
        pytest.param("br", b"\x0b\x02\x80{}\x03", 415, "UNSUPPORTED_MEDIA_TYPE", id="unknown-encoding"),
        pytest.param("gzip", b"\x1f\x8b not gzip at all", 400, "BAD_REQUEST", id="corrupt-gzip"),
        pytest.param("gzip", gzip.compress(orjson.dumps({"query": ME}))[:-12], 400, "BAD_REQUEST", id="truncated"),
    ],
)
async def test_a_body_that_cannot_be_decoded_is_refused(hub, encoding, data, status, code):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    answer_status, answer = await _post(hub, token, data, **{"Content-Encoding": encoding})
    assert (answer_status, _code(answer)) == (status, code)


async def test_normal_queries_are_answered_during_an_attack(hub, ministry_gql, gzip_bomb):
    """Every attack above at once, three times over, with a normal client querying meanwhile."""
    attacker = hub.token("ministry.justice", [Role.MINISTRY])
    big = orjson.dumps({"query": ME, "variables": {"pad": "x" * 10_000_000}})

    def wave() -> list:
        return [
            *(
                _post(hub, attacker, orjson.dumps({"query": d}))
                for d in (ALIASES_1000, NESTED_100, DIRECTIVES_10000, COSTLY, FRAGMENT_BOMB)
            ),
            _post(hub, attacker, orjson.dumps([{"query": ME}] * 1000)),
            _post(hub, attacker, big),
            _post(hub, attacker, gzip_bomb, **{"Content-Encoding": "gzip"}),
        ]

    expected = [(200, "QUERY_TOO_COMPLEX")] * 5 + [(400, "BAD_REQUEST")] + [(413, "PAYLOAD_TOO_LARGE")] * 2
    attacks = [*wave(), *wave(), *wave()]
    normal = [ministry_gql(ME) for _ in range(30)]
    answers = await asyncio.gather(*attacks, *normal)
    refused = answers[: len(attacks)]
    assert [(status, _code(body)) for status, body in refused] == expected * 3
    assert all(
        a.status == 200 and a.data == {"me": {"agencyCode": "ministry.justice"}} for a in answers[len(attacks) :]
    )


async def test_graphiql_introspection_stays_within_the_limits(ministry_gql):
    answer = await ministry_gql(get_introspection_query(descriptions=True))
    assert answer.errors == []
    assert answer.data["__schema"]["queryType"]["name"] == "Query"
