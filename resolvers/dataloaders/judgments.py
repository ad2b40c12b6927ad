"""Entries of the hub's judgment registry, one query per batch."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from ledger.judgments import JudgmentRegistry, RegistryEntry


def registry_entry_loader(sessions: async_sessionmaker[AsyncSession]) -> DataLoader[str, RegistryEntry | None]:
    async def load(ids: list[str]) -> list[RegistryEntry | None]:
        async with sessions() as session:
            return list(await JudgmentRegistry(session).get_many(ids))

    return DataLoader(load_fn=load)
