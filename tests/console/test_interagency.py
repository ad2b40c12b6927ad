"""Thống kê liên ngành (/bao-cao/lien-nganh): the interagency statistics in the console, on SQLite and PostgreSQL.

The provincial enforcement agency closes through the page, the provincial procuracy disputes a row, the agency
closes the corrected figures, the procuracy counter-signs; after each step GraphQL reports the status the page
says. The page's rows and files are compared with ``interagencyStatistics`` asked through GraphQL. The module
has a hub of its own: it puts the clock in April 2026.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from graphql import build_schema, parse, validate
from openpyxl import load_workbook

from console.pages import interagency_operations
from domain.access import Role
from domain.clock import at
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.console import form_token, signed_in

pytestmark = pytest.mark.e2e

CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
PROVINCE = "hue"
PAGE = f"/bao-cao/lien-nganh?tinh={PROVINCE}&nam=2026&thang=6"
FORM = {"tinh": PROVINCE, "nam": "2026", "thang": "6"}
PERIOD = {"statisticalYear": 2026, "months": 6}
READ = """
query ($province: String!, $period: InteragencyPeriodInput!) {
  interagencyStatistics(province: $province, period: $period) {
    status version rows { code label value } steps { step notes { row note } }
  }
}
"""
_people = itertools.count(1)


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A hub of this module's own: its clock goes to April 2026."""
    async with hub_for(request, "interagency-console") as built:
        yield built


