"""What the court signed for each transferred judgment (``ledger/signed_judgments.py``), one query per batch."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from ledger.signed_judgments import SignedJudgment, signed_judgments


def signed_judgment_loader(sessions: async_sessionmaker[AsyncSession]) -> DataLoader[str, SignedJudgment | None]:
    """Judgment id → its signed submission and acceptance; None for a judgment that came by no transfer."""

    async def load(ids: list[str]) -> list[SignedJudgment | None]:
        async with sessions() as session:
            return await signed_judgments(session, ids)

    return DataLoader(load_fn=load)
