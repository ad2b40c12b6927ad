"""The demo's own sign-in, when no provider is configured (``make demo`` without Node.js): demo mode only.

``GET /dang-nhap`` lists the registered people who hold a role, clearly labelled as a demo sign-in;
``POST /dang-nhap/thu`` opens a session for the one chosen, if the form's token matches the sealed cookie
the page set. A production hub has no such thing: no provider, no sign-in.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from domain.access import Role
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for

OFFICE = "enforcement.ha-noi.kv01"
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def demo_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A demo hub of this module's own: its registered people are this module's (the list shows the first 50)."""
    async with hub_for(request, "demo-signin") as hub:
        yield hub


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def production_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    async with hub_for(request, "production-signin", mode="production") as hub:
        yield hub


async def _chooser(hub: Hub) -> tuple[str, str, str]:
    """The demo sign-in page: its text, its form's token and the sealed cookie it set."""
    answer = await hub.http.get("/dang-nhap")
    assert answer.status_code == 200
    found = _TOKEN.search(answer.text)
    assert found is not None, "the page has no form token"
    return answer.text, found.group(1), answer.cookies["lienthong_signin"]


async def test_a_demo_without_a_provider_signs_in_a_registered_person_chosen_from_the_list(demo_hub: Hub) -> None:
    hub = demo_hub
    await hub.register_person("demo.fallback.clerk", OFFICE, (Role.ENFORCEMENT_CLERK,))
    text, token, sealed = await _chooser(hub)
    assert "chế độ demo" in text
    assert '<option value="demo.fallback.clerk">' in text

    answer = await hub.http.post(
        "/dang-nhap/thu",
        data={"token": token, "person": "demo.fallback.clerk"},
        headers={"Cookie": f"lienthong_signin={sealed}"},
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    session = answer.cookies["lienthong_session"]
    home = await hub.http.get("/", headers={"Cookie": f"lienthong_session={session}"})
    assert "Xin chào, demo.fallback.clerk" in home.text


@pytest.mark.parametrize("sealed_cookie", [False, True])
async def test_a_choice_without_the_pages_token_opens_no_session(hub: Hub, sealed_cookie: bool) -> None:
    await hub.register_person("demo.fallback.forged", OFFICE, (Role.ENFORCEMENT_CLERK,))
    _, token, sealed = await _chooser(hub)
    headers = {"Cookie": f"lienthong_signin={sealed}"} if sealed_cookie else {}
    answer = await hub.http.post(
        "/dang-nhap/thu", data={"token": "x" + token[1:], "person": "demo.fallback.forged"}, headers=headers
    )
    assert answer.status_code == 400
    assert "lienthong_session" not in answer.cookies


async def test_a_person_not_registered_is_not_signed_in(hub: Hub) -> None:
    _, token, sealed = await _chooser(hub)
    answer = await hub.http.post(
        "/dang-nhap/thu",
        data={"token": token, "person": "nobody.registered"},
        headers={"Cookie": f"lienthong_signin={sealed}"},
    )
    assert answer.status_code == 403
    assert "không có trong danh sách đăng nhập thử" in answer.text
    assert "lienthong_session" not in answer.cookies


async def test_production_without_a_provider_has_no_sign_in_and_no_demo_sign_in(production_hub: Hub) -> None:
    await production_hub.register_person("demo.fallback.prod", OFFICE, (Role.ENFORCEMENT_CLERK,))
    answer = await production_hub.http.get("/dang-nhap")
    assert answer.status_code == 503
    assert "Đăng nhập chưa được cấu hình" in answer.text
    demo = await production_hub.http.post("/dang-nhap/thu", data={"token": "t", "person": "demo.fallback.prod"})
    assert demo.status_code == 404
    assert "lienthong_session" not in demo.cookies
