from datetime import date
from pathlib import Path

import pytest

from domain.jurisdiction import RoutingError, current_successor, route_judgment
from domain.organisation import build_organisation, parse_provinces
from domain.types import Agency, AgencyKind, AgencyLevel

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def agencies():
    rows = parse_provinces(
        (DATA / "provinces.csv").read_text(encoding="utf-8"), (DATA / "area_courts.csv").read_text(encoding="utf-8")
    )
    return {a.code: a for a in build_organisation(rows)}


def test_area_court_routes_to_its_province_and_area(agencies):
    route = route_judgment("court.ha-noi.kv03", agencies)
    assert route.enforcement_agency_code == "enforcement.ha-noi"
    assert route.enforcement_office_code == "enforcement.ha-noi.kv03"
    assert route.procuracy_code == "procuracy.ha-noi.kv03"


def test_provincial_court_routes_to_the_provincial_agency_without_an_office(agencies):
    route = route_judgment("court.son-la", agencies)
    assert (route.enforcement_agency_code, route.enforcement_office_code, route.procuracy_code) == (
        "enforcement.son-la",
        None,
        "procuracy.son-la",
    )


def test_judgment_of_a_dissolved_district_court_goes_to_the_successors(agencies):
    district = agencies["court.old.ha-giang.h01"]
    assert district.valid_to is not None
    route = route_judgment(district.code, agencies)
    successor = agencies[district.successor_code]
    assert route.court_code == successor.code
    assert route.enforcement_agency_code == "enforcement.tuyen-quang"
    assert agencies[route.enforcement_office_code].is_active(date(2026, 1, 1))


def test_former_provincial_court_routes_to_the_merged_province(agencies):
    assert route_judgment("court.old.ha-giang", agencies).enforcement_agency_code == "enforcement.tuyen-quang"


def test_unknown_court_and_non_court_are_refused(agencies):
    with pytest.raises(RoutingError, match="unknown"):
        route_judgment("court.nowhere", agencies)
    with pytest.raises(RoutingError, match="not a court"):
        route_judgment("enforcement.ha-noi", agencies)


def test_succession_loop_is_detected():
    def agency(code, successor):
        return Agency(
            code, AgencyKind.COURT, AgencyLevel.DISTRICT, code, "x", None, date(2000, 1, 1), date(2020, 1, 1), successor
        )

    loop = {"a": agency("a", "b"), "b": agency("b", "a")}
    with pytest.raises(RoutingError, match="loops"):
        current_successor("a", loop)
