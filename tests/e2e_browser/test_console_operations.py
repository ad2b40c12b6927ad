"""The operator's page (Vận hành) in a real browser: signed in through the provider, a dead delivery redriven.

The hub (SQLite) is served on 127.0.0.1 (tests/support/console_browser.py). Before the browser opens, a webhook delivery
dies the way a real one does (tests/support/operations.py: a receiver on 127.0.0.1 refusing every push
until the hub's retries are spent). Debian's Chromium signs in as the operator at the provider's own form, opens every part of Vận hành, finds the dead delivery
and redrives it ("Gửi lại"), sees it gone from the dead letters and delivered, and runs the audit chain
check to its result. Every request to any other host is aborted. On each part axe-core (console/assets,
run in the page) finds nothing serious or critical, and a 1366×768 screenshot of each is kept in the
test's folder; ``LIENTHONG_TOUR_IMAGES=1`` also writes three of them to docs/images/ for the README's tour.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page, async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from tests.fixtures.hub import Hub
from tests.fixtures.oidc_provider import running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import WAIT_MS, Browsing, axe_source, check, copy_to_tour, served_hub
from tests.support.operations import dead_delivery, deliveries, eventually

pytestmark = pytest.mark.e2e

MINISTRY = "ministry.justice"
OFFICE = "enforcement.can-tho.kv03"
COURT = "court.can-tho.kv03"
OPERATOR = Account("ops.browser.operator", "Lê Minh Vận")
TOUR_SHOTS = ("webhook", "nguoi", "nhat-ky")  # the parts the README's tour shows
PARTS = (  # the parts' links in the page's own menu, and the screenshot's name
    ("Cơ quan và cơ quan kế thừa", "co-quan"),
    ("Người dùng và quyền", "nguoi-dung"),
    ("Khóa ký số của tòa án", "khoa-toa-an"),
    ("Sẵn sàng và cầu dao", "san-sang"),
    ("Webhook và lần gửi hỏng", "webhook"),
)


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
    async with served_hub(
        request, "operations-browser", provider.issuer, port, [(OPERATOR, MINISTRY, (Role.OPERATOR,))]
    ) as hub:
        yield hub


async def _check(page: Page, axe: str, shots: Path, name: str) -> list[str]:
    """``check`` of a part of Vận hành (its screenshot ``console-van-hanh-<name>.png``)."""
    return await check(page, axe, shots, f"van-hanh-{name}")


async def test_an_operator_finds_a_dead_delivery_redrives_it_and_checks_the_audit_chain(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    findings: list[str] = []
    shots = ["van-hanh", *(name for _, name in PARTS), "nguoi", "nhat-ky"]

    async with dead_delivery(served, OFFICE, COURT) as dead, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        try:
            browsing = Browsing(browser)
            page = await browsing.signed_in(base, OPERATOR)

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

    copy_to_tour(tmp_path, [f"van-hanh-{name}" for name in TOUR_SHOTS])
    assert all((tmp_path / f"console-van-hanh-{name}.png").stat().st_size > 0 for name in shots)
    assert browsing.outside == []  # nothing but the hub and the provider, both on 127.0.0.1, was asked for
    assert browsing.errors == []
    assert findings == []
