"""Reference data: the organisation of agencies, from the CSV files shipped in ``data/``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.organisation import build_organisation, parse_provinces
from domain.types import Agency
from ledger.agencies import AgencyRepository
from ledger.db import write_transaction


def load_organisation(data_dir: Path) -> list[Agency]:
    """Every agency, current and dissolved, built from ``provinces.csv`` and ``area_courts.csv``.

    Both files are required: without the verified area-court counts the
    sample allocation would differ, and with it the agency codes.
    """
    provinces = (data_dir / "provinces.csv").read_text(encoding="utf-8")
    area_courts = (data_dir / "area_courts.csv").read_text(encoding="utf-8")
    return build_organisation(parse_provinces(provinces, area_courts))


async def seed_agencies(sessions: async_sessionmaker[AsyncSession], agencies: Sequence[Agency]) -> None:
    """Load ``agencies`` in one transaction; cheap to repeat at every start-up (unchanged rows are not written)."""
    async with write_transaction(sessions) as session:
        await AgencyRepository(session).upsert_many(agencies)
