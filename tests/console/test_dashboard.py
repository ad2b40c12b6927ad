"""Báo cáo: the committee's and the ministry's dashboard, its period picker, and its files from the session.

Every figure the page shows is compared with ``committeeReport`` asked through GraphQL by the same kind of
person for the same period; the files are read back (CSV, XLSX with openpyxl). Runs on SQLite and on
PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate
from openpyxl import load_workbook

from console.pages import dashboard_operations
from console.pages.dashboard_labels import count, rate
from domain.access import Role
from domain.registers import statistical_year
from gateway.reports.exports import HEADER_ROW
from tests.fixtures.hub import Hub
from tests.support.console import signed_in

COMMITTEE = "committee.ha-noi"
OTHER_COMMITTEE = "committee.hue"
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT = """
query ($province: String, $period: ReportPeriodInput!) {
  committeeReport(province: $province, period: $period) {
    name missing period { label }
    rows { code name current { transfers { transferred onTimeRate decidedLate }
                               enforcement { cases { withConditions completed completionRate }
                                             money { withConditions completed completionRate } } } }
    totals { current { transfers { transferred } enforcement { cases { completed completionRate } } } }
  }
}
"""

_people = itertools.count(1)


async def _signed_in(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    return await signed_in(hub, f"console.dashboard.{role.value}.{next(_people)}", agency, (role,))


def _running(hub: Hub) -> dict[str, int]:
    """The period the dashboard shows by default: the running statistical year, up to this month."""
    today = hub.clock.today()
    return {"statisticalYear": statistical_year(today), "months": (today.month - 10) % 12 + 1}


async def _graphql(hub: Hub, agency: str, role: Role, province: str | None, period: dict[str, Any]) -> dict[str, Any]:
    answer = await hub.client(hub.token(agency, [role]))(REPORT, {"province": province, "period": period})
    assert answer.data is not None, answer.body
    report: dict[str, Any] = answer.data["committeeReport"]
    return report


async def _page_and_report(
    hub: Hub, cookie: dict[str, str], url: str, agency: str, role: Role, province: str | None, period: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The page and the GraphQL report, read again (at most 8 times) while a slow agency system left a source out."""
    for _ in range(8):
        answer = await hub.http.get(url, headers=cookie)
        assert answer.status_code == 200, answer.text[:500]
        expected = await _graphql(hub, agency, role, province, period)
        if expected["missing"] == [] and "Chưa lấy được số liệu từ" not in answer.text:
            break
    return answer.text, expected


def _main(page: str) -> str:
    """The page's own content (the frame above it names the person's agency, which may be a unit of the report)."""
    return page[page.index("<main") :]


def _cells(page: str, code: str) -> list[str]:
    """The cells of the table row of unit ``code`` (name first), as text."""
    found = re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', page, re.DOTALL)
    assert found is not None, f"no row for {code}"
    return [html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.DOTALL)]


def _shown(row: dict[str, Any]) -> dict[int, str]:
    """Where the table shows a GraphQL row's figures (cell index → text)."""
    now = row["current"]
    cases, money = now["enforcement"]["cases"], now["enforcement"]["money"]
    return {
        0: row["name"],
        1: count(now["transfers"]["transferred"]),
        3: rate(now["transfers"]["onTimeRate"]),
        4: count(now["transfers"]["decidedLate"]),
        5: count(cases["withConditions"]),
        6: count(cases["completed"]),
        7: rate(cases["completionRate"]),
        9: count(int(money["withConditions"])),
        10: count(int(money["completed"])),
        11: rate(money["completionRate"]),
    }


def _assert_rows_as_graphql(page: str, report: dict[str, Any]) -> None:
    assert report["rows"], "the report has no rows to compare"
    for row in report["rows"]:
        cells = _cells(page, row["code"])
        assert {i: cells[i] for i in _shown(row)} == _shown(row), row["code"]
    assert page.count('<tr data-code="') == len(report["rows"]) + 1  # and the totals


def test_every_document_the_dashboard_runs_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in dashboard_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_dashboard_and_its_files_send_to_the_sign_in_page(hub: Hub) -> None:
    for url in ("/bao-cao", "/bao-cao/tai-ve.csv", "/bao-cao/tai-ve.xlsx", "/bao-cao/in?province=ha-noi"):
        answer = await hub.http.get(url)
        assert (answer.status_code, answer.headers["location"]) == (303, "/"), url


