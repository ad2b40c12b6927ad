"""Hộp thư đến: a court's transfer reaches the office clerk's inbox, the full view, Vào sổ and Trả lại.

Every check of what changed is made through GraphQL as the office (the console's own pages are not
trusted to report on themselves). Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate

from console.pages import inbox_operations
from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.console import form_token, signed_in
from tests.support.court_client import SUBMIT, CourtSigner

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"
OTHER_OFFICE = "enforcement.ha-noi.kv01"
PAGING_COURT, PAGING_OFFICE = "court.ha-noi.kv04", "enforcement.ha-noi.kv04"
CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"

_people = itertools.count(1)

AS_THE_OFFICE = """
query ($id: ID!) { transfer(id: $id) {
  status registerNumber registerYear lastReturn { reason note }
  judgment { parties { name citizenId } } } }
"""


async def _signed_in(hub: Hub, agency: str, role: Role) -> dict[str, str]:
    """A cookie header for a new person of ``agency`` holding ``role``."""
    return await signed_in(hub, f"console.inbox.{role.value}.{next(_people)}", agency, (role,))


async def _transferred(hub: Hub, court_code: str = COURT) -> tuple[str, str]:
    """A judgment the court submits through the hub: (transfer id, judgment number)."""
    signer = CourtSigner.new(court_code)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(court_code, [Role.COURT_CLERK]))
    submission = signer.submission()
    payload = (await court(SUBMIT, signer.signed_variables(submission))).data["submitJudgment"]
    assert payload["userErrors"] == []
    assert payload["transfer"]["registerOffice"]["code"] == court_code.replace("court.", "enforcement.")
    return payload["transfer"]["id"], submission.number


async def _as_the_office(hub: Hub, transfer_id: str) -> dict[str, Any]:
    office = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
    found: dict[str, Any] = (await office(AS_THE_OFFICE, {"id": transfer_id})).data["transfer"]
    return found


async def _inbox_pages(hub: Hub, cookie: dict[str, str], url: str = "/hop-thu") -> str:
    """Every page of the inbox from ``url``, following 'Trang sau' (the shared hub's office may hold many)."""
    pages: list[str] = []
    for _ in range(200):
        answer = await hub.http.get(url, headers=cookie)
        assert answer.status_code == 200
        pages.append(answer.text)
        following = re.search(r'<a href="([^"]+)">Trang sau</a>', answer.text)
        if following is None:
            return "\n".join(pages)
        url = following.group(1).replace("&amp;", "&")
    raise AssertionError("the inbox never ended")


def test_every_document_the_inbox_runs_is_valid_against_the_contract() -> None:
    schema = build_schema(CONTRACT.read_text(encoding="utf-8"))
    for document in inbox_operations.ALL:
        assert validate(schema, parse(document)) == [], document


async def test_without_a_session_the_inbox_sends_to_the_sign_in_page(hub: Hub) -> None:
    for answer in (
        await hub.http.get("/hop-thu"),
        await hub.http.get("/hop-thu/anything"),
        await hub.http.post("/hop-thu/anything/vao-so", data={"csrf": "x"}),
    ):
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


async def test_the_office_clerk_finds_the_transferred_judgment_in_the_inbox_and_filters_by_status(hub: Hub) -> None:
    transfer_id, number = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)

    everything = await _inbox_pages(hub, clerk)
    assert f'href="/hop-thu/{transfer_id}"' in everything
    assert number in everything
    assert "Hộp thư đến" in everything
    waiting = await _inbox_pages(hub, clerk, "/hop-thu?trang-thai=SUBMITTED")
    assert number in waiting
    registered = await _inbox_pages(hub, clerk, "/hop-thu?trang-thai=ACKNOWLEDGED")
    assert number not in registered


