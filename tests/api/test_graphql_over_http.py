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


SUBSCRIPTION = 'subscription Follow { transferEvents(office: "enforcement.ha-noi.kv01") { cursor } }'


class TestSubscriptionsOverPlainHttp:
    """A subscription over HTTP was executed as a query and failed with INTERNAL_SERVER_ERROR."""

    @pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE, "text/event-stream", "multipart/mixed"])
    @pytest.mark.parametrize("method", ["POST", "GET"])
    async def test_it_is_a_400_saying_to_use_websocket(self, hub, method, accept):
        headers = {"Authorization": f"Bearer {hub.token('enforcement.ha-noi.kv01', [Role.ENFORCEMENT_CLERK])}"}
        headers["Accept"] = accept
        if method == "POST":
            response = await hub.http.post("/graphql", json={"query": SUBSCRIPTION}, headers=headers)
        else:
            response = await hub.http.get("/graphql", params={"query": SUBSCRIPTION}, headers=headers)
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "BAD_REQUEST"}
        assert error["message"].startswith("Subscriptions are served over WebSocket at /graphql")
        assert "graphql-transport-ws" in error["message"]

    async def test_a_query_beside_a_subscription_in_the_document_still_runs(self, hub):
        document = f"query Me {{ me {{ agencyCode }} }} {SUBSCRIPTION}"
        status, _, body = await _post(hub, {"query": document, "operationName": "Me"}, "application/json")
        assert (status, body) == (200, {"data": {"me": {"agencyCode": "ministry.justice"}}})


class TestBodiesThatAreNoOperation:
    """Each was a 500 with a traceback in the log: Strawberry read the body with ``.get``."""

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param('"hello"', id="string"),
            pytest.param("12", id="number"),
            pytest.param("null", id="null"),
            pytest.param("true", id="boolean"),
            pytest.param("[1]", id="batch-of-a-number"),
            pytest.param('[{"query": "{ me { agencyCode } }"}, "x"]', id="batch-with-a-string"),
            pytest.param("[]", id="empty-batch"),
        ],
    )
    async def test_is_a_400_saying_what_a_request_is(self, hub, body):
        status, message = await self._post_raw(hub, body.encode())
        assert status == 400
        assert message == (
            'A GraphQL request is a JSON object ({"query": "…", "variables": {…}}), or, for a batch, '
            "a non-empty array of such objects."
        )

    async def test_json_nested_100000_levels_is_a_400(self, hub):
        status, message = await self._post_raw(hub, b"[" * 100_000 + b"]" * 100_000)
        assert status == 400
        assert "nested too deeply" in message or "Unable to parse request body as JSON" in message

    @pytest.mark.parametrize("digits", [4_301, 100_000])
    async def test_a_variable_of_more_than_4300_digits_is_a_400(self, hub, digits):
        """``json.loads`` refuses such an integer with a ValueError (not a JSONDecodeError): it was a 500."""
        document = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }"
        body = f'{{"query": "{document}", "variables": {{"id": 1{"0" * (digits - 1)}}}}}'
        status, message = await self._post_raw(hub, body.encode())
        assert (status, message) == (400, "Unable to parse request body as JSON")

    async def test_a_batch_of_objects_still_runs(self, hub):
        status, _ = await self._post_raw(hub, b'[{"query": "{ me { agencyCode } }"}]')
        assert status == 200

    @staticmethod
    async def _post_raw(hub, body: bytes) -> tuple[int, str]:
        token = hub.token("ministry.justice", [Role.MINISTRY])
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        response = await hub.http.post("/graphql", content=body, headers=headers)
        payload = response.json()
        if response.status_code == 400:
            (error,) = payload["errors"]
            assert error["extensions"] == {"code": "BAD_REQUEST"}
            return response.status_code, error["message"]
        return response.status_code, ""


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", 20260101, None])
async def test_a_variable_that_is_not_of_its_type_is_bad_user_input(hub, value):
    """graphql-core reports these before any field runs, without a code; clients now get one."""
    document = "query ($d: Date!) { judgments(first: 1, filter: {effectiveFrom: $d}) { totalCount } }"
    status, _, body = await _post(hub, {"query": document, "variables": {"d": value}}, "application/json")
    assert status == 200
    assert [e["extensions"] for e in body["errors"]] == [{"code": "BAD_USER_INPUT"}]
    assert body["errors"][0]["message"].startswith("Variable '$d'")
