"""Sổ nhận bản án: the office's registered transfers of one statistical year (1 October – 30 September), in
register-number order, as GraphQL reports them; another office's are not in it.

The hub's clock is put on 30 September and then on 1 October (the ``at`` fixture), so one judgment is
registered in each statistical year. The office is one no other test uses, so its register holds only
what these tests put in it. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.access import Role
from tests.console.test_inbox import OFFICE, _signed_in, _transferred
from tests.fixtures.hub import Hub
from tests.support.console import form_token

REGISTER_COURT, REGISTER_OFFICE = "court.ha-noi.kv11", "enforcement.ha-noi.kv11"

ACKNOWLEDGE = """
mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { registerNumber registerYear } } }
"""
DECIDE = """
mutation ($id: ID!, $on: Date!) {
  recordEnforcementDecision(id: $id, number: "21/QĐ-CCTHADS", issuedOn: $on, kind: ON_REQUEST,
                            officer: "Trần Quốc Bảo") { userErrors { code } }
}
"""
INBOX = """
query ($office: ID!, $after: String) {
  inbox(office: $office, first: 200, after: $after) {
    edges { node { id registerNumber registerYear judgment { number } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
WHOSE = "query ($id: ID!) { transfer(id: $id) { registerOffice { code } } }"
ROW = re.compile(r'<td class="number">(\d+)</td>\s*<td>([^<]*)</td>\s*<td><a href="/hop-thu/([^"]+)">')


def _office(hub: Hub, office: str = REGISTER_OFFICE) -> Any:
    return hub.client(hub.token(office, [Role.ENFORCEMENT_CLERK]))


async def _registered(hub: Hub) -> tuple[str, int, int]:
    """A judgment the court transfers and the office registers now: (transfer id, register number, year)."""
    transfer_id, _ = await _transferred(hub, REGISTER_COURT)
    answer = await _office(hub)(ACKNOWLEDGE, {"id": transfer_id})
    assert answer.data is not None, answer.errors
    payload = answer.data["acknowledgeTransfer"]
    assert payload["userErrors"] == []
    return transfer_id, payload["transfer"]["registerNumber"], payload["transfer"]["registerYear"]


async def _graphql_register(hub: Hub, year: int) -> list[tuple[int, str]]:
    """The office's register of ``year`` as GraphQL reports it: (number, transfer id) by number."""
    found, after = [], None
    while True:
        answer = await _office(hub)(INBOX, {"office": REGISTER_OFFICE, "after": after})
        assert answer.data is not None, answer.errors
        inbox = answer.data["inbox"]
        found += [e["node"] for e in inbox["edges"] if e["node"]["registerYear"] == year]
        if not inbox["pageInfo"]["hasNextPage"]:
            return sorted((node["registerNumber"], node["id"]) for node in found)
        after = inbox["pageInfo"]["endCursor"]


def _rows(page: str) -> list[tuple[int, str]]:
    return [(int(number), transfer_id) for number, _, transfer_id in ROW.findall(page)]


async def test_the_register_lists_the_years_registered_transfers_in_number_order_as_graphql_does(
    hub: Hub, at: Callable[[str], datetime]
) -> None:
    at("2027-09-30 15:00")  # the last day of statistical year 2027
    last_of_2027, _, year = await _registered(hub)
    assert year == 2027
    at("2027-10-01 08:30")  # the first day of statistical year 2028
    first_of_2028, number, year = await _registered(hub)
    assert year == 2028
    decided, _, _ = await _registered(hub)
    answer = await _office(hub)(DECIDE, {"id": decided, "on": "2027-10-01"})
    assert answer.data is not None, answer.errors
    assert answer.data["recordEnforcementDecision"]["userErrors"] == []
    waiting, _ = await _transferred(hub, REGISTER_COURT)  # received, not registered: in no register
    clerk = await _signed_in(hub, REGISTER_OFFICE, Role.ENFORCEMENT_CLERK)

    running = (await hub.http.get("/hop-thu/so-nhan", headers=clerk)).text  # the hub's clock: 2028
    of_2027 = (await hub.http.get("/hop-thu/so-nhan?nam=2027", headers=clerk)).text

    assert "năm thống kê 2028" in running
    assert _rows(running) == await _graphql_register(hub, 2028)
    assert _rows(of_2027) == await _graphql_register(hub, 2027)
    assert [number for number, _ in _rows(running)] == sorted(number for number, _ in _rows(running))
    assert first_of_2028 in {t for _, t in _rows(running)}
    assert decided in {t for _, t in _rows(running)}
    assert last_of_2027 not in {t for _, t in _rows(running)}
    assert last_of_2027 in {t for _, t in _rows(of_2027)}
    assert first_of_2028 not in {t for _, t in _rows(of_2027)}
    assert waiting not in running + of_2027
    entry = re.search(rf'<a href="/hop-thu/{decided}">.*?</tr>', html.unescape(running), re.S)
    assert entry is not None
    assert "Số 21/QĐ-CCTHADS ngày 01/10/2027 (theo đơn yêu cầu)" in entry.group(0)
    assert "Trần Quốc Bảo" in entry.group(0)
    assert (str(number), "01/10/2027", first_of_2028) in ROW.findall(running)  # the day of entry, Việt Nam time
    assert '<option value="2027">' in running  # the year picker offers the year before


async def test_another_offices_clerk_sees_only_their_own_register(hub: Hub, at: Callable[[str], datetime]) -> None:
    at("2027-10-02 10:00")
    ours, _, year = await _registered(hub)
    stranger = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)

    theirs = (await hub.http.get(f"/hop-thu/so-nhan?nam={year}", headers=stranger)).text

    assert ours not in theirs
    for _, transfer_id in _rows(theirs):
        seen = await _office(hub, OFFICE)(WHOSE, {"id": transfer_id})
        assert seen.data is not None
        assert seen.data["transfer"]["registerOffice"]["code"] == OFFICE


async def test_the_inbox_links_to_the_register_and_a_year_no_register_has_goes_to_the_running_one(hub: Hub) -> None:
    clerk = await _signed_in(hub, OFFICE, Role.ENFORCEMENT_CLERK)

    inbox = (await hub.http.get("/hop-thu", headers=clerk)).text
    wrong = await hub.http.get("/hop-thu/so-nhan?nam=1999", headers=clerk)
    register = (await hub.http.get("/hop-thu/so-nhan", headers=clerk)).text

    assert 'href="/hop-thu/so-nhan"' in inbox
    assert (wrong.status_code, wrong.headers["location"]) == (303, "/hop-thu/so-nhan")
    assert '<script src="/console/static/in-so.js" defer></script>' in register
    assert '<button type="button" id="in-so" hidden>In sổ</button>' in register  # shown by the script only
    assert form_token(register)  # the signed-in frame


async def test_people_who_receive_no_transfers_are_refused_the_register(hub: Hub) -> None:
    person = await _signed_in(hub, "procuracy.ha-noi.kv11", Role.PROCURACY)

    answer = await hub.http.get("/hop-thu/so-nhan", headers=person)

    assert answer.status_code == 403
    assert "Không có quyền truy cập" in answer.text
    assert "<table" not in answer.text
