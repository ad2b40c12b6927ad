"""A request's grants, read the cheapest way the database allows (issue 14: refusing must stay cheap).

Every request reads the roles its holder is granted (``gateway/authority.py``). Through the async
engine that is a session, a compiled statement and a hop to the driver's thread: about 2 ms of CPU
on SQLite, 1.2 ms on PostgreSQL, more than refusing a hostile document may cost. So
:class:`GrantReader` asks for the holder's rows with one plain statement and decides their periods
in Python:

- on SQLite (WAL: a read never waits for a writer) on a connection of its own with the standard
  ``sqlite3`` module, in the event loop's thread (tens of microseconds);
- on PostgreSQL through a small ``asyncpg`` pool of its own (:data:`PG_POOL_SIZE` connections, the
  statement prepared once per connection: ~0.2 ms).

Nothing is cached: a revocation committed by anyone is seen by the next request. If the fast read
fails (an SQLite lock during a checkpoint; PostgreSQL refusing connections), it asks
:meth:`Grants.active_roles` through the engine, which waits as long as it must or fails as every
other read does (``DATABASE_UNAVAILABLE``).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from domain.people import HolderStatus
from ledger.grants import Grants

HOLDER_GRANTS: Final = (
    "SELECT h.status, g.role, g.valid_from, g.valid_to, g.revoked_at FROM holders AS h "
    "LEFT JOIN role_grants AS g ON g.holder_id = h.id AND g.agency_code = ? WHERE h.id = ?"
)
PG_HOLDER_GRANTS: Final = HOLDER_GRANTS.replace("?", "$1", 1).replace("?", "$2", 1)
BUSY_TIMEOUT_S: Final = 0.05  # never hold the event loop: a locked read falls back to the async path
PG_POOL_SIZE: Final = 4  # connections of the PostgreSQL fast read (one request's read takes one for ~0.2 ms)
FAST_READ_FAILURES: Final = (
    TimeoutError,
    OSError,  # connection refused, reset
    asyncpg.PostgresError,  # not accepting connections, too many clients, a terminated backend
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a connection whose backend died under a read
)
PG_TIMEOUT_S: Final = 2.0  # to connect, to wait for a connection, to read: then the engine's read is asked


def sqlite_file(database_url: str) -> str | None:
    """The file of an SQLite database URL, or None (another database, or SQLite in memory)."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return url.database


def postgresql_dsn(database_url: str) -> str | None:
    """The libpq-style address of a PostgreSQL database URL (as asyncpg takes it), or None."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _moment(value: str | datetime | None) -> datetime | None:
    """A timestamp as the database gives it: on SQLite text as SQLAlchemy stores it (UTC wall time,
    ``YYYY-MM-DD HH:MM:SS.ffffff``), on PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _held(rows: Sequence[Sequence[Any]], at: datetime) -> frozenset[Role] | None:
    """The roles of a holder's rows (status, role, valid_from, valid_to, revoked_at) active at ``at``;
    None when there is no such holder or it is not active."""
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


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """The fast read leaves no session state (no lock, cursor, listener or setting): a connection goes back to
    the pool as it is. asyncpg's default reset (``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL``) is a second round trip on every release, as costly as the read itself."""


class GrantReader:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], database_url: str) -> None:
        self._sessions = sessions
        self._file = sqlite_file(database_url)
        self._local = threading.local()  # one connection per thread that reads (in practice the loop's)
        self._dsn = postgresql_dsn(database_url)
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def active_roles(self, holder_id: str, agency_code: str, at: datetime) -> frozenset[Role] | None:
        """As :meth:`Grants.active_roles`: the roles held at ``at``, or None for no active holder of that id."""
        if self._file is not None:
            try:
                return self._read_sqlite(holder_id, agency_code, at)
            except sqlite3.OperationalError:  # locked or busy: the async path waits as long as it must
                pass
        elif self._dsn is not None:
            try:
                return _held(await self._read_postgresql(holder_id, agency_code), at)
            except FAST_READ_FAILURES:
                pass  # refused, too many clients, a killed backend: the engine's read reports it as every read does
        async with self._sessions() as session:
            return await Grants(session).active_roles(holder_id, agency_code, at)

    def _read_sqlite(self, holder_id: str, agency_code: str, at: datetime) -> frozenset[Role] | None:
        return _held(self._connection().execute(HOLDER_GRANTS, (agency_code, holder_id)).fetchall(), at)

    async def _read_postgresql(self, holder_id: str, agency_code: str) -> list[tuple[Any, ...]]:
        pool = self._pool or await self._open_pool()
        async with pool.acquire(timeout=PG_TIMEOUT_S) as connection:
            try:
                rows: list[asyncpg.Record] = await connection.fetch(
                    PG_HOLDER_GRANTS, agency_code, holder_id, timeout=PG_TIMEOUT_S
                )
            except BaseException:
                connection.terminate()  # a read that failed halfway leaves the connection unusable: the pool opens another
                raise
        return [tuple(row) for row in rows]

    async def _open_pool(self) -> asyncpg.Pool:
        async with self._opening:  # the first requests after the start share one pool
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn, min_size=0, max_size=PG_POOL_SIZE, timeout=PG_TIMEOUT_S, reset=_nothing_to_reset
                )
            return self._pool

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            assert self._file is not None
            connection = sqlite3.connect(self._file, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._local.connection = connection
        return connection

    async def aclose(self) -> None:
        """Close the connections of the fast reads (the engine's are the engine's)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