async def test_the_deadline_filter_keeps_the_transfers_whose_deadline_the_hub_says_is_overdue(
    hub: Hub, at: Callable[[str], datetime]
) -> None:
    transfer_id, number = await _transferred(hub)
    at(f"{(hub.clock.today() + timedelta(days=40)).isoformat()} 09:00")  # the decision's 5 working days are past
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)

    overdue = await _inbox_pages(hub, clerk, "/hop-thu?han=qua-han")
    pending = await _inbox_pages(hub, clerk, "/hop-thu?han=trong-han")

    assert f'href="/hop-thu/{transfer_id}"' in overdue
    assert "quá hạn" in overdue
    assert number not in pending
    page = (await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text
    assert '<td class="due overdue">quá hạn</td>' in page


async def test_the_full_view_shows_the_parties_as_policy_says_the_obligations_in_vnd_and_the_document(
    hub: Hub,
) -> None:
    transfer_id, number = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)

    answer = await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)

    assert answer.status_code == 200
    page = answer.text
    assert number in page
    assert "Nguyễn Văn An" in page
    assert "Công ty TNHH Minh Phát" in page
    assert "Người được thi hành án" in page
    assert "Người phải thi hành án" in page
    for party in (await _as_the_office(hub, transfer_id))["judgment"]["parties"]:
        if party["citizenId"]:  # as the hub gives it to this role, masked or not
            assert party["citizenId"] in page
    assert "4.050.000 ₫" in page
    assert "81.000.000 ₫" in page
    assert re.search(r"<code class=\"hash\">[0-9a-f]{64}</code>", page)
    assert "Chờ vào sổ" in page


