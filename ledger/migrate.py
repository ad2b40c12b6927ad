"""Bring a database to the current schema, programmatically.

The gateway calls :func:`upgrade` at start-up (and ``lienthong`` offers it as a
command), so no ``alembic.ini`` is needed at runtime: the configuration is
built here and the migration scripts ship inside the package.

Safe to call twice, and safe to call from several replicas at once: the
whole upgrade is one transaction that first takes a lock (a PostgreSQL
advisory lock; ``BEGIN IMMEDIATE`` on SQLite), so the second caller waits,
then finds the database already at head and does nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from ledger.db import SQLITE_WRITE_LOCK, create_engine
from ledger.models import OPTIONAL_INDEXES, Base

MIGRATIONS_DIR: Final = Path(__file__).with_name("migrations")
MIGRATION_LOCK_KEY: Final = 0x6C74_6D69_6772_6174
"""pg_advisory_xact_lock key serialising migrations of one database ("ltmigrat")."""


def alembic_config() -> Config:
    """Alembic's configuration, built in code and pointing at the packaged scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def configure_context(dialect_name: str) -> dict[str, Any]:
    """Options shared by migrations and the models-vs-migrations comparison.

    SQLite cannot ALTER most things, so later migrations run in batch mode
    there (copy-and-move); PostgreSQL alters in place.
    """
    return {
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "include_object": include_object,
    }


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave out of autogenerate what migrations create only where the database allows."""
    return not (type_ == "index" and name in OPTIONAL_INDEXES)


async def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (default: the newest)."""
    await _run(url, lambda config: command.upgrade(config, revision))


async def downgrade(url: str, revision: str) -> None:
    """Migrate down to ``revision`` ("base" empties the database); for development and tests."""
    await _run(url, lambda config: command.downgrade(config, revision))


def upgrade_sync(url: str, revision: str = "head") -> None:
    """:func:`upgrade` for synchronous callers (command line, scripts); not from inside an event loop."""
    asyncio.run(upgrade(url, revision))


async def current_revision(url: str) -> str | None:
    """The revision the database is at, None when it was never migrated."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()


async def schema_drift(url: str) -> list[Any]:
    """Differences Alembic autogenerate finds between the migrated database and the models.

    Empty when models and migrations agree; anything else means a model changed
    without a migration (or the other way round).
    """
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_compare)
    finally:
        await engine.dispose()


def _compare(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts=configure_context(connection.dialect.name))
    return list(compare_metadata(context, Base.metadata))


async def _run(url: str, operation: Callable[[Config], None]) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            locked = await conn.execution_options(**SQLITE_WRITE_LOCK)
            async with locked.begin():
                await locked.run_sync(_locked, operation)
    finally:
        await engine.dispose()


def _locked(connection: Connection, operation: Callable[[Config], None]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    config = alembic_config()
    config.attributes["connection"] = connection
    operation(config)
