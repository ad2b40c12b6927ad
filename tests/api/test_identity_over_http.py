"""Every request carries a principal from a signed token; anything else is 401 (except /healthz)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agencies.topology import free_port
from domain.access import Role
from domain.clock import Clock
from domain.types import Agency, AgencyKind, AgencyLevel
from gateway.identity import TokenIssuer
from gateway.settings import Settings
from ledger.reference import load_organisation
from tests.support.graphql_client import GraphQLClient
from tests.support.hub_process import HubProcess
from tests.support.jwks_server import JwksServer, KeySigner
from tests.support.ws_client import ConnectionClosed

pytestmark = pytest.mark.e2e

ME = "{ me { agencyCode roles person agency { name } } }"


async def test_healthz_needs_no_token(hub):
    response = await hub.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_me_names_the_agency_roles_and_person_of_the_token(hub):
    token = await hub.person_token("court.ha-noi.kv01", [Role.COURT_CLERK], "Lê Thị Hoa")
    answer = await hub.client(token)(ME)
    assert answer.status == 200
    assert answer.data["me"] == {
        "agencyCode": "court.ha-noi.kv01",
        "roles": ["COURT_CLERK"],
        "person": "Lê Thị Hoa",
        "agency": {"name": "Tòa án nhân dân khu vực 1 - Hà Nội"},
    }


async def _status_and_message(hub, token):
    answer = await hub.client(token)(ME)
    return answer.status, answer.errors[0]["message"] if answer.errors else None


async def test_request_without_token_is_401_with_a_clear_message(hub):
    status, message = await _status_and_message(hub, None)
    assert status == 401
    assert "Bearer" in message


async def test_expired_token_is_401(hub):
    token = hub.token("court.ha-noi.kv01", [Role.COURT_CLERK], ttl_s=60, now=Clock().wall().timestamp() - 3600)
    assert await _status_and_message(hub, token) == (401, "the token has expired")


async def test_token_signed_by_another_key_is_401(hub):
    forged = TokenIssuer(Ed25519PrivateKey.generate(), hub.settings.token_issuer, hub.settings.token_audience)
    token = forged.issue("ministry.justice", [Role.MINISTRY])
    assert await _status_and_message(hub, token) == (401, "the token's signature does not verify")


async def test_token_of_an_unknown_issuer_is_401(hub):
    stranger = TokenIssuer(Ed25519PrivateKey.generate(), "someone-else", hub.settings.token_audience)
    status, message = await _status_and_message(hub, stranger.issue("ministry.justice", [Role.MINISTRY]))
    assert status == 401
    assert "someone-else" in message


async def test_garbage_token_is_401(hub):
    assert await _status_and_message(hub, "not.a.jwt") == (401, "the token is not a well-formed JWT")


async def test_token_for_another_audience_is_401(hub):
    elsewhere = TokenIssuer.from_file(hub.settings.issuer_private_key, hub.settings.token_issuer, "another-hub")
    assert await _status_and_message(hub, elsewhere.issue("ministry.justice", [Role.MINISTRY])) == (
        401,
        f"the token is not meant for this hub (audience must be {hub.settings.token_audience!r})",
    )


async def test_unsigned_alg_none_token_is_401(hub):
    claims = jwt.decode(hub.token("ministry.justice", [Role.MINISTRY]), options={"verify_signature": False})
    token = jwt.encode(claims, None, algorithm="none")
    assert await _status_and_message(hub, token) == (
        401,
        "the token's algorithm 'none' is not accepted (only EdDSA and ES256)",
    )


@pytest.mark.parametrize(
    ("claim", "value"),
    [("exp", "9999999999"), ("exp", True), ("nbf", "0"), ("iat", [1]), ("exp", None)],
)
async def test_a_token_whose_dates_are_not_numbers_is_401_naming_the_claim(hub, claim, value):
    """exp/nbf/iat are NumericDates: a string exp passed PyJWT's check and its subscription never closed."""
    issuer = TokenIssuer.from_file(
        hub.settings.issuer_private_key, hub.settings.token_issuer, hub.settings.token_audience
    )
    claims = jwt.decode(hub.token("ministry.justice", [Role.MINISTRY]), options={"verify_signature": False})
    token = jwt.encode({**claims, claim: value}, issuer.private_key, algorithm="EdDSA")
    assert await _status_and_message(hub, token) == (
        401,
        f"the token's {claim!r} must be a number of seconds since 1970 (NumericDate), not {value!r}",
    )


async def test_token_whose_alg_does_not_match_the_issuers_key_is_401(hub):
    es256 = KeySigner.new("ES256", hub.settings.token_issuer)
    status, message = await _status_and_message(hub, es256.token("ministry.justice", [Role.MINISTRY]))
    assert (status, message) == (401, "the token's algorithm 'ES256' does not match the issuer's key (EdDSA)")


def _a_dissolved_district_court(hub) -> Agency:
    organisation = {a.code: a for a in load_organisation(hub.settings.data_dir)}
    today = Clock().today()
    court = next(
        a
        for a in organisation.values()
        if a.kind is AgencyKind.COURT and a.level is AgencyLevel.DISTRICT and a.valid_to and a.valid_to < today
    )
    assert court.successor_code
    assert organisation[court.successor_code].is_active(today)
    return court


