"""Who reaches which units' personnel data, and which officers' restricted fields are in clear (domain/policy.py)."""

from __future__ import annotations

from datetime import date

from domain import policy
from domain.access import Principal, Role
from domain.policy import (
    Reach,
    mask_officer_birth_date,
    mask_officer_citizen_id,
    mask_officer_discipline,
)


def who(agency: str, *roles: Role) -> Principal:
    return Principal(agency_code=agency, roles=frozenset(roles))


def test_a_provincial_personnel_department_reaches_its_area_offices_and_its_predecessors(access):
    codes = access.records_in_reach(who("enforcement.ha-noi", Role.PERSONNEL), "officers")
    assert codes is not None
    assert {"enforcement.ha-noi", "enforcement.ha-noi.kv01", "enforcement.ha-noi.kv02"} <= codes
    assert any(code.startswith("enforcement.old.") for code in codes), "the dissolved departments it succeeded"
    assert not any(code.startswith(("enforcement.hue", "court.", "procuracy.")) for code in codes)


def test_an_area_personnel_department_reaches_only_its_own_office(access):
    codes = access.below(who("enforcement.ha-noi.kv01", Role.PERSONNEL))
    assert "enforcement.ha-noi.kv01" in codes
    assert "enforcement.ha-noi.kv02" not in codes
    assert "enforcement.ha-noi" not in codes


def test_the_ministrys_personnel_department_reaches_every_enforcement_agency(access):
    codes = access.below(who("ministry.justice", Role.PERSONNEL))
    assert {"enforcement.national", "enforcement.ha-noi.kv01", "enforcement.hue"} <= codes


def test_a_committee_reaches_the_agencies_of_its_province_only(access):
    codes = access.records_in_reach(who("committee.ha-noi", Role.COMMITTEE), "staffing")
    assert codes is not None
    assert {"enforcement.ha-noi", "enforcement.ha-noi.kv01", "court.ha-noi"} <= codes
    assert "enforcement.hue" not in codes


def test_restricted_fields_are_in_clear_only_for_a_personnel_role_over_the_officers_agency(access):
    assert "enforcement.ha-noi.kv02" in access.personnel_files_in_clear(who("enforcement.ha-noi", Role.PERSONNEL))
    assert "enforcement.ha-noi.kv02" not in access.personnel_files_in_clear(
        who("enforcement.ha-noi.kv01", Role.PERSONNEL)
    )
    assert access.personnel_files_in_clear(who("ministry.justice", Role.MINISTRY)) == frozenset()
    assert access.personnel_files_in_clear(who("enforcement.ha-noi.kv01", Role.ENFORCEMENT_CLERK)) == frozenset()


def test_personnel_operations_grant_by_role():
    assert policy.reach(who("enforcement.ha-noi.kv01", Role.ENFORCEMENT_CLERK), "officers") is Reach.OWN
    assert policy.reach(who("enforcement.ha-noi.kv01", Role.ENFORCEMENT_CLERK), "staffing") is Reach.NONE
    assert policy.reach(who("committee.ha-noi", Role.COMMITTEE), "officers") is Reach.NONE
    assert policy.reach(who("committee.ha-noi", Role.COMMITTEE), "personnelAlerts") is Reach.PROVINCE
    both = who("enforcement.ha-noi", Role.ENFORCEMENT_CLERK, Role.PERSONNEL)
    assert policy.reach(both, "officers") is Reach.BELOW


def test_masked_officer_fields():
    assert mask_officer_citizen_id("001085012345", in_clear=False) == "********2345"
    assert mask_officer_citizen_id("001085012345", in_clear=True) == "001085012345"
    assert mask_officer_birth_date(date(1965, 3, 10), in_clear=False) is None
    assert mask_officer_birth_date(date(1965, 3, 10), in_clear=True) == date(1965, 3, 10)
    assert mask_officer_discipline("Khiển trách", in_clear=False) is None
    assert mask_officer_discipline("Khiển trách", in_clear=True) == "Khiển trách"
