"""Each judgment's latest transfer through the hub (``Judgment.transfer``), one query per batch."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from ledger.transfers import Transfer, TransferLedger


def judgment_transfer_loader(sessions: async_sessionmaker[AsyncSession]) -> DataLoader[str, Transfer | None]:
    """Judgment id → its latest transfer; None for a judgment no court sent through the hub."""

    async def load(ids: list[str]) -> list[Transfer | None]:
        async with sessions() as session:
            return await TransferLedger(session).latest_for_judgments(ids)

    return DataLoader(load_fn=load)
