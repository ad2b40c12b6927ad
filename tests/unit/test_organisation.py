from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from domain.organisation import DEFAULT_AREA_TOTAL, allocate_area_courts, build_organisation, parse_provinces
from domain.types import AgencyKind, AgencyLevel

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def provinces():
    return parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def organisation(provinces):
    return build_organisation(provinces)


def test_reads_every_province_from_the_data_file(provinces):
    lines = (DATA / "provinces.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(provinces) == len(lines) - 1
    assert {p.code for p in provinces} >= {"ha-noi", "ho-chi-minh", "tuyen-quang"}


def test_verified_area_court_counts_are_kept_and_the_total_is_355(provinces):
    alloc = allocate_area_courts(provinces)
    assert sum(alloc.values()) == DEFAULT_AREA_TOTAL
    assert alloc["ha-noi"] == 12
    assert alloc["ho-chi-minh"] == 19
    assert all(n >= 1 for n in alloc.values())


def test_area_agencies_match_area_courts_one_to_one(organisation):
    areas = Counter(a.kind for a in organisation if a.level is AgencyLevel.AREA)
    assert areas[AgencyKind.COURT] == areas[AgencyKind.PROCURACY] == areas[AgencyKind.ENFORCEMENT] == DEFAULT_AREA_TOTAL


def test_codes_are_unique(organisation):
    codes = [a.code for a in organisation]
    assert len(codes) == len(set(codes))


def test_every_dissolved_agency_has_an_existing_successor(organisation):
    by_code = {a.code: a for a in organisation}
    dissolved = [a for a in organisation if a.valid_to is not None]
    assert dissolved
    for agency in dissolved:
        assert agency.successor_code in by_code, agency.code
        assert agency.valid_to == date(2025, 6, 30)
        assert not agency.is_active(date(2025, 7, 1))


def test_one_former_enforcement_department_per_former_province(organisation, provinces):
    former = sum(len(p.merged_from) for p in provinces)
    old_departments = [
        a for a in organisation if a.kind is AgencyKind.ENFORCEMENT and a.level is AgencyLevel.PROVINCIAL and a.valid_to
    ]
    assert len(old_departments) == former


def test_names_are_nfc_vietnamese(organisation):
    import unicodedata

    for agency in organisation:
        assert unicodedata.is_normalized("NFC", agency.name)
    names = {a.code: a.name for a in organisation}
    assert names["court.ha-noi.kv01"] == "Tòa án nhân dân khu vực 1 - Hà Nội"
    assert names["enforcement.son-la"] == "Thi hành án dân sự tỉnh Sơn La"
