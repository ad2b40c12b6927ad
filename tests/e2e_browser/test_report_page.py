"""The printable report page in a real browser: Debian's chromium, headless, on a page the hub made.

The test fetches ``/reports/committee`` from the hub (tests/fixtures/hub.py)
with the committee's bearer token (a header, never a ``?token=`` that would
land in logs), saves it to a file, and opens that file in Chromium: the page
needs nothing else (no script, stylesheet, font or image to fetch), so the file
shows what the hub served. Chromium is installed by ``make test``
(``make browser``: ``apt-get install chromium`` when root); without it the test
skips, except in CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from domain.access import Role
from tests.fixtures.hub import Hub
from tests.support.browser import chromium
from tests.support.png import SIGNATURE, decode

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1400, 1000
BROWSER_TIMEOUT_S = 90
BLUE, RED = (0x1F, 0x6F, 0xB2), (0xC6, 0x28, 0x28)  # this period's bars; the target line
QUERY = """
query ($period: ReportPeriodInput!) {
  committeeReport(province: "ha-noi", period: $period) { rows { code name } }
}
"""
PERIOD = {"from": "2025-10-01", "to": "2026-09-30"}


def run_browser(browser: str, work: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Headless Chromium with a fresh profile, nothing in the background, bounded in time."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=work)
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # root in a container: the sandbox needs user namespaces it may not have
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            *args,
        ],
        capture_output=True,
        timeout=BROWSER_TIMEOUT_S,
        cwd=work,
        env={**os.environ, "HOME": str(work)},
        check=False,
    )


@pytest.mark.parametrize("hub", ["sqlite"], indirect=True)  # one database is enough for a page
async def test_the_report_page_shows_its_charts_and_its_table_in_chromium(hub: Hub, tmp_path: Path) -> None:
    browser = chromium()
    token = hub.token("committee.ha-noi", [Role.COMMITTEE])
    async with asyncio.timeout(60):
        answer = await hub.http.get(
            "/reports/committee",
            params={"province": "ha-noi", **PERIOD},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text
    page = answer.content
    report = tmp_path / "bao-cao.html"
    report.write_bytes(page)
    expected = await hub.client(token)(QUERY, {"period": PERIOD})
    assert expected.errors == [], expected.body
    assert expected.data is not None
    units = expected.data["committeeReport"]["rows"]

    shot = tmp_path / "bao-cao.png"
    done = run_browser(browser, tmp_path, f"--screenshot={shot}", report.as_uri())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data.startswith(SIGNATURE)
    assert len(data) > 20_000  # a page of text and bars, not an empty canvas
    image = decode(data)
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    colours = image.colours()
    assert len(colours) > 50  # text anti-aliasing and bars, not a single colour
    assert BLUE in colours  # the first chart's bars were drawn
    assert RED in colours  # and the target line (the hub's data/report_targets.toml sets one)

    dom = run_browser(browser, tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    html = dom.stdout.decode("utf-8")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 3
    assert '<table class="report">' in html
    for unit in units:
        assert f'data-code="{unit["code"]}"' in html
    assert "Tổng cộng" in html[html.index("<tfoot>") :]
