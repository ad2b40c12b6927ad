"""Courts' registered public keys (managed with ``lienthong keys``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.signatures import key_id, public_key_from_b64
from ledger.models import CourtKeyRow, table_of
from ledger.upsert import upsert_rows


@dataclass(frozen=True, slots=True)
class CourtKey:
    key_id: str
    court_code: str
    public_key: str  # base64 raw
    added_at: datetime
    revoked_at: datetime | None

    def valid_at(self, moment: datetime) -> bool:
        return self.added_at <= moment and (self.revoked_at is None or moment < self.revoked_at)


def _key(row: CourtKeyRow) -> CourtKey:
    return CourtKey(row.key_id, row.court_code, row.public_key, row.added_at, row.revoked_at)


class CourtKeys:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, court_code: str, public_key_b64: str, at: datetime) -> CourtKey:
        """Register a key for a court (idempotent for the same court and key); returns it."""
        kid = key_id(public_key_from_b64(public_key_b64))
        existing = await self.session.get(CourtKeyRow, kid)
        if existing is not None and existing.court_code != court_code:
            raise ValueError(f"key {kid} is already registered for {existing.court_code}")
        row = {
            "key_id": kid,
            "court_code": court_code,
            "public_key": public_key_b64,
            "added_at": at,
            "revoked_at": None,
        }
        await upsert_rows(self.session, table_of(CourtKeyRow), [row], keep=("added_at", "revoked_at"))
        found = await self.session.get(CourtKeyRow, kid, populate_existing=True)
        assert found is not None
        return _key(found)

    async def revoke(self, kid: str, at: datetime) -> bool:
        result = await self.session.execute(
            update(CourtKeyRow).where(CourtKeyRow.key_id == kid, CourtKeyRow.revoked_at.is_(None)).values(revoked_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, kid: str) -> CourtKey | None:
        row = await self.session.get(CourtKeyRow, kid)
        return _key(row) if row is not None else None

    async def for_court(self, court_code: str) -> list[CourtKey]:
        rows = await self.session.scalars(
            select(CourtKeyRow).where(CourtKeyRow.court_code == court_code).order_by(CourtKeyRow.added_at)
        )
        return [_key(r) for r in rows]
