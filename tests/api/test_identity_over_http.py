"""Every request carries a principal from a signed token; anything else is 401 (except /healthz)."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.access import Role
from gateway.identity import TokenIssuer

pytestmark = pytest.mark.e2e

ME = "{ me { agencyCode roles person agency { name } } }"


async def test_healthz_needs_no_token(hub):
    async with hub.http.get(f"{hub.url}/healthz") as response:
        assert response.status == 200
        assert (await response.json()) == {"status": "ok"}


async def test_me_names_the_agency_roles_and_person_of_the_token(hub):
    token = hub.token("court.ha-noi.kv01", [Role.COURT_CLERK], person="Lê Thị Hoa")
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
    token = hub.token("court.ha-noi.kv01", [Role.COURT_CLERK], ttl_s=60, now=time.time() - 3600)
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
