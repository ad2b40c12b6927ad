"""The hub on a day a test chooses: ``at(...)`` sets the clock the hub was built with; nothing is patched.

The day is the Friday before the lunar new year of 2027, a minute before five. The hub counts the
deadlines of a judgment received then over the Tết holidays, on the working-day calendar of
domain/workdays.py (the ``holidays`` library's Việt Nam calendar; data/compensatory_days.toml has
no entry for 2027 yet, so it changes nothing here):

- Tết Đinh Mùi: mùng 1 is Saturday 6 February 2027. Tết falls on a weekend, so the five days off
  are 29 Tết to mùng 5 (Labour Code 2019 Art. 112(1)(b)): Thursday 4 and Friday 5 February, the
  weekend, then Monday 8 to Wednesday 10 February. Work resumes on Thursday 11 February.
- A period starts on the day after the event (Civil Code 2015 Art. 147(1)); one counted in days
  that ends on a day off ends with the next working day (Art. 148(5)).

So, for a judgment received at 16:59 on Friday 5 February 2027:

- ``decision_ex_officio``, 5 working days from receipt (Law on Civil Judgment Enforcement, the
  version in force from 1 July 2026 in data/deadline_rules.toml): Thu 11 (1), Fri 12 (2), Mon 15 (3),
  Tue 16 (4), Wed 17 February (5): due **2027-02-17**, where a calendar without Tết would say
  Friday 12 February;
- ``court_transfer``, 30 calendar days from the judgment's legal effect on Friday 8 January 2027
  (pronounced on 9 December 2026): the 30th day is Sunday 7 February (mùng 2 Tết), and the first
  working day after it is Thursday **2027-02-11**.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime

import pytest
import pytest_asyncio

from domain.access import Role
from gateway import commands
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A hub of this module's own: while a test holds its clock in 2027, the monitors of the hub the other
    tests share must not see that year (an overdue sweep would mark their open transfers)."""
    async with hub_for(request, "clock-hub") as built:
        yield built


COURT = "court.quang-ninh.kv03"  # no other API test acts for it
FRIDAY_BEFORE_TET = "2027-02-05 16:59"
EFFECTIVE_ON = date(2027, 1, 8)
DEADLINES = """
query ($id: ID!) { transfer(id: $id) { receivedAt deadlines { key dueOn state } } }
"""


async def _deadlines(client, transfer_id: str) -> tuple[datetime, dict[str, tuple[str, str]]]:
    answer = await client(DEADLINES, {"id": transfer_id})
    assert answer.errors == [], answer.body
    transfer = answer.data["transfer"]
    deadlines = {d["key"]: (d["dueOn"], d["state"]) for d in transfer["deadlines"]}
    return datetime.fromisoformat(transfer["receivedAt"]), deadlines


class TestTheHubOnTheFridayBeforeTet:
    async def test_a_judgment_received_at_one_minute_to_five_is_due_for_decision_after_the_tet_holidays(self, hub, at):
        received = at(FRIDAY_BEFORE_TET)
        signer = CourtSigner.new(COURT)
        await commands.keys_add(hub.settings, signer.court, signer.public_key)
        court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))

        answer = await court(SUBMIT, signer.signed_variables(signer.submission(effective_on=EFFECTIVE_ON)))

        payload = answer.data["submitJudgment"]
        assert payload["userErrors"] == []
        transfer_id = payload["transfer"]["id"]
        received_at, deadlines = await _deadlines(court, transfer_id)
        assert received_at == received  # the hub recorded its clock's moment, not the machine's
        assert deadlines["decision_ex_officio"] == ("2027-02-17", "PENDING")
        assert deadlines["court_transfer"] == ("2027-02-11", "MET")

    async def test_the_decision_deadline_turns_overdue_the_day_after_it_is_due(self, hub, at):
        at(FRIDAY_BEFORE_TET)
        signer = CourtSigner.new(COURT)
        await commands.keys_add(hub.settings, signer.court, signer.public_key)
        court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
        answer = await court(SUBMIT, signer.signed_variables(signer.submission(effective_on=EFFECTIVE_ON)))
        transfer_id = answer.data["submitJudgment"]["transfer"]["id"]

        at("2027-02-17 23:59")
        _, on_the_last_day = await _deadlines(court, transfer_id)
        at("2027-02-18 00:00")
        _, the_day_after = await _deadlines(court, transfer_id)

        assert on_the_last_day["decision_ex_officio"] == ("2027-02-17", "PENDING")
        assert the_day_after["decision_ex_officio"] == ("2027-02-17", "OVERDUE")
