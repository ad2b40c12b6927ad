"""Agencies over HTTP: the official name of Thành phố Hồ Chí Minh and the administrative-unit code (issue 16).

The hub seeds its organisation from data/provinces.csv into the database and
reads it back at start, so these answers pass through the agencies table
(migration 0011's column) and the GraphQL Agency type.
"""

from __future__ import annotations

import unicodedata

import pytest

from domain.access import Role

pytestmark = pytest.mark.e2e

AGENCIES = """
query ($province: String) {
  agencies(province: $province) { code name administrativeUnitCode validTo formerProvince }
}
"""
AGENCY = """
query ($code: ID!) { agency(code: $code) { code name administrativeUnitCode } }
"""


async def test_every_agency_of_the_city_is_named_thanh_pho_ho_chi_minh_with_code_79(hub):
    client = hub.client(hub.token("court.ho-chi-minh.kv01", [Role.COURT_CLERK]))
    answer = await client(AGENCIES, {"province": "ho-chi-minh"})
    assert answer.errors == []
    agencies = answer.data["agencies"]
    current = [a for a in agencies if a["validTo"] is None]
    assert len(current) >= 5 + 3 * 19
    for agency in current:
        assert "Thành phố Hồ Chí Minh" in agency["name"], agency["code"]
        assert unicodedata.is_normalized("NFC", agency["name"])
        assert agency["administrativeUnitCode"] == "79"
    of_the_city_before = [a for a in agencies if a["formerProvince"] == "Hồ Chí Minh"]
    assert of_the_city_before
    assert all("Thành phố Hồ Chí Minh" in a["name"] for a in of_the_city_before)
    assert all(a["administrativeUnitCode"] is None for a in agencies if a["validTo"] is not None)


async def test_the_appellate_institute_and_a_national_agency(hub):
    client = hub.client(hub.token("court.ho-chi-minh.kv01", [Role.COURT_CLERK]))
    answer = await client(AGENCY, {"code": "procuracy.appellate-3"})
    assert answer.errors == []
    assert answer.data["agency"] == {
        "code": "procuracy.appellate-3",
        "name": "Viện Công tố và Kiểm sát xét xử phúc thẩm tại Thành phố Hồ Chí Minh",
        "administrativeUnitCode": None,
    }
    hanoi = await client(AGENCY, {"code": "court.ha-noi.kv01"})
    assert hanoi.data["agency"]["administrativeUnitCode"] == "01"
