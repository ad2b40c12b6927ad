"""The committee report's token URLs typed in a browser: the same report from the person's session.

``/reports/committee`` (and ``.xlsx``, ``.csv``) answer systems that send a bearer token; a person who
types one in a browser has none, and saw the 401 JSON. A browser's GET (it asks for ``text/html``) with no
token is sent to the same report under ``/bao-cao/…`` with the same parameters, which the console serves
from the session (or sends to the sign-in page). Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from domain.access import Role
from tests.fixtures.hub import Hub
from tests.support.console import signed_in

COMMITTEE = "committee.ha-noi"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
QUERY = "province=ha-noi&year=2027&months=3"


@pytest.mark.parametrize(
    ("typed", "served"),
    [
        ("/reports/committee", "/bao-cao/in"),
        ("/reports/committee.xlsx", "/bao-cao/tai-ve.xlsx"),
        ("/reports/committee.csv", "/bao-cao/tai-ve.csv"),
    ],
)
async def test_a_report_url_typed_in_a_browser_goes_to_the_same_report_from_the_session(
    hub: Hub, typed: str, served: str
) -> None:
    answer = await hub.http.get(f"{typed}?{QUERY}", headers=BROWSER)
    assert (answer.status_code, answer.headers["location"]) == (303, f"{served}?{QUERY}")

    unsigned = await hub.http.get(answer.headers["location"], headers=BROWSER)
    assert unsigned.status_code == 303  # no session: to the sign-in page, not JSON
    assert "application/json" not in unsigned.headers.get("content-type", "")


async def test_the_workbook_opens_after_the_redirect_for_a_signed_in_committee_member(hub: Hub) -> None:
    cookie = await signed_in(hub, "report.url.committee", COMMITTEE, (Role.COMMITTEE,))
    answer = await hub.http.get(f"/reports/committee.xlsx?{QUERY}", headers=BROWSER)
    workbook = await hub.http.get(answer.headers["location"], headers={**BROWSER, **cookie})
    assert workbook.status_code == 200
    assert load_workbook(io.BytesIO(workbook.content)).worksheets  # an XLSX, not a page


async def test_a_system_without_a_token_still_gets_its_401(hub: Hub) -> None:
    answer = await hub.http.get(f"/reports/committee.csv?{QUERY}", headers={"Accept": "text/csv"})
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
