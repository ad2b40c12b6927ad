"""The agencies repository: idempotent seeding, batch lookups in order, filtered listings."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.types import Agency, AgencyKind, AgencyLevel
from ledger.agencies import AgencyRepository
from ledger.db import write_transaction
from ledger.reference import seed_agencies
from tests.ledger.conftest import handful


async def stored(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Agency]:
    async with sessions() as session:
        return await AgencyRepository(session).all_by_code()


async def test_seeding_twice_changes_nothing(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    agencies = handful(organisation)
    await seed_agencies(sessions, agencies)
    await seed_agencies(sessions, agencies)
    assert await stored(sessions) == {agency.code: agency for agency in agencies}


async def test_the_whole_organisation_loads_in_any_order(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    # Reversed, many successors arrive before the agency they succeed (and in another chunk).
    await seed_agencies(sessions, list(reversed(organisation.values())))
    assert await stored(sessions) == organisation


async def test_upsert_updates_what_changed(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    agencies = handful(organisation)
    await seed_agencies(sessions, agencies)
    renamed = dataclasses.replace(agencies[0], name="Tên mới", valid_to=date(2030, 1, 1))
    await seed_agencies(sessions, [renamed])
    assert (await stored(sessions))[renamed.code] == renamed


async def test_an_unknown_successor_is_refused_at_commit(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    orphan = dataclasses.replace(organisation["court.old.ha-noi.h01"], successor_code="court.nowhere")
    with pytest.raises(IntegrityError):
        await seed_agencies(sessions, [orphan])
    assert await stored(sessions) == {}


async def test_get_many_keeps_the_order_asked_for(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    await seed_agencies(sessions, handful(organisation))
    codes = ["procuracy.hue.kv01", "court.unknown", "court.ha-noi.kv01", "procuracy.hue.kv01"]
    async with sessions() as session:
        found = await AgencyRepository(session).get_many(codes)
        assert await AgencyRepository(session).get_many([]) == []
        assert await AgencyRepository(session).get("court.hue.kv01") == organisation["court.hue.kv01"]
    assert found == [organisation[codes[0]], None, organisation[codes[2]], organisation[codes[0]]]


async def test_list_filters_by_kind_level_province_and_validity(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    agencies = handful(organisation)
    await seed_agencies(sessions, agencies)

    def expected(**criteria: object) -> list[Agency]:
        def keep(agency: Agency) -> bool:
            on = criteria.get("active_on")
            return all(getattr(agency, name) == value for name, value in criteria.items() if name != "active_on") and (
                not isinstance(on, date) or agency.is_active(on)
            )

        return sorted(filter(keep, agencies), key=lambda agency: agency.code)

    async with sessions() as session:
        repository = AgencyRepository(session)
        courts = await repository.list(kind=AgencyKind.COURT)
        hanoi_area = await repository.list(province_code="ha-noi", level=AgencyLevel.AREA)
        before_reform = await repository.list(kind=AgencyKind.COURT, active_on=date(2025, 6, 30))
        after_reform = await repository.list(kind=AgencyKind.COURT, active_on=date(2025, 7, 1))
        everything = await repository.list()

    assert courts == expected(kind=AgencyKind.COURT)
    assert hanoi_area == expected(province_code="ha-noi", level=AgencyLevel.AREA)
    assert before_reform == expected(kind=AgencyKind.COURT, active_on=date(2025, 6, 30))
    assert after_reform == expected(kind=AgencyKind.COURT, active_on=date(2025, 7, 1))
    assert "court.old.ha-noi.h01" in {a.code for a in before_reform} - {a.code for a in after_reform}
    assert everything == sorted(agencies, key=lambda agency: agency.code)


async def test_upserts_inside_a_callers_transaction_roll_back_with_it(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> None:
    async def abandoned() -> None:
        async with write_transaction(sessions) as session:
            await AgencyRepository(session).upsert_many(handful(organisation))
            raise RuntimeError("abandon")

    with pytest.raises(RuntimeError, match="abandon"):
        await abandoned()
    assert await stored(sessions) == {}
