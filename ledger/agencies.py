"""The agencies table: the organisation as reference data, read back as domain objects."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.types import Agency, AgencyKind, AgencyLevel
from ledger.models import AgencyRow
from ledger.upsert import upsert_rows

AGENCIES: Table = AgencyRow.__table__  # type: ignore[assignment]


class AgencyRepository:
    """Agencies, read and written through one session the caller owns (and commits).

    Everything returned is a frozen domain :class:`~domain.types.Agency`, so
    resolvers and DataLoaders never hold ORM state tied to a session.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_many(self, agencies: Iterable[Agency]) -> None:
        """Insert or update by code; repeating it with the same data changes nothing.

        Order does not matter: successor links are checked at commit.
        """
        rows = {agency.code: _to_row(agency) for agency in agencies}
        await upsert_rows(self._session, AGENCIES, list(rows.values()))

    async def get(self, code: str) -> Agency | None:
        return (await self.get_many([code]))[0]

    async def get_many(self, codes: Sequence[str]) -> builtins.list[Agency | None]:
        """The agencies for ``codes`` in the same order, None where unknown; one query (DataLoader batch)."""
        if not codes:
            return []
        result = await self._session.execute(_select().where(AGENCIES.c.code.in_(set(codes))))
        found = {agency.code: agency for agency in map(_to_agency, result)}
        return [found.get(code) for code in codes]

    async def list(
        self,
        *,
        kind: AgencyKind | None = None,
        province_code: str | None = None,
        active_on: date | None = None,
        level: AgencyLevel | None = None,
    ) -> builtins.list[Agency]:
        """Agencies matching every given criterion, ordered by code."""
        query = _select()
        if kind is not None:
            query = query.where(AGENCIES.c.kind == AgencyKind(kind).value)
        if level is not None:
            query = query.where(AGENCIES.c.level == AgencyLevel(level).value)
        if province_code is not None:
            query = query.where(AGENCIES.c.province_code == province_code)
        if active_on is not None:
            query = query.where(
                AGENCIES.c.valid_from <= active_on,
                or_(AGENCIES.c.valid_to.is_(None), AGENCIES.c.valid_to >= active_on),
            )
        result = await self._session.execute(query.order_by(AGENCIES.c.code))
        return [_to_agency(row) for row in result]

    async def all_by_code(self) -> dict[str, Agency]:
        """The whole organisation, for routing (``domain.jurisdiction`` takes a mapping)."""
        result = await self._session.execute(_select())
        return {agency.code: agency for agency in map(_to_agency, result)}


def _select() -> Select[Any]:
    return select(*AGENCIES.columns)


def _to_row(agency: Agency) -> dict[str, Any]:
    row = asdict(agency)
    row["kind"] = AgencyKind(agency.kind).value
    row["level"] = AgencyLevel(agency.level).value
    return row


def _to_agency(row: Row[Any]) -> Agency:
    values = row._mapping
    return Agency(
        code=values["code"],
        kind=AgencyKind(values["kind"]),
        level=AgencyLevel(values["level"]),
        name=values["name"],
        province_code=values["province_code"],
        parent_code=values["parent_code"],
        valid_from=values["valid_from"],
        valid_to=values["valid_to"],
        successor_code=values["successor_code"],
        area_number=values["area_number"],
        former_province=values["former_province"],
        administrative_unit_code=values["administrative_unit_code"],
    )
