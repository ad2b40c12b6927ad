"""The register's statistical year follows the moment of receipt, not the day a clerk enters the judgment.

Decree 152/2026 Art. 7(2): a judgment is received when the receiving system records its complete, valid data
— for a transfer through the hub, when ``submitJudgment`` is accepted for the agency, or when the hub moves
the transfer to the competent agency after another returned it as not competent. The statistical year runs
1 October – 30 September (Circular 05/2024/TT-BTP), so a judgment received on 30 September and entered on
1 October takes the next number of the closing year's register. On SQLite and PostgreSQL; the hub's clock is
set for each step (``at``), Việt Nam time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.court_client import SUBMIT, CourtSigner

COURT = "court.ha-noi.kv12"
OFFICE = "enforcement.ha-noi.kv12"
OTHER_OFFICE = "enforcement.ha-noi.kv10"
ACKNOWLEDGE = """
mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { registerNumber registerYear } } }
"""
REROUTE = """
mutation ($id: ID!, $to: ID!) {
  returnTransfer(id: $id, reason: WRONG_AGENCY, note: "Không thuộc địa bàn", redirectTo: $to) { userErrors { code } }
}
"""


async def _submitted(hub: Hub) -> str:
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    answer = await court(SUBMIT, signer.signed_variables(signer.submission()))
    assert answer.data is not None, answer.errors
    transfer_id: str = answer.data["submitJudgment"]["transfer"]["id"]
    return transfer_id


async def _registered(hub: Hub, transfer_id: str, office: str = OFFICE) -> dict[str, Any]:
    answer = await hub.client(hub.token(office, [Role.ENFORCEMENT_CLERK]))(ACKNOWLEDGE, {"id": transfer_id})
    assert answer.data is not None, answer.errors
    payload = answer.data["acknowledgeTransfer"]
    assert payload["userErrors"] == []
    found: dict[str, Any] = payload["transfer"]
    return found


async def test_received_on_30_september_and_entered_on_1_october_is_in_the_closing_years_register(
    hub: Hub, at: Callable[[str], datetime]
) -> None:
    at("2027-09-30 23:40")
    late = await _submitted(hub)
    at("2027-10-01 00:10")
    early = await _submitted(hub)
    at("2027-10-01 08:00")  # the clerk enters both on the first morning of statistical year 2028
    closing = await _registered(hub, late)
    opening = await _registered(hub, early)
    assert closing["registerYear"] == 2027
    assert opening["registerYear"] == 2028
    assert opening["registerNumber"] == 1  # the first entry of the new register, whatever the old one holds


async def test_numbers_stay_gapless_within_the_closing_years_register(hub: Hub, at: Callable[[str], datetime]) -> None:
    at("2027-09-30 09:00")
    first = await _submitted(hub)
    second = await _submitted(hub)
    first_entry = await _registered(hub, first)
    at("2027-10-02 09:00")
    second_entry = await _registered(hub, second)
    assert (second_entry["registerYear"], second_entry["registerNumber"]) == (2027, first_entry["registerNumber"] + 1)


async def test_a_transfer_moved_to_the_competent_office_is_received_there_when_it_moved(
    hub: Hub, at: Callable[[str], datetime]
) -> None:
    at("2027-09-30 10:00")
    transfer_id = await _submitted(hub)
    at("2027-10-01 09:00")  # the first office finds it is not competent: the hub moves it on 1 October
    office = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
    moved = await office(REROUTE, {"id": transfer_id, "to": OTHER_OFFICE})
    assert moved.data is not None, moved.errors
    assert moved.data["returnTransfer"]["userErrors"] == []
    entry = await _registered(hub, transfer_id, OTHER_OFFICE)
    assert entry["registerYear"] == 2028
