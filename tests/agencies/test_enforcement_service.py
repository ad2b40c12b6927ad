"""The enforcement system's API: offset paging (optionally per agency or office), batch lookup."""

from __future__ import annotations

from typing import Any

import pytest

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue, Origin
from agencies.common.dialect import parse_vnd
from tests.agencies.asgi_client import AsgiClient
from tests.agencies.dialect_checks import assert_all_text_nfc, assert_amount, assert_date

LIST = "/thads/v1/ho-so"
LOOKUP = "/thads/v1/ho-so/tra-cuu-lo"
STATUSES = {"thụ lý", "có điều kiện", "chưa có điều kiện", "hoãn", "tạm đình chỉ", "đình chỉ", "thi hành xong"}


def check_ho_so(record: dict[str, Any]) -> None:
    assert set(record) == {
        "so_thu_ly", "ban_an", "co_quan_thi_hanh", "phong_thi_hanh", "ngay_thu_ly", "trang_thai", "quyet_dinh", "tien",
    }  # fmt: skip
    assert record["so_thu_ly"].endswith("/TLTHA")
    assert set(record["ban_an"]) == {"toa_an", "so"}
    assert_date(record["ngay_thu_ly"])
    assert record["trang_thai"] in STATUSES
    for decision in record["quyet_dinh"]:
        assert decision["so"].endswith("/QĐ-THADS")
        assert_date(decision["ngay"])
        assert decision["hinh_thuc"] in {"chủ động", "theo đơn yêu cầu"}
    money = record["tien"]
    assert_amount(money["phai_thi_hanh"])
    assert_amount(money["da_thi_hanh"])
    assert parse_vnd(money["da_thi_hanh"]) <= parse_vnd(money["phai_thi_hanh"])
    assert_all_text_nfc(record)


async def collect(client: AsgiClient, params: dict[str, Any], size: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        answer = await client.get(LIST, params={**params, "vi_tri": len(rows), "gioi_han": size})
        assert answer.status == 200
        body = answer.json()
        assert (body["vi_tri"], body["gioi_han"]) == (len(rows), size)
        rows += body["ho_so"]
        if not body["con_nua"]:
            return rows


async def test_offset_paging_lists_every_case_once(
    enforcement: AsgiClient, book: CaseBook, catalogue: Catalogue
) -> None:
    rows = await collect(enforcement, {}, 400)
    expected = {catalogue.key_at(i) for i in catalogue.indices() if book.has_case(i)}
    assert len(rows) == len(expected)
    assert {(r["ban_an"]["toa_an"], r["ban_an"]["so"]) for r in rows} == {(k.court_code, k.number) for k in expected}
    for record in rows[:300]:
        check_ho_so(record)
    past_the_end = await enforcement.get(LIST, params={"vi_tri": 10**6})
    assert past_the_end.json() == {"vi_tri": 10**6, "gioi_han": 100, "con_nua": False, "ho_so": []}


async def test_filter_by_agency_or_office(enforcement: AsgiClient) -> None:
    agency = await collect(enforcement, {"ma_co_quan": "enforcement.ha-noi"}, 50)
    office = await collect(enforcement, {"ma_co_quan": "enforcement.ha-noi.kv01"}, 50)
    assert agency
    assert office
    assert all(r["co_quan_thi_hanh"] == "enforcement.ha-noi" for r in agency)
    assert all(r["phong_thi_hanh"] == "enforcement.ha-noi.kv01" for r in office)
    assert {r["so_thu_ly"] for r in office} <= {r["so_thu_ly"] for r in agency}
    assert len({r["so_thu_ly"] for r in agency}) == len(agency)  # one register per agency, no duplicates


@pytest.mark.parametrize("code", ["enforcement.nowhere", "court.ha-noi"])
async def test_unknown_agency_filter_is_a_400(enforcement: AsgiClient, code: str) -> None:
    answer = await enforcement.get(LIST, params={"ma_co_quan": code})
    assert answer.status == 400
    assert code in answer.json()["loi"]


async def test_batch_lookup_leaves_out_judgments_without_a_case(
    enforcement: AsgiClient, book: CaseBook, catalogue: Catalogue
) -> None:
    with_case = [i for i in range(40) if book.has_case(i)][:5]
    without = [i for i in range(200) if not book.has_case(i)][:2]
    keys = [catalogue.key_at(i) for i in with_case + without]
    batch = [{"toa_an": k.court_code, "so": k.number} for k in keys] + [{"toa_an": "x", "so": "1/2026/DS-ST"}]
    answer = await enforcement.post(LOOKUP, json={"ban_an": batch})
    assert answer.status == 200
    found = [(r["ban_an"]["toa_an"], r["ban_an"]["so"]) for r in answer.json()["ho_so"]]
    assert found == [(k.court_code, k.number) for k in keys[: len(with_case)]]


async def test_cases_of_dissolved_courts_are_held_by_successors(
    enforcement: AsgiClient, book: CaseBook, catalogue: Catalogue
) -> None:
    index = next(i for i in catalogue.indices(Origin.DISSOLVED_DISTRICT) if book.has_case(i))
    key, route = catalogue.key_at(index), catalogue.route_of(index)
    answer = await enforcement.post(LOOKUP, json={"ban_an": [{"toa_an": key.court_code, "so": key.number}]})
    [record] = answer.json()["ho_so"]
    assert record["ban_an"] == {"toa_an": key.court_code, "so": key.number}
    assert record["co_quan_thi_hanh"] == route.enforcement_agency_code
    assert record["phong_thi_hanh"] == route.enforcement_office_code


async def test_oversized_or_malformed_batches_are_a_400(enforcement: AsgiClient) -> None:
    oversized = await enforcement.post(LOOKUP, json={"ban_an": [{"toa_an": "a", "so": "b"}] * 501})
    assert oversized.status == 400
    assert "500" in oversized.json()["loi"]
    for body in ({}, {"ban_an": "x"}, {"ban_an": [{"toa_an": 1, "so": "b"}]}, [1, 2]):
        answer = await enforcement.post(LOOKUP, json=body)
        assert answer.status == 400
        assert answer.json()["loi"]
    not_json = await enforcement.post(LOOKUP, content=b"{not json")
    assert not_json.status == 400
    assert "JSON" in not_json.json()["loi"]
