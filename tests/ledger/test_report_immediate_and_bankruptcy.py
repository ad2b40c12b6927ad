"""The committee report assesses judgments enforced immediately and bankruptcy decisions by their own rules.

Four transfers from court.ha-noi.kv01 to its area office in February 2026 (both databases; Tết 2026:
16–20 February off), each carrying the sample's ex-officio court fee:

1. bankruptcy, received Thursday 12/02 — ``decision_bankruptcy``, 3 working days from receipt
   (Art. 36(2)(e)): Fri 13 (1), Tết, Mon 23 (2), Tue 24/02 (3). Decided 24/02: ON TIME.
2. bankruptcy, received 12/02, decided 25/02: LATE — though within the ordinary 5 working days
   of ``decision_ex_officio`` (due 26/02), which the report must not apply to it.
3. enforced immediately, given 20/01, effective 10/02, received 12/02 — ``court_transfer_immediate``,
   15 days from the judgment's date (Art. 28(2)): 04/02, a Wednesday: LATE, though 30 days from
   legal effect (``court_transfer``) would be on time.
4. an ordinary judgment effective 20/01, received 12/02: due 19/02 (Tết), so 23/02: ON TIME.

So the office's row: transferred 4 = 3 on time (1, 2, 4) + 1 late (3); decided 2 = 1 on time + 1 late.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from domain.jurisdiction import route_judgment
from domain.signatures import public_key_b64
from ledger.db import write_transaction
from ledger.keys import CourtKeys
from ledger.models import TransferRow
from ledger.reference import load_organisation
from ledger.transfers import TransferLedger, new_transfer_id
from resolvers.reports import build_committee_report
from tests.ledger.test_report_aggregates import COURT, DATA, FEBRUARY, ICT, NOW, OFFICE, sources
from tests.support.court_client import sample_submission

RECEIVED = datetime(2026, 2, 12, 10, 0, tzinfo=ICT)


@pytest.fixture
def migrated_db_url(organised_db_url: str) -> str:
    """Every database here starts with the whole reference organisation (tests/fixtures/databases.py)."""
    return organised_db_url


@pytest.fixture
async def february(sessions):
    agencies = {a.code: a for a in load_organisation(DATA)}
    plan = [
        (
            replace(sample_submission(COURT, serial=1, effective_on=date(2026, 1, 20)), bankruptcy=True),
            date(2026, 2, 24),
        ),
        (
            replace(sample_submission(COURT, serial=2, effective_on=date(2026, 1, 20)), bankruptcy=True),
            date(2026, 2, 25),
        ),
        (
            replace(
                sample_submission(COURT, serial=3, effective_on=date(2026, 2, 10)),
                adjudicated_on=date(2026, 1, 20),
                enforced_immediately=True,
            ),
            None,
        ),
        (sample_submission(COURT, serial=4, effective_on=date(2026, 1, 20)), None),
    ]
    async with write_transaction(sessions) as session:
        key = await CourtKeys(session).add(COURT, public_key_b64(Ed25519PrivateKey.generate().public_key()), NOW)
        for submission, decided_on in plan:
            transfer, _ = await TransferLedger(session).create(
                transfer_id=new_transfer_id(),
                submission=submission,
                route=route_judgment(COURT, agencies),
                key_id=key.key_id,
                signature="-",
                receipt={"hubKeyId": "-"},
                receipt_json="{}",
                receipt_signature="-",
                received_at=RECEIVED,
            )
            assert transfer.register_office_code == OFFICE
            if decided_on is not None:
                await session.execute(
                    update(TransferRow)
                    .where(TransferRow.id == transfer.id)
                    .values(decision_date=decided_on, decided_at=datetime.combine(decided_on, datetime.min.time(), UTC))
                )
    return agencies


async def test_bankruptcy_decisions_and_immediate_transfers_are_assessed_by_their_own_rules(sessions, february) -> None:
    report = await build_committee_report(sources(sessions, february), province="ha-noi", period=FEBRUARY)
    t = {r.code: r for r in report.rows}[OFFICE].current.transfers
    assert (t.transferred, t.on_time, t.late) == (4, 3, 1)
    assert (t.decided, t.decided_on_time, t.decided_late) == (2, 1, 1)
    assert [(c.court_code, c.transferred, c.on_time, c.late) for c in t.by_court] == [(COURT, 4, 3, 1)]
    assert report.totals.current.transfers == t
