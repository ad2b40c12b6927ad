"""The overdue monitor raises each OVERDUE event once, on the working-day calendar, with several replicas."""

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.jurisdiction import route_judgment
from domain.signatures import public_key_b64
from gateway.overdue import OverdueMonitor
from gateway.policies import load_deadline_policy
from ledger.db import write_transaction
from ledger.events import events_after
from ledger.keys import CourtKeys
from ledger.reference import load_organisation
from ledger.transfers import TransferLedger, new_transfer_id
from resolvers.signals import EventSignal
from tests.support.court_client import replace, sample_submission

DATA = Path(__file__).resolve().parents[2] / "data"
ICT = timezone(timedelta(hours=7))
COURT = "court.ha-noi.kv01"


@pytest.fixture
def migrated_db_url(organised_db_url: str) -> str:
    """Every database here starts with the whole reference organisation (tests/fixtures/databases.py)."""
    return organised_db_url


async def _received_before_tet(sessions, **categories):
    """A transfer received on Thursday 12 February 2026, the last working day before Tết."""
    organisation = load_organisation(DATA)  # in the database from the start (migrated_db_url)
    received = datetime(2026, 2, 12, 10, 0, tzinfo=ICT)
    submission = replace(
        sample_submission(COURT, serial=7, effective_on=received.date() - timedelta(days=10)), **categories
    )
    async with write_transaction(sessions) as session:
        key = await CourtKeys(session).add(COURT, public_key_b64(Ed25519PrivateKey.generate().public_key()), received)
        transfer, _ = await TransferLedger(session).create(
            transfer_id=new_transfer_id(),
            submission=submission,
            route=route_judgment(COURT, {a.code: a for a in organisation}),
            key_id=key.key_id,
            signature="-",
            receipt={"hubKeyId": "-"},
            receipt_json="{}",
            receipt_signature="-",
            received_at=received,
        )
    return transfer


@pytest.fixture
async def transfer_before_tet(sessions):
    return await _received_before_tet(sessions)


def monitor(sessions):
    return OverdueMonitor(sessions, load_deadline_policy(DATA), EventSignal())


async def overdue_events(sessions):
    async with sessions() as session:
        return [e for e in await events_after(session, 0) if e.kind == "OVERDUE"]


async def test_the_decision_deadline_counts_working_days_across_tet(sessions, transfer_before_tet):
    # 5 working days from 12/2: 13/2, then Tết (16–20/2) and a weekend, then 23, 24, 25, 26/2 → due Thursday 26/2.
    assert await monitor(sessions).sweep(datetime(2026, 2, 26, 16, 0, tzinfo=ICT)) == 0
    assert await monitor(sessions).sweep(datetime(2026, 2, 27, 9, 0, tzinfo=ICT)) == 1
    (event,) = await overdue_events(sessions)
    assert event.payload["rule"] == "decision_ex_officio"
    assert event.payload["dueOn"] == "2026-02-26"
    assert event.transfer_id == transfer_before_tet.id


async def test_a_bankruptcy_decision_is_overdue_by_its_own_rule(sessions):
    """Art. 36(2)(e): 3 working days from receipt — 13/2, then Tết, then 23 and 24/2: due Tuesday 24/2, not 26/2."""
    transfer = await _received_before_tet(sessions, bankruptcy=True)
    assert await monitor(sessions).sweep(datetime(2026, 2, 24, 16, 0, tzinfo=ICT)) == 0
    assert await monitor(sessions).sweep(datetime(2026, 2, 25, 9, 0, tzinfo=ICT)) == 1
    (event,) = await overdue_events(sessions)
    assert (event.payload["rule"], event.payload["dueOn"], event.transfer_id) == (
        "decision_bankruptcy",
        "2026-02-24",
        transfer.id,
    )


async def test_a_second_sweep_raises_nothing_again(sessions, transfer_before_tet):
    later = datetime(2026, 3, 10, tzinfo=ICT)
    assert await monitor(sessions).sweep(later) == 1
    assert await monitor(sessions).sweep(later + timedelta(days=1)) == 0
    assert len(await overdue_events(sessions)) == 1


async def test_replicas_sweeping_together_raise_it_once(sessions, transfer_before_tet):
    later = datetime(2026, 3, 10, tzinfo=ICT)
    results = await asyncio.gather(*(monitor(sessions).sweep(later) for _ in range(4)))
    assert sum(results) == 1
    assert len(await overdue_events(sessions)) == 1
