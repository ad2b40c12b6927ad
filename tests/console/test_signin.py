"""Signing in to the console through a real OpenID Connect provider (the demo's, a Node.js process).

The test's browser is one httpx client: requests to ``http://hub.test`` go to the hub in this process, all
others over the network to the provider, cookies kept per site. It posts the provider's sign-in form as a
person would; the hub alone talks to the provider for discovery, the token exchange and the keys.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from gateway.settings import OidcSettings
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import BASE_URL, Hub, hub_for
from tests.fixtures.oidc_provider import PASSWORD, running_provider

CLERK = Account("signin.clerk", "Nguyễn Thị Lan")
STRANGER = Account("signin.stranger", "Người Lạ")  # known to the provider, not to the registry
LEAVING = Account("signin.leaving", "Trần Văn Minh")
REPLAY = Account("signin.replay", "Lê Thu Hà")
CALLBACK = f"{BASE_URL}/dang-nhap/xong"
SECRET = "the-hubs-client-secret-at-the-provider"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoProvider]:
    log_dir: Path = tmp_path_factory.mktemp("oidc-provider")
    with running_provider([CLERK, STRANGER, LEAVING, REPLAY], CALLBACK, log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def signin_hub(request: pytest.FixtureRequest, provider: DemoProvider) -> AsyncIterator[Hub]:
    async with hub_for(request, "signin-hub", oidc=OidcSettings(issuer=provider.issuer), public_url=BASE_URL) as hub:
        for account in (CLERK, LEAVING, REPLAY):
            await hub.register_person(account.sub, "court.ha-noi.kv01", (Role.COURT_CLERK,))
        yield hub


@asynccontextmanager
async def _browser_for(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """One client: ``http://hub.test`` is the hub in this process, every other site is reached over the network."""
    async with httpx.AsyncClient(mounts={BASE_URL: httpx.ASGITransport(app=hub.app)}, timeout=30) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def browser(signin_hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    async with _browser_for(signin_hub) as client:
        yield client


async def _to_callback(browser: httpx.AsyncClient, account: Account) -> httpx.URL:
    """Start at the hub, sign in at the provider as ``account``; the URL the provider sends the browser back to."""
    form_page = await browser.get(f"{BASE_URL}/dang-nhap", follow_redirects=True)
    assert form_page.status_code == 200, form_page.text
    assert "demo" in form_page.text
    action = re.search(r'<form method="post" action="([^"]+)"', form_page.text)
    assert action is not None
    answer = await browser.post(
        form_page.url.join(action.group(1)), data={"account": account.sub, "password": PASSWORD}
    )
    while answer.is_redirect:
        target = answer.url.join(answer.headers["location"])
        if str(target).startswith(CALLBACK):
            return target
        answer = await browser.get(target)
    raise AssertionError(f"the provider did not send the browser back: {answer.status_code} {answer.text[:300]}")


def _session_cookie(browser: httpx.AsyncClient) -> str | None:
    return browser.cookies.get("lienthong_session", domain="hub.test")


async def test_a_registered_clerk_signs_in_and_is_greeted_on_the_home_page(
    browser: httpx.AsyncClient, signin_hub: Hub
) -> None:
    callback = await _to_callback(browser, CLERK)
    answer = await browser.get(callback)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    home = await browser.get(f"{BASE_URL}/")
    assert "Xin chào, signin.clerk" in home.text
    assert "thư ký tòa án" in home.text


async def test_the_session_cookie_is_http_only_and_same_site(browser: httpx.AsyncClient, signin_hub: Hub) -> None:
    answer = await browser.get(await _to_callback(browser, CLERK))
    session_cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("lienthong_session="))
    flags = {part.strip().lower() for part in session_cookie.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags  # the demo's plain http (production and https:// public URLs: Secure)


async def test_a_person_the_registry_does_not_know_is_refused_without_a_session(
    browser: httpx.AsyncClient, signin_hub: Hub
) -> None:
    answer = await browser.get(await _to_callback(browser, STRANGER))
    assert answer.status_code == 403
    assert "signin.stranger" in answer.text
    assert "chưa được giao vai trò nào trong Liên thông" in answer.text
    assert "người vận hành" in answer.text
    assert _session_cookie(browser) is None


async def test_a_tampered_state_is_refused(browser: httpx.AsyncClient, signin_hub: Hub) -> None:
    callback = await _to_callback(browser, CLERK)
    tampered = callback.copy_set_param("state", "not-the-state-we-sent")
    answer = await browser.get(tampered)
    assert answer.status_code == 400
    assert "Phiên đăng nhập không hợp lệ" in answer.text
    assert _session_cookie(browser) is None


async def test_a_callback_replayed_after_sign_in_is_refused(browser: httpx.AsyncClient, signin_hub: Hub) -> None:
    callback = await _to_callback(browser, REPLAY)
    sealed = browser.cookies.get("lienthong_signin", domain="hub.test")
    assert sealed is not None
    assert (await browser.get(callback)).status_code == 303
    again = await browser.get(callback)  # the sign-in cookie is spent
    assert again.status_code == 400

    browser.cookies.set("lienthong_signin", sealed, domain="hub.test", path="/dang-nhap")
    reused_code = await browser.get(callback)  # state matches again: the provider refuses the used code
    assert reused_code.status_code == 400
    assert "Không xác minh được danh tính" in reused_code.text


async def test_signing_out_ends_the_session_and_the_old_cookie_no_longer_works(
    browser: httpx.AsyncClient, signin_hub: Hub
) -> None:
    await browser.get(await _to_callback(browser, LEAVING))
    old = _session_cookie(browser)
    assert old is not None
    home = await browser.get(f"{BASE_URL}/")
    token = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert token is not None
    assert (await browser.post(f"{BASE_URL}/dang-xuat", data={"csrf": token.group(1)})).status_code == 303

    stale = await signin_hub.http.get("/", headers={"Cookie": f"lienthong_session={old}"})
    assert "Xin chào" not in stale.text
    assert "Đăng nhập" in stale.text

    again = await browser.get(f"{BASE_URL}/dang-nhap", follow_redirects=True)  # the provider still knows them
    assert "Mật khẩu" in again.text  # but asks again: the next person at this computer is not signed in as them


async def test_an_answer_the_provider_marks_as_an_error_is_a_vietnamese_page(signin_hub: Hub) -> None:
    answer = await signin_hub.http.get("/dang-nhap/xong", params={"error": "access_denied", "state": "x"})
    assert answer.status_code == 400
    assert "Nhà cung cấp định danh" in answer.text
    assert "Traceback" not in answer.text


@pytest.fixture(scope="module")
def confidential_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoProvider]:
    log_dir: Path = tmp_path_factory.mktemp("oidc-provider-confidential")
    with running_provider([CLERK], CALLBACK, log_dir, client_secret=SECRET) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def confidential_hub(request: pytest.FixtureRequest, confidential_provider: DemoProvider) -> AsyncIterator[Hub]:
    oidc = OidcSettings(issuer=confidential_provider.issuer, client_secret=SECRET)
    async with hub_for(request, "signin-confidential", oidc=oidc, public_url=BASE_URL) as hub:
        await hub.register_person(CLERK.sub, "court.ha-noi.kv01", (Role.COURT_CLERK,))
        yield hub


async def test_a_confidential_client_signs_in_with_its_secret(confidential_hub: Hub) -> None:
    async with _browser_for(confidential_hub) as browser:
        answer = await browser.get(await _to_callback(browser, CLERK))  # the provider wants the secret here
        assert answer.status_code == 303
        assert "Xin chào, signin.clerk" in (await browser.get(f"{BASE_URL}/")).text


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def hub_of_an_absent_provider(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async with hub_for(
        request, "signin-absent", oidc=OidcSettings(issuer=nobody, timeout_s=5), public_url=BASE_URL
    ) as hub:
        yield hub


async def test_a_provider_that_cannot_be_reached_is_a_vietnamese_page_not_a_500(hub_of_an_absent_provider: Hub) -> None:
    answer = await hub_of_an_absent_provider.http.get("/dang-nhap")
    assert answer.status_code == 502
    assert "Không liên lạc được với nhà cung cấp định danh" in answer.text
    assert not re.search(r"lienthong_signin=[^\";]", answer.headers.get("set-cookie", ""))  # none begun
