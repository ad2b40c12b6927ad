"""Agency names and administrative-unit codes (issue 16), built from data/provinces.csv.

Thành phố Hồ Chí Minh is the city's official name: every agency of the city
says it in full ("Tòa án nhân dân khu vực 1 - Thành phố Hồ Chí Minh", "Viện
Công tố và Kiểm sát xét xử phúc thẩm tại Thành phố Hồ Chí Minh"), never
"thành phố Hồ Chí Minh" or a bare "- Hồ Chí Minh". Names are NFC. Current
agencies carry their province's two-digit administrative-unit code.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from domain.organisation import build_organisation, parse_provinces
from domain.types import Agency, AgencyLevel

DATA = Path(__file__).resolve().parents[2] / "data"
HCM = "Thành phố Hồ Chí Minh"


@pytest.fixture(scope="module")
def organisation() -> dict[str, Agency]:
    rows = parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )
    return {a.code: a for a in build_organisation(rows)}


def _of_the_city(agency: Agency) -> bool:
    """An agency of the city itself: today's, or a dissolved one of the city before the merger (not Bình Dương's)."""
    in_city = agency.province_code == "ho-chi-minh" or agency.code == "procuracy.appellate-3"
    return in_city and agency.former_province in (None, "Hồ Chí Minh")


def test_every_agency_of_the_city_says_thanh_pho_ho_chi_minh(organisation):
    city = [a for a in organisation.values() if _of_the_city(a)]
    assert len(city) > 19 * 3  # the 19 areas' courts, procuracies and offices, and more
    for agency in city:
        assert HCM in agency.name, agency.code
        assert "thành phố Hồ Chí Minh" not in agency.name, agency.code
        assert not re.search(r"- Hồ Chí Minh$", agency.name), agency.code
    assert not [a.name for a in organisation.values() if "Hồ Chí Minh" in a.name and HCM not in a.name]


def test_the_names_the_issue_gives(organisation):
    assert organisation["court.ho-chi-minh.kv01"].name == f"Tòa án nhân dân khu vực 1 - {HCM}"
    assert organisation["procuracy.appellate-3"].name == f"Viện Công tố và Kiểm sát xét xử phúc thẩm tại {HCM}"
    assert organisation["court.ho-chi-minh"].name == f"Tòa án nhân dân {HCM}"
    assert organisation["enforcement.ho-chi-minh.kv19"].name == f"Phòng Thi hành án dân sự khu vực 19 - {HCM}"
    assert organisation["enforcement.old.ho-chi-minh"].name == f"Cục Thi hành án dân sự {HCM}"
    assert organisation["enforcement.old.ho-chi-minh.h01"].name == f"Chi cục Thi hành án dân sự cấp huyện số 1 - {HCM}"


def test_other_provinces_keep_their_styled_names(organisation):
    assert organisation["court.ha-noi"].name == "Tòa án nhân dân thành phố Hà Nội"
    assert organisation["court.ha-noi.kv01"].name == "Tòa án nhân dân khu vực 1 - Hà Nội"
    assert organisation["procuracy.appellate-1"].name == "Viện Công tố và Kiểm sát xét xử phúc thẩm tại Hà Nội"
    assert organisation["enforcement.old.binh-duong"].name == "Cục Thi hành án dân sự tỉnh Bình Dương"


def test_every_name_is_nfc(organisation):
    for agency in organisation.values():
        assert unicodedata.is_normalized("NFC", agency.name), agency.code


def test_current_agencies_carry_their_provinces_administrative_unit_code(organisation):
    current = [a for a in organisation.values() if a.province_code is not None and a.valid_to is None]
    assert current
    for agency in current:
        assert agency.administrative_unit_code is not None, agency.code
        assert re.fullmatch(r"\d{2}", agency.administrative_unit_code), agency.code
    by_province: dict[str, set[str | None]] = {}
    for agency in current:
        by_province.setdefault(agency.province_code or "", set()).add(agency.administrative_unit_code)
    assert all(len(codes) == 1 for codes in by_province.values())  # one code per province
    assert len({next(iter(c)) for c in by_province.values()}) == len(by_province) == 34  # distinct
    assert organisation["court.ho-chi-minh.kv01"].administrative_unit_code == "79"
    assert organisation["enforcement.ha-noi"].administrative_unit_code == "01"
    assert organisation["procuracy.da-nang.kv01"].administrative_unit_code == "48"


def test_national_and_dissolved_agencies_have_no_code(organisation):
    for agency in organisation.values():
        if agency.level is AgencyLevel.NATIONAL or agency.valid_to is not None or agency.province_code is None:
            assert agency.administrative_unit_code is None, agency.code
