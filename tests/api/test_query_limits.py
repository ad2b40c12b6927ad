"""Hostile documents are refused before anything runs, and normal queries keep being answered meanwhile.

(A first part of the hostile-query suite; bodies, batches, directives and cost come with the access-control work.)
"""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.e2e

ALIASES_1000 = "{ " + " ".join(f"a{i}: me {{ agencyCode }}" for i in range(1000)) + " }"
ALIASES_60 = "{ " + " ".join(f"a{i}: me {{ agencyCode }}" for i in range(60)) + " }"
NESTED_100 = '{ agency(code: "court.ha-noi.kv01") { ' + "parent { " * 100 + "code" + " }" * 100 + " } }"


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        pytest.param(ALIASES_1000, "more than 5000 tokens", id="1000-aliases"),
        pytest.param(ALIASES_60, "aliases", id="60-aliases"),
        pytest.param(NESTED_100, "exceeds maximum operation depth", id="100-levels"),
    ],
)
async def test_hostile_document_is_refused_with_a_clear_error(ministry_gql, document, fragment):
    answer = await ministry_gql(document)
    assert answer.status in {200, 400}
    assert answer.data is None
    assert fragment in answer.errors[0]["message"]


async def test_normal_queries_are_answered_during_an_attack(ministry_gql):
    attack = [ministry_gql(d) for d in (ALIASES_1000, NESTED_100) * 25]
    normal = [ministry_gql("{ me { agencyCode } }") for _ in range(20)]
    answers = await asyncio.gather(*attack, *normal)
    assert all(a.data is None for a in answers[: len(attack)])
    assert all(a.data == {"me": {"agencyCode": "ministry.justice"}} for a in answers[len(attack) :])


async def test_graphiql_introspection_stays_within_the_limits(ministry_gql):
    from graphql import get_introspection_query

    answer = await ministry_gql(get_introspection_query(descriptions=True))
    assert answer.errors == []
    assert answer.data["__schema"]["queryType"]["name"] == "Query"
