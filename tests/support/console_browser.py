"""What the console's browser tests share: the hub served on 127.0.0.1, a browser that reaches nothing else,
sign-in through the provider's own form, and each page's check (its policy's refusals, axe-core, a screenshot).

The hub (tests/fixtures/hub.py) is served by uvicorn on 127.0.0.1 at a port chosen before the demo's
OpenID Connect provider starts (its redirect URI names it); Debian's Chromium is driven by Playwright
(tests/support/browser.py); every request to another host is aborted and counted. axe-core comes from the
console's own npm packages (console/assets), evaluated in the page (the page's policy allows no inline
script). ``LIENTHONG_TOUR_IMAGES=1`` lets a test copy its screenshots to docs/images/ for the README's tour.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.async_api import Browser, Page, Request, Route, ViewportSize, expect

from agencies.oidc_provider.process import Account
from console.sessions import COOKIE
from domain.access import Role
from gateway import commands
from gateway.settings import OidcSettings
from ledger.console_sessions import ConsoleSessions
from tests.fixtures.hub import Hub, hub_for
from tests.fixtures.oidc_provider import PASSWORD
from tests.support.court_client import SUBMIT, CourtSigner

WAIT_MS: Final = 30_000  # a bound for a slow machine, not a measure: each wait ends as soon as the page is there
VIEWPORT: Final[ViewportSize] = {"width": 1366, "height": 768}
ROOT: Final = Path(__file__).resolve().parents[2]
AXE: Final = ROOT / "console" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
TOUR: Final = ROOT / "docs" / "images"
SERIOUS: Final = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""
WATCH_POLICY: Final = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(e.violatedDirective + " " + e.blockedURI);
});
"""


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the signals of the test process stay pytest's


@contextlib.asynccontextmanager
async def served_hub(
    request: pytest.FixtureRequest,
    name: str,
    issuer: str | None,
    port: int,
    people: Iterable[tuple[Account, str, Sequence[Role]]],
) -> AsyncIterator[Hub]:
    """The hub of ``request``'s database, ``people`` registered (account, agency, roles), listening on
    127.0.0.1:``port`` (its public URL) with sign-in through ``issuer`` (None: no provider; sessions are
    then opened by the test itself, ``session_cookie``)."""
    base = f"http://127.0.0.1:{port}"
    async with hub_for(request, name, oidc=OidcSettings(issuer=issuer), public_url=base) as hub:
        for account, agency, roles in people:
            await hub.register_person(account.sub, agency, roles)
        config = uvicorn.Config(
            hub.app, host="127.0.0.1", port=port, lifespan="off", log_config=None, log_level="warning"
        )
        server = _Server(config)
        serving = asyncio.create_task(server.serve(), name=f"{name}-hub")
        try:
            async with asyncio.timeout(WAIT_MS / 1000):
                while not server.started:
                    if serving.done():
                        serving.result()
                    await asyncio.sleep(0.01)
            yield hub
        finally:
            server.should_exit = True
            server.force_exit = True  # a live page's stream is open until its browser goes
            await serving


async def session_cookie(hub: Hub, person: str) -> dict[str, Any]:
    """A console session for the registered ``person``, as the sign-in opens it, as a browser cookie."""
    session = await ConsoleSessions(hub.state.sessions, hub.clock).open(person)
    return {"name": COOKIE, "value": session.id, "domain": "127.0.0.1", "path": "/", "httpOnly": True}


async def transferred(hub: Hub, court: str) -> str:
    """A judgment ``court`` submits through the hub's API (its key registered first); the transfer's id."""
    signer = CourtSigner.new(court)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    client = hub.client(hub.token(court, [Role.COURT_CLERK]))
    answer = await client(SUBMIT, signer.signed_variables(signer.submission()))
    assert answer.data is not None, answer.errors
    transfer_id: str = answer.data["submitJudgment"]["transfer"]["id"]
    return transfer_id


def axe_source() -> str:
    """axe-core's script, or a skip (a failure in CI, where `make test` installs it)."""
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing in CI: `make test` runs npm ci in console/assets")
        pytest.skip("axe-core is not installed: cd console/assets && npm ci --ignore-scripts")
    return AXE.read_text(encoding="utf-8")


async def check(page: Page, axe: str, shots: Path, name: str) -> list[str]:
    """What the page's policy refused, and axe-core's serious and critical findings on it; a 1366×768
    screenshot ``console-<name>.png`` in ``shots``."""
    await page.screenshot(path=shots / f"console-{name}.png")
    refused: list[str] = await page.evaluate("window.__refused")
    await page.evaluate(axe)
    found: list[str] = await page.evaluate(SERIOUS)
    return [f"{name}: refused {what}" for what in refused] + [f"{name}: {finding}" for finding in found]


def copy_to_tour(shots: Path, names: Iterable[str]) -> None:
    """With ``LIENTHONG_TOUR_IMAGES=1``, the screenshots ``names`` to docs/images/ for the README's tour."""
    if os.environ.get("LIENTHONG_TOUR_IMAGES") != "1":
        return
    TOUR.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(shots / f"console-{name}.png", TOUR / f"console-{name}.png")


class Browsing:
    """A browser that reaches only 127.0.0.1, collecting what it was refused and the pages' errors."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.outside: list[str] = []
        self.errors: list[str] = []

    async def only_loopback(self, route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            self.outside.append(request.url)
            await route.abort("internetdisconnected")

    async def page(self) -> Page:
        """A page in a fresh browser context (its own cookies), watched."""
        context = await self.browser.new_context(viewport=VIEWPORT, locale="vi-VN", accept_downloads=True)
        page = await context.new_page()
        await page.route("**/*", self.only_loopback)
        await page.add_init_script(WATCH_POLICY)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    async def signed_in(self, base: str, account: Account, greeted_as: str | None = None) -> Page:
        """A fresh context signed in as ``account`` through the provider's form, greeted on the home page
        (as ``greeted_as``: the registry's name; the account's id by default)."""
        page = await self.page()
        await page.goto(f"{base}/")
        await sign_in(page, account, greeted_as)
        return page


async def sign_in(page: Page, account: Account, greeted_as: str | None = None) -> None:
    """From the console's sign-in page, through the provider's form, to the greeting."""
    await page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh").click()
    await page.get_by_label(account.sub, exact=False).check(timeout=WAIT_MS)
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()
    greeting = f"Xin chào, {greeted_as or account.sub}"
    await expect(page.get_by_role("heading", name=greeting)).to_be_visible(timeout=WAIT_MS)