async def test_vao_so_enters_the_judgment_in_the_register_and_the_page_shows_its_number(hub: Hub) -> None:
    transfer_id, _ = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    token = form_token((await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text)

    done = await hub.http.post(f"/hop-thu/{transfer_id}/vao-so", headers=clerk, data={"csrf": token})

    assert done.status_code == 303
    seen = await _as_the_office(hub, transfer_id)
    assert seen["status"] == "ACKNOWLEDGED"
    page = (await hub.http.get(done.headers["location"], headers=clerk)).text
    assert f"Số {seen['registerNumber']}, năm thống kê {seen['registerYear']}" in page
    assert "Đã vào Sổ nhận bản án." in page


async def test_tra_lai_as_unclear_returns_the_judgment_and_opens_the_explanation_request(hub: Hub) -> None:
    transfer_id, _ = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    token = form_token((await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text)
    note = "Phần quyết định không ghi rõ số tiền lãi phải trả."

    done = await hub.http.post(
        f"/hop-thu/{transfer_id}/tra-lai", headers=clerk, data={"csrf": token, "ly-do": "UNCLEAR", "ghi-chu": note}
    )

    assert done.status_code == 303
    seen = await _as_the_office(hub, transfer_id)
    assert seen["status"] == "RETURNED"
    assert seen["lastReturn"] == {"reason": "UNCLEAR", "note": note}
    page = (await hub.http.get(done.headers["location"], headers=clerk)).text
    assert "Đã trả lại bản án." in page
    assert "Yêu cầu giải thích bản án" in page
    assert "hạn trả lời" in page


async def test_tra_lai_to_the_competent_office_moves_the_transfer_out_of_this_inbox(hub: Hub) -> None:
    transfer_id, number = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    page = (await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text
    assert f'<option value="{OTHER_OFFICE}">' in page

    done = await hub.http.post(
        f"/hop-thu/{transfer_id}/tra-lai",
        headers=clerk,
        data={
            "csrf": form_token(page),
            "ly-do": "WRONG_AGENCY",
            "ghi-chu": "Bị đơn cư trú tại khu vực 1.",
            "chuyen-den": OTHER_OFFICE,
        },
    )

    assert done.status_code == 303
    assert done.headers["location"] == "/hop-thu?xong=tra-lai"
    assert "Đã trả lại bản án." in (await hub.http.get(done.headers["location"], headers=clerk)).text
    assert number not in await _inbox_pages(hub, clerk)
    other = await _signed_in(hub, OTHER_OFFICE, Role.ENFORCEMENT_CLERK)
    assert f'href="/hop-thu/{transfer_id}"' in await _inbox_pages(hub, other, "/hop-thu?trang-thai=SUBMITTED")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"ly-do": "UNCLEAR", "ghi-chu": "   "}, "Hãy ghi rõ lý do trả lại"),
        ({"ly-do": "WRONG_AGENCY", "ghi-chu": "Bị đơn cư trú tại khu vực khác."}, "Hãy chọn cơ quan thi hành án"),
        ({"ghi-chu": "Không chọn lý do."}, "Hãy chọn lý do trả lại"),
    ],
    ids=["blank-note", "no-agency-named", "no-reason"],
)
async def test_a_refused_tra_lai_changes_nothing_and_shows_the_form_again_with_what_was_typed(
    hub: Hub, form: dict[str, str], message: str
) -> None:
    transfer_id, _ = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    token = form_token((await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text)

    answer = await hub.http.post(f"/hop-thu/{transfer_id}/tra-lai", headers=clerk, data={"csrf": token, **form})

    assert answer.status_code == 422
    assert message in answer.text
    assert f">{form['ghi-chu']}</textarea>" in answer.text
    if "ly-do" in form:
        assert f'value="{form["ly-do"]}" required checked' in answer.text
    seen = await _as_the_office(hub, transfer_id)
    assert (seen["status"], seen["lastReturn"]) == ("SUBMITTED", None)


async def test_the_inbox_pages_through_every_transfer_once(hub: Hub) -> None:
    ids = {(await _transferred(hub, PAGING_COURT))[0] for _ in range(21)}
    clerk = await _signed_in(hub, PAGING_OFFICE, Role.ENFORCEMENT_CLERK)

    first = (await hub.http.get("/hop-thu", headers=clerk)).text
    shown = re.findall(r'<td><a href="/hop-thu/([^"]+)">', await _inbox_pages(hub, clerk))

    assert len(re.findall(r'<td><a href="/hop-thu/', first)) == 20
    assert "Trang sau" in first
    assert len(shown) == len(set(shown))
    assert ids <= set(shown)


async def test_a_clerk_of_another_office_finds_no_such_transfer(hub: Hub) -> None:
    transfer_id, number = await _transferred(hub)
    stranger = await _signed_in(hub, OTHER_OFFICE, Role.ENFORCEMENT_CLERK)

    answer = await hub.http.get(f"/hop-thu/{transfer_id}", headers=stranger)
    assert answer.status_code == 404
    assert "Không tìm thấy bản án" in answer.text
    assert number not in answer.text
    assert "Nguyễn Văn An" not in answer.text

    token = form_token(answer.text)  # their own, valid form token
    tried = await hub.http.post(f"/hop-thu/{transfer_id}/vao-so", headers=stranger, data={"csrf": token})
    assert tried.status_code == 303
    assert "loi=NOT_FOUND" in tried.headers["location"]
    assert (await _as_the_office(hub, transfer_id))["status"] == "SUBMITTED"


@pytest.mark.parametrize(
    ("agency", "role"),
    [(COURT, Role.COURT_CLERK), ("procuracy.ha-noi.kv03", Role.PROCURACY)],
    ids=["court", "procuracy"],
)
async def test_people_who_receive_no_transfers_are_refused_the_inbox_with_no_data(
    hub: Hub, agency: str, role: Role
) -> None:
    transfer_id, number = await _transferred(hub)
    person = await _signed_in(hub, agency, role)

    for url in ("/hop-thu", f"/hop-thu/{transfer_id}"):
        answer = await hub.http.get(url, headers=person)
        assert answer.status_code == 403
        assert "Không có quyền truy cập" in answer.text
        assert number not in answer.text
        assert "Nguyễn Văn An" not in answer.text
    home = (await hub.http.get("/", headers=person)).text
    assert 'href="/hop-thu"' not in home


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["no-token", "wrong-token"])
async def test_a_form_without_the_session_token_is_refused_and_changes_nothing(hub: Hub, token: str | None) -> None:
    transfer_id, _ = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    form = {} if token is None else {"csrf": token}

    acknowledged = await hub.http.post(f"/hop-thu/{transfer_id}/vao-so", headers=clerk, data=form)
    returned = await hub.http.post(
        f"/hop-thu/{transfer_id}/tra-lai", headers=clerk, data={**form, "ly-do": "UNCLEAR", "ghi-chu": "Chưa rõ."}
    )

    for answer in (acknowledged, returned):
        assert answer.status_code == 403
        assert "Biểu mẫu đã hết hạn" in answer.text
    seen = await _as_the_office(hub, transfer_id)
    assert (seen["status"], seen["registerNumber"], seen["lastReturn"]) == ("SUBMITTED", None, None)
