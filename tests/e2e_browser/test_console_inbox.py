"""The office clerk's inbox in a real browser: signed in through the provider, a new judgment arrives live.

The hub (tests/fixtures/hub.py) is served by uvicorn on 127.0.0.1 at a port chosen before the demo's
OpenID Connect provider starts (its redirect URI names it); Debian's Chromium, driven by Playwright
(tests/support/browser.py), signs in at the provider's own form, opens the inbox, and sees a judgment a
court submits meanwhile appear without a reload (the live inbox: console/pages/inbox_live.py), opens it
and registers it (Vào sổ); on a filtered page a later arrival is announced with a link to reload. Every request to any other host is aborted. On the home page, the inbox and
the transfer page axe-core (console/assets, run in the page) finds nothing serious or critical, and a
1366×768 screenshot of each is kept in the test's folder; ``LIENTHONG_TOUR_IMAGES=1`` also writes the
inbox and the transfer page to docs/images/ for the README's tour.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import Page, Request, Route, ViewportSize, async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from gateway import commands
from gateway.settings import OidcSettings
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.fixtures.oidc_provider import PASSWORD, running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
CLERK = Account("inbox.browser.clerk", "Phạm Thu Trang")
WAIT_MS = 30_000  # a bound for a slow machine, not a measure: each wait ends as soon as the page is there
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "console" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
TOUR = ROOT / "docs" / "images"
SERIOUS = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""
WATCH_POLICY = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(e.violatedDirective + " " + e.blockedURI);
});
"""


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the signals of the test process stay pytest's


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory, port: int) -> Iterator[DemoProvider]:
    log_dir = tmp_path_factory.mktemp("oidc-provider-browser")
    with running_provider([CLERK], f"http://127.0.0.1:{port}/dang-nhap/xong", log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def served(request: pytest.FixtureRequest, provider: DemoProvider, port: int) -> AsyncIterator[Hub]:
    """The hub, its clerk registered, listening on 127.0.0.1:``port`` (its public URL)."""
    base = f"http://127.0.0.1:{port}"
    async with hub_for(request, "console-browser", oidc=OidcSettings(issuer=provider.issuer), public_url=base) as hub:
        await hub.register_person(CLERK.sub, OFFICE, (Role.ENFORCEMENT_CLERK,))
        config = uvicorn.Config(
            hub.app, host="127.0.0.1", port=port, lifespan="off", log_config=None, log_level="warning"
        )
        server = _Server(config)
        serving = asyncio.create_task(server.serve(), name="console-browser-hub")
        try:
            async with asyncio.timeout(WAIT_MS / 1000):
                while not server.started:
                    if serving.done():
                        serving.result()
                    await asyncio.sleep(0.01)
            yield hub
        finally:
            server.should_exit = True
            server.force_exit = True  # the live inbox's stream is open until its browser goes
            await serving


async def _submitted(hub: Hub) -> str:
    """A judgment the court submits through the hub's API; its number."""
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    submission = signer.submission()
    answer = await court(SUBMIT, signer.signed_variables(submission))
    assert answer.data is not None, answer.errors
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == []
    number: str = submission.number
    return number


def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing in CI: `make test` runs npm ci in console/assets")
        pytest.skip("axe-core is not installed: cd console/assets && npm ci --ignore-scripts")
    return AXE.read_text(encoding="utf-8")


async def _check(page: Page, axe: str, shots: Path, name: str) -> list[str]:
    """What the page's policy refused, and axe-core's serious and critical findings on it (axe is evaluated,
    not added as a <script>: the page's policy allows none inline)."""
    await page.screenshot(path=shots / f"console-{name}.png")
    refused: list[str] = await page.evaluate("window.__refused")
    await page.evaluate(axe)
    found: list[str] = await page.evaluate(SERIOUS)
    return [f"{name}: refused {what}" for what in refused] + [f"{name}: {finding}" for finding in found]


async def test_a_clerk_sees_a_new_judgment_arrive_without_reloading_and_registers_it(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = _axe_source()
    base = f"http://127.0.0.1:{port}"
    first = await _submitted(served)  # the inbox has a table before the arrival
    outside: list[str] = []
    errors: list[str] = []
    findings: list[str] = []

    async def only_loopback(route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            outside.append(request.url)
            await route.abort("internetdisconnected")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        try:
            page = await browser.new_page(viewport=VIEWPORT)
            await page.route("**/*", only_loopback)
            await page.add_init_script(WATCH_POLICY)
            page.on("pageerror", lambda error: errors.append(str(error)))

            await page.goto(f"{base}/")
            await page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh").click()
            await page.get_by_label(CLERK.sub, exact=False).check(timeout=WAIT_MS)
            await page.get_by_label("Mật khẩu").fill(PASSWORD)
            await page.get_by_role("button", name="Đăng nhập").click()
            await expect(page.get_by_role("heading", name=f"Xin chào, {CLERK.sub}")).to_be_visible(timeout=WAIT_MS)
            assert urlsplit(page.url)[:3] == ("http", f"127.0.0.1:{port}", "/")
            findings += await _check(page, axe, tmp_path, "home")

            await page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Hộp thư đến").click()
            await expect(page.get_by_role("link", name=first)).to_be_visible(timeout=WAIT_MS)
            await page.evaluate("window.__samePage = true")

            arrived = await _submitted(served)
            new_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=arrived))
            await expect(new_row).to_be_visible(timeout=WAIT_MS)
            await expect(page.get_by_role("status")).to_contain_text("Có bản án mới", timeout=WAIT_MS)
            assert await page.evaluate("window.__samePage === true")  # no reload brought it
            findings += await _check(page, axe, tmp_path, "inbox")

            await new_row.get_by_role("link", name=arrived).click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text(arrived, timeout=WAIT_MS)
            findings += await _check(page, axe, tmp_path, "transfer")
            await page.get_by_role("button", name="Vào sổ").click()
            register = page.locator("dd.register")
            await expect(register).to_contain_text("Số ", timeout=WAIT_MS)
            await expect(register).to_contain_text("năm thống kê")

            await page.goto(f"{base}/hop-thu?trang-thai=ACKNOWLEDGED")  # a filtered page: no row is added to it
            await expect(page.get_by_role("link", name=arrived)).to_be_visible(timeout=WAIT_MS)
            later = await _submitted(served)
            await expect(page.get_by_role("status")).to_contain_text("Có bản án mới — tải lại", timeout=WAIT_MS)
            await expect(page.get_by_role("status").get_by_role("link", name="tải lại")).to_be_visible()
            await expect(page.get_by_role("link", name=later)).to_have_count(0)
            refused = await page.evaluate("window.__refused")  # the other pages': in their findings
        finally:
            await browser.close()

    if os.environ.get("LIENTHONG_TOUR_IMAGES") == "1" and served.kind == "sqlite":
        TOUR.mkdir(parents=True, exist_ok=True)
        for name in ("inbox", "transfer"):
            shutil.copyfile(tmp_path / f"console-{name}.png", TOUR / f"console-{name}.png")
    assert all((tmp_path / f"console-{name}.png").stat().st_size > 0 for name in ("home", "inbox", "transfer"))
    assert outside == []  # nothing but the hub and the provider, both on 127.0.0.1, was asked for
    assert errors == []
    assert refused == []
    assert findings == []
