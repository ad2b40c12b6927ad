"""Migrations: idempotent, concurrent-safe, reversible, and in step with the models."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from ledger.db import create_engine
from ledger.migrate import current_revision, downgrade, head_revision, schema_drift, upgrade, upgrade_sync


async def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrading_twice_is_harmless(db_url: str) -> None:
    assert await current_revision(db_url) is None
    await upgrade(db_url)
    await upgrade(db_url)
    assert await current_revision(db_url) == head_revision()
    assert {"agencies", "judgments", "alembic_version"} <= await tables(db_url)


async def test_concurrent_upgrades_serialise(db_url: str) -> None:
    await asyncio.gather(upgrade(db_url), upgrade(db_url), upgrade(db_url))
    assert await current_revision(db_url) == head_revision()


async def test_sync_upgrade_works_for_callers_without_a_loop(db_url: str) -> None:
    await asyncio.to_thread(upgrade_sync, db_url)
    await asyncio.to_thread(upgrade_sync, db_url)
    assert await current_revision(db_url) == head_revision()


async def test_models_and_migrations_describe_the_same_schema(migrated_db_url: str) -> None:
    assert await schema_drift(migrated_db_url) == []


async def test_drift_is_noticed(migrated_db_url: str) -> None:
    engine = create_engine(migrated_db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE INDEX ix_judgments_number ON judgments (number)"))
    finally:
        await engine.dispose()
    drift = await schema_drift(migrated_db_url)
    assert [(change[0], change[1].name) for change in drift] == [("remove_index", "ix_judgments_number")]


async def test_downgrade_to_base_and_back(migrated_db_url: str) -> None:
    await downgrade(migrated_db_url, "base")
    assert await tables(migrated_db_url) == {"alembic_version"}
    await upgrade(migrated_db_url)
    assert await schema_drift(migrated_db_url) == []


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_party_names_get_a_trigram_index_on_postgresql(migrated_db_url: str, engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        available = (
            await conn.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))
        ).scalar_one()
        index = (
            await conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_judgments_party_search_trgm'")
            )
        ).scalar_one_or_none()
    if not available:
        pytest.skip("pg_trgm cannot be created on this server; the migration went on without the index")
    assert index is not None
    assert "gin_trgm_ops" in index
