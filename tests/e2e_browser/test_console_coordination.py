"""Viện kiểm sát and Phối hợp in a real browser, signed in through the provider.

As in test_console_dashboard.py: the hub (tests/fixtures/hub.py, SQLite) is served by uvicorn on 127.0.0.1 at a
port chosen before the demo's OpenID Connect provider starts; Debian's Chromium, driven by Playwright
(tests/support/browser.py), signs in at the provider's form; every request to another host is aborted. A
prosecutor sends a recommendation from Viện kiểm sát with the page's form (no script); the office's clerk
finds it under Phối hợp → Yêu cầu đến and answers it; the prosecutor then reads the answer on Viện kiểm sát.
axe-core finds nothing serious or critical on /vien-kiem-sat, /phoi-hop and a request's page; 1366×768
screenshots are kept in the test's folder (and, with ``LIENTHONG_TOUR_IMAGES=1``, in docs/images/).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import Browser, Page, Request, Route, ViewportSize, async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from gateway.settings import OidcSettings
from tests.fixtures.hub import Hub, hub_for
from tests.fixtures.oidc_provider import PASSWORD, running_provider
from tests.support.browser import LAUNCH_ARGS, chromium

pytestmark = pytest.mark.e2e

PROSECUTOR = Account("coordination.browser.procuracy", "Vũ Thu Trang")
CLERK = Account("coordination.browser.clerk", "Lê Thị Hoa")
PROCURACY = "procuracy.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
REPLY = "Phòng đã khắc phục: quyết định thi hành án chủ động được ban hành đúng hạn từ tháng 12."
WAIT_MS = 30_000  # a bound for a slow machine, not a measure: each wait ends as soon as the page is there
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "console" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
TOUR = ROOT / "docs" / "images"
PAGES = ("procuracy", "coordination", "coordination-request")
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
    log_dir = tmp_path_factory.mktemp("oidc-provider-coordination")
    with running_provider([PROSECUTOR, CLERK], f"http://127.0.0.1:{port}/dang-nhap/xong", log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest, provider: DemoProvider, port: int) -> AsyncIterator[Hub]:
    """The hub, its prosecutor and clerk registered, listening on 127.0.0.1:``port``."""
    base = f"http://127.0.0.1:{port}"
    async with hub_for(
        request, "coordination-browser", oidc=OidcSettings(issuer=provider.issuer), public_url=base
    ) as hub:
        await hub.register_person(PROSECUTOR.sub, PROCURACY, (Role.PROCURACY,))
        await hub.register_person(CLERK.sub, OFFICE, (Role.ENFORCEMENT_CLERK,))
        config = uvicorn.Config(
            hub.app, host="127.0.0.1", port=port, lifespan="off", log_config=None, log_level="warning"
        )
        server = _Server(config)
        serving = asyncio.create_task(server.serve(), name="coordination-browser-hub")
        try:
            async with asyncio.timeout(WAIT_MS / 1000):
                while not server.started:
                    if serving.done():
                        serving.result()
                    await asyncio.sleep(0.01)
            yield hub
        finally:
            server.should_exit = True
            server.force_exit = True
            await serving


def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing in CI: `make test` runs npm ci in console/assets")
        pytest.skip("axe-core is not installed: cd console/assets && npm ci --ignore-scripts")
    return AXE.read_text(encoding="utf-8")


async def _check(page: Page, axe: str, shots: Path, name: str) -> list[str]:
    """What the page's policy refused, and axe-core's serious and critical findings on it."""
    await page.screenshot(path=shots / f"console-{name}.png")
    refused: list[str] = await page.evaluate("window.__refused")
    await page.evaluate(axe)
    found: list[str] = await page.evaluate(SERIOUS)
    return [f"{name}: refused {what}" for what in refused] + [f"{name}: {finding}" for finding in found]


class _Browsing:
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

    async def signed_in(self, base: str, account: Account) -> Page:
        """A fresh browser context (its own cookies) signed in as ``account`` through the provider's form."""
        context = await self.browser.new_context(viewport=VIEWPORT, locale="vi-VN")
        page = await context.new_page()
        await page.route("**/*", self.only_loopback)
        await page.add_init_script(WATCH_POLICY)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        await page.goto(f"{base}/")
        await page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh").click()
        await page.get_by_label(account.sub, exact=False).check(timeout=WAIT_MS)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page.get_by_role("heading", name=f"Xin chào, {account.sub}")).to_be_visible(timeout=WAIT_MS)
        return page


async def test_a_prosecutor_sends_a_recommendation_the_office_answers_it_and_the_prosecutor_reads_the_answer(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = _axe_source()
    base = f"http://127.0.0.1:{port}"
    subject = f"Kiến nghị về thời hạn ra quyết định {uuid.uuid4().hex[:8]}"
    findings: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = _Browsing(browser)
        try:
            prosecutor = await browsing.signed_in(base, PROSECUTOR)
            menu = prosecutor.get_by_role("navigation", name="Chức năng")
            await menu.get_by_role("link", name="Viện kiểm sát").click()
            await expect(prosecutor.get_by_role("heading", name="Kiểm sát thi hành án dân sự")).to_be_visible(
                timeout=WAIT_MS
            )
            findings += await _check(prosecutor, axe, tmp_path, "procuracy")
            await prosecutor.get_by_label("Loại yêu cầu").select_option("PROCURACY_RECOMMENDATION")
            await prosecutor.get_by_label("Gửi đến").select_option(OFFICE)
            await prosecutor.get_by_label("Trích yếu").fill(subject)
            await prosecutor.get_by_label("Nội dung").fill("Đề nghị khắc phục việc chậm ra quyết định chủ động.")
            await prosecutor.get_by_role("button", name="Gửi yêu cầu").click()
            await expect(prosecutor.get_by_role("status")).to_contain_text("Đã gửi yêu cầu.", timeout=WAIT_MS)

            clerk = await browsing.signed_in(base, CLERK)
            await clerk.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Phối hợp").click()
            await expect(clerk.get_by_role("heading", name="Phối hợp liên ngành")).to_be_visible(timeout=WAIT_MS)
            findings += await _check(clerk, axe, tmp_path, "coordination")
            await clerk.get_by_role("link", name=subject).click()
            await expect(clerk.get_by_role("heading", name="Xử lý yêu cầu")).to_be_visible(timeout=WAIT_MS)
            findings += await _check(clerk, axe, tmp_path, "coordination-request")
            await clerk.get_by_label("Trả lời", exact=True).check()
            await clerk.get_by_label("Nội dung trả lời", exact=False).fill(REPLY)
            await clerk.get_by_role("button", name="Thực hiện").click()
            await expect(clerk.get_by_role("status")).to_contain_text("Đã gửi câu trả lời.", timeout=WAIT_MS)

            await prosecutor.goto(f"{base}/vien-kiem-sat")
            row = prosecutor.get_by_role("row").filter(has_text=subject)
            await expect(row).to_contain_text("Đã trả lời", timeout=WAIT_MS)
            await expect(row).to_contain_text(REPLY)
        finally:
            await browser.close()

    if os.environ.get("LIENTHONG_TOUR_IMAGES") == "1":
        TOUR.mkdir(parents=True, exist_ok=True)
        for name in PAGES:
            shutil.copyfile(tmp_path / f"console-{name}.png", TOUR / f"console-{name}.png")
    assert all((tmp_path / f"console-{name}.png").stat().st_size > 0 for name in PAGES)
    assert browsing.outside == []
    assert browsing.errors == []
    assert findings == []
