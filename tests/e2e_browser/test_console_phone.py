"""Every page of the console on a phone (390×844): nothing wider than the screen, the menu reachable.

An office's staff read the console at their desk (1366×768: the other browser tests) and on a phone. Here
each page is opened by a person who may see it, at a phone's width, in Debian's Chromium
(tests/support/console_browser.py; sessions opened as the sign-in opens them, no provider needed): the
page must not scroll sideways (a wide table scrolls inside the page's main region, not the page), no
paragraph, heading, label or list item may run past the screen's edge, and every link of the menu must be
on the screen. A screenshot of each is kept in the test's folder. SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import ViewportSize, async_playwright

from agencies.oidc_provider.process import Account
from agencies.topology import free_port
from domain.access import Role
from tests.fixtures.hub import Hub
from tests.support.browser import LAUNCH_ARGS, chromium
from tests.support.console_browser import Browsing, served_hub, session_cookie, transferred

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
COURT = "court.ha-noi.kv05"
OFFICE = "enforcement.ha-noi.kv05"
PEOPLE = {  # who opens which pages
    "clerk": (Account("phone.clerk", "Đoàn Thị Lụa"), OFFICE, (Role.ENFORCEMENT_CLERK,)),
    "court": (Account("phone.court", "Tạ Văn Sơn"), COURT, (Role.COURT_CLERK,)),
    "procuracy": (Account("phone.procuracy", "Lò Thị Xuân"), "procuracy.ha-noi.kv05", (Role.PROCURACY,)),
    "committee": (Account("phone.committee", "Kiều Văn Đông"), "committee.ha-noi", (Role.COMMITTEE,)),
    "personnel": (Account("phone.personnel", "Mạc Thị Yến"), "enforcement.ha-noi", (Role.PERSONNEL,)),
    "operator": (Account("phone.operator", "Âu Văn Bình"), "ministry.justice", (Role.OPERATOR,)),
}
PAGES = (
    ("clerk", "/"),
    ("clerk", "/hop-thu"),
    ("clerk", "/hop-thu/{transfer}"),
    ("clerk", "/phoi-hop"),
    ("court", "/toa-an"),
    ("court", "/toa-an/{transfer}"),
    ("procuracy", "/vien-kiem-sat"),
    ("committee", "/bao-cao"),
    ("committee", "/bao-cao/lien-nganh"),
    ("personnel", "/to-chuc-can-bo"),
    ("operator", "/van-hanh"),
    ("operator", "/van-hanh/nguoi-dung"),
    ("operator", "/van-hanh/webhook"),
)
OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth - window.innerWidth;
  const menu = [...document.querySelectorAll("nav a, header a, .top a, .top button")]
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 1); })
    .map((e) => e.textContent.trim());
  const text = [...document.querySelectorAll("main p, main h1, main h2, main h3, main label, main dt, main dd, main li")]
    .filter((e) => !e.closest("table, pre, svg") && e.getBoundingClientRect().right > window.innerWidth + 1)
    .map((e) => e.textContent.trim().slice(0, 40));
  return {page, menu, text};
}"""


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Hub, int]]:
    port = free_port()
    async with served_hub(request, "phone-browser", None, port, PEOPLE.values()) as hub:
        yield hub, port


async def test_every_page_fits_a_phones_width(served: tuple[Hub, int], tmp_path: Path) -> None:
    hub, port = served
    executable = chromium()
    transfer = await transferred(hub, COURT)
    wide: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        browsing = Browsing(browser)
        try:
            for who, (account, _, _) in PEOPLE.items():
                page = await browsing.page()
                await page.set_viewport_size(PHONE)
                await page.context.add_cookies([await session_cookie(hub, account.sub) | {"domain": "127.0.0.1"}])
                for person, path in PAGES:
                    if person != who:
                        continue
                    url = f"http://127.0.0.1:{port}{path.format(transfer=transfer)}"
                    answer = await page.goto(url)
                    assert answer is not None, path
                    assert answer.status == 200, (path, answer.status)
                    found = await page.evaluate(OVERFLOW)
                    await page.screenshot(
                        path=tmp_path / f"phone{path.replace('/', '-').replace('{transfer}', 'x')}.png"
                    )
                    if found["page"] > 1 or found["menu"]:
                        wide.append(
                            f"{path}: {found['page']} px wider than the screen, off-screen menu {found['menu']}"
                        )
        finally:
            await browser.close()

    assert browsing.outside == []
    assert browsing.errors == []
    assert wide == [], "\n".join(wide)
