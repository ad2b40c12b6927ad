"""A request's grants, read the cheapest way the database allows (issue 14: refusing must stay cheap).

Every request reads the roles its holder is granted (``gateway/authority.py``). Through the async
engine that is a session, a compiled statement and a hop to the driver's thread: about 2 ms of CPU,
more than refusing a hostile document costs. On SQLite (WAL) a read never waits for a writer, so
:class:`GrantReader` asks a connection of its own with the standard ``sqlite3`` module, in the
event loop's thread, for the holder's rows (tens of microseconds), and decides their periods in
Python. Nothing is cached: a revocation committed by anyone is seen by the next request. Elsewhere
(PostgreSQL), or if that read meets a lock (a checkpoint), it asks :meth:`Grants.active_roles`.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from domain.people import HolderStatus
from ledger.grants import Grants

HOLDER_GRANTS: Final = (
    "SELECT h.status, g.role, g.valid_from, g.valid_to, g.revoked_at FROM holders AS h "
    "LEFT JOIN role_grants AS g ON g.holder_id = h.id AND g.agency_code = ? WHERE h.id = ?"
)
BUSY_TIMEOUT_S: Final = 0.05  # never hold the event loop: a locked read falls back to the async path


def sqlite_file(database_url: str) -> str | None:
    """The file of an SQLite database URL, or None (another database, or SQLite in memory)."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return url.database


def _moment(value: str | None) -> datetime | None:
    """A timestamp as SQLAlchemy stores it on SQLite (UTC wall time, ``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


class GrantReader:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], database_url: str) -> None:
        self._sessions = sessions
        self._file = sqlite_file(database_url)
        self._local = threading.local()  # one connection per thread that reads (in practice the loop's)

    async def active_roles(self, holder_id: str, agency_code: str, at: datetime) -> frozenset[Role] | None:
        """As :meth:`Grants.active_roles`: the roles held at ``at``, or None for no active holder of that id."""
        if self._file is not None:
            try:
                return self._read_sqlite(holder_id, agency_code, at)
            except sqlite3.OperationalError:  # locked or busy: the async path waits as long as it must
                pass
        async with self._sessions() as session:
            return await Grants(session).active_roles(holder_id, agency_code, at)

    def _read_sqlite(self, holder_id: str, agency_code: str, at: datetime) -> frozenset[Role] | None:
        rows = self._connection().execute(HOLDER_GRANTS, (agency_code, holder_id)).fetchall()
        if not rows or rows[0][0] != HolderStatus.ACTIVE.value:
            return None
        held: set[Role] = set()
        for _, role, valid_from, valid_to, revoked_at in rows:
            if role is None:
                continue
            start, end, revoked = _moment(valid_from), _moment(valid_to), _moment(revoked_at)
            if start is not None and start <= at and (end is None or at < end) and (revoked is None or at < revoked):
                held.add(Role(role))
        return frozenset(held)

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            assert self._file is not None
            connection = sqlite3.connect(self._file, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._local.connection = connection
        return connection

    def close(self) -> None:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
