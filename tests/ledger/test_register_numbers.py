"""The receipt register: gapless per office and statistical year, restarting at 1 on 1 October."""

from datetime import date
from pathlib import Path

import pytest

from domain.registers import statistical_year
from ledger.db import write_transaction
from ledger.sequences import next_register_number, next_value

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def migrated_db_url(organised_db_url: str) -> str:
    """Every database here starts with the whole reference organisation (tests/fixtures/databases.py)."""
    return organised_db_url


@pytest.fixture
def seeded(sessions):
    """Sessions on a database holding the reference organisation (see migrated_db_url above)."""
    return sessions


async def _take(sessions, office, day):
    async with write_transaction(sessions) as session:
        return await next_register_number(session, office, statistical_year(day))


async def test_numbers_restart_at_1_on_1_october(seeded):
    office = "enforcement.ha-noi.kv01"
    before = [await _take(seeded, office, date(2026, 9, 29)), await _take(seeded, office, date(2026, 9, 30))]
    after = [await _take(seeded, office, date(2026, 10, 1)), await _take(seeded, office, date(2026, 10, 2))]
    assert before == [1, 2]
    assert after == [1, 2]


async def test_each_office_has_its_own_register(seeded):
    day = date(2026, 11, 1)
    assert await _take(seeded, "enforcement.ha-noi.kv01", day) == 1
    assert await _take(seeded, "enforcement.ha-noi.kv02", day) == 1
    assert await _take(seeded, "enforcement.ha-noi.kv01", day) == 2


async def test_a_rolled_back_transaction_gives_its_number_back(seeded):
    day = date(2026, 11, 1)

    async def crash_before_commit():
        async with write_transaction(seeded) as session:
            await next_register_number(session, "enforcement.son-la", statistical_year(day))
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await crash_before_commit()
    assert await _take(seeded, "enforcement.son-la", day) == 1


async def test_sequences_are_gapless(sessions):
    values = []
    for _ in range(5):
        async with write_transaction(sessions) as session:
            values.append(await next_value(session, "test"))
    assert values == [1, 2, 3, 4, 5]
