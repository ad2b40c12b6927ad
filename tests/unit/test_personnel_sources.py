"""When one personnel system fails, only its units fail: officers and staffing name them, alerts refuse to guess.

In-process, over a stand-in ``PersonnelAdapter`` (the interface any personnel
system plugs in through): the court units' system is down, the enforcement
units' answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.base import AdapterStatus
from domain.access import Principal, Role
from domain.clock import Clock
from domain.errors import AgencyError, AgencyUnavailable
from domain.organisation import build_organisation, parse_provinces
from domain.policy import AccessPolicy
from domain.types import Officer, Sex, StaffingUnit
from gateway.policies import load_personnel_rules
from resolvers.build import build_schema
from resolvers.context import Context

DATA = Path(__file__).resolve().parents[2] / "data"
DOWN = AgencyUnavailable("court-personnel", "connection refused")


class HalfDown:
    """Enforcement units answer (one officer, quota 1); everything else is down."""

    agency = "personnel"

    def __init__(self) -> None:
        self.status = AdapterStatus("personnel")

    async def fetch_many(self, keys: Sequence[str]) -> Sequence[tuple[Officer, ...] | AgencyError]:
        return [(self._officer(code),) if code.startswith("enforcement.") else DOWN for code in keys]

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | AgencyError | None]:
        return [StaffingUnit(c, c, 1) if c.startswith("enforcement.") else DOWN for c in agency_codes]

    async def ping(self) -> None: ...

    async def aclose(self) -> None: ...

    @staticmethod
    def _officer(code: str) -> Officer:
        return Officer(
            code=f"CB.{code}.001",
            name="Nguyễn Văn An",
            sex=Sex.MALE,
            birth_date=date(1985, 5, 5),
            citizen_id="001085012345",
            agency_code=code,
            title="Thư ký thi hành án",
        )


class Adapters:
    court = enforcement = procuracy = None
    personnel = HalfDown()


@pytest.fixture(scope="module")
def organisation() -> dict[str, Any]:
    rows = parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )
    return {a.code: a for a in build_organisation(rows)}


async def _run(organisation: dict[str, Any], query: str) -> Any:
    context = Context(
        principal=Principal("committee.ha-noi", frozenset({Role.COMMITTEE, Role.MINISTRY})),
        sessions=None,  # type: ignore[arg-type]  # nothing here reads the ledger
        adapters=Adapters(),  # type: ignore[arg-type]
        signal=None,  # type: ignore[arg-type]
        receipts=None,  # type: ignore[arg-type]
        deadlines=None,  # type: ignore[arg-type]
        agencies=organisation,
        policy=AccessPolicy(organisation),
        personnel_rules=load_personnel_rules(DATA),
        request_id="test",
        clock=Clock(),
    )
    return await build_schema().execute(query, context_value=context)


async def test_staffing_lists_the_units_whose_system_failed_and_counts_the_others(organisation):
    result = await _run(
        organisation, '{ staffing(province: "ha-noi") { inPost units { quota } unavailable { code message } } }'
    )
    assert result.errors is None
    staffing = result.data["staffing"]
    answered = len(staffing["units"])
    assert answered > 1
    assert staffing["inPost"] == answered
    assert staffing["unavailable"]
    assert {u["code"] for u in staffing["unavailable"]} == {"AGENCY_UNAVAILABLE"}


async def test_officers_of_the_units_that_answered_are_counted_and_the_others_named(organisation):
    result = await _run(organisation, '{ officers(filter: {province: "ha-noi"}) { totalCount unavailable { code } } }')
    assert result.errors is None
    assert result.data["officers"]["totalCount"] > 1
    assert result.data["officers"]["unavailable"]


async def test_alerts_fail_naming_the_system_rather_than_leave_units_out(organisation):
    result = await _run(organisation, '{ personnelAlerts(province: "ha-noi") { rule } }')
    assert result.data is None
    assert [e.original_error for e in result.errors] == [DOWN]
