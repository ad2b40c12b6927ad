"""The GraphQL-over-HTTP media types: application/graphql-response+json with 4xx for request errors."""

from __future__ import annotations

import pytest

from domain.access import Role

pytestmark = pytest.mark.e2e

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def _post(hub, body, accept):
    token = hub.token("ministry.justice", [Role.MINISTRY])
    headers = {"Authorization": f"Bearer {token}", "Accept": accept}
    response = await hub.http.post("/graphql", json=body, headers=headers)
    return response.status_code, response.headers["content-type"], response.json()


@pytest.mark.parametrize(
    "query", [pytest.param("{ me { ", id="parse-error"), pytest.param("{ me { noSuchField } }", id="validation-error")]
)
async def test_request_errors_are_400_under_the_graphql_response_media_type(hub, query):
    status, content_type, body = await _post(hub, {"query": query}, GRAPHQL_RESPONSE)
    assert status == 400
    assert content_type.startswith(GRAPHQL_RESPONSE)
    assert "data" not in body
    assert body["errors"]


async def test_legacy_json_clients_get_200_for_the_same_error(hub):
    status, content_type, body = await _post(hub, {"query": "{ me { noSuchField } }"}, "application/json")
    assert (status, content_type.split(";")[0]) == (200, "application/json")
    assert "data" not in body


async def test_a_good_query_is_200_under_either_media_type(hub):
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        status, _, body = await _post(hub, {"query": "{ me { agencyCode } }"}, accept)
        assert status == 200
        assert body == {"data": {"me": {"agencyCode": "ministry.justice"}}}


async def test_an_execution_error_keeps_data_and_status_200(hub):
    status, _, body = await _post(hub, {"query": "{ judgments(first: 1000) { totalCount } }"}, GRAPHQL_RESPONSE)
    assert status == 200
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
