"""The HTTP surface: media types (CSRF), GET, rates, headers, and what production hides.

Most tests run against the shared demo hub; the production ones against a hub of this module
in production mode with a tight rate limit (5 requests at once, then one every 5 s per client).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from domain.access import Role
from gateway.settings import HttpLimits
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for

pytestmark = pytest.mark.e2e

ME = "{ me { agencyCode } }"
BURST = 5
HSTS = 31_536_000


@pytest_asyncio.fixture(
    scope="module",
    loop_scope="session",
    params=BOTH_DATABASES,
)
async def production_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    limits = HttpLimits(rate_per_s=0.2, rate_burst=BURST, hsts_max_age_s=HSTS)
    async with hub_for(request, "production-hub", mode="production", http_limits=limits) as running:
        yield running


def _auth(hub: Hub, agency: str = "ministry.justice", role: Role = Role.MINISTRY) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub.token(agency, [role])}"}


async def _send(hub: Hub, method: str, path: str = "/graphql", **kwargs: Any) -> tuple[int, Any, Any]:
    response = await hub.http.request(method, path, **kwargs)
    body = response.content
    try:
        parsed = response.json()
    except ValueError:
        parsed = body
    return response.status_code, response.headers, parsed


class TestCrossSiteRequests:
    @pytest.mark.parametrize(
        ("content_type", "data"),
        [
            pytest.param("application/x-www-form-urlencoded", "query=%7B+me+%7B+agencyCode+%7D+%7D", id="form"),
            pytest.param(
                "multipart/form-data; boundary=x",
                '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ me { agencyCode } }\r\n--x--\r\n',
                id="multipart",
            ),
            pytest.param("text/plain", '{"query": "{ me { agencyCode } }"}', id="text-plain"),
        ],
    )
    async def test_a_post_a_browser_could_send_cross_site_is_refused(self, hub, content_type, data):
        headers = {**_auth(hub), "Content-Type": content_type}
        status, _, body = await _send(hub, "POST", content=data, headers=headers)
        assert status == 415
        assert body["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
        assert "application/json" in body["errors"][0]["message"]

    async def test_a_mutation_over_get_is_refused(self, hub):
        mutation = 'mutation { registerWebhook(url: "https://example.org/hook") { secret } }'
        status, _, body = await _send(
            hub, "GET", params={"query": mutation}, headers=_auth(hub, "court.ha-noi.kv01", Role.COURT_CLERK)
        )
        assert status == 400
        assert body["errors"][0] == {
            "message": "mutations are not allowed when using GET",
            "extensions": {"code": "BAD_REQUEST"},
        }

    async def test_a_query_over_get_is_answered(self, hub):
        status, _, body = await _send(hub, "GET", params={"query": ME}, headers=_auth(hub))
        assert (status, body) == (200, {"data": {"me": {"agencyCode": "ministry.justice"}}})


async def test_a_body_that_is_not_utf8_is_a_clean_400_not_a_crash(hub):
    headers = {**_auth(hub), "Content-Type": "application/json"}
    status, _, body = await _send(hub, "POST", content=b'{"query": "\xff\xfe"}', headers=headers)
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


class TestSecurityHeaders:
    async def test_every_answer_carries_them(self, hub):
        for method, path, kwargs in (
            ("GET", "/healthz", {}),
            ("POST", "/graphql", {"json": {"query": ME}, "headers": _auth(hub)}),
            ("POST", "/graphql", {"json": {"query": ME}}),  # refused: 401
            ("GET", "/no-such-page", {"headers": _auth(hub)}),
        ):
            _, headers, _ = await _send(hub, method, path, **kwargs)
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "no-referrer"
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Content-Security-Policy"].startswith("default-src 'none'")
            assert "Strict-Transport-Security" not in headers  # off by default: TLS ends at the proxy

    async def test_graphql_answers_are_never_cached(self, hub):
        _, headers, _ = await _send(hub, "POST", json={"query": ME}, headers=_auth(hub))
        assert headers["Cache-Control"] == "no-store"

    async def test_a_browser_asking_graphql_for_a_page_is_sent_to_graphiql(self, hub):
        status, headers, _ = await _send(hub, "GET", headers={"Accept": "text/html"})
        assert (status, headers["Location"]) == (307, "/graphiql")  # its own policy: tests/api/test_graphiql_page.py
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")

    async def test_hsts_is_sent_when_configured(self, production_hub):
        _, headers, _ = await _send(production_hub, "GET", "/healthz")
        assert headers["Strict-Transport-Security"] == f"max-age={HSTS}; includeSubDomains"


class TestProductionHidesTheSchema:
    INTROSPECTION = "{ __schema { queryType { name } } }"
    TYPO = "{ me { agencyCod } }"

    async def test_introspection_is_refused_to_a_non_operator(self, production_hub):
        answer = await production_hub.client(production_hub.token("ministry.justice", [Role.MINISTRY]))(
            self.INTROSPECTION
        )
        assert "data" not in answer.body
        assert answer.codes() == {"FORBIDDEN"}
        assert "__schema" in answer.errors[0]["message"]

    async def test_introspection_is_open_to_an_operator(self, production_hub):
        answer = await production_hub.client(production_hub.token("ministry.justice", [Role.OPERATOR]))(
            self.INTROSPECTION
        )
        assert answer.errors == []
        assert answer.data == {"__schema": {"queryType": {"name": "Query"}}}

    async def test_typename_stays_open(self, production_hub):
        answer = await production_hub.client(production_hub.token("ministry.justice", [Role.MINISTRY]))(
            "{ __typename }"
        )
        assert answer.data == {"__typename": "Query"}

    async def test_no_field_suggestions_for_a_non_operator(self, production_hub):
        answer = await production_hub.client(production_hub.token("ministry.justice", [Role.MINISTRY]))(self.TYPO)
        assert answer.errors[0]["message"] == "Cannot query field 'agencyCod' on type 'Me'."
        assert answer.codes() == {"GRAPHQL_VALIDATION_FAILED"}

    async def test_an_operator_gets_field_suggestions(self, production_hub):
        answer = await production_hub.client(production_hub.token("ministry.justice", [Role.OPERATOR]))(self.TYPO)
        assert "Did you mean 'agencyCode'" in answer.errors[0]["message"]

    async def test_the_demo_shows_suggestions_to_everyone(self, ministry_gql):
        answer = await ministry_gql(self.TYPO)
        assert "Did you mean 'agencyCode'" in answer.errors[0]["message"]


class TestRateLimit:
    async def test_a_client_over_its_budget_gets_429_while_another_is_served(self, production_hub):
        greedy = _auth(production_hub, "court.hue.kv02", Role.COURT_CLERK)  # a client no other test here uses
        other = _auth(production_hub, "court.ha-noi.kv01", Role.COURT_CLERK)
        answers = [await _send(production_hub, "POST", json={"query": ME}, headers=greedy) for _ in range(BURST + 3)]
        assert [status for status, _, _ in answers[:BURST]] == [200] * BURST
        status, headers, body = answers[BURST]
        assert status == 429
        assert int(headers["Retry-After"]) >= 1
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        status, _, body = await _send(production_hub, "POST", json={"query": ME}, headers=other)
        assert (status, body) == (200, {"data": {"me": {"agencyCode": "court.ha-noi.kv01"}}})

    async def test_a_fresh_token_of_the_same_client_buys_no_fresh_budget(self, production_hub):
        first = _auth(production_hub, "court.hue.kv01", Role.COURT_CLERK)
        statuses = [(await _send(production_hub, "POST", json={"query": ME}, headers=first))[0] for _ in range(BURST)]
        assert statuses == [200] * BURST
        again = _auth(production_hub, "court.hue.kv01", Role.COURT_CLERK)  # another token (jti), the same client
        assert again != first
        status, _, body = await _send(production_hub, "POST", json={"query": ME}, headers=again)
        assert (status, body["errors"][0]["extensions"]["code"]) == (429, "RATE_LIMITED")

    async def test_without_a_principal_the_client_is_its_address(self, production_hub):
        statuses = [(await _send(production_hub, "GET", "/receipts/public-key"))[0] for _ in range(BURST + 2)]
        assert statuses[:BURST] == [200] * BURST
        assert 429 in statuses[BURST:]

    async def test_probes_are_never_limited(self, production_hub):
        for path in ("/healthz", "/readyz", "/metrics"):
            statuses = {(await _send(production_hub, "GET", path))[0] for _ in range(BURST + 2)}
            assert statuses == {200}
