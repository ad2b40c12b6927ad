"""axe-core on the console's pages the scenario tests do not walk through: the demo's own sign-in, a transfer's
page as the procuracy reads it, and the printable report opened from the session.

Each page is opened in Debian's Chromium at 1366×768 by a person who may see it (sessions opened as the
sign-in opens them: tests/support/console_browser.py); nothing but 127.0.0.1 is reachable; the page's
policy refuses nothing; axe-core finds nothing serious or critical; a screenshot of each is kept. SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

from agencies.oidc_provider.process import Account
from agencies.topology import free_port
from domain.access import Role
from domain.registers import statistical_year
from tests.fixtures.hub import Hub
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import Browsing, axe_source, check, served_hub, session_cookie, transferred

pytestmark = pytest.mark.e2e

COURT = "court.ha-noi.kv06"
PROSECUTOR = (Account("more.pages.procuracy", "Hà Thị Ngân"), "procuracy.ha-noi.kv06", (Role.PROCURACY,))
COMMITTEE = (Account("more.pages.committee", "Lương Văn Tâm"), "committee.ha-noi", (Role.COMMITTEE,))


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Hub, int]]:
    port = free_port()
    async with served_hub(request, "more-pages-browser", None, port, [PROSECUTOR, COMMITTEE]) as hub:
        yield hub, port


async def test_the_other_pages_have_no_serious_accessibility_finding(served: tuple[Hub, int], tmp_path: Path) -> None:
    hub, port = served
    executable = chromium()
    axe = axe_source()
    base = f"http://127.0.0.1:{port}"
    transfer = await transferred(hub, COURT)
    year, month = statistical_year(hub.clock.today()), hub.clock.today().month
    months = (month - 10) % 12 + 1
    findings: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            anonymous = await browsing.page()
            await anonymous.goto(f"{base}/dang-nhap")  # demo mode, no provider: the demo's own sign-in
            assert "chế độ demo" in await anonymous.content()
            findings += await check(anonymous, axe, tmp_path, "signin-demo")

            prosecutor = await browsing.page()
            await prosecutor.context.add_cookies([await session_cookie(hub, PROSECUTOR[0].sub)])
            answer = await prosecutor.goto(f"{base}/vien-kiem-sat/chuyen-giao/{transfer}")
            assert answer is not None
            assert answer.status == 200
            findings += await check(prosecutor, axe, tmp_path, "procuracy-transfer")

            committee = await browsing.page()
            await committee.context.add_cookies([await session_cookie(hub, COMMITTEE[0].sub)])
            answer = await committee.goto(f"{base}/bao-cao/in?province=ha-noi&year={year}&months={months}")
            assert answer is not None
            assert answer.status == 200
            findings += await check(committee, axe, tmp_path, "report-print")
        finally:
            await browser.close()

    assert browsing.outside == []
    assert browsing.errors == []
    assert findings == []
