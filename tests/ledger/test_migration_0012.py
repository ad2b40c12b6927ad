"""Migration 0012 back-fills ``enforced_immediately`` and ``bankruptcy`` from the submission the court signed.

Transfers written before it (at revision 0011, without the columns) hold the two facts only in their
signed JSON (``enforcedImmediately`` / ``bankruptcy``, present only when true); after the upgrade the
columns say the same, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.jurisdiction import route_judgment
from domain.signatures import public_key_b64
from domain.submission import Submission
from domain.types import CourtJudgment
from ledger.db import create_engine, session_factory, write_transaction
from ledger.judgments import JudgmentRegistry, entry_from
from ledger.keys import CourtKeys
from ledger.migrate import schema_drift, upgrade
from ledger.models import TransferRow
from ledger.reference import seed_agencies
from ledger.transfers import idempotency_key
from tests.ledger.conftest import handful
from tests.support.court_client import sample_submission

COURT = "court.ha-noi.kv01"
AT = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
OLD_COLUMNS = (
    "id",
    "idempotency_key",
    "judgment_id",
    "court_code",
    "enforcement_agency_code",
    "enforcement_office_code",
    "procuracy_code",
    "register_office_code",
    "status",
    "effective_on",
    "content_sha256",
    "document_sha256",
    "key_id",
    "signature",
    "submission",
    "received_at",
    "receipt",
    "receipt_signature",
    "updated_at",
    "interim_measure",
    "has_ex_officio",
)
OLD_TRANSFERS = sa.table("transfers", *(sa.column(name, TransferRow.__table__.c[name].type) for name in OLD_COLUMNS))
"""The transfers table as revision 0011 left it (the model has the new columns)."""


async def test_0012_backfills_the_flags_from_the_signed_submission(db_url: str, organisation) -> None:
    await upgrade(db_url, "0011")
    plain = sample_submission(COURT, serial=1)
    submissions = {
        "plain": plain,
        "immediate": replace(sample_submission(COURT, serial=2), enforced_immediately=True),
        "bankruptcy": replace(sample_submission(COURT, serial=3), bankruptcy=True),
        "interim": replace(sample_submission(COURT, serial=4), interim_measure=True),
    }
    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        await seed_agencies(sessions, handful(organisation, [COURT]))
        route = route_judgment(COURT, organisation)
        async with write_transaction(sessions) as session:
            key = await CourtKeys(session).add(COURT, public_key_b64(Ed25519PrivateKey.generate().public_key()), AT)
            for name, s in submissions.items():
                await _old_transfer(session, name, s, route, key.key_id)
        await upgrade(db_url)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text("SELECT id, enforced_immediately, bankruptcy, interim_measure FROM transfers")
                )
            ).all()
    finally:
        await engine.dispose()
    assert {r[0]: (bool(r[1]), bool(r[2]), bool(r[3])) for r in rows} == {
        "plain": (False, False, False),
        "immediate": (True, False, False),
        "bankruptcy": (False, True, False),
        "interim": (False, False, True),
    }
    assert await schema_drift(db_url) == []


async def _old_transfer(session, transfer_id: str, s: Submission, route, key_id: str) -> None:
    judgment = CourtJudgment(
        key=s.key,
        court_name="",
        case_type=s.case_type,
        instance=s.instance,
        adjudicated_on=s.adjudicated_on,
        effective_on=s.effective_on,
        judge="",
        summary=s.summary,
        document_sha256=s.document_sha256,
        document_name=s.document_name,
        parties=s.parties,
        obligations=s.obligations,
    )
    await JudgmentRegistry(session).upsert_many([entry_from(judgment, route, AT)])
    office = route.enforcement_office_code or route.enforcement_agency_code
    await session.execute(
        OLD_TRANSFERS.insert().values(
            id=transfer_id,
            idempotency_key=idempotency_key(s.court_code, s.number),
            judgment_id=str(s.key),
            court_code=s.court_code,
            enforcement_agency_code=route.enforcement_agency_code,
            enforcement_office_code=route.enforcement_office_code,
            procuracy_code=route.procuracy_code,
            register_office_code=office,
            status="SUBMITTED",
            effective_on=s.effective_on,
            content_sha256=s.content_sha256(),
            document_sha256=s.document_sha256,
            key_id=key_id,
            signature="-",
            submission=s.signed_bytes().decode("utf-8"),
            received_at=AT,
            receipt="{}",
            receipt_signature="-",
            updated_at=AT,
            interim_measure=s.interim_measure,
            has_ex_officio=True,
        )
    )
