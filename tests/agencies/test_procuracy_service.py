"""The procuracy system's API: cursor paging and the per-judgment batch lookup."""

from __future__ import annotations

from typing import Any

import pytest

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue
from tests.agencies.asgi_client import AsgiClient
from tests.agencies.dialect_checks import assert_all_text_nfc, assert_date

LIST = "/kiem-sat/van-ban"
BY_JUDGMENT = "/kiem-sat/van-ban/theo-ban-an"


def check_van_ban(record: dict[str, Any]) -> None:
    assert set(record) == {
        "so_van_ban", "vien_kiem_sat", "ma_toa", "so_ban_an", "loai", "ngay_ban_hanh", "noi_dung", "han_tra_loi",
        "ngay_tra_loi",
    }  # fmt: skip
    assert record["loai"] in {"yêu cầu", "kiến nghị", "kháng nghị"}
    assert record["so_van_ban"].split("/")[1] in {"YC-VKS", "KN-VKS", "QĐKN-VKS"}
    assert_date(record["ngay_ban_hanh"])
    assert_date(record["han_tra_loi"], nullable=True)
    assert_date(record["ngay_tra_loi"], nullable=True)
    assert_all_text_nfc(record)


async def collect(client: AsgiClient, size: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"so_luong": size} | ({"sau": cursor} if cursor else {})
        answer = await client.get(LIST, params=params)
        assert answer.status == 200
        body = answer.json()
        assert len(body["van_ban"]) <= size
        rows += body["van_ban"]
        cursor = body["con_tro_tiep"]
        if cursor is None:
            return rows


@pytest.mark.parametrize("size", [1000, 7])
async def test_cursor_paging_lists_every_document_once(procuracy: AsgiClient, book: CaseBook, size: int) -> None:
    rows = await collect(procuracy, size)
    expected = [r for i in book.catalogue.indices() for r in book.supervision(i)]
    assert len(rows) == len(expected)
    assert len({(r["vien_kiem_sat"], r["so_van_ban"]) for r in rows}) == len(rows)
    for record in rows[:200]:
        check_van_ban(record)


async def test_bad_cursor_or_size_is_a_400(procuracy: AsgiClient) -> None:
    for params in ({"sau": "not-a-cursor"}, {"sau": "dms6eDox"}, {"so_luong": 1001}, {"so_luong": "many"}):
        answer = await procuracy.get(LIST, params=params)
        assert answer.status == 400, params
        assert answer.json()["loi"], params


async def test_batch_answers_one_entry_per_requested_judgment(
    procuracy: AsgiClient, book: CaseBook, catalogue: Catalogue
) -> None:
    supervised = next(i for i in range(len(catalogue)) if book.has_supervision(i))
    quiet = next(i for i in range(len(catalogue)) if not book.has_supervision(i))
    wanted = [catalogue.key_at(supervised), catalogue.key_at(quiet)]
    batch = [{"ma_toa": k.court_code, "so_ban_an": k.number} for k in wanted] + [{"ma_toa": "x", "so_ban_an": "y"}]
    answer = await procuracy.post(BY_JUDGMENT, json={"ban_an": batch})
    assert answer.status == 200
    results = answer.json()["ket_qua"]
    assert [(r["ma_toa"], r["so_ban_an"]) for r in results] == [(b["ma_toa"], b["so_ban_an"]) for b in batch]
    assert results[0]["van_ban"]
    assert results[1]["van_ban"] == []
    assert results[2]["van_ban"] == []
    for record in results[0]["van_ban"]:
        check_van_ban(record)
        assert record["vien_kiem_sat"] == catalogue.route_of(supervised).procuracy_code


async def test_oversized_batch_is_a_400(procuracy: AsgiClient) -> None:
    answer = await procuracy.post(BY_JUDGMENT, json={"ban_an": [{"ma_toa": "a", "so_ban_an": "b"}] * 501})
    assert answer.status == 400