async def test_token_of_a_dissolved_agency_is_401_naming_the_date_and_the_successor(hub):
    court = _a_dissolved_district_court(hub)
    token = hub.token(court.code, [Role.COURT_CLERK])
    assert await _status_and_message(hub, token) == (
        401,
        f"agency {court.code} was dissolved on {court.valid_to.isoformat()}; "
        f"its work passed to {court.successor_code}: use a token of that agency",
    )


async def test_token_of_an_unknown_agency_is_401(hub):
    status, message = await _status_and_message(hub, hub.token("court.nowhere", [Role.COURT_CLERK]))
    assert status == 401
    assert message.startswith("unknown agency court.nowhere")


async def test_websocket_with_a_token_of_a_dissolved_agency_is_refused(hub):
    token = hub.token(_a_dissolved_district_court(hub).code, [Role.COURT_CLERK])
    async with hub.open_socket() as ws:
        with pytest.raises(ConnectionClosed) as rejected:
            await ws.init({"Authorization": f"Bearer {token}"})
    assert rejected.value.code == 4403


class TestJwksIssuer:
    """A hub process on the test hub's database, trusting an issuer that publishes ES256 keys as a JWKS.

    A process, not the hub of tests/fixtures/hub.py: the test restarts it and reads its log.
    """

    @pytest.fixture
    async def http(self) -> AsyncIterator[aiohttp.ClientSession]:
        async with aiohttp.ClientSession() as session:
            yield session

    @staticmethod
    async def _start(settings: Settings, log_dir: Path) -> HubProcess:
        # In a thread: the JWKS server the hub fetches from at start runs on this test's event loop.
        return await asyncio.to_thread(HubProcess(settings, log_dir).start)

    async def test_an_es256_token_is_accepted_and_still_after_the_jwks_goes_down_and_the_hub_restarts(
        self, hub, http, tmp_path
    ):
        issuer = f"https://sso-{uuid.uuid4().hex[:8]}.test"
        signer = KeySigner.new("ES256", issuer)
        server = await JwksServer([signer]).start()
        settings = replace(
            hub.settings,
            port=free_port(),
            jwks_issuers={issuer: server.url},
            jwks_min_interval_s=5.0,
            overdue_every_s=0,
            webhooks=replace(hub.settings.webhooks, enabled=False),
        )
        await hub.register_person("Lê Thị Hoa", "court.ha-noi.kv01", [Role.COURT_CLERK])  # the registry grants it
        token = signer.token("court.ha-noi.kv01", [Role.COURT_CLERK], person="Lê Thị Hoa")
        process = await self._start(settings, tmp_path / "first")
        try:
            client = GraphQLClient(http, process.url, token)
            answer = await client(ME)
            assert (answer.status, answer.data["me"]["agencyCode"]) == (200, "court.ha-noi.kv01")
            assert server.requests == 1

            await server.stop()
            answer = await client(ME)
            assert (answer.status, answer.data["me"]["person"]) == (200, "Lê Thị Hoa")
        finally:
            await asyncio.to_thread(process.stop)

        process = await self._start(replace(settings, port=free_port()), tmp_path / "restarted")
        try:
            answer = await GraphQLClient(http, process.url, token)(ME)
            assert (answer.status, answer.data["me"]["agencyCode"]) == (200, "court.ha-noi.kv01")
            forged = KeySigner.new("ES256", issuer, kid=signer.kid).token("ministry.justice", [Role.MINISTRY])
            refused = await GraphQLClient(http, process.url, forged)(ME)
            assert (refused.status, refused.errors[0]["message"]) == (401, "the token's signature does not verify")
        finally:
            await asyncio.to_thread(process.stop)
        assert (
            "unreachable at start; serving with the 1 cached key(s)"
            in (tmp_path / "restarted" / "hub.stderr.log").read_text()
        )


async def test_an_open_subscription_ends_when_its_token_expires(hub):
    # Expired 25 s ago: still inside the verifier's 30 s leeway, so accepted, and due to end within seconds.
    token = hub.token("court.ha-noi.kv01", [Role.COURT_CLERK], ttl_s=60, now=Clock().wall().timestamp() - 85)
    async with hub.websocket(token=token) as ws:
        await ws.subscribe(
            "subscription ($office: ID!) { transferEvents(office: $office) { cursor } }",
            {"office": "court.ha-noi.kv01"},
        )
        closed = await ws.wait_closed(timeout=30)
    assert closed.code == 4403
    assert "expired" in closed.reason


async def test_a_subscription_with_a_long_lived_token_stays_open(hub):
    token = hub.token("court.ha-noi.kv01", [Role.COURT_CLERK], ttl_s=3600)
    async with hub.websocket(token=token) as ws:
        await ws.subscribe(
            "subscription ($office: ID!) { transferEvents(office: $office) { cursor } }",
            {"office": "court.ha-noi.kv01"},
        )
        await ws.ping()  # the connection still answers after the subscription started
