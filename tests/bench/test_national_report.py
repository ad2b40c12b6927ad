"""The national-report bench at a small scale: the bulk load is sound and the report reads it.

The bench itself (``python -m bench national-report``) is not part of the suite and no test
asserts a timing; this checks its data side on PostgreSQL with 2,000 judgments.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.national_data import asyncpg_dsn, foreign_key_violations, load
from bench.national_report import (
    InstantEnforcement,
    InstantPersonnel,
    latency_summary,
    throwaway_database,
)
from domain.clock import Clock
from domain.reports.period import Period
from gateway.policies import load_deadline_policy, load_personnel_rules
from ledger.agencies import AgencyRepository
from ledger.db import session_factory
from ledger.migrate import schema_drift
from ledger.reference import load_organisation, seed_agencies
from resolvers.reports import ReportSources, build_committee_report
from tests.fixtures.databases import PostgresServer

DATA = Path(__file__).resolve().parents[2] / "data"
JUDGMENTS = 2_000
REQUESTS = 300

on_postgresql = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


async def _secondary_indexes(url: str) -> set[str]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {r["indexname"] for r in rows}
    finally:
        await conn.close()


@pytest.mark.postgres
@on_postgresql
async def test_bulk_load_keeps_every_constraint_and_index_and_the_report_reads_it(
    migrated_db_url: str, engine: AsyncEngine
) -> None:
    organisation = load_organisation(DATA)
    await seed_agencies(session_factory(engine), organisation)
    indexes_before = await _secondary_indexes(migrated_db_url)

    loaded = await load(
        migrated_db_url, organisation, judgments=JUDGMENTS, requests=REQUESTS, seed=3, progress=lambda _: None
    )

    assert loaded.counts.judgments == JUDGMENTS
    assert 0.9 * JUDGMENTS < loaded.counts.transfers < JUDGMENTS
    assert loaded.counts.coordination_requests == REQUESTS
    assert loaded.foreign_key_violations  # every foreign key was checked …
    assert not any(loaded.foreign_key_violations.values())  # … and none is broken
    assert await _secondary_indexes(migrated_db_url) == indexes_before
    assert await schema_drift(migrated_db_url) == []
    async with engine.connect() as conn:
        counted: dict[str, int] = dict(
            (await conn.execute(text("SELECT status, count(*) FROM transfers GROUP BY status"))).all()
        )
        kinds = (await conn.execute(text("SELECT count(DISTINCT kind) FROM coordination_requests"))).scalar_one()
        statuses = (await conn.execute(text("SELECT count(DISTINCT status) FROM coordination_requests"))).scalar_one()
        gaps = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT register_office_code, register_year, max(register_number) AS m, "
                    "count(*) AS n FROM transfers WHERE register_number IS NOT NULL "
                    "GROUP BY register_office_code, register_year) r WHERE m <> n"
                )
            )
        ).scalar_one()
        received_2026 = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM transfers WHERE received_at >= '2025-10-01 00:00+07' "
                    "AND received_at < '2026-10-01 00:00+07'"
                )
            )
        ).scalar_one()
    assert counted == loaded.counts.by_status
    assert set(counted) == {"SUBMITTED", "ACKNOWLEDGED", "DECIDED", "RETURNED"}
    assert kinds == 6  # every kind …
    assert statuses == 7  # … and every status
    assert gaps == 0  # receipt register numbers are gapless per office and statistical year

    async with session_factory(engine)() as session:
        agencies = await AgencyRepository(session).all_by_code()
    sources = ReportSources(
        sessions=session_factory(engine),
        enforcement=InstantEnforcement(),  # type: ignore[arg-type]
        personnel=InstantPersonnel(),  # type: ignore[arg-type]
        agencies=agencies,
        deadlines=load_deadline_policy(DATA),
        personnel_rules=load_personnel_rules(DATA),
        clock=Clock(),
    )
    report = await build_committee_report(sources, province=None, period=Period.cumulative(2026, 12))
    assert len(report.rows) == 34
    assert report.totals.current.transfers.transferred == received_2026
    assert report.totals.previous.transfers.transferred > 0


@pytest.mark.postgres
@on_postgresql
async def test_foreign_key_check_finds_a_dangling_row(migrated_db_url: str, engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("SET session_replication_role = replica"))
        await conn.execute(
            text(
                "INSERT INTO register_counters (office_code, statistical_year, last_number) "
                "VALUES ('enforcement.nowhere', 2026, 1)"
            )
        )
    conn = await asyncpg.connect(asyncpg_dsn(migrated_db_url))
    try:
        found = await foreign_key_violations(conn)
    finally:
        await conn.close()
    assert found["fk_register_counters_office_code_agencies"] == 1
    assert sum(found.values()) == 1


@pytest.mark.postgres
async def test_throwaway_database_is_dropped_afterwards(postgres_server: PostgresServer) -> None:
    admin = postgres_server.url_for(postgres_server.admin_url.database or "postgres")
    async with throwaway_database(admin) as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("lt_bench_")
        conn = await asyncpg.connect(asyncpg_dsn(url))
        await conn.close()
    conn = await asyncpg.connect(asyncpg_dsn(admin))
    try:
        assert await conn.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name) == 0
    finally:
        await conn.close()


def test_latency_summary_uses_nearest_rank() -> None:
    summary = latency_summary([0.1 * n for n in range(1, 21)])  # 0.1 … 2.0 s
    assert summary == {"n": 20, "min": 100.0, "p50": 1000.0, "p95": 1900.0, "max": 2000.0, "mean": 1050.0}
