"""The operator's page (Vận hành) in a real browser: signed in through the provider, a dead delivery redriven.

The hub (tests/fixtures/hub.py, SQLite) is served by uvicorn on 127.0.0.1 at a port chosen before the demo's
OpenID Connect provider starts (its redirect URI names it). Before the browser opens, a webhook delivery
dies the way a real one does (tests/support/operations.py: a receiver on 127.0.0.1 refusing every push
until the hub's retries are spent). Debian's Chromium, driven by Playwright (tests/support/browser.py),
signs in as the operator at the provider's own form, opens every part of Vận hành, finds the dead delivery
and redrives it ("Gửi lại"), sees it gone from the dead letters and delivered, and runs the audit chain
check to its result. Every request to any other host is aborted. On each part axe-core (console/assets,
run in the page) finds nothing serious or critical, and a 1366×768 screenshot of each is kept in the
test's folder; ``LIENTHONG_TOUR_IMAGES=1`` also writes three of them to docs/images/ for the README's tour.
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
from gateway.settings import OidcSettings
from tests.fixtures.hub import Hub, hub_for
from tests.fixtures.oidc_provider import PASSWORD, running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.operations import dead_delivery, deliveries, eventually

pytestmark = pytest.mark.e2e

MINISTRY = "ministry.justice"
OFFICE = "enforcement.can-tho.kv03"
COURT = "court.can-tho.kv03"
OPERATOR = Account("ops.browser.operator", "Lê Minh Vận")
WAIT_MS = 30_000  # a bound for a slow machine, not a measure: each wait ends as soon as the page is there
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "console" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
TOUR = ROOT / "docs" / "images"
TOUR_SHOTS = ("webhook", "nguoi", "nhat-ky")  # the parts the README's tour shows
PARTS = (  # the parts' links in the page's own menu, and the screenshot's name
    ("Cơ quan và cơ quan kế thừa", "co-quan"),
    ("Người dùng và quyền", "nguoi-dung"),
    ("Khóa ký số của tòa án", "khoa-toa-an"),
    ("Sẵn sàng và cầu dao", "san-sang"),
    ("Webhook và lần gửi hỏng", "webhook"),
)
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
    log_dir = tmp_path_factory.mktemp("oidc-provider-operations")
    with running_provider([OPERATOR], f"http://127.0.0.1:{port}/dang-nhap/xong", log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest, provider: DemoProvider, port: int) -> AsyncIterator[Hub]:
    """The hub, its operator registered, listening on 127.0.0.1:``port`` (its public URL)."""
    base = f"http://127.0.0.1:{port}"
    async with hub_for(
        request, "operations-browser", oidc=OidcSettings(issuer=provider.issuer), public_url=base
    ) as hub:
        await hub.register_person(OPERATOR.sub, MINISTRY, (Role.OPERATOR,))
        config = uvicorn.Config(
            hub.app, host="127.0.0.1", port=port, lifespan="off", log_config=None, log_level="warning"
        )
        server = _Server(config)
        serving = asyncio.create_task(server.serve(), name="operations-browser-hub")
        try:
            async with asyncio.timeout(WAIT_MS / 1000):
                while not server.started:
                    if serving.done():
                        serving.result()
                    await asyncio.sleep(0.01)
            yield hub
        finally:
            server.should_exit = True
            server.force_exit = True  # a progress stream may be open until its browser goes
            await serving


def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} is missing in CI: `make test` runs npm ci in console/assets")
        pytest.skip("axe-core is not installed: cd console/assets && npm ci --ignore-scripts")
    return AXE.read_text(encoding="utf-8")


async def _check(page: Page, axe: str, shots: Path, name: str) -> list[str]:
    """What the page's policy refused, and axe-core's serious and critical findings on it (axe is evaluated,
    not added as a <script>: the page's policy allows none inline)."""
    await page.screenshot(path=shots / f"console-van-hanh-{name}.png")
    refused: list[str] = await page.evaluate("window.__refused")
    await page.evaluate(axe)
    found: list[str] = await page.evaluate(SERIOUS)
    return [f"{name}: refused {what}" for what in refused] + [f"{name}: {finding}" for finding in found]


async def test_an_operator_finds_a_dead_delivery_redrives_it_and_checks_the_audit_chain(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = _axe_source()
    base = f"http://127.0.0.1:{port}"
    outside: list[str] = []
    errors: list[str] = []
    findings: list[str] = []
    shots = ["van-hanh", *(name for _, name in PARTS), "nguoi", "nhat-ky"]

    async def only_loopback(route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            outside.append(request.url)
            await route.abort("internetdisconnected")

    async with dead_delivery(served, OFFICE, COURT) as dead, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        try:
            page = await browser.new_page(viewport=VIEWPORT)
            await page.route("**/*", only_loopback)
            await page.add_init_script(WATCH_POLICY)
            page.on("pageerror", lambda error: errors.append(str(error)))

            await page.goto(f"{base}/")
            await page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh").click()
            await page.get_by_label(OPERATOR.sub, exact=False).check(timeout=WAIT_MS)
            await page.get_by_label("Mật khẩu").fill(PASSWORD)
            await page.get_by_role("button", name="Đăng nhập").click()
            await expect(page.get_by_role("heading", name=f"Xin chào, {OPERATOR.sub}")).to_be_visible(timeout=WAIT_MS)

            await page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Vận hành").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Vận hành hệ thống Liên thông")
            findings += await _check(page, axe, tmp_path, "van-hanh")

            parts = page.get_by_role("navigation", name="Các phần của trang Vận hành")
            for title, name in PARTS:
                await page.get_by_role("link", name=title).first.click()
                await expect(page.get_by_role("heading", level=1)).to_have_text(title, timeout=WAIT_MS)
                await expect(parts.get_by_role("link", name=title)).to_have_attribute("aria-current", "page")
                findings += await _check(page, axe, tmp_path, name)
                if name == "nguoi-dung":
                    await page.get_by_role("link", name=OPERATOR.sub).click()
                    await expect(page.get_by_role("heading", level=1)).to_have_text(OPERATOR.sub, timeout=WAIT_MS)
                    findings += await _check(page, axe, tmp_path, "nguoi")

            # on the webhook part now, dead letters shown by default
            row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=dead.id, exact=True))
            await expect(row).to_contain_text(dead.transfer_id)
            dead.receiver.down = False  # the office's system is back: the redriven delivery can arrive
            await row.get_by_role("button", name=f"Gửi lại lần gửi {dead.id}").click()
            await expect(page.get_by_role("status")).to_have_text("Đã đưa lại vào hàng đợi gửi.", timeout=WAIT_MS)
            await expect(row).to_have_count(0)

            async def delivered() -> bool:
                found = await deliveries(dead.office, "DELIVERED", dead.webhook)
                return any(d["id"] == dead.id for d in found)

            await eventually(delivered, "the redriven delivery delivered")
            await page.get_by_label("Trạng thái").select_option("DELIVERED")
            await page.get_by_role("button", name="Lọc").click()
            await expect(
                page.get_by_role("row").filter(has=page.get_by_role("cell", name=dead.id, exact=True))
            ).to_contain_text("Đã gửi được", timeout=WAIT_MS)

            await parts.get_by_role("link", name="Kiểm tra nhật ký").click()
            await page.get_by_role("button", name="Kiểm tra chuỗi nhật ký").click()
            await expect(page.locator("dd.result")).to_contain_text("Chuỗi nhật ký nguyên vẹn", timeout=WAIT_MS)
            findings += await _check(page, axe, tmp_path, "nhat-ky")
        finally:
            await browser.close()

    if os.environ.get("LIENTHONG_TOUR_IMAGES") == "1":
        TOUR.mkdir(parents=True, exist_ok=True)
        for name in TOUR_SHOTS:
            shutil.copyfile(tmp_path / f"console-van-hanh-{name}.png", TOUR / f"console-van-hanh-{name}.png")
    assert all((tmp_path / f"console-van-hanh-{name}.png").stat().st_size > 0 for name in shots)
    assert outside == []  # nothing but the hub and the provider, both on 127.0.0.1, was asked for
    assert errors == []
    assert findings == []
