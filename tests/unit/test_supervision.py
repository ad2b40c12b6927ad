"""Who may ask whom (issue 22): the supervision map over the whole demo organisation, and the competent police.

The expected supervisor of each enforcement agency is worked out here from the
routing rules (:func:`domain.jurisdiction.route_to_enforcement`, which names the
procuracy of an enforcement target), not from :mod:`domain.supervision`, and the
whole matrix — every procuracy × every enforcement agency, dissolved ones too —
must agree with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.coordination import RequestKind, check_addressee
from domain.jurisdiction import current_successor, route_to_enforcement
from domain.organisation import build_organisation, parse_provinces
from domain.supervision import SUPERVISION, competent_police, competent_procuracy, supervises, supervising_rule
from domain.types import Agency, AgencyKind, AgencyLevel

DATA = Path(__file__).resolve().parents[2] / "data"
ANY_COURT = "court.ha-noi.kv01"


@pytest.fixture(scope="module")
def agencies() -> dict[str, Agency]:
    rows = parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )
    return {a.code: a for a in build_organisation(rows)}


def _expected_supervisor(code: str, agencies: dict[str, Agency]) -> str | None:
    today = current_successor(code, agencies)
    if today.province_code is None:
        return "procuracy.supreme" if today.level is AgencyLevel.NATIONAL else None
    return route_to_enforcement(ANY_COURT, today.code, agencies).procuracy_code


def test_every_procuracy_reaches_exactly_the_enforcement_agencies_the_map_gives(agencies):
    procuracies = [a for a in agencies.values() if a.kind is AgencyKind.PROCURACY]
    enforcement = [a for a in agencies.values() if a.kind is AgencyKind.ENFORCEMENT]
    assert len(procuracies) > 400
    assert len(enforcement) > 400
    expected = {e.code: _expected_supervisor(e.code, agencies) for e in enforcement}
    successor = {p.code: current_successor(p.code, agencies).code for p in procuracies}
    accepted = 0
    for procuracy in procuracies:
        for agency in enforcement:
            should = successor[procuracy.code] == expected[agency.code]
            assert supervises(procuracy.code, agency.code, agencies) is should, (procuracy.code, agency.code)
            accepted += should
    assert accepted > len(enforcement)  # dissolved procuracies count as their successors


@pytest.mark.parametrize(
    ("procuracy", "agency", "level"),
    [
        ("procuracy.ha-noi.kv03", "enforcement.ha-noi.kv03", AgencyLevel.AREA),
        ("procuracy.ha-noi", "enforcement.ha-noi", AgencyLevel.PROVINCIAL),
        ("procuracy.supreme", "enforcement.national", AgencyLevel.NATIONAL),
        ("procuracy.ha-noi.kv03", "enforcement.old.ha-noi.h05", AgencyLevel.AREA),  # a Chi cục → its area office
        ("procuracy.hai-phong", "enforcement.old.hai-duong", AgencyLevel.PROVINCIAL),  # a merged province's Cục
    ],
)
def test_a_procuracy_supervises_the_agency_of_its_own_level_and_area(agencies, procuracy, agency, level):
    rule = supervising_rule(procuracy, agency, agencies)
    assert rule is not None
    assert rule.procuracy_level is level
    assert "63/2014" in rule.legal_basis
    assert "Điều 12" in rule.legal_basis


@pytest.mark.parametrize(
    ("procuracy", "agency"),
    [
        ("procuracy.ha-noi.kv01", "enforcement.ho-chi-minh.kv01"),  # the case found from outside
        ("procuracy.ha-noi.kv01", "enforcement.ha-noi.kv02"),  # another area of the same province
        ("procuracy.ha-noi", "enforcement.ha-noi.kv01"),  # the level below
        ("procuracy.ha-noi.kv01", "enforcement.ha-noi"),  # the level above
        ("procuracy.supreme", "enforcement.ha-noi"),
        ("procuracy.appellate-1", "enforcement.ha-noi"),  # appellate institutes supervise no enforcement
        ("enforcement.ha-noi", "enforcement.ha-noi"),  # not a procuracy
    ],
)
def test_anything_else_is_not_supervised(agencies, procuracy, agency):
    assert not supervises(procuracy, agency, agencies)


def test_every_row_of_the_map_says_its_legal_basis():
    assert {rule.procuracy_level for rule in SUPERVISION} == {
        AgencyLevel.AREA,
        AgencyLevel.PROVINCIAL,
        AgencyLevel.NATIONAL,
    }
    assert all(rule.legal_basis.strip() for rule in SUPERVISION)


def test_the_competent_procuracy_is_named_for_the_refusal(agencies):
    assert competent_procuracy("enforcement.ho-chi-minh.kv01", agencies).code == "procuracy.ho-chi-minh.kv01"
    assert competent_procuracy("enforcement.old.hai-duong", agencies).code == "procuracy.hai-phong"
    errors = check_addressee(
        RequestKind.PROCURACY_REQUEST,
        agencies["procuracy.ha-noi.kv01"],
        agencies["enforcement.ho-chi-minh.kv01"],
        agencies,
    )
    assert [(e.field, e.code) for e in errors] == [("to", "WRONG_ADDRESSEE")]
    assert "procuracy.ho-chi-minh.kv01" in errors[0].message


def test_the_competent_police_is_the_police_of_the_enforcing_agencys_province(agencies):
    assert competent_police("enforcement.ha-noi.kv03", agencies).code == "police.ha-noi"
    assert competent_police("enforcement.ha-noi", agencies).code == "police.ha-noi"
    assert competent_police("enforcement.old.hai-duong.h01", agencies).code == "police.hai-phong"  # successor's
    assert competent_police("enforcement.national", agencies) is None


def test_support_from_the_police_of_another_province_points_to_entrustment(agencies):
    office = agencies["enforcement.ha-noi.kv03"]
    [error] = check_addressee(RequestKind.ENFORCEMENT_SUPPORT, office, agencies["police.hai-phong"], agencies)
    assert (error.field, error.code) == ("to", "OUTSIDE_PROVINCE")
    assert "ủy thác" in error.message
    assert "enforcement.hai-phong" in error.message
    assert "police.ha-noi" in error.message
    assert check_addressee(RequestKind.ENFORCEMENT_SUPPORT, office, agencies["police.ha-noi"], agencies) == []
