"""Thống kê liên ngành in a real browser, signed in through the provider: the provincial enforcement agency's
clerk closes the figures, the provincial procuracy's prosecutor disputes a row through the page's form.

The hub (SQLite) is served on 127.0.0.1 (tests/support/console_browser.py); Debian's Chromium signs in at the
provider's form; every request to another host is aborted. The page opens on the last period that may be
closed on the hub's day; what each person did is checked through GraphQL. axe-core finds nothing serious or
critical on the page, with its closing form and with its dispute form; 1366×768 screenshots are kept in the
test's folder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from console.pages.interagency import latest_period
from domain.access import Role
from tests.fixtures.hub import Hub
from tests.fixtures.oidc_provider import running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import WAIT_MS, Browsing, axe_source, check, served_hub

pytestmark = pytest.mark.e2e

CLERK = Account("interagency.browser.clerk", "Phạm Văn Khóa")
PROSECUTOR = Account("interagency.browser.prosecutor", "Lê Thị Kiểm")
READ = """
query ($period: InteragencyPeriodInput!) {
  interagencyStatistics(province: "ha-noi", period: $period) { status steps { step notes { row note } } }
}
"""
NOTE = "Số việc thụ lý mới chưa khớp sổ thụ lý"


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory, port: int) -> Iterator[DemoProvider]:
    log_dir = tmp_path_factory.mktemp("oidc-provider-interagency")
    with running_provider([CLERK, PROSECUTOR], f"http://127.0.0.1:{port}/dang-nhap/xong", log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest, provider: DemoProvider, port: int) -> AsyncIterator[Hub]:
    people = [
        (CLERK, "enforcement.ha-noi", (Role.ENFORCEMENT_CLERK,)),
        (PROSECUTOR, "procuracy.ha-noi", (Role.PROCURACY,)),
    ]
    async with served_hub(request, "interagency-browser", provider.issuer, port, people) as hub:
        yield hub


async def _statistics(hub: Hub) -> dict[str, Any]:
    year, months = latest_period(hub.clock.today())
    client = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
    answer = await client(READ, {"period": {"statisticalYear": year, "months": months}})
    assert answer.data is not None, answer.errors
    found: dict[str, Any] = answer.data["interagencyStatistics"]
    return found


async def test_the_clerk_closes_and_the_prosecutor_disputes_a_row_through_the_page(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    findings: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            page = await browsing.signed_in(base, CLERK)
            menu = page.get_by_role("navigation", name="Chức năng")
            await menu.get_by_role("link", name="Thống kê liên ngành").click()
            heading = page.get_by_role("heading", name="Thống kê liên ngành thi hành án dân sự")
            await expect(heading).to_be_visible(timeout=WAIT_MS)
            await expect(page.locator("[data-trang-thai]")).to_have_text("Chưa khóa số liệu")
            findings += await check(page, axe, tmp_path, "interagency-draft")
            await page.get_by_role("button", name="Khóa số liệu và gửi Viện kiểm sát ký xác nhận").click()
            await expect(page.get_by_role("status")).to_contain_text("Đã khóa số liệu", timeout=WAIT_MS)
            assert (await _statistics(served))["status"] == "CLOSED"

            prosecutor = await browsing.signed_in(base, PROSECUTOR)
            menu = prosecutor.get_by_role("navigation", name="Chức năng")
            await menu.get_by_role("link", name="Thống kê liên ngành").click()
            await expect(prosecutor.locator("[data-trang-thai]")).to_have_text(
                "Đã khóa số liệu, chờ Viện kiểm sát ký xác nhận", timeout=WAIT_MS
            )
            findings += await check(prosecutor, axe, tmp_path, "interagency-closed")
            await prosecutor.get_by_label("Ý kiến về dòng 01.2", exact=False).fill(NOTE)
            await prosecutor.get_by_role("button", name="Gửi ý kiến không thống nhất").click()
            await expect(prosecutor.get_by_role("status")).to_contain_text("Đã gửi ý kiến", timeout=WAIT_MS)
            await expect(prosecutor.locator('li[data-buoc="DISPUTE"]')).to_contain_text(f"Dòng 01.2: {NOTE}")
        finally:
            await browser.close()

    found = await _statistics(served)
    assert found["status"] == "DISPUTED"
    assert found["steps"][-1]["notes"] == [{"row": "01.2", "note": NOTE}]
    assert browsing.outside == []
    assert browsing.errors == []
    assert findings == []
