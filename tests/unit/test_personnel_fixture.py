"""The alerts for a seeded province equal a hand-checked fixture (issue 6 acceptance).

Province: Huế (``enforcement.hue`` and its five area offices), seed 7
(tests/fixtures/topology.py), data as of 2026-11-20 (DATA_AS_OF), horizon 180
days, so an alert is listed when due on or before 2027-05-19. The fixture,
``tests/fixtures/personnel_alerts_hue.json``, gives each unit's alerts in the
order ``personnel_alerts`` returns them: (due_on, kind, officer, rule); the legal
basis of each is checked against the rules table, and every detail is one
sentence.

How each entry was checked, from the officers' raw fields (birth date, sex,
post, appointed_on, term_ends_on, consecutive_terms, sensitive_post,
position_since, printed with the roster):

Retirement (bands of tests/unit/test_retirement.py; listed when the last day of
the month the age is reached is on or before 2027-05-19, i.e. the age is reached
by April 2027: men born by 07/1965, women born by 12/1969):
- hue.034, man born 1965-02-06: band 10/1964–06/1965 → 61y6m → 08/2026 → 2026-08-31 (past, still in post).
- kv02.002, man born 1964-05-01: 61y3m → 08/2025 → 2025-08-31.
- kv03.001, man born 1964-03-08: 61y3m → 06/2025 → 2025-06-30.
- kv05.001, man born 1964-05-19: 61y3m → 08/2025 → 2025-08-31.
- kv03.002, woman born 1969-01-23: band 09/1968–04/1969 → 56y8m → 09/2025 → 2025-09-30.
- Not listed: kv05.002, man born 1966-05-27 → 62y → 2028-05-31; kv01.011, man born
  1967-04-24 → 62y → 2029-04-30; hue.010, man born 1968-02-04 → 2030; hue.003, woman
  born 1971-03-20 → 57y8m → 2028-11-30; hue.012, woman born 1971-08-09 → 58y → 2029-08-31;
  everyone else is younger.

Leaders' terms (term_ends_on as recorded; listed when on or before 2027-05-19):
- kv04.002, Phó Trưởng phòng, term ends 2027-05-08 → TERM_ENDING; consecutive_terms 2
  → SECOND_TERM on the same day.
- Not listed: hue.001/002/003 (2027-12-18, 2027-12-27, 2028-03-15); kv01.001 (2028-06-10,
  second term, but ends after the horizon); kv01.002 (2029-01-02); kv02.001 (2029-04-16);
  kv03.002/003 (2028-01-21, 2028-02-07); kv05.002 (2028-03-28); the leaders appointed on
  2025-07-01 (kv02.002/003, kv03.001, kv04.001, kv05.001: 2030-06-30); kv04.003 (2030-03-23).

Rotation (sensitive_post; due position_since + 5 years; listed when
position_since is on or before 2022-05-19):
- hue: 004 (2020-10-10 → 2025-10-10), 012 (2022-01-20 → 2027-01-20), 021 (2017-12-30 →
  2022-12-30), 023 (2021-05-17 → 2026-05-17), 027 (2019-03-03 → 2024-03-03), 033
  (2020-12-21 → 2025-12-21). Not listed: 003 Kế toán trưởng (2023-03-16), 005, 010, 011, 022.
- kv01: 003 (2022-01-01 → 2027-01-01), 007 (2021-03-25 → 2026-03-25), 009 (2018-08-17 →
  2023-08-17), 010 (2021-02-03 → 2026-02-03). Not listed: 004, 005 (2023-06-30).
- kv02: 006 (2022-01-21 → 2027-01-21). Not listed: 004 (2023-01-14), 005, 008 (2026),
  011 (2022-09-10).
- kv03: 004 (2018-12-12 → 2023-12-12), 005 (2021-06-16 → 2026-06-16), 006 (2019-01-31 →
  2024-01-31), 007 (2019-03-24 → 2024-03-24). Not listed: 008 (2023-03-06).
- kv04: 005 (2022-01-07 → 2027-01-07), 006 (2019-01-26 → 2024-01-26), 007 (2018-03-05 →
  2023-03-05), 008 (2018-05-18 → 2023-05-18). Not listed: 004 (2024-02-14).
- kv05: 003 (2018-09-12 → 2023-09-12), 004 (2022-03-11 → 2027-03-11).
- Leaders other than a Kế toán trưởng are not in sensitive posts in this data.

Quota (due 2026-11-20): hue 34 in post / 31 (over by 3); kv01 12 / 15 (3 short);
kv02 12 / 10 (over by 2); kv03 8 / 7 (over by 1); kv04 8 / 5 (over by 3); kv05 9 / 9
(no alert).

Missing leaders (due 2026-11-20): hue has no Trưởng Thi hành án dân sự tỉnh, thành phố (2 Phó Trưởng Thi hành án dân sự tỉnh, thành phố and a Kế
toán trưởng are in post); every area office has its Chấp hành viên trưởng.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from agencies.common.catalogue import DATA_AS_OF
from agencies.common.reference import ReferenceData
from agencies.common.staff import StaffRoster
from domain.personnel.alerts import AlertKind, personnel_alerts
from domain.personnel.staffing import staffing_summary
from domain.types import StaffingUnit
from gateway.policies import shipped_personnel_rules
from tests.fixtures.topology import SEED

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "personnel_alerts_hue.json"
EXPECTED = json.loads(FIXTURE.read_text(encoding="utf-8"))
RULES = shipped_personnel_rules()


@pytest.fixture(scope="module")
def units():
    roster = StaffRoster(EXPECTED["seed"], ReferenceData.load(), as_of=DATA_AS_OF)
    return [u for u in roster.units() if u.agency.province_code == EXPECTED["province"]]


def _alerts(unit):
    return personnel_alerts(
        StaffingUnit(unit.agency.code, unit.agency.name, unit.quota),
        unit.officers,
        level=unit.agency.level,
        as_of=date.fromisoformat(EXPECTED["as_of"]),
        horizon_days=EXPECTED["horizon_days"],
        rules=RULES,
    )


def test_the_fixture_describes_the_suites_world():
    assert EXPECTED["seed"] == SEED
    assert date.fromisoformat(EXPECTED["as_of"]) == DATA_AS_OF


def test_the_province_has_the_units_of_the_fixture(units):
    assert [u.agency.code for u in units] == list(EXPECTED["units"])


def test_the_alerts_of_each_unit_equal_the_hand_checked_fixture(units):
    computed = {
        unit.agency.code: [
            {"due_on": a.due_on.isoformat(), "kind": a.kind.value, "officer_code": a.officer_code, "rule": a.rule}
            for a in _alerts(unit)
        ]
        for unit in units
    }
    assert computed == EXPECTED["units"]


def test_each_alert_names_its_agency_and_the_basis_of_its_rule(units):
    bases = {rule.key: rule.legal_basis for rule in RULES.all_rules()}
    for unit in units:
        for alert in _alerts(unit):
            assert alert.agency_code == unit.agency.code
            assert alert.legal_basis == bases[alert.rule]
            assert alert.detail.endswith(".")
            assert alert.detail.count(". ") == 0  # one sentence


def test_the_fixture_exercises_every_kind_of_alert():
    kinds = {a["kind"] for alerts in EXPECTED["units"].values() for a in alerts}
    assert kinds == set(AlertKind)


def test_the_provincial_agency_reports_its_vacant_chief(units):
    provincial = units[0]
    summary = staffing_summary(
        StaffingUnit(provincial.agency.code, provincial.agency.name, provincial.quota),
        provincial.officers,
        provincial.agency.level,
        RULES,
    )
    assert (summary.quota, summary.in_post, summary.vacant_leader_posts) == (
        31,
        34,
        ("Trưởng Thi hành án dân sự tỉnh, thành phố",),
    )
    assert sum(summary.by_title.values()) == 34
