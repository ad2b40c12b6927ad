"""A court says so when it submits a judgment enforced immediately or a bankruptcy decision (issue 16).

The flags are part of what it signs; the transfer's deadlines follow them. On the hub's clock at the
Friday before the lunar new year of 2027, a minute before five (Tết Đinh Mùi: Thursday 4 to
Wednesday 10 February off, work resumes Thursday 11; see tests/api/test_clock.py):

- ``court_transfer_immediate`` (Art. 2(2)(a), Art. 28(2)): 15 calendar days from the day the judgment
  was given, Friday 15 January 2027: the 15th day is Saturday 30 January, so Monday **2027-02-01**
  (Civil Code Art. 148(5)); received on 5 February, the court kept it late (MET_LATE), where 30 days
  from legal effect (``court_transfer``) would have been on time;
- ``decision_bankruptcy`` (Art. 36(2)(e)): 3 working days from receipt on Friday 5 February 16:59:
  Thu 11 (1), Fri 12 (2), the weekend, Mon 15 February (3): due **2027-02-15**, where the
  ex-officio decision (5 working days) would be due Wednesday 17.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date

import pytest
import pytest_asyncio

from domain.access import Role
from gateway import commands
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

COURT = "court.quang-ninh.kv03"
FRIDAY_BEFORE_TET = "2027-02-05 16:59"
DEADLINES = """
query ($id: ID!) { transfer(id: $id) { deadlines { key dueOn state } } }
"""


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A hub of this module's own: its clock moves to 2027 (see tests/api/test_clock.py)."""
    async with hub_for(request, "categories-hub") as built:
        yield built


async def _submitted(hub: Hub, **flags: bool) -> tuple[dict, dict[str, tuple[str, str]]]:
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    submission = replace(signer.submission(effective_on=date(2027, 1, 15)), adjudicated_on=date(2027, 1, 15), **flags)
    answer = await court(SUBMIT, signer.signed_variables(submission))
    payload = answer.data["submitJudgment"]
    if payload["transfer"] is None:
        return payload, {}
    deadlines = await court(DEADLINES, {"id": payload["transfer"]["id"]})
    assert deadlines.errors == [], deadlines.body
    return payload, {d["key"]: (d["dueOn"], d["state"]) for d in deadlines.data["transfer"]["deadlines"]}


class TestSubmitJudgmentEnforcedImmediately:
    async def test_the_transfer_is_due_15_days_from_the_judgment_not_from_its_legal_effect(self, hub, at) -> None:
        at(FRIDAY_BEFORE_TET)
        payload, deadlines = await _submitted(hub, enforced_immediately=True)
        assert payload["userErrors"] == []
        assert deadlines["court_transfer_immediate"] == ("2027-02-01", "MET_LATE")
        assert "court_transfer" not in deadlines

    async def test_an_interim_measure_enforced_immediately_is_refused(self, hub, at) -> None:
        at(FRIDAY_BEFORE_TET)
        payload, _ = await _submitted(hub, enforced_immediately=True, interim_measure=True)
        assert payload["transfer"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("enforcedImmediately", "INVALID")]


class TestSubmitBankruptcyDecision:
    async def test_the_decision_is_due_3_working_days_from_receipt_across_tet_and_a_weekend(self, hub, at) -> None:
        at(FRIDAY_BEFORE_TET)
        payload, deadlines = await _submitted(hub, bankruptcy=True)
        assert payload["userErrors"] == []
        assert deadlines["decision_bankruptcy"] == ("2027-02-15", "PENDING")
        assert "decision_ex_officio" not in deadlines
        assert deadlines["court_transfer"][1] == "MET"

    async def test_an_ordinary_judgment_keeps_the_ordinary_deadlines(self, hub, at) -> None:
        at(FRIDAY_BEFORE_TET)
        payload, deadlines = await _submitted(hub)
        assert payload["userErrors"] == []
        assert deadlines["decision_ex_officio"] == ("2027-02-17", "PENDING")
        assert "decision_bankruptcy" not in deadlines
        assert "court_transfer_immediate" not in deadlines
