"""The generated staff of the three personnel systems: enforcement (unchanged), courts and procuracies."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta

import pytest

from agencies.common.reference import ReferenceData
from agencies.common.staff import (
    COURT_STAFF,
    ENFORCEMENT_STAFF,
    JUDGE_TITLES,
    PROCURACY_STAFF,
    PROCURATOR_TITLES,
    StaffPlan,
    StaffRoster,
)
from domain.types import AgencyKind, AgencyLevel, Sex

# sha256 of repr([(unit code, quota, officers) for every enforcement unit]) for seed 11, taken before the
# roster was generalised to courts and procuracies. The enforcement service names these officers on its
# decisions and the personnel database stores them: the same seed must keep giving the same people.
# Changed by issue 16 only in labels and fields, not in any draw: the posts since the 2025
# reorganisation (Cục trưởng → Trưởng Thi hành án dân sự tỉnh, thành phố, Trưởng phòng → Chấp
# hành viên trưởng) and Officer's two new fields (None here). Mapping them back gives the
# previous hash, c737e023…b525bb.
ENFORCEMENT_SEED_11 = "4a55869229a95674f46351aaa381d3458b91dad3d0be3680ee4209e3d02dfe1d"

HEADS = {AgencyKind.COURT: "Chánh án", AgencyKind.PROCURACY: "Viện trưởng"}
DEPUTIES = {AgencyKind.COURT: "Phó Chánh án", AgencyKind.PROCURACY: "Phó Viện trưởng"}


def test_the_enforcement_staff_is_unchanged_for_the_same_seed(roster: StaffRoster) -> None:
    assert roster.plan is ENFORCEMENT_STAFF
    units = [(u.agency.code, u.quota, u.officers) for u in roster.units()]
    assert hashlib.sha256(repr(units).encode()).hexdigest() == ENFORCEMENT_SEED_11


@pytest.fixture(scope="module", params=[COURT_STAFF, PROCURACY_STAFF], ids=["court", "procuracy"])
def other(request: pytest.FixtureRequest, reference: ReferenceData) -> StaffRoster:
    plan: StaffPlan = request.param
    return StaffRoster(11, reference, plan=plan)


def test_every_current_provincial_and_area_unit_has_staff(other: StaffRoster, reference: ReferenceData) -> None:
    units = list(other.units())
    assert Counter(u.agency.level for u in units) == {AgencyLevel.PROVINCIAL: 34, AgencyLevel.AREA: 355}
    assert {u.agency.kind for u in units} == {other.plan.kind}
    assert all(u.agency.valid_to is None for u in units)
    for unit in units:
        low, high = other.plan.headcount[unit.agency.level]
        assert low <= len(unit.officers) <= high
        assert len([o for o in unit.core_officers() if o.post is None]) >= 2
        assert all(o.agency_code == unit.agency.code for o in unit.officers)
    officers = [o for u in units for o in u.officers]
    assert len({o.code for o in officers}) == len(officers)
    assert all(o.code.startswith(f"{other.plan.code_prefix}.") for o in officers)


def test_quotas_are_above_at_and_below_headcount(other: StaffRoster) -> None:
    signs = Counter((u.quota > len(u.officers)) - (u.quota < len(u.officers)) for u in other.units())
    assert signs[1]
    assert signs[0]
    assert signs[-1]


def test_titles_posts_and_what_personnel_alerts_look_for(other: StaffRoster) -> None:
    kind = other.plan.kind
    core = JUDGE_TITLES if kind is AgencyKind.COURT else PROCURATOR_TITLES
    units = list(other.units())
    officers = [o for u in units for o in u.officers]
    assert set(core) <= {o.title for o in officers}
    if kind is AgencyKind.COURT:
        assert {"Thẩm tra viên", "Thư ký Tòa án"} <= {o.title for o in officers}
    else:
        assert "Kiểm tra viên" in {o.title for o in officers}
    leaders = [o for o in officers if o.post is not None]
    assert {HEADS[kind], DEPUTIES[kind], "Kế toán trưởng"} <= {o.post for o in leaders}
    heads = {o.agency_code for o in leaders if o.post == HEADS[kind]}
    assert 0 < len(units) - len(heads) < len(units) // 5  # some heads' posts are vacant, most are filled
    for leader in leaders:  # five-year terms
        assert leader.appointed_on is not None
        assert leader.term_ends_on is not None
        assert 1824 <= (leader.term_ends_on - leader.appointed_on).days <= 1826
    assert any(o.consecutive_terms == 2 for o in leaders)
    assert any(o.term_ends_on is not None and o.term_ends_on < other.as_of + timedelta(days=365) for o in leaders)
    near = [o for o in leaders if o.birth_date.year <= (1966 if o.sex is Sex.MALE else 1971)]
    assert near
    sensitive = [o for o in officers if o.sensitive_post]
    assert {o.post or o.title for o in sensitive} >= {"Kế toán trưởng", core[0]}
    years = [(other.as_of - o.position_since).days / 365 for o in sensitive if o.position_since]
    assert min(years) < 1
    assert max(years) > 5  # sensitive posts held past the rotation period
    assert any(o.discipline for o in officers)


def test_the_staff_is_deterministic_per_seed(other: StaffRoster, reference: ReferenceData) -> None:
    code = other.agencies[40].code
    assert StaffRoster(11, reference, plan=other.plan).unit(code) == other.unit(code)
    assert StaffRoster(12, reference, plan=other.plan).unit(code) != other.unit(code)


def test_a_roster_knows_only_its_own_units(other: StaffRoster) -> None:
    mine = other.agencies[0].code
    assert other.holds(mine)
    assert other.get(mine) is other.unit(mine)
    for code in ("enforcement.ha-noi", "court.supreme", "court.old.ha-giang.h01", "procuracy.appellate-1", "x"):
        assert other.get(code) is None
