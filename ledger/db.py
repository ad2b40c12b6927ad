"""Engines and sessions for the two supported databases.

SQLite (WAL, in a file) is the embedded default so one command runs the whole
hub; PostgreSQL is production. Both are reached through async drivers
(aiosqlite, asyncpg), so plain ``sqlite://`` and ``postgresql://`` URLs are
rewritten to name them.

SQLite needs per-connection care: foreign keys are off and journaling is
rollback-mode unless every connection says otherwise, and Python's ``sqlite3``
module starts transactions late (only before DML), which breaks savepoints,
transactional DDL and read-then-write consistency. We therefore switch the
driver's own transaction handling off and emit ``BEGIN`` ourselves; a caller
that is about to write after reading (a numbering register, a migration) can
ask for ``BEGIN IMMEDIATE`` with :data:`SQLITE_WRITE_LOCK` so it queues for
the write lock up front instead of failing with ``SQLITE_BUSY`` later.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import asyncpg
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from ledger.sqlite_one_hop import OneHopConnection, one_hop_dbapi

SQLITE_BEGIN_OPTION: Final = "lienthong_sqlite_begin"
"""Execution option read when a SQLite transaction begins: DEFERRED (default), IMMEDIATE or EXCLUSIVE."""

SQLITE_WRITE_LOCK: Final[dict[str, Any]] = {SQLITE_BEGIN_OPTION: "IMMEDIATE"}
"""Execution options for a transaction that will write: take SQLite's write lock at BEGIN (no-op on PostgreSQL)."""

PING_TIMEOUT_S: Final = 2.0
"""A readiness probe that waits longer than this is answered "not ready"."""

_SQLITE_BEGIN_MODES: Final = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})
_DRIVERS: Final = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def normalise_url(url: str | URL) -> URL:
    """The URL with its async driver named; anything we do not support is refused.

    >>> normalise_url("postgresql://hub@db/lienthong").render_as_string()
    'postgresql+asyncpg://hub@db/lienthong'
    >>> normalise_url("sqlite:///var/hub.db").render_as_string()
    'sqlite+aiosqlite:///var/hub.db'
    """
    parsed = make_url(url)
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        shown = parsed.render_as_string(hide_password=True)
        raise ValueError(f"unsupported database URL {shown!r}: use sqlite+aiosqlite:// or postgresql+asyncpg://")
    return parsed.set(drivername=driver)


def is_sqlite(url: str | URL) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str | URL,
    *,
    echo: bool = False,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    sqlite_busy_timeout_ms: int = 30_000,
    application_name: str = "lienthong",
) -> AsyncEngine:
    """An async engine for ``url``, configured for the hub's workload.

    PostgreSQL: a bounded pool (``pool_size`` + ``max_overflow`` per replica, so
    replicas × that stays under ``max_connections``), pre-ping so a restarted
    server costs one retry instead of an error, and recycling so load balancers
    that cut idle connections do not hand us dead ones.

    SQLite: the parent directory is created, and every connection gets WAL,
    foreign keys, a busy timeout and ``synchronous=NORMAL`` (durable in WAL mode
    except for the last transactions on power loss, and much faster). A file
    database keeps up to ``pool_size + max_overflow`` connections open.
    """
    target = normalise_url(url)
    if target.get_backend_name() == "sqlite":
        return _sqlite_engine(
            target, echo=echo, busy_timeout_ms=sqlite_busy_timeout_ms, pool_size=pool_size, max_overflow=max_overflow
        )
    return create_async_engine(
        target,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": application_name}},
    )