async def _person(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    return await signed_in(hub, f"console.interagency.{role.value}.{next(_people)}", agency, (role,))


async def _graphql(hub: Hub) -> dict[str, Any]:
    answer = await hub.client(hub.token(f"committee.{PROVINCE}", [Role.COMMITTEE]))(
        READ, {"province": PROVINCE, "period": PERIOD}
    )
    assert answer.errors == [], answer.body
    found: dict[str, Any] = answer.data["interagencyStatistics"]
    return found


def _status(page: str) -> str:
    found = re.search(r'data-trang-thai="([A-Z]+)"', page)
    assert found is not None, "the page shows no status"
    return found.group(1)


def _row_value(page: str, code: str) -> str:
    found = re.search(rf'<tr data-dong="{re.escape(code)}">.*?<td class="num">([^<]*)</td>', page, re.S)
    assert found is not None, code
    return found.group(1)


def test_every_document_the_page_runs_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in interagency_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_page_sends_to_the_sign_in_page(hub: Hub) -> None:
    for answer in (
        await hub.http.get("/bao-cao/lien-nganh"),
        await hub.http.post("/bao-cao/lien-nganh/khoa", data={"csrf": "x", **FORM}),
    ):
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


async def test_close_dispute_correct_and_countersign_through_the_page(hub: Hub) -> None:
    thursday = at("2026-04-02 10:00")
    hub.clock.set(thursday)
    try:
        clerk = await _person(hub, f"enforcement.{PROVINCE}", Role.ENFORCEMENT_CLERK)

        draft = (await hub.http.get(PAGE, headers=clerk)).text
        assert _status(draft) == "DRAFT"
        assert "Khóa số liệu và gửi Viện kiểm sát ký xác nhận" in draft
        asked = await _graphql(hub)
        for row in asked["rows"][:3]:
            assert row["label"] in draft
        closed = await hub.http.post(
            "/bao-cao/lien-nganh/khoa", headers=clerk, data={"csrf": form_token(draft), **FORM}
        )
        assert closed.status_code == 303
        assert "xong=close" in closed.headers["location"]
        assert (await _graphql(hub))["status"] == "CLOSED"

        hub.clock.set(thursday + timedelta(days=5))  # Tuesday: the procuracy's 2 working days ended on Monday
        prosecutor = await _person(hub, f"procuracy.{PROVINCE}", Role.PROCURACY)  # sessions last 8 hours
        clerk = await _person(hub, f"enforcement.{PROVINCE}", Role.ENFORCEMENT_CLERK)
        late = (await hub.http.get(PAGE, headers=prosecutor)).text
        assert _status(late) == "CLOSED"
        assert "Viện kiểm sát chưa ký xác nhận: quá hạn 1 ngày làm việc (hạn 06/04/2026)" in late
        assert "quá hạn 1 ngày" in late
        assert "Ký xác nhận số liệu" in late
        disputed = await hub.http.post(
            "/bao-cao/lien-nganh/khong-thong-nhat",
            headers=prosecutor,
            data={"csrf": form_token(late), **FORM, "y-kien-01.2": "Thiếu việc thụ lý mới tháng 3"},
        )
        assert disputed.status_code == 303
        after_dispute = await _graphql(hub)
        assert after_dispute["status"] == "DISPUTED"
        assert after_dispute["steps"][-1]["notes"] == [{"row": "01.2", "note": "Thiếu việc thụ lý mới tháng 3"}]

        to_correct = (await hub.http.get(PAGE, headers=clerk)).text
        assert _status(to_correct) == "DISPUTED"
        assert "Dòng 01.2: Thiếu việc thụ lý mới tháng 3" in to_correct
        corrected = await hub.http.post(
            "/bao-cao/lien-nganh/khoa",
            headers=clerk,
            data={"csrf": form_token(to_correct), **FORM, "ghi-chu": "Đã bổ sung việc thụ lý mới"},
        )
        assert "xong=close" in corrected.headers["location"]
        assert (await _graphql(hub))["version"] == 2

        to_sign = (await hub.http.get(PAGE, headers=prosecutor)).text
        signed = await hub.http.post(
            "/bao-cao/lien-nganh/ky-xac-nhan", headers=prosecutor, data={"csrf": form_token(to_sign), **FORM}
        )
        assert "xong=countersign" in signed.headers["location"]
        final = await _graphql(hub)
        assert final["status"] == "COUNTERSIGNED"
        shown = (await hub.http.get(PAGE, headers=prosecutor)).text
        assert _status(shown) == "COUNTERSIGNED"
        assert shown.count('<li data-buoc="') == 4
        assert "Ký xác nhận số liệu" not in shown  # nothing left to sign
        for row in final["rows"]:
            if row["value"] is not None and "." not in row["value"]:
                assert _row_value(shown, row["code"]).replace(".", "") == row["value"], row
    finally:
        hub.clock.reset()


async def test_a_wrong_form_token_changes_nothing(hub: Hub) -> None:
    hub.clock.set(at("2026-04-02 10:00"))
    try:
        clerk = await _person(hub, "enforcement.ha-noi", Role.ENFORCEMENT_CLERK)
        answer = await hub.http.post(
            "/bao-cao/lien-nganh/khoa",
            headers=clerk,
            data={"csrf": "stale", "tinh": "ha-noi", "nam": "2026", "thang": "3"},
        )
        assert answer.status_code == 403
        client = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
        read = await client(READ, {"province": "ha-noi", "period": {"statisticalYear": 2026, "months": 3}})
        assert read.data["interagencyStatistics"]["status"] == "DRAFT"
    finally:
        hub.clock.reset()


async def test_a_committee_reads_its_own_province_only_and_is_offered_no_signing_form(hub: Hub) -> None:
    own = await _person(hub, f"committee.{PROVINCE}", Role.COMMITTEE)
    page = await hub.http.get(PAGE, headers=own)
    assert page.status_code == 200
    assert "Ký xác nhận số liệu" not in page.text
    assert "Khóa số liệu và gửi" not in page.text
    other = await _person(hub, "committee.ha-noi", Role.COMMITTEE)
    refused = await hub.http.get(PAGE, headers=other)
    assert refused.status_code == 403
    assert "tỉnh, thành phố của cơ quan mình" in refused.text
    assert 'data-dong="' not in refused.text
    court = await _person(hub, f"court.{PROVINCE}", Role.COURT_CLERK)
    assert (await hub.http.get(PAGE, headers=court)).status_code == 403


async def test_the_files_hold_the_forms_rows_in_order(hub: Hub) -> None:
    reader = await _person(hub, f"committee.{PROVINCE}", Role.COMMITTEE)
    asked = await _graphql(hub)
    answer = await hub.http.get(PAGE.replace("lien-nganh?", "lien-nganh.csv?"), headers=reader)
    assert answer.status_code == 200
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Biểu", "Mã dòng", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [(r["code"], r["label"], r["value"] or "") for r in asked["rows"]]
    book = await hub.http.get(PAGE.replace("lien-nganh?", "lien-nganh.xlsx?"), headers=reader)
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content))["Biểu mẫu"]
    codes = [c.value for c in sheet["B"] if isinstance(c.value, str) and re.fullmatch(r"0\d\.\d+", c.value)]
    assert codes == [r["code"] for r in asked["rows"]]


async def test_the_ministry_picks_any_province_and_opens_on_the_first_of_its_picker(hub: Hub) -> None:
    ministry = await _person(hub, "ministry.justice", Role.MINISTRY)
    opened = await hub.http.get("/bao-cao/lien-nganh", headers=ministry)
    assert opened.status_code == 200
    picker = re.findall(r'<option value="([a-z-]+)"', opened.text)
    assert PROVINCE in picker
    first = re.search(r'<option value="([a-z-]+)" selected>', opened.text)
    assert first is not None
    assert first.group(1) == picker[0]
    assert _status(opened.text) in {"DRAFT", "CLOSED", "COUNTERSIGNED", "DISPUTED"}
    chosen = await hub.http.get(PAGE, headers=ministry)
    assert chosen.status_code == 200
    assert "Huế" in chosen.text
    assert "Khóa số liệu và gửi" not in chosen.text  # the ministry reads, it does not sign
