"""Shared material for ledger tests: real agencies from the reference data and hand-made judgments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.jurisdiction import route_judgment
from domain.types import Agency, CaseType, CourtJudgment, Instance, JudgmentKey, Party, PartyKind, PartyRole
from ledger.db import write_transaction
from ledger.judgments import JudgmentRegistry, RegistryEntry, entry_from
from ledger.reference import load_organisation, seed_agencies

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
HANOI_TIME = timezone(timedelta(hours=7))
REGISTERED_AT = datetime(2025, 9, 2, 8, 30, tzinfo=HANOI_TIME)

COURTS = (
    "court.ha-noi.kv01",
    "court.ha-noi.kv02",
    "court.ha-noi",  # provincial: no area office
    "court.hue.kv01",
    "court.old.ha-noi.h01",  # dissolved district court, succeeded by court.ha-noi.kv01
    "court.old.yen-bai",  # dissolved provincial court of a merged-away province
)


@pytest.fixture(scope="session")
def organisation() -> dict[str, Agency]:
    return {agency.code: agency for agency in load_organisation(DATA_DIR)}


def handful(organisation: Mapping[str, Agency], courts: Iterable[str] = COURTS) -> list[Agency]:
    """The courts, the agencies their judgments route to, and every successor on the way."""
    wanted: set[str] = set()
    for court in courts:
        route = route_judgment(court, organisation)
        wanted.update(
            code
            for code in (court, route.court_code, route.enforcement_agency_code, route.enforcement_office_code)
            if code
        )
        wanted.add(route.procuracy_code)
    pending = list(wanted)
    while pending:
        successor = organisation[pending.pop()].successor_code
        if successor is not None and successor not in wanted:
            wanted.add(successor)
            pending.append(successor)
    return [organisation[code] for code in sorted(wanted)]


def judgment(
    court: str,
    number: str,
    effective_on: date,
    *parties: str,
    case_type: CaseType = CaseType.DS,
    instance: Instance = Instance.ST,
) -> CourtJudgment:
    return CourtJudgment(
        key=JudgmentKey(court, number),
        court_name=court,
        case_type=case_type,
        instance=instance,
        adjudicated_on=effective_on - timedelta(days=30),
        effective_on=effective_on,
        judge="Hoàng Văn Thẩm",
        summary="",
        document_sha256="ab" * 32,
        document_name=f"{number}.pdf",
        parties=tuple(
            Party(name, PartyRole.CREDITOR if i == 0 else PartyRole.DEBTOR, PartyKind.INDIVIDUAL, "Hà Nội")
            for i, name in enumerate(parties)
        ),
    )


def register(organisation: Mapping[str, Agency], judgments: Iterable[CourtJudgment]) -> list[RegistryEntry]:
    return [entry_from(j, route_judgment(j.key.court_code, organisation), REGISTERED_AT) for j in judgments]


async def seed(
    sessions: async_sessionmaker[AsyncSession], organisation: Mapping[str, Agency], entries: list[RegistryEntry]
) -> None:
    await seed_agencies(sessions, handful(organisation))
    async with write_transaction(sessions) as session:
        await JudgmentRegistry(session).upsert_many(entries)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
