"""The access policy over the real 2025 organisation: reach, lineage, jurisdiction, masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import policy
from domain.access import Principal, Role
from domain.policy import Denied, Reach, mask_citizen_id


def who(agency: str, *roles: Role) -> Principal:
    return Principal(agency_code=agency, roles=frozenset(roles))


def test_an_operation_missing_from_the_table_is_refused_to_everyone():
    everyone = who("ministry.justice", *Role)
    assert policy.reach(everyone, "dropDatabase") is Reach.NONE
    with pytest.raises(Denied):
        policy.require(everyone, "dropDatabase")


def test_a_principal_reaches_as_far_as_its_furthest_role():
    assert policy.reach(who("ministry.justice", Role.AUDITOR), "judgments") is Reach.NONE
    assert policy.reach(who("ministry.justice", Role.AUDITOR, Role.MINISTRY), "judgments") is Reach.ALL


def test_the_denial_names_the_operation_and_the_roles():
    with pytest.raises(Denied, match="auditTrail is not open to court_clerk"):
        policy.require(who("court.ha-noi.kv01", Role.COURT_CLERK), "auditTrail")


def test_an_area_court_reaches_its_dissolved_district_predecessors_and_nothing_else(access):
    codes = access.jurisdiction(who("court.ha-noi.kv01", Role.COURT_CLERK))
    assert "court.ha-noi.kv01" in codes
    predecessors = codes - {"court.ha-noi.kv01"}
    assert predecessors, "Hà Nội's area court 1 took over dissolved district courts"
    assert all(code.startswith("court.old.") for code in predecessors)
    assert "court.ha-noi.kv02" not in codes


def test_the_provincial_enforcement_agency_reaches_the_dissolved_provincial_departments_merged_into_it(access):
    codes = access.own(who("enforcement.tuyen-quang", Role.ENFORCEMENT_CLERK))
    assert {"enforcement.old.tuyen-quang", "enforcement.old.ha-giang"} <= codes


def test_a_provincial_procuracy_supervises_every_procuracy_of_its_province(access):
    codes = access.jurisdiction(who("procuracy.ha-noi", Role.PROCURACY))
    assert {"procuracy.ha-noi", "procuracy.ha-noi.kv01", "procuracy.ha-noi.kv12"} <= codes
    assert not any(code.startswith("procuracy.hai-phong") for code in codes)
    assert not any(code.startswith(("court.", "enforcement.")) for code in codes)


def test_an_area_procuracy_reaches_only_its_own_area(access):
    codes = access.jurisdiction(who("procuracy.ha-noi.kv01", Role.PROCURACY))
    assert "procuracy.ha-noi.kv01" in codes
    assert "procuracy.ha-noi.kv02" not in codes
    assert "procuracy.ha-noi" not in codes


def test_an_unknown_agency_reaches_nothing(access):
    assert access.records_in_reach(who("court.nowhere", Role.COURT_CLERK), "judgments") == frozenset()


def test_the_ministry_reaches_every_record(access):
    assert access.records_in_reach(who("ministry.justice", Role.MINISTRY), "judgments") is None


def test_inbox_of_another_office_is_out_of_reach(access):
    clerk = who("enforcement.ha-noi.kv01", Role.ENFORCEMENT_CLERK)
    assert access.may_act_for(clerk, "inbox", "enforcement.ha-noi.kv01")
    assert not access.may_act_for(clerk, "inbox", "enforcement.ha-noi.kv02")


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        ((Role.ENFORCEMENT_CLERK,), "001203004567"),
        ((Role.COURT_CLERK,), "001203004567"),
        ((Role.PROCURACY,), "********4567"),
        ((Role.MINISTRY, Role.OPERATOR), "********4567"),
    ],
)
def test_citizen_ids_are_masked_unless_the_role_needs_them(roles, shown):
    assert mask_citizen_id("001203004567", roles) == shown


@given(st.text(alphabet="0123456789", min_size=4, max_size=20))
def test_a_masked_id_keeps_its_length_and_only_its_last_four_digits(value):
    masked = mask_citizen_id(value, [Role.MINISTRY])
    assert masked is not None
    assert len(masked) == len(value)
    assert masked[-4:] == value[-4:]
    assert set(masked[:-4]) <= {"*"}
