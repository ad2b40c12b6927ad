"""Histories of coordination requests, one query per page of requests."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from ledger.coordination import CoordinationEvent, CoordinationLedger


def history_loader(sessions: async_sessionmaker[AsyncSession]) -> DataLoader[str, list[CoordinationEvent]]:
    async def load(request_ids: list[str]) -> list[list[CoordinationEvent]]:
        async with sessions() as session:
            found = await CoordinationLedger(session).histories(request_ids)
        return [found.get(rid, []) for rid in request_ids]

    return DataLoader(load_fn=load)
