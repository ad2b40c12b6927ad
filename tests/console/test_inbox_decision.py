"""Quyết định thi hành án on a registered transfer's page: the decision and its chấp hành viên, recorded through
the form, are what GraphQL then reports; a wrong form or a refusal of the hub writes nothing.

Every check of what changed is made through GraphQL as the office. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import html
import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from domain.access import Role
from tests.console.test_inbox import OFFICE, OTHER_OFFICE, _signed_in, _transferred
from tests.fixtures.hub import Hub
from tests.support.console import form_token

_numbers = itertools.count(1)

ACKNOWLEDGE = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } } }"
DECISION = """
query ($id: ID!) { transfer(id: $id) { status receivedAt decision { number issuedOn kind officer } } }
"""
OFFICERS = """
query ($agency: ID!) { officers(filter: {agency: $agency}, first: 200) { edges { node { name title post } } } }
"""


def _office(hub: Hub) -> Any:
    return hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))


async def _registered(hub: Hub) -> str:
    """A transferred judgment the office has entered in its register (through GraphQL): its transfer id."""
    transfer_id, _ = await _transferred(hub)
    answer = await _office(hub)(ACKNOWLEDGE, {"id": transfer_id})
    assert answer.data is not None, answer.errors
    assert answer.data["acknowledgeTransfer"]["userErrors"] == []
    return transfer_id


async def _as_the_office(hub: Hub, transfer_id: str) -> dict[str, Any]:
    answer = await _office(hub)(DECISION, {"id": transfer_id})
    assert answer.data is not None, answer.errors
    found: dict[str, Any] = answer.data["transfer"]
    return found


def _form(number: str, day: str, kind: str | None, officer: str) -> dict[str, str]:
    form = {"so-quyet-dinh": number, "ngay-quyet-dinh": day, "chap-hanh-vien": officer}
    return form if kind is None else {**form, "loai-quyet-dinh": kind}


async def test_a_decision_recorded_through_the_form_is_what_graphql_reports_and_the_page_shows(hub: Hub) -> None:
    transfer_id = await _registered(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    page = (await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text
    assert "Quyết định thi hành án" in page
    assert f'action="/hop-thu/{transfer_id}/quyet-dinh"' in page
    number, today = f"{next(_numbers)}/QĐ-CCTHADS", hub.clock.today()

    done = await hub.http.post(
        f"/hop-thu/{transfer_id}/quyet-dinh",
        headers=clerk,
        data={"csrf": form_token(page), **_form(number, today.strftime("%d/%m/%Y"), "EX_OFFICIO", "Lê Minh Tuấn")},
    )

    assert done.status_code == 303
    seen = await _as_the_office(hub, transfer_id)
    assert seen["status"] == "DECIDED"
    assert seen["decision"] == {
        "number": number,
        "issuedOn": today.isoformat(),
        "kind": "EX_OFFICIO",
        "officer": "Lê Minh Tuấn",
    }
    shown = html.unescape((await hub.http.get(done.headers["location"], headers=clerk)).text)
    assert "Đã ghi quyết định thi hành án" in shown
    assert f"Số {number} ngày {today.strftime('%d/%m/%Y')} (chủ động), chấp hành viên Lê Minh Tuấn" in shown
    assert 'action="/hop-thu/' + transfer_id + '/quyet-dinh"' not in shown  # decided: the form is gone


async def test_the_form_suggests_the_offices_chap_hanh_vien_as_graphql_gives_them(hub: Hub) -> None:
    transfer_id = await _registered(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)

    page = html.unescape((await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text)

    answer = await _office(hub)(OFFICERS, {"agency": OFFICE})
    assert answer.data is not None, answer.errors
    people = [edge["node"] for edge in answer.data["officers"]["edges"]]
    officers = [p for p in people if "Chấp hành viên" in f"{p['title']} {p['post'] or ''}"]
    others = [p for p in people if p not in officers]
    assert officers, people  # the reference personnel system staffs every office with chấp hành viên
    assert 'list="chap-hanh-vien-don-vi"' in page
    for officer in officers:
        assert f'<option value="{officer["name"]}">' in page
    for person in others:
        assert f'<option value="{person["name"]}">' not in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form("1/QĐ", "31/02/2026", "EX_OFFICIO", "Lê Minh Tuấn"), "Ngày ra quyết định không hợp lệ"),
        (_form("1/QĐ", "2026/12/05", "EX_OFFICIO", "Lê Minh Tuấn"), "Ngày ra quyết định không hợp lệ"),
        (_form("1/QĐ", "", "ON_REQUEST", "Lê Minh Tuấn"), "Ngày ra quyết định không hợp lệ"),
        (_form("  ", "TODAY", "EX_OFFICIO", "Lê Minh Tuấn"), "Hãy ghi số quyết định thi hành án."),
        (_form("1/QĐ", "TODAY", None, "Lê Minh Tuấn"), "Hãy chọn loại quyết định"),
        (_form("1/QĐ", "TODAY", "EX_OFFICIO", ""), "Hãy ghi họ tên chấp hành viên"),
        (_form("1/QĐ", "TOMORROW", "EX_OFFICIO", "Lê Minh Tuấn"), "Ngày ra quyết định không được sau hôm nay"),
        (_form("1/QĐ", "TODAY", "EX_OFFICIO", "L" * 256), "tối đa 255 ký tự"),
    ],
    ids=["no-such-day", "not-a-vietnamese-date", "no-date", "no-number", "no-kind", "no-officer", "future", "long"],
)
async def test_a_wrong_decision_form_is_refused_in_vietnamese_and_writes_nothing(
    hub: Hub, form: dict[str, str], message: str
) -> None:
    transfer_id = await _registered(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    token = form_token((await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text)
    today = hub.clock.today()
    days = {"TODAY": today, "TOMORROW": today + timedelta(days=1)}
    typed = {**form, "ngay-quyet-dinh": _day(form["ngay-quyet-dinh"], days)}

    answer = await hub.http.post(f"/hop-thu/{transfer_id}/quyet-dinh", headers=clerk, data={"csrf": token, **typed})

    assert answer.status_code == 422
    assert message in html.unescape(answer.text)
    assert f'required value="{typed["ngay-quyet-dinh"]}"' in answer.text  # the form again, as typed
    seen = await _as_the_office(hub, transfer_id)
    assert (seen["status"], seen["decision"]) == ("ACKNOWLEDGED", None)


def _day(text: str, days: dict[str, date]) -> str:
    return days[text].strftime("%d/%m/%Y") if text in days else text


async def test_a_decision_form_without_the_session_token_is_refused_and_writes_nothing(hub: Hub) -> None:
    transfer_id = await _registered(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    form = _form("7/QĐ", hub.clock.today().strftime("%d/%m/%Y"), "EX_OFFICIO", "Lê Minh Tuấn")

    for token in ({}, {"csrf": "not-the-token"}):
        answer = await hub.http.post(f"/hop-thu/{transfer_id}/quyet-dinh", headers=clerk, data={**token, **form})
        assert answer.status_code == 403
        assert "Biểu mẫu đã hết hạn" in answer.text

    seen = await _as_the_office(hub, transfer_id)
    assert (seen["status"], seen["decision"]) == ("ACKNOWLEDGED", None)


async def test_a_clerk_of_another_office_cannot_record_a_decision_and_sees_no_data(hub: Hub) -> None:
    transfer_id = await _registered(hub)
    stranger = await _signed_in(hub, OTHER_OFFICE, Role.ENFORCEMENT_CLERK)
    token = form_token((await hub.http.get("/hop-thu", headers=stranger)).text)  # their own, valid form token
    form = _form("8/QĐ", hub.clock.today().strftime("%d/%m/%Y"), "ON_REQUEST", "Lê Minh Tuấn")

    answer = await hub.http.post(f"/hop-thu/{transfer_id}/quyet-dinh", headers=stranger, data={"csrf": token, **form})

    assert answer.status_code == 404
    assert "Không tìm thấy bản án" in answer.text
    assert "Nguyễn Văn An" not in answer.text
    assert "Lê Minh Tuấn" not in answer.text
    seen = await _as_the_office(hub, transfer_id)
    assert (seen["status"], seen["decision"]) == ("ACKNOWLEDGED", None)


async def test_a_transfer_not_yet_registered_offers_no_decision_form_and_the_hub_refuses_one(hub: Hub) -> None:
    transfer_id, _ = await _transferred(hub)
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)
    page = (await hub.http.get(f"/hop-thu/{transfer_id}", headers=clerk)).text
    assert "/quyet-dinh" not in page
    form = _form("9/QĐ", hub.clock.today().strftime("%d/%m/%Y"), "EX_OFFICIO", "Lê Minh Tuấn")

    answer = await hub.http.post(
        f"/hop-thu/{transfer_id}/quyet-dinh", headers=clerk, data={"csrf": form_token(page), **form}
    )

    assert answer.status_code == 422
    assert "Chỉ ghi quyết định thi hành án cho bản án đã vào sổ" in answer.text
    seen = await _as_the_office(hub, transfer_id)
    assert (seen["status"], seen["decision"]) == ("SUBMITTED", None)
