"""The office clerk's inbox in a real browser: signed in through the provider, a new judgment arrives live.

The hub is served on 127.0.0.1 (tests/support/console_browser.py); Debian's Chromium signs in at the
provider's own form, opens the inbox, and sees a judgment a court submits meanwhile appear without a
reload (the live inbox: console/pages/inbox_live.py), opens it and registers it (Vào sổ); on a filtered
page a later arrival is announced with a link to reload. It then records the judgment's enforcement
decision through the form and finds it, with its register number, in Sổ nhận bản án. Every request to
any other host is aborted. On the home page, the inbox, the transfer page (before Vào sổ and with the
decision form) and the register axe-core finds nothing serious or critical, and a 1366×768 screenshot of
each is kept in the test's folder; ``LIENTHONG_TOUR_IMAGES=1`` also writes the inbox and the
transfer page to docs/images/ for the README's tour. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from agencies.oidc_provider.process import Account, DemoProvider
from agencies.topology import free_port
from domain.access import Role
from gateway import commands
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub
from tests.fixtures.oidc_provider import running_provider
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import WAIT_MS, Browsing, axe_source, check, copy_to_tour, served_hub
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
CLERK = Account("inbox.browser.clerk", "Phạm Thu Trang")
DECISION = "31/QĐ-CCTHADS"
OFFICER = "Đỗ Văn Hùng"


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
    async with served_hub(
        request, "console-browser", provider.issuer, port, [(CLERK, OFFICE, (Role.ENFORCEMENT_CLERK,))]
    ) as hub:
        yield hub


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


async def test_a_clerk_sees_a_new_judgment_arrive_without_reloading_and_registers_it(
    served: Hub, port: int, tmp_path: Path
) -> None:
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    first = await _submitted(served)  # the inbox has a table before the arrival
    findings: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            page = await browsing.signed_in(base, CLERK)
            assert urlsplit(page.url)[:3] == ("http", f"127.0.0.1:{port}", "/")
            findings += await check(page, axe, tmp_path, "home")

            await page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Hộp thư đến").click()
            await expect(page.get_by_role("link", name=first)).to_be_visible(timeout=WAIT_MS)
            await page.evaluate("window.__samePage = true")

            arrived = await _submitted(served)
            new_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=arrived))
            await expect(new_row).to_be_visible(timeout=WAIT_MS)
            await expect(page.get_by_role("status")).to_contain_text("Có bản án mới", timeout=WAIT_MS)
            assert await page.evaluate("window.__samePage === true")  # no reload brought it
            findings += await check(page, axe, tmp_path, "inbox")

            await new_row.get_by_role("link", name=arrived).click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text(arrived, timeout=WAIT_MS)
            findings += await check(page, axe, tmp_path, "transfer")
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

            await page.get_by_role("link", name=arrived).click()  # the registered one: its decision
            await expect(page.get_by_role("heading", name="Quyết định thi hành án")).to_be_visible(timeout=WAIT_MS)
            findings += await check(page, axe, tmp_path, "decision")
            decided_on = served.clock.today().strftime("%d/%m/%Y")
            await page.get_by_label("Số quyết định").fill(DECISION)
            await page.get_by_label("Ngày ra quyết định").fill(decided_on)
            await page.get_by_role("radio", name="Chủ động").check()
            await page.get_by_label("Chấp hành viên được phân công").fill(OFFICER)
            await page.get_by_role("button", name="Ghi quyết định").click()
            decision = page.locator("dd.decision")
            await expect(decision).to_contain_text(f"Số {DECISION} ngày {decided_on}", timeout=WAIT_MS)
            await expect(decision).to_contain_text(f"chấp hành viên {OFFICER}")
            registered = (await page.locator("dd.register").inner_text()).split(",")[0]  # "Số N"

            await page.goto(f"{base}/hop-thu")
            await page.get_by_role("link", name="Sổ nhận bản án").click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text("Sổ nhận bản án", timeout=WAIT_MS)
            entry = page.get_by_role("row").filter(has=page.get_by_role("link", name=arrived))
            await expect(entry.get_by_role("cell").first).to_have_text(registered.removeprefix("Số "))
            await expect(entry).to_contain_text(DECISION)
            await expect(entry).to_contain_text(OFFICER)
            await expect(page.get_by_role("button", name="In sổ")).to_be_visible()  # the script showed it
            findings += await check(page, axe, tmp_path, "register")
            await page.emulate_media(media="print")  # as printed: the register without the menu and the forms
            await expect(page.get_by_role("navigation", name="Chức năng")).to_be_hidden()
            await expect(page.get_by_role("button", name="In sổ")).to_be_hidden()
            await expect(page.get_by_label("Năm thống kê")).to_be_hidden()
            await expect(entry).to_be_visible()
            await page.emulate_media(media="screen")
            refused = await page.evaluate("window.__refused")  # the other pages': in their findings
        finally:
            await browser.close()

    if served.kind == "sqlite":
        copy_to_tour(tmp_path, ("inbox", "transfer"))
    shots = ("home", "inbox", "transfer", "decision", "register")
    assert all((tmp_path / f"console-{name}.png").stat().st_size > 0 for name in shots)
    assert browsing.outside == []  # nothing but the hub and the provider, both on 127.0.0.1, was asked for
    assert browsing.errors == []
    assert refused == []
    assert findings == []
