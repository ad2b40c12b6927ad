"""Interagency statistics (TTLT 12/2021) over HTTP GraphQL, on SQLite and PostgreSQL.

close → counter-sign; close → dispute → corrected close → counter-sign; a transfer the court sent but
the enforcement agency did not register shows in the reconciliation; the counter-signature deadline
goes overdue across a weekend; who may act; every step in the audit trail, its signature verifying.

The module has a hub of its own: its tests put the clock in 2026's spring.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
import pytest_asyncio

from domain.access import Role
from domain.clock import at
from domain.receipts import verify_receipt
from ledger.db import write_transaction
from ledger.keys import CourtKeys
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.court_client import SUBMIT, CourtSigner

pytestmark = pytest.mark.e2e

PERIOD = {"statisticalYear": 2026, "months": 6}  # 01/10/2025 – 31/03/2026
FIELDS = """
  id province status version closesOn closedAt countersignDueOn figuresSha256 alerts legalBasis
  period { start end months }
  deadline { step dueOn state workingDays }
  rows { form code label unit value }
  reconciliation { courtCount enforcementCount matched
    differences { transferId judgmentId courtCode side sentOn registeredOn reason } }
  steps { seq step status version at agencyCode person note notes { row note } statement signature keyId }
"""
READ = f"""
query ($province: String!, $period: InteragencyPeriodInput!) {{
  interagencyStatistics(province: $province, period: $period) {{ {FIELDS} }}
}}
"""
CLOSE = f"""
mutation ($province: String!, $period: InteragencyPeriodInput!, $note: String) {{
  closeInteragencyStatistics(province: $province, period: $period, note: $note) {{
    userErrors {{ field code message }} statistics {{ {FIELDS} }}
  }}
}}
"""
COUNTERSIGN = f"""
mutation ($province: String!, $period: InteragencyPeriodInput!) {{
  countersignInteragencyStatistics(province: $province, period: $period) {{
    userErrors {{ field code message }} statistics {{ {FIELDS} }}
  }}
}}
"""
DISPUTE = f"""
mutation ($province: String!, $period: InteragencyPeriodInput!, $notes: [RowNoteInput!]!) {{
  disputeInteragencyStatistics(province: $province, period: $period, notes: $notes) {{
    userErrors {{ field code message }} statistics {{ {FIELDS} }}
  }}
}}
"""
ACK = "mutation ($id: ID!) { acknowledgeTransfer(id: $id) { userErrors { code } transfer { status } } }"
TRAIL = """
query ($filter: AuditTrailFilter) {
  auditTrail(filter: $filter, first: 50) { edges { node { operation agencyCode objectIds at } } }
}
"""


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A hub of this module's own: its clock goes back to March and April 2026."""
    async with hub_for(request, "interagency-hub") as built:
        yield built


def vars_(province: str, **more: Any) -> dict[str, Any]:
    return {"province": province, "period": PERIOD, **more}


def payload(answer: Any, operation: str) -> dict[str, Any]:
    assert answer.errors == [], answer.body
    result: dict[str, Any] = answer.data[operation]
    return result


def statistics(answer: Any, operation: str) -> dict[str, Any]:
    result = payload(answer, operation)
    assert result["userErrors"] == [], result["userErrors"]
    found: dict[str, Any] = result["statistics"]
    return found


def clients(hub: Hub, province: str) -> tuple[Any, Any]:
    enforcement = hub.client(hub.token(f"enforcement.{province}", [Role.ENFORCEMENT_CLERK]))
    procuracy = hub.client(hub.token(f"procuracy.{province}", [Role.PROCURACY]))
    return enforcement, procuracy


