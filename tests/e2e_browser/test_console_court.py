"""A judgment returned as unclear, in a real browser: the office's clerk returns it, the court's clerk finds
the explanation request and answers it; a person of another kind meets the forbidden page; sign-out.

Both people sign in through the demo's OpenID Connect provider, each in a browser context of their own
(tests/support/console_browser.py: the hub on 127.0.0.1, nothing else reachable, axe-core on every page
with a 1366×768 screenshot). What the pages did is then checked through GraphQL, as the court. SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.fixtures.oidc_provider import running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import WAIT_MS, Browsing, axe_source, check, copy_to_tour, served_hub
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv04"
OFFICE = "enforcement.ha-noi.kv04"
CLERK = Account("court.browser.office", "Đinh Thị Thu")
COURT_CLERK = Account("court.browser.court", "Ngô Văn Phúc")
UNCLEAR = "Phần quyết định không ghi rõ thời điểm bắt đầu tính lãi chậm thi hành án."
EXPLANATION = "Lãi chậm thi hành án tính từ ngày người được thi hành án có đơn yêu cầu thi hành án."
TOUR_SHOTS = ("court", "court-transfer")


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory, port: int) -> Iterator[DemoProvider]:
    log_dir = tmp_path_factory.mktemp("oidc-provider-court")
    with running_provider([CLERK, COURT_CLERK], f"http://127.0.0.1:{port}/dang-nhap/xong", log_dir) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest, provider: DemoProvider, port: int) -> AsyncIterator[Hub]:
    people = [(CLERK, OFFICE, (Role.ENFORCEMENT_CLERK,)), (COURT_CLERK, COURT, (Role.COURT_CLERK,))]
    async with served_hub(request, "court-browser", provider.issuer, port, people) as hub:
        yield hub


async def _submitted(hub: Hub) -> tuple[str, str]:
    """A judgment the court submits through the hub's API: (its number, the transfer id)."""
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    submission = signer.submission()
    answer = await court(SUBMIT, signer.signed_variables(submission))
    assert answer.data is not None, answer.errors
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == []
    return submission.number, payload["transfer"]["id"]


AS_THE_COURT = """
query ($id: ID!) {
  transfer(id: $id) { status lastReturn { reason note } }
  coordinationRequests(filter: {kind: EXPLANATION, transferId: $id}) { edges { node { status body answer } } }
}
"""


async def test_the_court_finds_the_explanation_request_of_an_unclear_judgment_and_answers_it(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    number, transfer_id = await _submitted(served)
    findings: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            anonymous = await browsing.page()
            await anonymous.goto(f"{base}/")
            await expect(anonymous.get_by_role("link", name="Đăng nhập bằng tài khoản định danh")).to_be_visible()
            findings += await check(anonymous, axe, tmp_path, "signin")

            clerk = await browsing.signed_in(base, CLERK)
            await clerk.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Hộp thư đến").click()
            await clerk.get_by_role("link", name=number).click()
            await expect(clerk.get_by_role("heading", level=1)).to_contain_text(number, timeout=WAIT_MS)
            await clerk.get_by_label("Bản án, quyết định chưa rõ", exact=False).check()
            await clerk.get_by_label("Nội dung (gửi tòa án", exact=False).fill(UNCLEAR)
            await clerk.get_by_role("button", name="Trả lại").click()
            await expect(clerk.get_by_role("status")).to_contain_text("Đã trả lại bản án.", timeout=WAIT_MS)

            await clerk.goto(f"{base}/toa-an")  # not the office's page
            await expect(clerk.get_by_role("heading", level=1)).to_be_visible(timeout=WAIT_MS)
            assert number not in await clerk.content()
            findings += await check(clerk, axe, tmp_path, "refused")
            await expect(clerk.get_by_text("Tài khoản của bạn không có quyền xem trang này.")).to_be_visible()

            court = await browsing.signed_in(base, COURT_CLERK)
            menu = court.get_by_role("navigation", name="Chức năng")
            await menu.get_by_role("link", name="Bản án đã chuyển giao").click()
            waiting = court.get_by_role("region", name="Yêu cầu giải thích cần trả lời")
            await expect(waiting).to_contain_text(UNCLEAR, timeout=WAIT_MS)
            row = court.get_by_role("row").filter(has=court.get_by_role("link", name=number))
            await expect(row).to_contain_text("Bị trả lại")
            findings += await check(court, axe, tmp_path, "court")

            await row.get_by_role("link", name=number).click()
            await expect(court.get_by_role("heading", level=1)).to_contain_text(number, timeout=WAIT_MS)
            findings += await check(court, axe, tmp_path, "court-transfer")
            await court.get_by_label("Nội dung giải thích của tòa án").fill(EXPLANATION)
            await court.get_by_role("button", name="Gửi giải thích").click()
            await expect(court.get_by_role("status")).to_contain_text("Đã gửi văn bản giải thích.", timeout=WAIT_MS)

            await court.get_by_role("button", name="Đăng xuất").click()
            await expect(court.get_by_role("link", name="Đăng nhập bằng tài khoản định danh")).to_be_visible(
                timeout=WAIT_MS
            )
        finally:
            await browser.close()

    seen = await served.client(served.token(COURT, [Role.COURT_CLERK]))(AS_THE_COURT, {"id": transfer_id})
    assert seen.data is not None, seen.errors
    assert seen.data["transfer"]["lastReturn"] == {"reason": "UNCLEAR", "note": UNCLEAR}
    requests = [edge["node"] for edge in seen.data["coordinationRequests"]["edges"]]
    assert [(r["body"], r["answer"]) for r in requests] == [(UNCLEAR, EXPLANATION)]
    copy_to_tour(tmp_path, TOUR_SHOTS)
    assert browsing.outside == []  # nothing but the hub and the provider, both on 127.0.0.1, was asked for
    assert browsing.errors == []
    assert findings == []
