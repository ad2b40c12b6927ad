"""The roles × agency kinds table (domain/role_holders.py): who may ever hold what, whatever is granted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.access import Role
from domain.role_holders import ROLE_HOLDERS, RefusedRole, may_hold, refused_roles, role_holders_table
from domain.types import Agency, AgencyKind, AgencyLevel

K, L = AgencyKind, AgencyLevel


def agency(kind: AgencyKind, level: AgencyLevel = L.AREA, code: str = "x") -> Agency:
    return Agency(code, kind, level, "Cơ quan thử", "ha-noi", None, date(2025, 7, 1))


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (Role.COURT_CLERK, {K.COURT}),
        (Role.ENFORCEMENT_CLERK, {K.ENFORCEMENT, K.PRIVATE_ENFORCEMENT}),
        (Role.PROCURACY, {K.PROCURACY}),
        (Role.POLICE, {K.POLICE}),
        (Role.COMMITTEE, {K.COMMITTEE}),
        (Role.PERSONNEL, set(AgencyKind)),
        (Role.AUDITOR, {K.MINISTRY}),
        (Role.OPERATOR, {K.MINISTRY}),
    ],
)
def test_each_role_is_held_only_by_agencies_of_its_kinds(role: Role, kinds: set[AgencyKind]) -> None:
    holders = {kind for kind in AgencyKind if may_hold(role, agency(kind, L.NATIONAL))}
    assert holders == kinds


def test_ministry_is_held_only_by_the_ministry_and_its_own_national_department() -> None:
    assert may_hold(Role.MINISTRY, agency(K.MINISTRY, L.NATIONAL))
    assert may_hold(Role.MINISTRY, agency(K.ENFORCEMENT, L.NATIONAL))  # Cục Quản lý thi hành án dân sự
    assert not may_hold(Role.MINISTRY, agency(K.ENFORCEMENT, L.PROVINCIAL))
    assert not may_hold(Role.MINISTRY, agency(K.COURT, L.NATIONAL))


def test_every_role_has_a_row() -> None:
    assert set(ROLE_HOLDERS) == set(Role)
    table = role_holders_table()
    assert all(f"`{role.value}`" in table for role in Role)


def test_refused_roles_names_each_role_with_its_reason() -> None:
    office = agency(K.ENFORCEMENT)
    refused = refused_roles([Role.ENFORCEMENT_CLERK, Role.PERSONNEL, Role.AUDITOR], {Role.ENFORCEMENT_CLERK}, office)
    assert refused == [RefusedRole(Role.AUDITOR, "kind"), RefusedRole(Role.PERSONNEL, "grant")]
    assert refused_roles([Role.ENFORCEMENT_CLERK], {Role.ENFORCEMENT_CLERK, Role.PERSONNEL}, office) == []


def test_a_granted_role_the_kind_cannot_hold_is_still_refused() -> None:
    assert refused_roles([Role.MINISTRY], {Role.MINISTRY}, agency(K.COURT)) == [RefusedRole(Role.MINISTRY, "kind")]


def test_docs_security_prints_the_roles_table() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert role_holders_table() in docs, "docs/security.md is out of date: paste `lienthong policy-table --roles`"
