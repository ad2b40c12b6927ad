"""Agencies from the hub's registry, one query per batch."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from domain.types import Agency
from ledger.agencies import AgencyRepository


def agency_loader(sessions: async_sessionmaker[AsyncSession]) -> DataLoader[str, Agency | None]:
    async def load(codes: list[str]) -> list[Agency | None]:
        async with sessions() as session:
            return list(await AgencyRepository(session).get_many(codes))

    return DataLoader(load_fn=load)