async def test_the_committee_sees_its_provinces_report_of_the_running_statistical_year_as_graphql_gives_it(
    hub: Hub,
) -> None:
    cookie = await _signed_in(hub, COMMITTEE, Role.COMMITTEE)
    period = _running(hub)

    page, report = await _page_and_report(hub, cookie, "/bao-cao", COMMITTEE, Role.COMMITTEE, "ha-noi", period)

    assert html.unescape(report["period"]["label"]) in html.unescape(page)
    assert f'<option value="{period["statisticalYear"]}" selected>' in page
    _assert_rows_as_graphql(page, report)
    totals = _cells(page, "ha-noi")  # the totals row carries the scope's code
    assert totals[1] == count(report["totals"]["current"]["transfers"]["transferred"])
    assert totals[6] == count(report["totals"]["current"]["enforcement"]["cases"]["completed"])
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 5
    for row in report["rows"]:  # each unit is a row of the charts
        assert f"<title>{html.escape(row['name'], quote=False)}</title>" in page
    assert 'href="/bao-cao/tai-ve.xlsx?province=ha-noi&amp;year=' in page
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/console/static/bao-cao-tai-ve.js" defer>'
    ]  # none inline
    assert " style=" not in page
    assert page.count("data-tai-ve") == 2  # the two files, whose download the script follows


async def test_the_period_picker_changes_the_period_cumulative_or_a_range_of_days(hub: Hub) -> None:
    cookie = await _signed_in(hub, COMMITTEE, Role.COMMITTEE)
    last_year = statistical_year(hub.clock.today()) - 1
    cumulative = {"statisticalYear": last_year, "months": 12}

    page, report = await _page_and_report(
        hub, cookie, f"/bao-cao?year={last_year}&months=12", COMMITTEE, Role.COMMITTEE, "ha-noi", cumulative
    )
    assert f"Năm {last_year} (01/10/{last_year - 1} – 30/09/{last_year})" in page
    assert report["period"]["label"] in page
    _assert_rows_as_graphql(page, report)
    assert f"/bao-cao/tai-ve.csv?province=ha-noi&amp;year={last_year}&amp;months=12" in page

    days = {"from": f"{last_year - 1}-10-01", "to": f"{last_year}-03-31"}
    page, report = await _page_and_report(
        hub, cookie, f"/bao-cao?from={days['from']}&to={days['to']}", COMMITTEE, Role.COMMITTEE, "ha-noi", days
    )
    assert f"Từ 01/10/{last_year - 1} đến 31/03/{last_year}" in page
    _assert_rows_as_graphql(page, report)


@pytest.mark.parametrize(
    "query", ["year=2027&months=13", "from=2026-05-01&to=2026-04-01", "from=someday&to=2026-04-01"]
)
async def test_a_period_the_hub_refuses_is_said_in_vietnamese_with_no_figures(hub: Hub, query: str) -> None:
    cookie = await _signed_in(hub, COMMITTEE, Role.COMMITTEE)

    answer = await hub.http.get(f"/bao-cao?{query}", headers=cookie)

    assert answer.status_code == 400
    assert "Kỳ báo cáo chưa hợp lệ" in answer.text
    assert "data-code" not in answer.text


