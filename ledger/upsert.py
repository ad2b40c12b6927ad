"""INSERT … ON CONFLICT DO UPDATE for both databases.

PostgreSQL and SQLite spell upserts the same way but SQLAlchemy builds them
with dialect-specific constructs; this picks the right one. Rows that would
not change are left alone (the ``WHERE … IS DISTINCT FROM`` guard), so
re-seeding reference data at every start-up writes nothing and leaves no dead
tuples behind on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

CHUNK_ROWS = 500
"""Rows per statement: keeps every statement under the bind-parameter limits (SQLite 32766, asyncpg 32767)."""


async def upsert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keep: Collection[str] = (),
) -> None:
    """Insert ``rows`` into ``table``, updating rows whose primary key exists.

    Columns named in ``keep`` are written on insert but never overwritten
    (history the hub owns, such as when something was first registered).
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    key = [column.name for column in table.primary_key.columns]
    updated = [column for column in table.columns if column.name not in key and column.name not in keep]
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = list(rows[start : start + CHUNK_ROWS])
        statement: postgresql.Insert | sqlite.Insert
        if dialect == "postgresql":
            statement = postgresql.insert(table).values(chunk)
        elif dialect == "sqlite":
            statement = sqlite.insert(table).values(chunk)
        else:
            raise NotImplementedError(f"no upsert for the {dialect} dialect")
        excluded = statement.excluded
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=key,
                set_={column.name: excluded[column.name] for column in updated},
                where=or_(*(column.is_distinct_from(excluded[column.name]) for column in updated)),
            )
            if updated
            else statement.on_conflict_do_nothing(index_elements=key)
        )
