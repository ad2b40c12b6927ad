"""The court system's API: page-numbered listing, detail, batch lookup, exactly in its dialect."""

from __future__ import annotations

from typing import Any

import pytest

from agencies.common.catalogue import Catalogue, Origin
from agencies.common.dialect import format_vnd
from tests.agencies.asgi_client import AsgiClient
from tests.agencies.dialect_checks import assert_all_text_nfc, assert_amount, assert_date

LIST = "/api/ban-an"
DETAIL = "/api/ban-an/chi-tiet"
LOOKUP = "/api/ban-an/tra-cuu"


def check_ban_an(record: dict[str, Any]) -> None:
    assert set(record) == {
        "ma_toa_an", "ten_toa_an", "so_ban_an", "loai_vu_viec", "cap_xet_xu", "ngay_tuyen_an", "ngay_hieu_luc",
        "tham_phan", "trich_yeu", "duong_su", "nghia_vu", "tai_lieu",
    }  # fmt: skip
    assert record["loai_vu_viec"] in {"DS", "HNGĐ", "KDTM", "LĐ", "HC", "HS"}
    assert record["cap_xet_xu"] in {"ST", "PT"}
    assert_date(record["ngay_tuyen_an"])
    assert_date(record["ngay_hieu_luc"])
    for party in record["duong_su"]:
        assert party["tu_cach"] in {
            "người được thi hành án",
            "người phải thi hành án",
            "người có quyền lợi, nghĩa vụ liên quan",
        }
        assert party["loai"] in {"cá nhân", "tổ chức"}
        assert (party["so_cccd"] is None) == (party["loai"] == "tổ chức") == (party["ma_so_thue"] is not None)
    for obligation in record["nghia_vu"]:
        assert obligation["loai"] in {"án phí", "tiền phạt", "tịch thu", "trả tiền", "trả tài sản", "khác"}
        assert_amount(obligation["so_tien"], nullable=True)
        assert isinstance(obligation["chu_dong"], bool)
    assert set(record["tai_lieu"]) == {"sha256", "ten_tep"}
    assert_all_text_nfc(record)


async def test_pages_list_every_judgment_once_in_court_and_number_order(
    court: AsgiClient, catalogue: Catalogue
) -> None:
    seen: list[tuple[str, str]] = []
    page = 1
    while True:
        answer = await court.get(LIST, params={"trang": page, "so_ban_ghi": 700})
        assert answer.status == 200
        body = answer.json()
        assert (body["trang"], body["so_ban_ghi"], body["tong_so"]) == (page, 700, len(catalogue))
        if not body["du_lieu"]:
            break
        seen += [(r["ma_toa_an"], r["so_ban_an"]) for r in body["du_lieu"]]
        page += 1
    assert page == 6  # 3000 judgments: four full pages, a partial one, then an empty one
    assert seen == sorted(seen)
    assert set(seen) == {(k.court_code, k.number) for k in catalogue}


async def test_records_are_in_the_dialect(court: AsgiClient) -> None:
    answer = await court.get(LIST, params={"trang": 2, "so_ban_ghi": 200})
    for record in answer.json()["du_lieu"]:
        check_ban_an(record)


async def test_detail_answers_the_judgment_or_404(court: AsgiClient, catalogue: Catalogue) -> None:
    index = catalogue.first(Origin.DISSOLVED_DISTRICT)
    key = catalogue.key_at(index)
    answer = await court.get(DETAIL, params={"ma_toa_an": key.court_code, "so_ban_an": key.number})
    assert answer.status == 200
    record = answer.json()
    check_ban_an(record)
    judgment = catalogue.judgment(index)
    assert record["ten_toa_an"] == judgment.court_name
    assert record["tai_lieu"]["sha256"] == judgment.document_sha256
    assert [o["so_tien"] for o in record["nghia_vu"]] == [format_vnd(o.amount) for o in judgment.obligations]
    missing = await court.get(DETAIL, params={"ma_toa_an": key.court_code, "so_ban_an": "99999/2024/DS-ST"})
    assert missing.status == 404
    assert "loi" in missing.json()


async def test_batch_lookup_separates_found_from_not_found(court: AsgiClient, catalogue: Catalogue) -> None:
    keys = [catalogue.key_at(i) for i in (3, 30, 300)]
    wanted = [{"ma_toa_an": k.court_code, "so_ban_an": k.number} for k in keys]
    unknown = [
        {"ma_toa_an": "court.ha-noi.kv01", "so_ban_an": "99999/2026/DS-ST"},
        {"ma_toa_an": "x", "so_ban_an": "y"},
    ]
    answer = await court.post(LOOKUP, json={"danh_sach": [wanted[0], *unknown, *wanted[1:]]})
    assert answer.status == 200
    body = answer.json()
    assert [(r["ma_toa_an"], r["so_ban_an"]) for r in body["ket_qua"]] == [(k.court_code, k.number) for k in keys]
    assert body["khong_tim_thay"] == unknown


async def test_batch_of_exactly_500_is_served(court: AsgiClient, catalogue: Catalogue) -> None:
    batch = [{"ma_toa_an": k.court_code, "so_ban_an": k.number} for k in list(catalogue.keys())[:500]]
    answer = await court.post(LOOKUP, json={"danh_sach": batch})
    assert answer.status == 200
    assert len(answer.json()["ket_qua"]) == 500


@pytest.mark.parametrize(
    "params",
    [{"trang": 0}, {"trang": "abc"}, {"trang": "-1"}, {"so_ban_ghi": 1001}, {"so_ban_ghi": 0}, {"so_ban_ghi": "1e3"}],
)
async def test_bad_paging_parameters_are_a_400_in_vietnamese(court: AsgiClient, params: dict[str, Any]) -> None:
    answer = await court.get(LIST, params=params)
    assert answer.status == 400
    assert "Tham số" in answer.json()["loi"]


async def test_detail_without_its_parameters_is_a_400(court: AsgiClient) -> None:
    answer = await court.get(DETAIL, params={"ma_toa_an": "court.ha-noi.kv01"})
    assert answer.status == 400
    assert "so_ban_an" in answer.json()["loi"]