async def submit(hub: Hub, court: str, effective_on: date) -> dict[str, Any]:
    signer = CourtSigner.new(court)
    async with write_transaction(hub.state.sessions) as session:  # valid from before the clock's March
        await CourtKeys(session).add(signer.court, signer.public_key, at("2026-01-01 00:00"))
    client = hub.client(hub.token(court, [Role.COURT_CLERK]))
    answer = await client(SUBMIT, signer.signed_variables(signer.submission(effective_on=effective_on)))
    result = payload(answer, "submitJudgment")
    assert result["userErrors"] == [], result
    transfer: dict[str, Any] = result["transfer"]
    return transfer


def verifies(hub: Hub, step: dict[str, Any]) -> bool:
    return verify_receipt(step["statement"], step["signature"], hub.state.receipts.public_key)


class TestCloseThenCountersign:
    async def test_the_procuracy_countersigns_what_the_agency_closed_and_both_steps_are_signed(self, hub: Hub) -> None:
        enforcement, procuracy = clients(hub, "ha-noi")
        hub.clock.set(at("2026-03-10 09:00"))
        try:
            registered = await submit(hub, "court.ha-noi.kv01", date(2026, 3, 2))
            office = registered["registerOffice"]["code"]
            ack = await hub.client(hub.token(office, [Role.ENFORCEMENT_CLERK]))(ACK, {"id": registered["id"]})
            assert payload(ack, "acknowledgeTransfer")["userErrors"] == []
            unregistered = await submit(hub, "court.ha-noi.kv01", date(2026, 3, 3))

            draft = (await enforcement(READ, vars_("ha-noi"))).data["interagencyStatistics"]
            assert draft["status"] == "DRAFT"
            assert draft["steps"] == []

            hub.clock.set(at("2026-04-01 08:30"))
            closed = statistics(await enforcement(CLOSE, vars_("ha-noi")), "closeInteragencyStatistics")
            assert (closed["status"], closed["version"]) == ("CLOSED", 1)
            assert closed["countersignDueOn"] == "2026-04-03"  # Wed 1 April + 2 working days
            assert next(r["form"] for r in closed["rows"]) == "01/TKLN-THADS"
            assert {r["form"] for r in closed["rows"]} == {f"0{n}/TKLN-THADS" for n in range(1, 5)}

            differences = {d["transferId"]: d for d in closed["reconciliation"]["differences"]}
            assert registered["id"] not in differences  # both sides count it
            court_only = differences[unregistered["id"]]
            assert court_only["side"] == "COURT_ONLY"
            assert court_only["registeredOn"] is None
            assert court_only["reason"] == "Chưa vào sổ nhận bản án, quyết định"
            r = closed["reconciliation"]
            assert r["courtCount"] - r["matched"] == sum(1 for d in differences.values() if d["side"] == "COURT_ONLY")

            hub.clock.set(at("2026-04-02 10:00"))
            signed = statistics(await procuracy(COUNTERSIGN, vars_("ha-noi")), "countersignInteragencyStatistics")
            assert signed["status"] == "COUNTERSIGNED"
            assert signed["deadline"]["state"] == "MET"
            assert [(s["step"], s["agencyCode"]) for s in signed["steps"]] == [
                ("CLOSE", "enforcement.ha-noi"),
                ("COUNTERSIGN", "procuracy.ha-noi"),
            ]
            assert all(verifies(hub, s) for s in signed["steps"])
            countersigned = json.loads(signed["steps"][1]["statement"])
            assert countersigned["figuresSha256"] == closed["figuresSha256"]
            assert signed["rows"] == closed["rows"]  # what was counter-signed is what was closed

            again = payload(await procuracy(COUNTERSIGN, vars_("ha-noi")), "countersignInteragencyStatistics")
            assert [e["code"] for e in again["userErrors"]] == ["INVALID_TRANSITION"]
        finally:
            hub.clock.reset()


