"""Viện kiểm sát and Phối hợp in a real browser, signed in through the provider.

The hub (SQLite) is served on 127.0.0.1 (tests/support/console_browser.py); Debian's Chromium signs in at
the provider's form; every request to another host is aborted. A
prosecutor sends a recommendation from Viện kiểm sát with the page's form (no script); the office's clerk
finds it under Phối hợp → Yêu cầu đến and answers it; the prosecutor then reads the answer on Viện kiểm sát.
axe-core finds nothing serious or critical on /vien-kiem-sat, /phoi-hop and a request's page; 1366×768
screenshots are kept in the test's folder (and, with ``LIENTHONG_TOUR_IMAGES=1``, in docs/images/).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from tests.fixtures.hub import Hub
from tests.fixtures.oidc_provider import running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import WAIT_MS, Browsing, axe_source, check, copy_to_tour, served_hub

pytestmark = pytest.mark.e2e

PROSECUTOR = Account("coordination.browser.procuracy", "Vũ Thu Trang")
CLERK = Account("coordination.browser.clerk", "Lê Thị Hoa")
PROCURACY = "procuracy.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
REPLY = "Phòng đã khắc phục: quyết định thi hành án chủ động được ban hành đúng hạn từ tháng 12."
PAGES = ("procuracy", "coordination", "coordination-request")


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
    people = [(PROSECUTOR, PROCURACY, (Role.PROCURACY,)), (CLERK, OFFICE, (Role.ENFORCEMENT_CLERK,))]
    async with served_hub(request, "coordination-browser", provider.issuer, port, people) as hub:
        yield hub


async def test_a_prosecutor_sends_a_recommendation_the_office_answers_it_and_the_prosecutor_reads_the_answer(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    subject = f"Kiến nghị về thời hạn ra quyết định {uuid.uuid4().hex[:8]}"
    findings: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            prosecutor = await browsing.signed_in(base, PROSECUTOR)
            menu = prosecutor.get_by_role("navigation", name="Chức năng")
            await menu.get_by_role("link", name="Viện kiểm sát").click()
            await expect(prosecutor.get_by_role("heading", name="Kiểm sát thi hành án dân sự")).to_be_visible(
                timeout=WAIT_MS
            )
            findings += await check(prosecutor, axe, tmp_path, "procuracy")
            await prosecutor.get_by_label("Loại yêu cầu").select_option("PROCURACY_RECOMMENDATION")
            await prosecutor.get_by_label("Gửi đến").select_option(OFFICE)
            await prosecutor.get_by_label("Trích yếu").fill(subject)
            await prosecutor.get_by_label("Nội dung").fill("Đề nghị khắc phục việc chậm ra quyết định chủ động.")
            await prosecutor.get_by_role("button", name="Gửi yêu cầu").click()
            await expect(prosecutor.get_by_role("status")).to_contain_text("Đã gửi yêu cầu.", timeout=WAIT_MS)

            clerk = await browsing.signed_in(base, CLERK)
            await clerk.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Phối hợp").click()
            await expect(clerk.get_by_role("heading", name="Phối hợp liên ngành")).to_be_visible(timeout=WAIT_MS)
            findings += await check(clerk, axe, tmp_path, "coordination")
            await clerk.get_by_role("link", name=subject).click()
            await expect(clerk.get_by_role("heading", name="Xử lý yêu cầu")).to_be_visible(timeout=WAIT_MS)
            findings += await check(clerk, axe, tmp_path, "coordination-request")
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

    copy_to_tour(tmp_path, PAGES)
    assert all((tmp_path / f"console-{name}.png").stat().st_size > 0 for name in PAGES)
    assert browsing.outside == []
    assert browsing.errors == []
    assert findings == []
