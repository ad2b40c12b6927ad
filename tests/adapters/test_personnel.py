"""The personnel adapter against the personnel database's own schema, on SQLite and (if reachable) PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import unicodedata
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.personnel import SqlPersonnelAdapter
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from domain.types import Officer, Sex, StaffingUnit

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")

# The DDL of docs/agency-interface.md, with {s} for a schema prefix.
DDL = (
    """CREATE TABLE {s}don_vi (
      ma_don_vi   TEXT PRIMARY KEY,
      ten_don_vi  TEXT NOT NULL,
      bien_che    INTEGER NOT NULL
    )""",
    """CREATE TABLE {s}can_bo (
      ma_can_bo             TEXT PRIMARY KEY,
      ho_ten                TEXT NOT NULL,
      gioi_tinh             TEXT NOT NULL,
      ngay_sinh             TEXT NOT NULL,
      so_cccd               TEXT NOT NULL,
      ma_don_vi             TEXT NOT NULL REFERENCES {s}don_vi(ma_don_vi),
      chuc_vu               TEXT,
      chuc_danh             TEXT NOT NULL,
      ngay_bo_nhiem         TEXT,
      ngay_het_nhiem_ky     TEXT,
      so_nhiem_ky_lien_tiep INTEGER NOT NULL DEFAULT 1,
      vi_tri_nhay_cam       INTEGER NOT NULL DEFAULT 0,
      ngay_nhan_vi_tri      TEXT,
      dao_tao               TEXT,
      ky_luat               TEXT
    )""",
)

HA_NOI = "enforcement.ha-noi"
KV01 = "enforcement.ha-noi.kv01"
HAI_PHONG = "enforcement.hai-phong"
UNITS = [
    (HA_NOI, "Thi hành án dân sự thành phố Hà Nội", 120),
    (KV01, "Phòng Thi hành án dân sự khu vực 1 - Hà Nội", 25),
    (HAI_PHONG, "Thi hành án dân sự thành phố Hải Phòng", 80),
]
COLUMNS = (
    "ma_can_bo, ho_ten, gioi_tinh, ngay_sinh, so_cccd, ma_don_vi, chuc_vu, chuc_danh, ngay_bo_nhiem,"
    " ngay_het_nhiem_ky, so_nhiem_ky_lien_tiep, vi_tri_nhay_cam, ngay_nhan_vi_tri, dao_tao, ky_luat"
)
STAFF: list[tuple[Any, ...]] = [
    ("CB001", "Nguyễn Văn Hùng", "Nam", "15/08/1975", "001075001234", HA_NOI, "Cục trưởng",
     "Chấp hành viên cao cấp", "01/07/2021", "30/06/2026", 2, 0, "01/07/2021", "Thạc sĩ Luật", None),
    ("CB002", unicodedata.normalize("NFD", "Trần Thị Bình"), "Nữ", "02/02/1988", "001188005678", HA_NOI, None,
     "Chấp hành viên trung cấp", None, None, 1, 1, "01/03/2020", None, "Khiển trách (2023)"),
    ("CB003", "Lê Minh Đức", "Nam", "10/10/1990", "001090009999", KV01, "Trưởng phòng",
     "Thẩm tra viên chính", "15/01/2024", "14/01/2029", 1, 0, None, None, None),
    ("CB010", "Phạm Thu Hà", "M", "01/01/1985", "031185000001", HAI_PHONG, None,
     "Kế toán", None, None, 1, 0, None, None, None),
    ("CB011", "Vũ Đình Nam", "Nam", "01/01/1980", "031080000002", HAI_PHONG, None,
     "Chuyên viên", None, None, 1, 0, None, None, None),
]  # fmt: skip


class PersonnelDb:
    """A personnel database with the spec's schema, in a SQLite file or a fresh PostgreSQL schema."""

    def __init__(self, engine: AsyncEngine, schema: str | None, sqlite_path: Path | None = None) -> None:
        self.engine = engine
        self.schema = schema
        self.sqlite_path = sqlite_path
        self.prefix = f"{schema}." if schema else ""

    async def run(self, sql: str, rows: list[tuple[Any, ...]] | None = None) -> None:
        async with self.engine.begin() as connection:
            if rows is None:
                await connection.execute(text(sql.format(s=self.prefix)))
                return
            names = [f"p{i}" for i in range(len(rows[0]))]
            statement = text(sql.format(s=self.prefix, values=", ".join(f":{n}" for n in names)))
            await connection.execute(statement, [dict(zip(names, row, strict=True)) for row in rows])

    async def create(self) -> None:
        for ddl in DDL:
            await self.run(ddl)

    async def seed(self, staff: list[tuple[Any, ...]] = STAFF) -> None:
        await self.create()
        await self.run("INSERT INTO {s}don_vi (ma_don_vi, ten_don_vi, bien_che) VALUES ({values})", UNITS)
        await self.run(f"INSERT INTO {{s}}can_bo ({COLUMNS}) VALUES ({{values}})", staff)  # noqa: S608 - constant

    def adapter(self, timeout_s: float = 2.0) -> SqlPersonnelAdapter:
        return SqlPersonnelAdapter(self.engine, timeout_s, schema=self.schema)

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Hold a lock that blocks readers of can_bo, as a busy or stuck database would."""
        if self.sqlite_path is not None:
            holder = sqlite3.connect(self.sqlite_path, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            return
        async with self.engine.connect() as connection:
            await connection.execute(text(f"LOCK TABLE {self.prefix}can_bo IN ACCESS EXCLUSIVE MODE"))
            try:
                yield
            finally:
                await connection.rollback()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[PersonnelDb]:
    if request.param == "sqlite":
        path = tmp_path / "personnel.db"
        engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
        yield PersonnelDb(engine, None, path)
        await engine.dispose()
        return
    engine = create_async_engine(POSTGRES_URL.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach it means: not available here
        await engine.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}")
    schema = f"personnel_{uuid.uuid4().hex[:12]}"
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield PersonnelDb(engine, schema)
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await engine.dispose()


@pytest.fixture
def statements(db: PersonnelDb) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the test runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)


class TestOfficers:
    async def test_every_column_is_translated(self, db: PersonnelDb) -> None:
        await db.seed()
        [officers] = await db.adapter().fetch_many([HA_NOI])
        assert officers == (
            Officer(
                code="CB001",
                name="Nguyễn Văn Hùng",
                sex=Sex.MALE,
                birth_date=date(1975, 8, 15),
                citizen_id="001075001234",
                agency_code=HA_NOI,
                title="Chấp hành viên cao cấp",
                post="Cục trưởng",
                appointed_on=date(2021, 7, 1),
                term_ends_on=date(2026, 6, 30),
                consecutive_terms=2,
                sensitive_post=False,
                position_since=date(2021, 7, 1),
                training="Thạc sĩ Luật",
                discipline=None,
            ),
            Officer(
                code="CB002",
                name="Trần Thị Bình",
                sex=Sex.FEMALE,
                birth_date=date(1988, 2, 2),
                citizen_id="001188005678",
                agency_code=HA_NOI,
                title="Chấp hành viên trung cấp",
                sensitive_post=True,
                position_since=date(2020, 3, 1),
                discipline="Khiển trách (2023)",
            ),
        )
        assert isinstance(officers, tuple)
        assert unicodedata.is_normalized("NFC", officers[1].name)

    async def test_one_query_answers_every_agency_in_order(self, db: PersonnelDb, statements: list[str]) -> None:
        await db.seed()
        statements.clear()
        answers = await db.adapter().fetch_many([KV01, "enforcement.khong-co", HA_NOI, KV01])
        assert [len(a) for a in answers if isinstance(a, tuple)] == [1, 0, 2, 1]
        assert answers[0] == answers[3]
        [query] = [s for s in statements if "can_bo" in s]
        assert "IN" in query

    async def test_a_malformed_row_is_bad_data_for_its_agency_only(self, db: PersonnelDb) -> None:
        await db.seed()
        adapter = db.adapter()
        hai_phong, ha_noi = await adapter.fetch_many([HAI_PHONG, HA_NOI])
        assert isinstance(hai_phong, AgencyBadData)
        assert (hai_phong.agency, hai_phong.record) == ("personnel", "CB010")
        assert "gioi_tinh: unknown value 'M'" in hai_phong.message
        assert isinstance(ha_noi, tuple)
        assert len(ha_noi) == 2
        assert adapter.status.ok is True

    @pytest.mark.parametrize(
        ("column", "value", "complaint"),
        [
            ("ngay_sinh", "1985-01-01", "ngay_sinh: not a dd/mm/yyyy date"),
            ("ngay_het_nhiem_ky", "31/02/2026", "ngay_het_nhiem_ky: no such day"),
            ("vi_tri_nhay_cam", 2, "vi_tri_nhay_cam: expected 0 or 1, got 2"),
            ("so_nhiem_ky_lien_tiep", 0, "so_nhiem_ky_lien_tiep: expected at least 1, got 0"),
        ],
    )
    async def test_malformed_columns_are_named(self, db: PersonnelDb, column: str, value: Any, complaint: str) -> None:
        await db.seed()
        update = f"UPDATE {{s}}can_bo SET {column} = {{values}} WHERE ma_can_bo = 'CB003'"  # noqa: S608 - test constant
        await db.run(update, [(value,)])
        [answer] = await db.adapter().fetch_many([KV01])
        assert isinstance(answer, AgencyBadData)
        assert answer.record == "CB003"
        assert complaint in answer.message

    async def test_no_codes_no_query(self, db: PersonnelDb, statements: list[str]) -> None:
        assert await db.adapter().fetch_many([]) == []
        assert statements == []


class TestStaffingUnits:
    async def test_units_are_read_in_one_query_with_none_for_unknown(
        self, db: PersonnelDb, statements: list[str]
    ) -> None:
        await db.seed()
        statements.clear()
        units = await db.adapter().staffing_units([KV01, "enforcement.khong-co", HA_NOI])
        assert units == [
            StaffingUnit(KV01, "Phòng Thi hành án dân sự khu vực 1 - Hà Nội", 25),
            None,
            StaffingUnit(HA_NOI, "Thi hành án dân sự thành phố Hà Nội", 120),
        ]
        assert len(statements) == 1

    async def test_a_malformed_unit_fails_the_call_naming_it(self, db: PersonnelDb) -> None:
        await db.seed()
        await db.run("UPDATE {s}don_vi SET bien_che = {values} WHERE ma_don_vi = 'enforcement.ha-noi'", [(-3,)])
        adapter = db.adapter()
        with pytest.raises(AgencyBadData, match=r"don_vi enforcement\.ha-noi: bien_che: expected at least 0") as caught:
            await adapter.staffing_units([HA_NOI])
        assert caught.value.record == HA_NOI
        assert adapter.status.ok is False


class TestFailures:
    async def test_a_database_without_the_schema_is_unavailable(self, db: PersonnelDb) -> None:
        adapter = db.adapter()
        with pytest.raises(AgencyUnavailable, match="personnel database failed") as caught:
            await adapter.fetch_many([HA_NOI])
        assert caught.value.agency == "personnel"
        assert adapter.status.ok is False
        with pytest.raises(AgencyUnavailable):
            await adapter.ping()

    async def test_a_blocked_database_times_out(self, db: PersonnelDb) -> None:
        await db.seed()
        adapter = db.adapter(timeout_s=0.2)
        async with db.locked():
            with pytest.raises(AgencyTimeout, match=r"no answer within 0\.2 s"):
                await adapter.fetch_many([HA_NOI])
        await adapter.aclose()
        assert adapter.status.last_error is not None
        assert adapter.status.last_error.startswith("AGENCY_TIMEOUT")
        [officers] = await adapter.fetch_many([HA_NOI])
        assert isinstance(officers, tuple)

    async def test_ping_reports_a_ready_database(self, db: PersonnelDb) -> None:
        await db.seed()
        adapter = db.adapter()
        await adapter.ping()
        assert adapter.status.ok is True
        assert adapter.status.agency == "personnel"


async def test_an_unreachable_server_is_unavailable(dead_url: str) -> None:
    port = dead_url.rsplit(":", 1)[1]
    engine = create_async_engine(f"postgresql+asyncpg://hub@127.0.0.1:{port}/nhan_su")
    try:
        with pytest.raises(AgencyUnavailable, match="personnel database failed"):
            await SqlPersonnelAdapter(engine, 1.0).fetch_many([HA_NOI])
    finally:
        await engine.dispose()