class TestDisputeThenCorrect:
    async def test_a_disputed_close_is_corrected_closed_again_and_countersigned(self, hub: Hub) -> None:
        enforcement, procuracy = clients(hub, "hai-phong")
        hub.clock.set(at("2026-04-01 09:00"))
        try:
            closed = statistics(await enforcement(CLOSE, vars_("hai-phong")), "closeInteragencyStatistics")
            row = closed["rows"][2]["code"]
            bad = payload(
                await procuracy(DISPUTE, vars_("hai-phong", notes=[{"row": "99.9", "note": "?"}])),
                "disputeInteragencyStatistics",
            )
            assert [e["code"] for e in bad["userErrors"]] == ["INVALID"]
            disputed = statistics(
                await procuracy(
                    DISPUTE, vars_("hai-phong", notes=[{"row": row, "note": "Thiếu 2 việc ủy thác từ Hà Nội"}])
                ),
                "disputeInteragencyStatistics",
            )
            assert disputed["status"] == "DISPUTED"
            assert disputed["steps"][-1]["notes"] == [{"row": row, "note": "Thiếu 2 việc ủy thác từ Hà Nội"}]

            signing_disputed = payload(
                await procuracy(COUNTERSIGN, vars_("hai-phong")), "countersignInteragencyStatistics"
            )
            assert [e["code"] for e in signing_disputed["userErrors"]] == ["INVALID_TRANSITION"]
            unexplained = payload(await enforcement(CLOSE, vars_("hai-phong")), "closeInteragencyStatistics")
            assert [e["code"] for e in unexplained["userErrors"]] == ["NOTE_REQUIRED"]

            hub.clock.set(at("2026-04-02 09:00"))
            corrected = statistics(
                await enforcement(CLOSE, vars_("hai-phong", note="Đã bổ sung 2 việc ủy thác")),
                "closeInteragencyStatistics",
            )
            assert (corrected["status"], corrected["version"]) == ("CLOSED", 2)
            assert corrected["countersignDueOn"] == "2026-04-06"  # Thu 2 April + Fri + Mon
            signed = statistics(await procuracy(COUNTERSIGN, vars_("hai-phong")), "countersignInteragencyStatistics")
            assert signed["status"] == "COUNTERSIGNED"
            assert [(s["step"], s["status"], s["version"]) for s in signed["steps"]] == [
                ("CLOSE", "CLOSED", 1),
                ("DISPUTE", "DISPUTED", 1),
                ("CLOSE", "CLOSED", 2),
                ("COUNTERSIGN", "COUNTERSIGNED", 2),
            ]
            assert all(verifies(hub, s) for s in signed["steps"])
            tampered = dict(signed["steps"][1], statement=signed["steps"][1]["statement"].replace(row, "01.1"))
            assert not verifies(hub, tampered)

            auditor = hub.client(
                await hub.person_token("ministry.justice", [Role.AUDITOR], "Kiểm toán viên Liên Ngành")
            )
            trail = await auditor(TRAIL, {"filter": {"objectId": signed["id"]}})
            assert trail.errors == [], trail.body
            entries = [e["node"] for e in trail.data["auditTrail"]["edges"]]
            assert sorted((e["operation"], e["agencyCode"]) for e in entries) == sorted(
                [
                    ("closeInteragencyStatistics", "enforcement.hai-phong"),
                    ("disputeInteragencyStatistics", "procuracy.hai-phong"),
                    ("closeInteragencyStatistics", "enforcement.hai-phong"),
                    ("countersignInteragencyStatistics", "procuracy.hai-phong"),
                ]
            )
        finally:
            hub.clock.reset()


