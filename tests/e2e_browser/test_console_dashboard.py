"""The steering committee's dashboard and the personnel page in a real browser, signed in through the provider.

The hub (SQLite) is served on 127.0.0.1 (tests/support/console_browser.py); Debian's Chromium signs in at
the provider's form; every request to another host is aborted. The
committee's person sees the report's charts, downloads the XLSX through the page's link (Playwright's
download event; the page's script follows it and says when it is saved) and finds in the workbook the rows
``committeeReport`` gives; the printable page opens from
the same session, and long unit names there and in the dashboard's table wrap a few words a line, not one. A
personnel department's person opens Tổ chức cán bộ. axe-core finds nothing serious or critical on
/bao-cao and /to-chuc-can-bo; 1366×768 screenshots are kept in the test's folder (and, with
``LIENTHONG_TOUR_IMAGES=1``, in docs/images/ for the README's tour).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from domain.registers import statistical_year
from gateway.reports.exports import HEADER_ROW
from tests.fixtures.hub import Hub
from tests.fixtures.oidc_provider import running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import WAIT_MS, Browsing, axe_source, check, copy_to_tour, served_hub

pytestmark = pytest.mark.e2e

COMMITTEE = Account("dashboard.browser.committee", "Đỗ Minh Châu")
PERSONNEL = Account("dashboard.browser.personnel", "Hoàng Thị Mai")
REPORT = """
query ($period: ReportPeriodInput!) {
  committeeReport(province: "ha-noi", period: $period) { missing period { label } rows { code name } }
}
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
    people = [(COMMITTEE, "committee.ha-noi", (Role.COMMITTEE,)), (PERSONNEL, "enforcement.ha-noi", (Role.PERSONNEL,))]
    async with served_hub(request, "dashboard-browser", provider.issuer, port, people) as hub:
        yield hub


async def _report(hub: Hub) -> dict[str, Any]:
    """``committeeReport`` of Hà Nội for the period the dashboard opens on (the running statistical year), read
    again (at most 8 times) while an agency system just started leaves a source out."""
    today = hub.clock.today()
    period = {"statisticalYear": statistical_year(today), "months": (today.month - 10) % 12 + 1}
    client = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
    for _ in range(8):
        answer = await client(REPORT, {"period": period})
        assert answer.data is not None, answer.errors
        report: dict[str, Any] = answer.data["committeeReport"]
        if report["missing"] == []:
            break
    return report


async def test_the_committee_sees_the_charts_downloads_the_workbook_and_personnel_opens_its_page(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    findings: list[str] = []
    wrapped: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            report = await _report(served)  # the agency systems have answered once: the page has every source
            page = await browsing.signed_in(base, COMMITTEE)
            await page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Báo cáo").click()
            await expect(page.get_by_role("heading", name="Báo cáo thi hành án dân sự")).to_be_visible(timeout=WAIT_MS)
            charts = page.get_by_role("img", name="Tỷ lệ thi hành xong về việc theo đơn vị")
            await expect(charts).to_be_visible()
            await expect(page.locator("figure.chart svg")).to_have_count(5)
            await expect(page.locator(".meta")).to_contain_text(report["period"]["label"])
            await expect(page.locator("table.report-table tbody tr")).to_have_count(len(report["rows"]))
            wrapped += await page.evaluate(ONE_WORD_A_LINE, "table.report-table th.unit")
            findings += await check(page, axe, tmp_path, "dashboard")
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

            personnel = await browsing.signed_in(base, PERSONNEL)
            await (
                personnel.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Tổ chức cán bộ").click()
            )
            await expect(personnel.get_by_role("heading", name="Biên chế")).to_be_visible(timeout=WAIT_MS)
            await expect(personnel.get_by_role("heading", name="Cảnh báo", exact=False)).to_be_visible()
            findings += await check(personnel, axe, tmp_path, "personnel")
        finally:
            await browser.close()

    assert saved.name.startswith("bao-cao-ha-noi-")
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(saved)["Báo cáo"]
    codes = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert codes[: len(report["rows"])] == [r["code"] for r in report["rows"]]
    assert report["period"]["label"] in str(sheet["A2"].value)

    copy_to_tour(tmp_path, ("dashboard", "dashboard-charts", "personnel"))
    shots = ("dashboard", "dashboard-charts", "report-print", "personnel")
    assert all((tmp_path / f"console-{name}.png").stat().st_size > 0 for name in shots)
    assert wrapped == []
    assert browsing.outside == []
    assert browsing.errors == []
    assert findings == []
