"""What the court signed for each judgment that came by ``submitJudgment``, read back from the transfer ledger.

A transfer keeps the canonical JSON the court signed (``TransferRow.submission``; its hash
is in the hub's signed receipt). For such a judgment that is the record of its parties and
obligations: the enforcement agency acts on exactly what was signed and receipted, and a
court system that only sends, or forgot, takes nothing away from it. The same row says
whether the addressed agency has accepted the judgment (entered it in its receipt
register), from when on its system should hold an enforcement case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.submission import Submission
from ledger.models import TransferRow


@dataclass(frozen=True, slots=True)
class SignedJudgment:
    """A transferred judgment as its court signed it, and where the enforcement agency stands with it."""

    submission: Submission
    register_office_code: str  # where it is (or is to be) entered in the receipt register
    accepted_at: datetime | None  # entered in the register (acknowledgeTransfer); None before

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


async def signed_judgments(session: AsyncSession, judgment_ids: Sequence[str]) -> list[SignedJudgment | None]:
    """For each id, in order, what its court signed; None for a judgment that did not come by a transfer.

    One query. A judgment has one transfer (the idempotency key is its court and
    number); should there ever be more, the latest received is the record.
    """
    if not judgment_ids:
        return []
    rows = await session.execute(
        select(
            TransferRow.judgment_id,
            TransferRow.submission,
            TransferRow.register_office_code,
            TransferRow.acknowledged_at,
        )
        .where(TransferRow.judgment_id.in_(set(judgment_ids)))
        .order_by(TransferRow.received_at)
    )
    found = {
        row.judgment_id: SignedJudgment(
            submission=Submission.from_signed(orjson.loads(row.submission)),
            register_office_code=row.register_office_code,
            accepted_at=row.acknowledged_at,
        )
        for row in rows
    }
    return [found.get(judgment_id) for judgment_id in judgment_ids]
