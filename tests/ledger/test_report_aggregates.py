"""The committee report over the ledger (ledger/reports.py via resolvers/reports.py), against hand-computed figures.

Three transfers from court.ha-noi.kv01 to its area office in February 2026
(both databases), with the deadlines worked out by hand on the working-day
calendar (Tết 2026: 16–20 February off):

1. effective 20/01, received 12/02 — transfer due 30 days after 20/01 = 19/02,
   a Tết day off, so Monday 23/02: ON TIME. Ex-officio decision dated 26/02;
   due 5 working days after 12/02 = 13/02, (Tết), 23, 24, 25, 26/02: ON TIME.
2. effective 01/01, received 05/02 — due 31/01, a Saturday, so Monday 02/02:
   LATE. Decision dated 27/02; due 5 working days after 05/02 = 12/02: LATE.
3. effective 01/12/2024, received 10/02 — more than a year before the period's
   due tables start: LATE. No decision.
4. received 02/03 — after the period: not counted.

So the office's row: transferred 3 = 1 on time + 2 late; decided 2 = 1 + 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from adapters.base import AdapterStatus
from domain.clock import ManualClock
from domain.errors import AgencyUnavailable
from domain.jurisdiction import route_judgment
from domain.reports.figures import Source
from domain.reports.indicators import EnforcementFigures, Indicators
from domain.reports.period import Period
from domain.signatures import public_key_b64
from domain.types import Officer, StaffingUnit
from gateway.policies import load_deadline_policy, load_personnel_rules
from ledger.db import write_transaction
from ledger.keys import CourtKeys
from ledger.models import TransferRow
from ledger.reference import load_organisation
from ledger.transfers import TransferLedger, new_transfer_id
from resolvers.reports import ReportSources, build_committee_report
from tests.support.court_client import sample_submission

DATA = Path(__file__).resolve().parents[2] / "data"
ICT = timezone(timedelta(hours=7))
COURT = "court.ha-noi.kv01"
OFFICE = "enforcement.ha-noi.kv01"
FEBRUARY = Period.between(date(2026, 2, 1), date(2026, 2, 28))
NOW = datetime(2026, 3, 5, 9, 0, tzinfo=ICT)


class Enforcement:
    """A test double answering every unit with the same figures (or failing)."""

    agency = "enforcement"

    def __init__(self, fail: bool = False) -> None:
        self.status = AdapterStatus("enforcement")
        self.fail = fail
        self.calls: list[tuple[tuple[str, ...], date, date]] = []

    async def fetch_many(self, keys: Sequence[object]) -> Sequence[None]:
        return [None] * len(keys)

    async def ping(self) -> None:
        return None

    async def statistics(self, unit_codes: Sequence[str], start: date, end: date) -> Mapping[str, EnforcementFigures]:
        self.calls.append((tuple(unit_codes), start, end))
        if self.fail:
            raise AgencyUnavailable("enforcement", "down")
        one = Indicators(1, 2, 0, 0, 2, 1, 1)
        return dict.fromkeys(unit_codes, EnforcementFigures(one, one))


class Personnel:
    agency = "personnel"

    def __init__(self) -> None:
        self.status = AdapterStatus("personnel")

    async def fetch_many(self, keys: Sequence[str]) -> Sequence[tuple[Officer, ...]]:
        return [()] * len(keys)

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | None]:
        return [None] * len(agency_codes)

    async def ping(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


@pytest.fixture
def migrated_db_url(organised_db_url: str) -> str:
    """Every database here starts with the whole reference organisation (tests/fixtures/databases.py)."""
    return organised_db_url


@pytest.fixture
async def february(sessions):
    organisation = load_organisation(DATA)  # in the database from the start (migrated_db_url)
    agencies = {a.code: a for a in organisation}
    plan = [
        (date(2026, 1, 20), datetime(2026, 2, 12, 10, 0, tzinfo=ICT), date(2026, 2, 26)),
        (date(2026, 1, 1), datetime(2026, 2, 5, 10, 0, tzinfo=ICT), date(2026, 2, 27)),
        (date(2024, 12, 1), datetime(2026, 2, 10, 10, 0, tzinfo=ICT), None),
        (date(2026, 2, 20), datetime(2026, 3, 2, 10, 0, tzinfo=ICT), None),
    ]
    async with write_transaction(sessions) as session:
        key = await CourtKeys(session).add(COURT, public_key_b64(Ed25519PrivateKey.generate().public_key()), NOW)
        for serial, (effective_on, received_at, decided_on) in enumerate(plan, start=1):
            transfer, _ = await TransferLedger(session).create(
                transfer_id=new_transfer_id(),
                submission=sample_submission(COURT, serial=serial, effective_on=effective_on),
                route=route_judgment(COURT, agencies),
                key_id=key.key_id,
                signature="-",
                receipt={"hubKeyId": "-"},
                receipt_json="{}",
                receipt_signature="-",
                received_at=received_at,
            )
            assert transfer.register_office_code == OFFICE
            if decided_on is not None:
                await session.execute(
                    update(TransferRow)
                    .where(TransferRow.id == transfer.id)
                    .values(decision_date=decided_on, decided_at=datetime.combine(decided_on, datetime.min.time(), UTC))
                )
    return agencies


def sources(sessions, agencies, enforcement: Enforcement | None = None) -> ReportSources:
    return ReportSources(
        sessions=sessions,
        enforcement=enforcement or Enforcement(),
        personnel=Personnel(),
        agencies=agencies,
        deadlines=load_deadline_policy(DATA),
        personnel_rules=load_personnel_rules(DATA),
        clock=ManualClock(NOW),
    )


async def test_transfers_and_decisions_on_time_and_late_by_hand(sessions, february) -> None:
    report = await build_committee_report(sources(sessions, february), province="ha-noi", period=FEBRUARY)
    row = {r.code: r for r in report.rows}[OFFICE]
    t = row.current.transfers
    assert (t.transferred, t.on_time, t.late) == (3, 1, 2)
    assert (t.decided, t.decided_on_time, t.decided_late) == (2, 1, 1)
    assert [(c.court_code, c.transferred, c.on_time, c.late) for c in t.by_court] == [(COURT, 3, 1, 2)]
    assert row.previous.transfers.transferred == 0  # February 2025: nothing
    assert report.totals.current.transfers == t  # the other units had nothing


async def test_enforcement_figures_come_from_one_call_per_period(sessions, february) -> None:
    enforcement = Enforcement()
    report = await build_committee_report(sources(sessions, february, enforcement), province="ha-noi", period=FEBRUARY)
    assert sorted((start, end) for _, start, end in enforcement.calls) == [
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2026, 2, 1), date(2026, 2, 28)),
    ]
    # every unit has 1 + 2 carried over and new, 1 completed of 2 with conditions → 50.00 %; totals add up
    assert report.totals.current.enforcement.cases.completed == len(report.rows)
    assert str(report.totals.current.enforcement.cases.completion_rate) == "50.00"


async def test_an_enforcement_system_that_is_down_leaves_the_rest_of_the_report(sessions, february) -> None:
    report = await build_committee_report(
        sources(sessions, february, Enforcement(fail=True)), province="ha-noi", period=FEBRUARY
    )
    assert report.missing == {Source.ENFORCEMENT}
    assert report.totals.current.transfers.transferred == 3
