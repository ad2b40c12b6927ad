"""The steering committee's dashboard and the personnel page in a real browser, signed in through the provider.

As in test_console_inbox.py: the hub (tests/fixtures/hub.py, SQLite) is served by uvicorn on 127.0.0.1 at a
port chosen before the demo's OpenID Connect provider starts; Debian's Chromium, driven by Playwright
(tests/support/browser.py), signs in at the provider's form; every request to another host is aborted. The
committee's person sees the report's charts, downloads the XLSX through the page's link (Playwright's
download event; the page's script follows it and says when it is saved) and finds in the workbook the rows
``committeeReport`` gives; the printable page opens from
the same session, and long unit names there and in the dashboard's table wrap a few words a line, not one. A
personnel department's person opens Tổ chức cán bộ. axe-core finds nothing serious or critical on
/bao-cao and /to-chuc-can-bo; 1366×768 screenshots are kept in the test's folder (and, with
``LIENTHONG_TOUR_IMAGES=1``, in docs/images/ for the README's tour).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
import uvicorn
from openpyxl import load_workbook
from playwright.async_api import Browser, BrowserContext, Page, Request, Route, ViewportSize, async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from domain.registers import statistical_year
from gateway.reports.exports import HEADER_ROW
from gateway.settings import OidcSettings
from tests.fixtures.hub import Hub, hub_for
from tests.fixtures.oidc_provider import PASSWORD, running_provider
from tests.support.browser import LAUNCH_ARGS, chromium

pytestmark = pytest.mark.e2e

COMMITTEE = Account("dashboard.browser.committee", "Đỗ Minh Châu")
PERSONNEL = Account("dashboard.browser.personnel", "Hoàng Thị Mai")
WAIT_MS = 30_000  # a bound for a slow machine, not a measure: each wait ends as soon as the page is there
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "console" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
TOUR = ROOT / "docs" / "images"
REPORT = """
query ($period: ReportPeriodInput!) {
  committeeReport(province: "ha-noi", period: $period) { missing period { label } rows { code name } }
}
"""
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
ONE_WORD_A_LINE = """(selector) => {  // names of 4 words or more set at fewer than 3 words a line
  const found = [];
  for (const cell of document.querySelectorAll(selector)) {
    const words = cell.textContent.trim().split(/\\s+/).length;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    if (words >= 4 && words / lines < 3) found.push(`${cell.textContent.trim()}: ${lines} lines`);
  }
  return found;
}"""


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the signals of the test process stay pytest's


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory, port: int) -> Iterator[DemoProvider]:
    log_dir = tmp_path_factory.mktemp("oidc-provider-dashboard")
    with running_provider([COMMITTEE, PERSONNEL], f"http://127.0.0.1:{port}/dang-nhap/xong", log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest, provider: DemoProvider, port: int) -> AsyncIterator[Hub]:
    """The hub, its committee and personnel people registered, listening on 127.0.0.1:``port``."""
    base = f"http://127.0.0.1:{port}"
    async with hub_for(request, "dashboard-browser", oidc=OidcSettings(issuer=provider.issuer), public_url=base) as hub:
        await hub.register_person(COMMITTEE.sub, "committee.ha-noi", (Role.COMMITTEE,))
        await hub.register_person(PERSONNEL.sub, "enforcement.ha-noi", (Role.PERSONNEL,))
        config = uvicorn.Config(
            hub.app, host="127.0.0.1", port=port, lifespan="off", log_config=None, log_level="warning"
        )
        server = _Server(config)
        serving = asyncio.create_task(server.serve(), name="dashboard-browser-hub")
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


async def _report(hub: Hub) -> dict[str, Any]:
    """``committeeReport`` of Hà Nội for the period the dashboard opens on (the running statistical year), read
    again (at most 3 times) while an agency system just started leaves a source out."""
    today = hub.clock.today()
    period = {"statisticalYear": statistical_year(today), "months": (today.month - 10) % 12 + 1}
    client = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
    for _ in range(3):
        answer = await client(REPORT, {"period": period})
        assert answer.data is not None, answer.errors
        report: dict[str, Any] = answer.data["committeeReport"]
        if report["missing"] == []:
            break
    return report


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

    async def signed_in(self, base: str, account: Account) -> tuple[BrowserContext, Page]:
        """A fresh browser context (its own cookies) signed in as ``account`` through the provider's form."""
        context = await self.browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="vi-VN")
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
        return context, page


