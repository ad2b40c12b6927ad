"""Transfer events made straight in a ledger, for webhook tests that must not depend on submitJudgment.

Inserts the rows an event needs (a judgment, a court key, a transfer) and
appends the event with ``ledger.events.append_event`` in one write transaction,
exactly as the transfer flow does, so the outbox rows appear the same way.
Agencies must already be in the ledger (``ledger.reference.seed_agencies``).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.jurisdiction import route_judgment
from domain.types import Agency
from ledger.db import write_transaction
from ledger.events import TransferEvent, append_event
from ledger.models import CourtKeyRow, JudgmentRow, TransferRow


@dataclass(frozen=True, slots=True)
class Audience:
    """The agencies a transfer's events concern."""

    court_code: str
    enforcement_agency_code: str
    office_code: str
    procuracy_code: str
    province_code: str

    @classmethod
    def of_court(cls, court_code: str, organisation: Mapping[str, Agency]) -> Audience:
        route = route_judgment(court_code, organisation)
        return cls(
            court_code=route.court_code,
            enforcement_agency_code=route.enforcement_agency_code,
            office_code=route.enforcement_office_code or route.enforcement_agency_code,
            procuracy_code=route.procuracy_code,
            province_code=route.enforcement_agency_code.split(".", 1)[1],
        )


async def make_transfer(sessions: async_sessionmaker[AsyncSession], audience: Audience, at: datetime) -> str:
    """A new transfer (with its judgment and a court key) addressed to ``audience``; returns its id."""
    number = f"WH{uuid.uuid4().hex[:10]}/2025/DS-ST"
    judgment_id = f"{audience.court_code}:{number}"
    transfer_id = str(uuid.uuid4())
    key_id = secrets.token_hex(16)
    async with write_transaction(sessions) as session:
        session.add(
            JudgmentRow(
                id=judgment_id,
                court_code=audience.court_code,
                number=number,
                case_type="DS",
                instance="ST",
                adjudicated_on=date(2025, 8, 1),
                effective_on=date(2025, 9, 1),
                current_court_code=audience.court_code,
                enforcement_agency_code=audience.enforcement_agency_code,
                enforcement_office_code=audience.office_code,
                procuracy_code=audience.procuracy_code,
                province_code=audience.province_code,
                party_search="nguyen van an",
                document_sha256="ab" * 32,
                registered_at=at,
            )
        )
        session.add(
            CourtKeyRow(key_id=key_id, court_code=audience.court_code, public_key="AA==", added_at=at, revoked_at=None)
        )
        await session.flush()
        session.add(
            TransferRow(
                id=transfer_id,
                idempotency_key=judgment_id,
                judgment_id=judgment_id,
                court_code=audience.court_code,
                enforcement_agency_code=audience.enforcement_agency_code,
                enforcement_office_code=audience.office_code,
                procuracy_code=audience.procuracy_code,
                register_office_code=audience.office_code,
                status="SUBMITTED",
                effective_on=date(2025, 9, 1),
                content_sha256="cd" * 32,
                document_sha256="ab" * 32,
                key_id=key_id,
                signature="test",
                submission="{}",
                received_at=at,
                receipt="{}",
                receipt_signature="test",
                updated_at=at,
            )
        )
    return transfer_id


async def emit_event(
    sessions: async_sessionmaker[AsyncSession],
    audience: Audience,
    transfer_id: str,
    *,
    kind: str = "SUBMITTED",
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TransferEvent:
    """Append one event of ``transfer_id`` (queued to every active webhook of its audience)."""
    async with write_transaction(sessions) as session:
        return await append_event(
            session,
            transfer_id=transfer_id,
            kind=kind,
            office_code=audience.office_code,
            enforcement_agency_code=audience.enforcement_agency_code,
            court_code=audience.court_code,
            procuracy_code=audience.procuracy_code,
            payload=payload if payload is not None else {"status": kind},
            at=at or Clock().now(),
        )
