"""Refusals before and around the schema are told in the request's language (issue 22).

A token missing or expired (``Authenticate``, 401) and a mistake in a report download's
parameters (``/reports/committee.csv``, 400) answer in Vietnamese to ``Accept-Language: vi``,
from the catalogue (``domain/messages/vi.po``), with the same status and code as in English.

No hub: a small app of the report routes behind ``Authenticate`` with a :class:`TokenVerifier`
over one key and a small organisation. A parameter mistake is refused before the report reads
anything, so no hub state is needed either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import jwt
import orjson
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import Scope

from domain.access import Role
from domain.clock import Clock
from domain.messages import VIETNAMESE, tell
from domain.role_holders import RefusedRole
from domain.types import Agency, AgencyKind, AgencyLevel
from gateway.authority import refusal_message
from gateway.identity import TokenIssuer, TokenVerifier
from gateway.middleware import Authenticate
from gateway.reports.routes import report_routes

ISSUER = "lienthong-test"
AUDIENCE = "lienthong"
COMMITTEE = "committee.ha-noi"
ORGANISATION = {
    COMMITTEE: Agency(
        COMMITTEE,
        AgencyKind.COMMITTEE,
        AgencyLevel.PROVINCIAL,
        "Ban Chỉ đạo thi hành án dân sự thành phố Hà Nội",
        "ha-noi",
        None,
        date(2008, 7, 1),
    )
}
KEY = Ed25519PrivateKey.generate()
TOKENS = TokenIssuer(KEY, ISSUER, AUDIENCE)
VIETNAMESE_ASKED = {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
REPORT = "/reports/committee.csv"
BAD_YEAR = {"province": "ha-noi", "year": "abc", "months": "6"}


def _app() -> Starlette:
    verifier = TokenVerifier(
        AUDIENCE,
        static_keys={ISSUER: jwt.PyJWK(OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "EdDSA")},
        jwks={},
        agencies=ORGANISATION,
    )

    def verifier_of(scope: Scope) -> TokenVerifier:
        return verifier

    return Starlette(
        routes=report_routes(),
        middleware=[Middleware(Authenticate, verifier=verifier_of, ide_enabled=False)],
    )


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


async def _refusal(
    http: httpx.AsyncClient, token: str | None, headers: dict[str, str], params: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Status, code and message of a refused download."""
    sent = dict(headers)
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    answer = await http.get(
        REPORT, params=params or {"province": "ha-noi", "year": "2026", "months": "6"}, headers=sent
    )
    error: dict[str, Any] = orjson.loads(answer.content)["errors"][0]
    return answer.status_code, error["extensions"]["code"], error["message"]


def _expired() -> str:
    return TOKENS.issue(COMMITTEE, [Role.COMMITTEE], ttl_s=60, now=Clock().wall().timestamp() - 3600)


async def test_an_expired_token_is_refused_in_vietnamese_when_asked_with_the_same_status_and_code(http) -> None:
    assert await _refusal(http, _expired(), {}) == (401, "UNAUTHENTICATED", "the token has expired")
    assert await _refusal(http, _expired(), VIETNAMESE_ASKED) == (
        401,
        "UNAUTHENTICATED",
        "mã thông báo (token) đã hết hạn",
    )


async def test_a_request_without_a_token_is_refused_in_vietnamese_when_asked(http) -> None:
    english = await _refusal(http, None, {})
    vietnamese = await _refusal(http, None, {"Accept-Language": "vi"})
    assert english[:2] == vietnamese[:2] == (401, "UNAUTHENTICATED")
    assert english[2].startswith("no credentials: send 'Authorization: Bearer <token>'")
    assert vietnamese[2].startswith("chưa có thông tin xác thực: hãy gửi tiêu đề 'Authorization: Bearer <token>'")


async def test_a_report_download_refuses_a_bad_parameter_in_vietnamese_when_asked(http) -> None:
    token = TOKENS.issue(COMMITTEE, [Role.COMMITTEE])
    assert await _refusal(http, token, {"Accept-Language": "en"}, BAD_YEAR) == (
        400,
        "BAD_USER_INPUT",
        "year must be a whole number, not 'abc'",
    )
    assert await _refusal(http, token, VIETNAMESE_ASKED, BAD_YEAR) == (
        400,
        "BAD_USER_INPUT",
        "tham số year phải là số nguyên, không phải 'abc'",
    )


def test_a_role_refused_by_the_registry_is_told_in_vietnamese() -> None:
    refused = [RefusedRole(Role.MINISTRY, "kind"), RefusedRole(Role.AUDITOR, "grant")]
    message = refusal_message(refused, "sys-1", ORGANISATION[COMMITTEE])
    assert message == (
        "An agency of kind committee (committee.ha-noi) cannot hold the role ministry; "
        "the role auditor is not granted to 'sys-1' there."
    )
    assert tell(message, VIETNAMESE) == (
        "Cơ quan committee.ha-noi (loại committee) không được giữ vai trò ministry; "
        "vai trò auditor chưa được cấp cho 'sys-1' tại cơ quan này."
    )
