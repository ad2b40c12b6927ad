"""Create and seed the personnel database from the staff roster (any SQLAlchemy URL).

A seeding tool, so a plain synchronous engine does the work; async URLs
(``sqlite+aiosqlite``, ``postgresql+asyncpg``) go through an async engine, and
a bare ``postgresql://`` URL falls back to asyncpg when no sync driver is
installed. Re-running drops and recreates both tables: the result depends only
on the seed and the reference data.
"""

from __future__ import annotations

import asyncio
import importlib.util
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from agencies.common.catalogue import DATA_AS_OF
from agencies.common.dialect import SEXES, format_date
from agencies.common.reference import ReferenceData
from agencies.common.staff import StaffRoster
from agencies.personnel.schema import personnel_metadata
from domain.types import Officer

CHUNK = 1_000


@dataclass(frozen=True, slots=True)
class PersonnelSummary:
    units: int
    staff: int


def create_personnel_database(
    url: str | URL, seed: int, reference: ReferenceData | None = None, *, as_of: date = DATA_AS_OF
) -> PersonnelSummary:
    """Create (or recreate) the ``don_vi`` / ``can_bo`` tables at ``url`` and fill them for ``seed``.

    Safe to call from inside a running event loop (async drivers run on a helper thread).
    """
    parsed = _usable_url(make_url(url))
    roster = StaffRoster(seed, reference or ReferenceData.load(), as_of=as_of)
    _make_parent_dir(parsed)
    if parsed.get_dialect().is_async:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _write_async(parsed, roster)).result()
    engine = create_engine(parsed)
    try:
        with engine.begin() as connection:
            return _write(connection, roster)
    finally:
        engine.dispose()


async def create_personnel_database_async(
    url: str | URL, seed: int, reference: ReferenceData | None = None, *, as_of: date = DATA_AS_OF
) -> PersonnelSummary:
    """The same through an async engine; ``url`` must name an async driver (``sqlite+aiosqlite://…``)."""
    parsed = make_url(url)
    _make_parent_dir(parsed)
    return await _write_async(parsed, StaffRoster(seed, reference or ReferenceData.load(), as_of=as_of))


async def _write_async(url: URL, roster: StaffRoster) -> PersonnelSummary:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(_write, roster)
    finally:
        await engine.dispose()


def _write(connection: Connection, roster: StaffRoster) -> PersonnelSummary:
    metadata = personnel_metadata()
    metadata.drop_all(connection)
    metadata.create_all(connection)
    units = list(roster.units())
    connection.execute(
        metadata.tables["don_vi"].insert(),
        [{"ma_don_vi": u.agency.code, "ten_don_vi": u.agency.name, "bien_che": u.quota} for u in units],
    )
    rows = [_staff_row(o) for u in units for o in u.officers]
    for start in range(0, len(rows), CHUNK):
        connection.execute(metadata.tables["can_bo"].insert(), rows[start : start + CHUNK])
    return PersonnelSummary(units=len(units), staff=len(rows))


def _staff_row(officer: Officer) -> dict[str, Any]:
    return {
        "ma_can_bo": officer.code,
        "ho_ten": officer.name,
        "gioi_tinh": SEXES[officer.sex],
        "ngay_sinh": format_date(officer.birth_date),
        "so_cccd": officer.citizen_id,
        "ma_don_vi": officer.agency_code,
        "chuc_vu": officer.post,
        "chuc_danh": officer.title,
        "ngay_bo_nhiem": format_date(officer.appointed_on),
        "ngay_het_nhiem_ky": format_date(officer.term_ends_on),
        "so_nhiem_ky_lien_tiep": officer.consecutive_terms,
        "vi_tri_nhay_cam": int(officer.sensitive_post),
        "ngay_nhan_vi_tri": format_date(officer.position_since),
        "dao_tao": officer.training,
        "ky_luat": officer.discipline,
    }


def _usable_url(url: URL) -> URL:
    """``postgresql://`` means psycopg2 to SQLAlchemy; use asyncpg (installed) when no sync driver is."""
    if url.drivername in ("postgresql", "postgres") and not any(
        importlib.util.find_spec(m) for m in ("psycopg2", "psycopg")
    ):
        return url.set(drivername="postgresql+asyncpg")
    return url


def _make_parent_dir(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
