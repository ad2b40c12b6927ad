"""The console's sessions in the hub's database (shared by replicas; the cookie holds a random id only).

The id is 32 random bytes; the table keeps its SHA-256, so a reader of the database cannot take over
a session. Ending a session stamps ``ended_at``: the cookie stops working at once, on every replica.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.sessions import ConsoleSession
from ledger.db import write_transaction
from ledger.models.console import ConsoleSessionRow


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class ConsoleSessions:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def open(self, person: str, ttl_s: int = 8 * 3600) -> ConsoleSession:
        now = self._clock.now()
        session = ConsoleSession(
            secrets.token_urlsafe(32), person, secrets.token_urlsafe(32), now + timedelta(seconds=ttl_s)
        )
        async with write_transaction(self._sessions) as db:
            db.add(
                ConsoleSessionRow(
                    id_sha256=_digest(session.id),
                    person_id=person,
                    csrf=session.csrf,
                    created_at=now,
                    expires_at=session.expires_at,
                    ended_at=None,
                )
            )
        return session

    async def get(self, session_id: str) -> ConsoleSession | None:
        if not session_id or len(session_id) > 128:
            return None
        async with self._sessions() as db:
            row = await db.get(ConsoleSessionRow, _digest(session_id))
        if row is None or row.ended_at is not None or row.expires_at <= self._clock.now():
            return None
        return ConsoleSession(session_id, row.person_id, row.csrf, row.expires_at)

    async def end(self, session_id: str) -> None:
        async with write_transaction(self._sessions) as db:
            await db.execute(
                update(ConsoleSessionRow)
                .where(ConsoleSessionRow.id_sha256 == _digest(session_id), ConsoleSessionRow.ended_at.is_(None))
                .values(ended_at=self._clock.now())
            )

    async def forget_expired(self) -> int:
        """Delete sessions that ended or expired more than a day ago; how many."""
        cutoff = self._clock.now() - timedelta(days=1)
        async with write_transaction(self._sessions) as db:
            done = await db.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.expires_at < cutoff))
        return int(done.rowcount or 0)  # type: ignore[attr-defined]