class TestCountersignDeadline:
    async def test_the_countersignature_goes_overdue_on_the_tuesday_after_a_thursday_close(self, hub: Hub) -> None:
        enforcement, procuracy = clients(hub, "quang-ninh")
        committee = hub.client(hub.token("committee.quang-ninh", [Role.COMMITTEE]))
        thursday = at("2026-04-02 15:00")
        hub.clock.set(thursday)
        try:
            closed = statistics(await enforcement(CLOSE, vars_("quang-ninh")), "closeInteragencyStatistics")
            assert closed["deadline"] == {
                "step": "COUNTERSIGN",
                "dueOn": "2026-04-06",
                "state": "PENDING",
                "workingDays": 2,
            }
            hub.clock.set(thursday + timedelta(days=2))  # Saturday: a day off, one working day (Monday) left
            saturday = (await committee(READ, vars_("quang-ninh"))).data["interagencyStatistics"]
            assert saturday["deadline"]["state"] == "PENDING"
            assert saturday["deadline"]["workingDays"] == 1
            assert saturday["alerts"] == []
            hub.clock.set(thursday + timedelta(days=4))  # Monday: the last day
            assert (await committee(READ, vars_("quang-ninh"))).data["interagencyStatistics"]["deadline"][
                "state"
            ] == "PENDING"
            hub.clock.set(thursday + timedelta(days=5))  # Tuesday
            tuesday = (await committee(READ, vars_("quang-ninh"))).data["interagencyStatistics"]
            assert tuesday["deadline"] == {
                "step": "COUNTERSIGN",
                "dueOn": "2026-04-06",
                "state": "OVERDUE",
                "workingDays": 1,
            }
            assert tuesday["alerts"] == ["Viện kiểm sát chưa ký xác nhận: quá hạn 1 ngày làm việc (hạn 06/04/2026)"]
            late = statistics(await procuracy(COUNTERSIGN, vars_("quang-ninh")), "countersignInteragencyStatistics")
            assert late["deadline"]["state"] == "MET_LATE"
            assert late["alerts"] == []
        finally:
            hub.clock.reset()


class TestWhoMayAct:
    async def test_another_provinces_procuracy_cannot_countersign_and_a_court_cannot_close(self, hub: Hub) -> None:
        enforcement, _ = clients(hub, "lang-son")
        hub.clock.set(at("2026-04-01 09:00"))
        try:
            assert (
                statistics(await enforcement(CLOSE, vars_("lang-son")), "closeInteragencyStatistics")["status"]
                == "CLOSED"
            )
            outsider = hub.client(hub.token("procuracy.ha-noi", [Role.PROCURACY]))
            refused = await outsider(COUNTERSIGN, vars_("lang-son"))
            assert [e["extensions"]["code"] for e in refused.errors] == ["FORBIDDEN"]
            court = hub.client(hub.token("court.lang-son", [Role.COURT_CLERK]))
            refused = await court(CLOSE, vars_("lang-son"))
            assert [e["extensions"]["code"] for e in refused.errors] == ["FORBIDDEN"]
            area = hub.client(hub.token("procuracy.lang-son.kv01", [Role.PROCURACY]))
            not_signatory = payload(await area(COUNTERSIGN, vars_("lang-son")), "countersignInteragencyStatistics")
            assert [e["code"] for e in not_signatory["userErrors"]] == ["NOT_SIGNATORY"]
            still = (await enforcement(READ, vars_("lang-son"))).data["interagencyStatistics"]
            assert still["status"] == "CLOSED"
            assert [s["step"] for s in still["steps"]] == ["CLOSE"]
            other_committee = hub.client(hub.token("committee.ha-noi", [Role.COMMITTEE]))
            assert [e["extensions"]["code"] for e in (await other_committee(READ, vars_("lang-son"))).errors] == [
                "FORBIDDEN"
            ]
        finally:
            hub.clock.reset()

    async def test_figures_are_closed_from_the_day_after_the_period_only(self, hub: Hub) -> None:
        enforcement, _ = clients(hub, "son-la")
        hub.clock.set(at("2026-03-31 16:00"))
        try:
            early = payload(await enforcement(CLOSE, vars_("son-la")), "closeInteragencyStatistics")
            assert [e["code"] for e in early["userErrors"]] == ["PERIOD_NOT_ENDED"]
            wrong = await enforcement(CLOSE, {"province": "son-la", "period": {"statisticalYear": 2026, "months": 5}})
            assert [e["extensions"]["code"] for e in wrong.errors] == ["BAD_USER_INPUT"]
        finally:
            hub.clock.reset()
