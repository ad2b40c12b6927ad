"""Tổ chức cán bộ: staffing against the quota and the alerts, as ``staffing`` and ``personnelAlerts`` give them.

Each figure and alert the page shows is compared with the same query asked through GraphQL by the same kind
of person; the hub's policy scopes both (a personnel department its agency and those below it, the ministry
every unit). Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import html
import itertools
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate

from console.pages import personnel_operations
from domain.access import Role
from tests.fixtures.hub import Hub
from tests.support.console import signed_in

PROVINCIAL = "enforcement.ha-noi"
KV01, KV02 = "enforcement.ha-noi.kv01", "enforcement.ha-noi.kv02"
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
STAFFING = """
query ($province: String!, $horizon: Int!) {
  staffing(province: $province) { quota inPost gap units { quota inPost gap agency { code name } } }
  personnelAlerts(province: $province, horizonDays: $horizon) { kind legalBasis dueOn detail agency { code } }
}
"""

LEADERS = """
query ($province: String!) {
  officers(filter: {province: $province, leadersOnly: true}, first: 200) {
    totalCount edges { node { code name post termEndsOn } }
  }
}
"""

_people = itertools.count(1)


async def _signed_in(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    return await signed_in(hub, f"console.personnel.{role.value}.{next(_people)}", agency, (role,))


async def _graphql(hub: Hub, agency: str, role: Role, horizon: int = 180) -> dict[str, Any]:
    answer = await hub.client(hub.token(agency, [role]))(STAFFING, {"province": "ha-noi", "horizon": horizon})
    assert answer.errors == [], answer.body
    assert answer.data is not None
    return answer.data


def _unit_cells(page: str, code: str) -> list[str]:
    found = re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', page, re.DOTALL)
    assert found is not None, f"no row for {code}"
    return [html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.DOTALL)]


def _shown_count(value: int | None) -> str:
    return "–" if value is None else str(value)


def _assert_as_graphql(page: str, expected: dict[str, Any]) -> None:
    staffing = expected["staffing"]
    assert staffing["units"], "nothing to compare"
    for unit in staffing["units"]:
        cells = _unit_cells(page, unit["agency"]["code"])
        assert cells[:4] == [
            unit["agency"]["name"],
            _shown_count(unit["quota"]),
            str(unit["inPost"]),
            _shown_count(unit["gap"]),
        ]
    assert page.count('<tr data-code="') == len(staffing["units"])
    assert f"<dt>Đang làm việc</dt><dd>{staffing['inPost']}</dd>" in page
    alerts = expected["personnelAlerts"]
    assert f"Cảnh báo ({len(alerts)})" in page
    assert page.count('<tr class="alert-') == len(alerts)
    text = html.unescape(page)
    for alert in alerts:
        due = date.fromisoformat(alert["dueOn"]).strftime("%d/%m/%Y")
        assert alert["detail"] in text
        assert alert["legalBasis"] in text
        assert due in text


def test_every_document_the_personnel_page_runs_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in personnel_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_personnel_page_sends_to_the_sign_in_page(hub: Hub) -> None:
    answer = await hub.http.get("/to-chuc-can-bo")
    assert (answer.status_code, answer.headers["location"]) == (303, "/")


async def test_the_provincial_personnel_department_sees_staffing_and_alerts_as_graphql_gives_them(hub: Hub) -> None:
    cookie = await _signed_in(hub, PROVINCIAL, Role.PERSONNEL)

    page = (await hub.http.get("/to-chuc-can-bo", headers=cookie)).text

    expected = await _graphql(hub, PROVINCIAL, Role.PERSONNEL)
    _assert_as_graphql(page, expected)
    assert expected["personnelAlerts"], "the reference data has alerts in Hà Nội"
    assert {u["agency"]["code"] for u in expected["staffing"]["units"]} >= {KV01, KV02}


async def test_the_leaders_and_their_terms_are_listed_as_officers_gives_them(hub: Hub) -> None:
    cookie = await _signed_in(hub, PROVINCIAL, Role.PERSONNEL)

    page = (await hub.http.get("/to-chuc-can-bo", headers=cookie)).text

    answer = await hub.client(hub.token(PROVINCIAL, [Role.PERSONNEL]))(LEADERS, {"province": "ha-noi"})
    assert answer.data is not None, answer.body
    leaders = [edge["node"] for edge in answer.data["officers"]["edges"]]
    assert leaders, "the reference data has leaders in Hà Nội"
    assert f"Lãnh đạo, quản lý ({answer.data['officers']['totalCount']})" in page
    assert page.count("<tr data-officer=") == len(leaders)
    for leader in leaders:
        row = re.search(rf'<tr data-officer="{re.escape(leader["code"])}">(.*?)</tr>', page, re.DOTALL)
        assert row is not None, leader["code"]
        text = html.unescape(row.group(1))
        assert leader["name"] in text
        assert (leader["post"] or "") in text
        if leader["termEndsOn"]:
            assert date.fromisoformat(leader["termEndsOn"]).strftime("%d/%m/%Y") in text


async def test_a_longer_horizon_shows_the_alerts_graphql_gives_for_it(hub: Hub) -> None:
    cookie = await _signed_in(hub, PROVINCIAL, Role.PERSONNEL)

    page = (await hub.http.get("/to-chuc-can-bo?horizon=365", headers=cookie)).text

    expected = await _graphql(hub, PROVINCIAL, Role.PERSONNEL, 365)
    _assert_as_graphql(page, expected)
    assert '<option value="365" selected>' in page


async def test_an_area_personnel_department_sees_its_own_unit_only(hub: Hub) -> None:
    cookie = await _signed_in(hub, KV01, Role.PERSONNEL)

    page = (await hub.http.get("/to-chuc-can-bo", headers=cookie)).text

    expected = await _graphql(hub, KV01, Role.PERSONNEL)
    _assert_as_graphql(page, expected)
    assert [u["agency"]["code"] for u in expected["staffing"]["units"]] == [KV01]
    assert f'data-code="{KV02}"' not in page


@pytest.mark.parametrize("role", [Role.MINISTRY, Role.PERSONNEL], ids=["ministry", "ministry-personnel"])
async def test_the_ministry_picks_a_province_and_sees_it_as_graphql_gives_it(hub: Hub, role: Role) -> None:
    cookie = await _signed_in(hub, "ministry.justice", role)

    first = (await hub.http.get("/to-chuc-can-bo", headers=cookie)).text
    assert "Chọn tỉnh, thành phố" in first
    assert "data-code" not in first

    page = (await hub.http.get("/to-chuc-can-bo?province=ha-noi", headers=cookie)).text
    _assert_as_graphql(page, await _graphql(hub, "ministry.justice", role))
    assert '<option value="ha-noi" selected>' in page


@pytest.mark.parametrize(
    ("agency", "role"),
    [("court.ha-noi.kv01", Role.COURT_CLERK), ("committee.ha-noi", Role.COMMITTEE), (KV01, Role.ENFORCEMENT_CLERK)],
    ids=["court-clerk", "committee", "enforcement-clerk"],
)
async def test_people_of_another_kind_are_refused_with_no_data(hub: Hub, agency: str, role: Role) -> None:
    expected = await _graphql(hub, PROVINCIAL, Role.PERSONNEL)
    person = await _signed_in(hub, agency, role)

    answer = await hub.http.get("/to-chuc-can-bo?province=ha-noi", headers=person)

    assert answer.status_code == 403
    assert "Trang Tổ chức cán bộ chỉ dành cho" in answer.text
    assert "data-code" not in answer.text
    assert "data-officer" not in answer.text
    assert all(html.escape(a["detail"]) not in answer.text for a in expected["personnelAlerts"])
    assert 'href="/to-chuc-can-bo"' not in (await hub.http.get("/", headers=person)).text
