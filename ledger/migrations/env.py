"""Alembic environment: runs on the connection :mod:`ledger.migrate` hands in.

``ledger.migrate`` opens the (async) connection, takes the migration lock and
puts the sync facade of that connection in ``config.attributes["connection"]``,
so everything here is synchronous and a migration commits or rolls back as
one transaction. For ad-hoc use of the ``alembic`` command line, a URL in
``config.attributes["url"]`` or ``sqlalchemy.url`` is accepted instead.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from ledger.db import create_engine, normalise_url
from ledger.migrate import configure_context
from ledger.models import Base


def run_offline() -> None:
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    context.configure(
        url=normalise_url(url),
        target_metadata=Base.metadata,
        literal_binds=True,
        **configure_context(normalise_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        **configure_context(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run_on)
    finally:
        await engine.dispose()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL or connection given to the migrations")
    asyncio.run(run_with_own_engine(url))


if context.is_offline_mode():
    run_offline()
else:
    run_online()
