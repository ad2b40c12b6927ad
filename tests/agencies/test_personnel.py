"""The personnel database: the spec's schema, seeded deterministically, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from agencies.common.reference import ReferenceData
from agencies.personnel import create_personnel_database, create_personnel_database_async
from agencies.personnel.__main__ import main

CAN_BO_COLUMNS = [
    "ma_can_bo", "ho_ten", "gioi_tinh", "ngay_sinh", "so_cccd", "ma_don_vi", "chuc_vu", "chuc_danh", "ngay_bo_nhiem",
    "ngay_het_nhiem_ky", "so_nhiem_ky_lien_tiep", "vi_tri_nhay_cam", "ngay_nhan_vi_tri", "dao_tao", "ky_luat",
]  # fmt: skip


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


async def test_database_has_the_spec_schema_and_every_unit(db_url: str, reference: ReferenceData) -> None:
    summary = await create_personnel_database_async(db_url, 5, reference)
    assert summary.units == 389
    assert summary.staff > 3_000
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda c: {t: [col["name"] for col in inspect(c).get_columns(t)] for t in ("don_vi", "can_bo")}
            )
            counts = (await connection.execute(text("SELECT COUNT(*) FROM can_bo"))).scalar_one()
            posts = {
                r[0]
                for r in await connection.execute(text("SELECT DISTINCT chuc_vu FROM can_bo WHERE chuc_vu IS NOT NULL"))
            }
            orphans = (
                await connection.execute(
                    text(
                        "SELECT COUNT(*) FROM can_bo c LEFT JOIN don_vi d ON c.ma_don_vi = d.ma_don_vi WHERE d.ma_don_vi IS NULL"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    assert columns == {"don_vi": ["ma_don_vi", "ten_don_vi", "bien_che"], "can_bo": CAN_BO_COLUMNS}
    assert counts == summary.staff
    assert orphans == 0
    assert posts == {
        "Trưởng Thi hành án dân sự tỉnh, thành phố",
        "Phó Trưởng Thi hành án dân sự tỉnh, thành phố",
        "Kế toán trưởng",
        "Chấp hành viên trưởng",
        "Phó Trưởng phòng",
    }
    # The sync entry point works on the same (async) URL and recreates the same rows.
    assert create_personnel_database(db_url, 5, reference) == summary


def test_seeding_is_deterministic_and_rerunnable(tmp_path: Path, reference: ReferenceData) -> None:
    first, second = tmp_path / "a.db", tmp_path / "nested" / "b.db"
    create_personnel_database(f"sqlite:///{first}", 9, reference)
    create_personnel_database(f"sqlite:///{second}", 9, reference)
    create_personnel_database(f"sqlite:///{second}", 9, reference)  # again: replaces, never duplicates
    query = "SELECT * FROM can_bo ORDER BY ma_can_bo"
    assert rows(f"sqlite:///{first}", query) == rows(f"sqlite:///{second}", query)
    sample = rows(f"sqlite:///{first}", "SELECT gioi_tinh, ngay_sinh, so_cccd FROM can_bo")
    assert {s[0] for s in sample} == {"Nam", "Nữ"}
    assert all(len(str(s[1]).split("/")) == 3 and len(str(s[2])) == 12 for s in sample)


def test_command_line_creates_the_database(tmp_path: Path) -> None:
    target = tmp_path / "var" / "personnel.db"
    main(["--url", f"sqlite:///{target}", "--seed", "2"])
    assert rows(f"sqlite:///{target}", "SELECT COUNT(*) FROM don_vi") == [(389,)]