async def test_the_committee_sees_the_charts_downloads_the_workbook_and_personnel_opens_its_page(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = _axe_source()
    base = f"http://127.0.0.1:{port}"
    findings: list[str] = []
    wrapped: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = _Browsing(browser)
        try:
            report = await _report(served)  # the agency systems have answered once: the page has every source
            _, page = await browsing.signed_in(base, COMMITTEE)
            await page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Báo cáo").click()
            await expect(page.get_by_role("heading", name="Báo cáo thi hành án dân sự")).to_be_visible(timeout=WAIT_MS)
            charts = page.get_by_role("img", name="Tỷ lệ thi hành xong về việc theo đơn vị")
            await expect(charts).to_be_visible()
            await expect(page.locator("figure.chart svg")).to_have_count(5)
            await expect(page.locator(".meta")).to_contain_text(report["period"]["label"])
            await expect(page.locator("table.report-table tbody tr")).to_have_count(len(report["rows"]))
            wrapped += await page.evaluate(ONE_WORD_A_LINE, "table.report-table th.unit")
            findings += await _check(page, axe, tmp_path, "dashboard")
            await page.evaluate("document.getElementById('bieu-do').scrollIntoView()")
            await page.screenshot(path=tmp_path / "console-dashboard-charts.png")

            async with page.expect_download(timeout=WAIT_MS) as downloading:
                await page.get_by_role("link", name="Tải về Excel (XLSX)").click()
            download = await downloading.value
            saved = tmp_path / download.suggested_filename
            await download.save_as(saved)
            await expect(page.get_by_role("status")).to_contain_text(f"Đã tải về {saved.name}", timeout=WAIT_MS)

            await page.get_by_role("link", name="Bản để in").click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo kết quả thi hành án dân sự")
            wrapped += await page.evaluate(ONE_WORD_A_LINE, 'table.report th[scope="row"]')
            await page.emulate_media(media="print")
            wrapped += await page.evaluate(ONE_WORD_A_LINE, 'table.report th[scope="row"]')
            await page.screenshot(path=tmp_path / "console-report-print.png")

            _, personnel = await browsing.signed_in(base, PERSONNEL)
            await (
                personnel.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Tổ chức cán bộ").click()
            )
            await expect(personnel.get_by_role("heading", name="Biên chế")).to_be_visible(timeout=WAIT_MS)
            await expect(personnel.get_by_role("heading", name="Cảnh báo", exact=False)).to_be_visible()
            findings += await _check(personnel, axe, tmp_path, "personnel")
        finally:
            await browser.close()

    assert saved.name.startswith("bao-cao-ha-noi-")
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(saved)["Báo cáo"]
    codes = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert codes[: len(report["rows"])] == [r["code"] for r in report["rows"]]
    assert report["period"]["label"] in str(sheet["A2"].value)

    if os.environ.get("LIENTHONG_TOUR_IMAGES") == "1":
        TOUR.mkdir(parents=True, exist_ok=True)
        for name in ("dashboard", "dashboard-charts", "personnel"):
            shutil.copyfile(tmp_path / f"console-{name}.png", TOUR / f"console-{name}.png")
    shots = ("dashboard", "dashboard-charts", "report-print", "personnel")
    assert all((tmp_path / f"console-{name}.png").stat().st_size > 0 for name in shots)
    assert wrapped == []
    assert browsing.outside == []
    assert browsing.errors == []
    assert findings == []