WRITE_LOCK_INFO: Final = "lienthong.write_lock"


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (repositories return plain values anyway).

    For SQLite the factory carries one asyncio lock that :func:`write_transaction`
    holds: SQLite has one writer at a time, and queueing writers of this process
    in the event loop is fairer and faster than letting each spin on the file
    lock until the busy timeout (under 200 concurrent writers, some would give up).
    """
    info = {WRITE_LOCK_INFO: asyncio.Lock()} if engine.dialect.name == "sqlite" else {}
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


async def ping(engine: AsyncEngine) -> None:
    """Run ``SELECT 1``; raise if the database does not answer within :data:`PING_TIMEOUT_S` (for /readyz).

    Raises rather than returning a flag so the readiness handler can say why
    (``TimeoutError``, ``ConnectionRefusedError``, the driver's error).
    """
    async with asyncio.timeout(PING_TIMEOUT_S), engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


UNAVAILABLE_SQLSTATES: Final = ("08", "57P", "53300")
"""SQLSTATE prefixes meaning "the server is not serving us now": connection exceptions, shutdowns, "cannot
connect now", and "too many connections" (53300: the server's or our role's limit is reached)."""
NOT_ACCEPTING: Final = ("55000", "is not currently accepting connections")
"""A database closed to new connections (``ALTER DATABASE … ALLOW_CONNECTIONS false``): SQLSTATE 55000, which
other refusals share ("object not in prerequisite state"), so the message decides."""
_UNREACHABLE_ERRNOS: Final = frozenset({errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN})


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or anything in its chain) says the database cannot be reached, not that a statement failed.

    The one place that knows every way a database refuses us; the gateway answers these with
    ``DATABASE_UNAVAILABLE`` (retry later) instead of an internal error, and workers log them in one line::

        OSError        ConnectionError (refused, reset, aborted), no route to the host or network
        SQLAlchemy     TimeoutError (the pool had no connection to give), DBAPIError.connection_invalidated
        SQLSTATE 08…   connection exceptions (asyncpg ConnectionDoesNotExistError: closed mid-operation)
        SQLSTATE 57P…  shutdowns and "cannot connect now" (AdminShutdownError: a terminated backend,
                       CannotConnectNowError: starting up or shutting down)
        SQLSTATE 53300 "too many clients" (TooManyConnectionsError: the server's, the role's or the database's limit)
        SQLSTATE 55000 only "database … is not currently accepting connections" (:data:`NOT_ACCEPTING`)
        asyncpg        InterfaceError "… connection is closed" (the driver noticed before the server said why)

    A refused connection counts whoever made it: adapters turn their own into ``AgencyError`` at
    their boundary, so one that reaches the gateway unmapped is the hub's database.
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionError | sa_exc.TimeoutError):  # refused, reset; the pool's timeout
            return True
        if isinstance(current, OSError) and current.errno in _UNREACHABLE_ERRNOS:
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        sqlstate = str(getattr(current, "sqlstate", None) or "")
        if sqlstate.startswith(UNAVAILABLE_SQLSTATES):
            return True
        if sqlstate == NOT_ACCEPTING[0] and NOT_ACCEPTING[1] in str(current):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "connection is closed" in str(current):
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]
    return False


WAL_SWITCH_ATTEMPTS = 100


def _ensure_wal(cursor: Any) -> None:
    """Put the database file in WAL mode (it stays so), even while other connections open it too.

    Switching needs an exclusive lock and SQLite answers "database is locked" at
    once, without the busy handler, when several connections to a new file race
    to switch it: read the mode first (no lock) and retry the switch briefly.
    This runs only when a pooled connection is opened.
    """
    for attempt in range(WAL_SWITCH_ATTEMPTS):
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:
            if "locked" not in str(exc) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                raise
            time.sleep(0.02)


def _sqlite_engine(url: URL, *, echo: bool, busy_timeout_ms: int, pool_size: int, max_overflow: int) -> AsyncEngine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:") or "mode=memory" in database
    if not in_memory and not database.startswith("file:"):  # URI filenames are the caller's business
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # A file database keeps every connection up to PostgreSQL's bound open (no server limits it): a pool
    # that closed its overflow connections opened a new one — a thread, the PRAGMAs below — for every
    # few requests under load (16 concurrent requests, each reading a page and its count at once).
    pool = {} if in_memory else {"pool_size": pool_size + max_overflow, "max_overflow": max_overflow}
    engine = create_async_engine(
        url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000}, module=one_hop_dbapi(), **pool
    )

    def on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module; on_begin emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            if not in_memory:
                _ensure_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    def on_begin(conn: Connection) -> None:
        mode = str(conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")).upper()
        if mode not in _SQLITE_BEGIN_MODES:
            raise ValueError(f"{SQLITE_BEGIN_OPTION} must be one of {sorted(_SQLITE_BEGIN_MODES)}, not {mode!r}")
        adapted = conn.connection.dbapi_connection
        if mode == "DEFERRED" and isinstance(adapted, OneHopConnection):
            adapted.begin_with_next("BEGIN DEFERRED")  # takes no lock: sent with the first statement, same hop
        else:
            conn.exec_driver_sql(f"BEGIN {mode}")  # the write lock now, as the caller expects

    event.listen(engine.sync_engine, "connect", on_connect)
    event.listen(engine.sync_engine, "begin", on_begin)
    return engine


@asynccontextmanager
async def write_transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that will write: committed on success, rolled back on error.

    On SQLite, writers of this process queue on the factory's lock, and the
    transaction starts with ``BEGIN IMMEDIATE``, so writers of other processes
    queue too (up to the busy timeout) instead of failing half-way.
    """
    lock: asyncio.Lock | None = sessions.kw.get("info", {}).get(WRITE_LOCK_INFO)
    async with contextlib.AsyncExitStack() as stack:
        if lock is not None:
            await stack.enter_async_context(lock)
        session = await stack.enter_async_context(sessions())
        await stack.enter_async_context(session.begin())
        await session.connection(execution_options=SQLITE_WRITE_LOCK)
        yield session