async def test_the_files_download_with_the_session_and_hold_the_reports_rows(hub: Hub) -> None:
    cookie = await _signed_in(hub, COMMITTEE, Role.COMMITTEE)
    period = _running(hub)
    query = f"province=ha-noi&year={period['statisticalYear']}&months={period['months']}"
    report = await _graphql(hub, COMMITTEE, Role.COMMITTEE, "ha-noi", period)

    xlsx = await hub.http.get(f"/bao-cao/tai-ve.xlsx?{query}", headers=cookie)
    assert xlsx.status_code == 200, xlsx.text[:300]
    assert xlsx.headers["content-type"] == XLSX
    assert xlsx.headers["content-disposition"].startswith('attachment; filename="bao-cao-ha-noi-')
    assert xlsx.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(xlsx.content))["Báo cáo"]
    codes = [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert codes[: len(report["rows"])] == [r["code"] for r in report["rows"]]
    assert report["period"]["label"] in str(sheet["A2"].value)

    answer = await hub.http.get(f"/bao-cao/tai-ve.csv?{query}", headers=cookie)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8").removeprefix("\ufeff"))))
    assert [r[0] for r in rows[1 : 1 + len(report["rows"])]] == [r["code"] for r in report["rows"]]

    printable = await hub.http.get(f"/bao-cao/in?{query}", headers=cookie)
    assert printable.status_code == 200
    assert "style-src 'sha256-" in printable.headers["content-security-policy"]
    for row in report["rows"]:
        assert f'<tr data-code="{row["code"]}">' in printable.text


async def test_a_mistake_in_a_files_period_goes_back_to_the_dashboard_which_says_it(hub: Hub) -> None:
    cookie = await _signed_in(hub, COMMITTEE, Role.COMMITTEE)

    answer = await hub.http.get("/bao-cao/tai-ve.xlsx?province=ha-noi&year=2027&months=13", headers=cookie)

    assert (answer.status_code, answer.headers["location"]) == (303, "/bao-cao?province=ha-noi&year=2027&months=13")


@pytest.mark.parametrize(
    ("agency", "role"),
    [("court.ha-noi.kv01", Role.COURT_CLERK), ("enforcement.ha-noi", Role.PERSONNEL)],
    ids=["court-clerk", "personnel"],
)
async def test_people_of_another_kind_are_refused_with_no_figures(hub: Hub, agency: str, role: Role) -> None:
    report = await _graphql(hub, COMMITTEE, Role.COMMITTEE, "ha-noi", _running(hub))
    person = await _signed_in(hub, agency, role)
    period = _running(hub)
    query = f"province=ha-noi&year={period['statisticalYear']}&months={period['months']}"

    for url in ("/bao-cao", f"/bao-cao?{query}", f"/bao-cao/tai-ve.csv?{query}", f"/bao-cao/in?{query}"):
        answer = await hub.http.get(url, headers=person)
        assert answer.status_code == 403, url
        assert "Trang Báo cáo chỉ dành cho Ban chỉ đạo" in answer.text
        assert "data-code" not in answer.text
        assert all(row["name"] not in _main(answer.text) for row in report["rows"])
    assert 'href="/bao-cao"' not in (await hub.http.get("/", headers=person)).text


async def test_a_committee_of_another_province_cannot_read_this_provinces_figures(hub: Hub) -> None:
    ha_noi = await _graphql(hub, COMMITTEE, Role.COMMITTEE, "ha-noi", _running(hub))
    hue = await _signed_in(hub, OTHER_COMMITTEE, Role.COMMITTEE)
    period = _running(hub)
    asked = f"province=ha-noi&year={period['statisticalYear']}&months={period['months']}"

    page = await hub.http.get(f"/bao-cao?{asked}", headers=hue)  # the dashboard shows its own province only
    assert page.status_code == 200
    assert "data-code=" in page.text
    assert all(f'data-code="{row["code"]}"' not in page.text for row in ha_noi["rows"])
    for url in (f"/bao-cao/tai-ve.csv?{asked}", f"/bao-cao/tai-ve.xlsx?{asked}", f"/bao-cao/in?{asked}"):
        answer = await hub.http.get(url, headers=hue)
        assert answer.status_code == 403, url
        assert "chỉ xem được báo cáo của tỉnh, thành phố mình" in answer.text
        assert all(row["name"] not in _main(answer.text) for row in ha_noi["rows"])


async def test_the_ministry_reads_the_national_roll_up_and_picks_a_province(hub: Hub) -> None:
    cookie = await _signed_in(hub, "ministry.justice", Role.MINISTRY)
    period = _running(hub)

    page, national = await _page_and_report(hub, cookie, "/bao-cao", "ministry.justice", Role.MINISTRY, None, period)
    _assert_rows_as_graphql(page, national)
    assert '<option value="ha-noi">' in page

    url = f"/bao-cao?province=ha-noi&year={period['statisticalYear']}&months={period['months']}"
    page, ha_noi = await _page_and_report(hub, cookie, url, "ministry.justice", Role.MINISTRY, "ha-noi", period)
    _assert_rows_as_graphql(page, ha_noi)
    assert '<option value="ha-noi" selected>' in page


async def test_an_unknown_province_is_said_to_the_ministry_with_no_figures(hub: Hub) -> None:
    cookie = await _signed_in(hub, "ministry.justice", Role.MINISTRY)

    answer = await hub.http.get("/bao-cao?province=atlantis", headers=cookie)

    assert answer.status_code == 400
    assert "Không có tỉnh, thành phố này" in answer.text
    assert "data-code" not in answer.text
