"""The personnel endpoints of the court and procuracy services, each in its own service's dialect."""

from __future__ import annotations

import re
from typing import Any

import pytest

from agencies.common.catalogue import Catalogue
from agencies.common.reference import ReferenceData
from agencies.common.settings import ServiceSettings
from agencies.common.staff import COURT_STAFF, PROCURACY_STAFF, StaffRoster
from agencies.court.app import create_app as create_court
from tests.agencies.asgi_client import AsgiClient
from tests.agencies.conftest import SEED
from tests.agencies.dialect_checks import assert_all_text_nfc

COURT_LIST, COURT_LOOKUP = "/api/nhan-su", "/api/nhan-su/tra-cuu"
PROCURACY_LIST, PROCURACY_LOOKUP = "/kiem-sat/can-bo", "/kiem-sat/can-bo/theo-don-vi"
ANY_DATE = re.compile(r"\d{2}/\d{2}/\d{4}")


def assert_any_date(value: Any, *, nullable: bool = False) -> None:
    if nullable and value is None:
        return
    assert isinstance(value, str), value
    assert ANY_DATE.fullmatch(value), value


def check_can_bo_toa_an(record: dict[str, Any]) -> None:
    assert set(record) == {
        "ma_nhan_su", "ma_toa_an", "ho_ten", "gioi_tinh", "ngay_sinh", "so_cccd", "chuc_danh", "chuc_vu",
        "vi_tri_nhay_cam", "ngay_dam_nhiem", "trinh_do", "ky_luat",
    }  # fmt: skip
    assert record["gioi_tinh"] in {"Nam", "Nữ"}
    assert_any_date(record["ngay_sinh"])
    assert_any_date(record["ngay_dam_nhiem"], nullable=True)
    assert isinstance(record["vi_tri_nhay_cam"], bool)
    post = record["chuc_vu"]
    if post is not None:
        assert set(post) == {"ten", "ngay_bo_nhiem", "ngay_het_nhiem_ky", "nhiem_ky_lien_tiep"}
        assert post["ten"] in {"Chánh án", "Phó Chánh án", "Chánh tòa", "Kế toán trưởng"}
        assert_any_date(post["ngay_bo_nhiem"])
        assert_any_date(post["ngay_het_nhiem_ky"])
        assert post["nhiem_ky_lien_tiep"] in (1, 2)
    assert_all_text_nfc(record)


def check_can_bo_vks(record: dict[str, Any]) -> None:
    assert set(record) == {
        "so_hieu", "vien_kiem_sat", "ho_va_ten", "gioi_tinh", "ngay_sinh", "so_dinh_danh", "chuc_danh",
        "chuc_vu_lanh_dao", "nhiem_ky", "nhay_cam", "giu_vi_tri_tu", "dao_tao", "ky_luat",
    }  # fmt: skip
    assert record["gioi_tinh"] in {"Nam", "Nữ"}
    assert_any_date(record["ngay_sinh"])
    assert isinstance(record["nhay_cam"], bool)
    assert (record["chuc_vu_lanh_dao"] is None) == (record["nhiem_ky"] is None)
    if record["nhiem_ky"] is not None:
        assert set(record["nhiem_ky"]) == {"tu_ngay", "den_ngay", "lan_thu"}
        assert record["chuc_vu_lanh_dao"] in {"Viện trưởng", "Phó Viện trưởng", "Trưởng phòng", "Kế toán trưởng"}
    assert_all_text_nfc(record)


@pytest.fixture(scope="module")
def court_staff(reference: ReferenceData) -> StaffRoster:
    return StaffRoster(SEED, reference, plan=COURT_STAFF)


@pytest.fixture(scope="module")
def procuracy_staff(reference: ReferenceData) -> StaffRoster:
    return StaffRoster(SEED, reference, plan=PROCURACY_STAFF)


class TestCourt:
    async def test_lookup_answers_units_with_their_staff_and_lists_the_rest_as_not_found(
        self, court: AsgiClient, court_staff: StaffRoster
    ) -> None:
        asked = ["court.hue.kv01", "enforcement.hue", "court.hue", "court.supreme"]
        answer = await court.post(COURT_LOOKUP, json={"danh_sach": [{"ma_toa_an": code} for code in asked]})
        assert answer.status == 200
        body = answer.json()
        assert [u["ma_toa_an"] for u in body["ket_qua"]] == ["court.hue.kv01", "court.hue"]
        assert body["khong_tim_thay"] == [{"ma_toa_an": "enforcement.hue"}, {"ma_toa_an": "court.supreme"}]
        for record in body["ket_qua"]:
            unit = court_staff.unit(record["ma_toa_an"])
            assert (record["ten_toa_an"], record["bien_che"]) == (unit.agency.name, unit.quota)
            assert [p["ma_nhan_su"] for p in record["can_bo"]] == [o.code for o in unit.officers]
            for person in record["can_bo"]:
                check_can_bo_toa_an(person)

    async def test_pages_list_every_person_once_in_unit_and_code_order(
        self, court: AsgiClient, court_staff: StaffRoster
    ) -> None:
        seen: list[tuple[str, str]] = []
        page = 1
        while True:
            body = (await court.get(COURT_LIST, params={"trang": page, "so_ban_ghi": 1000})).json()
            if not body["du_lieu"]:
                break
            seen += [(p["ma_toa_an"], p["ma_nhan_su"]) for p in body["du_lieu"]]
            page += 1
        everyone = [(o.agency_code, o.code) for u in court_staff.units() for o in u.officers]
        assert body["tong_so"] == len(everyone) == len(seen)
        assert seen == sorted(everyone)

    async def test_records_are_in_the_dialect(self, court: AsgiClient) -> None:
        body = (await court.get(COURT_LIST, params={"trang": 3, "so_ban_ghi": 300})).json()
        assert len(body["du_lieu"]) == 300
        for record in body["du_lieu"]:
            check_can_bo_toa_an(record)

    @pytest.mark.parametrize(
        "payload",
        [{}, {"danh_sach": "court.hue"}, {"danh_sach": ["court.hue"]}, {"danh_sach": [{"ma_toa_an": 1}]}],
    )
    async def test_malformed_lookups_are_400(self, court: AsgiClient, payload: dict[str, Any]) -> None:
        answer = await court.post(COURT_LOOKUP, json=payload)
        assert answer.status == 400
        assert "loi" in answer.json()

    async def test_at_most_500_units_per_lookup(self, court: AsgiClient) -> None:
        answer = await court.post(COURT_LOOKUP, json={"danh_sach": [{"ma_toa_an": "court.hue"}] * 501})
        assert answer.status == 400
        assert "500" in answer.json()["loi"]

    async def test_the_endpoints_need_the_key_and_are_counted(self, court: AsgiClient) -> None:
        assert (await court.get(COURT_LIST, api_key=None)).status == 401
        assert (await court.post(COURT_LOOKUP, json={"danh_sach": []}, api_key="sai")).status == 401
        await court.get(COURT_LIST)
        await court.post(COURT_LOOKUP, json={"danh_sach": []})
        stats = (await court.get("/_admin/stats")).json()["theo_duong_dan"]
        assert stats == {f"GET {COURT_LIST}": 1, f"POST {COURT_LOOKUP}": 1}


class TestProcuracy:
    async def test_lookup_answers_one_entry_per_unit_asked(
        self, procuracy: AsgiClient, procuracy_staff: StaffRoster
    ) -> None:
        asked = ["procuracy.hue", "court.hue", "procuracy.hue.kv02", "procuracy.supreme"]
        answer = await procuracy.post(PROCURACY_LOOKUP, json={"don_vi": asked})
        assert answer.status == 200
        entries = answer.json()["ket_qua"]
        assert [e["vien_kiem_sat"] for e in entries] == asked
        for entry in entries:
            unit = procuracy_staff.get(entry["vien_kiem_sat"])
            if unit is None:
                assert entry == {
                    "vien_kiem_sat": entry["vien_kiem_sat"],
                    "ten_don_vi": None,
                    "chi_tieu_bien_che": None,
                    "can_bo": [],
                }
                continue
            assert (entry["ten_don_vi"], entry["chi_tieu_bien_che"]) == (unit.agency.name, unit.quota)
            assert [p["so_hieu"] for p in entry["can_bo"]] == [o.code for o in unit.officers]
            for person in entry["can_bo"]:
                check_can_bo_vks(person)

    async def test_the_cursor_walks_every_person_once(
        self, procuracy: AsgiClient, procuracy_staff: StaffRoster
    ) -> None:
        seen: list[tuple[str, str]] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"so_luong": 1000} if cursor is None else {"so_luong": 1000, "sau": cursor}
            body = (await procuracy.get(PROCURACY_LIST, params=params)).json()
            seen += [(p["vien_kiem_sat"], p["so_hieu"]) for p in body["can_bo"]]
            cursor = body["con_tro_tiep"]
            if cursor is None:
                break
        everyone = [(o.agency_code, o.code) for u in procuracy_staff.units() for o in u.officers]
        assert seen == sorted(everyone)

    async def test_records_are_in_the_dialect(self, procuracy: AsgiClient) -> None:
        body = (await procuracy.get(PROCURACY_LIST, params={"so_luong": 400})).json()
        assert len(body["can_bo"]) == 400
        for record in body["can_bo"]:
            check_can_bo_vks(record)

    @pytest.mark.parametrize("cursor", ["khong-hop-le", "dmtzOjE6MA"])  # garbage; a supervision cursor
    async def test_a_foreign_cursor_is_400(self, procuracy: AsgiClient, cursor: str) -> None:
        answer = await procuracy.get(PROCURACY_LIST, params={"sau": cursor})
        assert answer.status == 400

    @pytest.mark.parametrize("payload", [{}, {"don_vi": [{"vien_kiem_sat": "procuracy.hue"}]}, {"don_vi": [None]}])
    async def test_malformed_lookups_are_400(self, procuracy: AsgiClient, payload: dict[str, Any]) -> None:
        assert (await procuracy.post(PROCURACY_LOOKUP, json=payload)).status == 400

    async def test_at_most_500_units_per_lookup(self, procuracy: AsgiClient) -> None:
        answer = await procuracy.post(PROCURACY_LOOKUP, json={"don_vi": ["procuracy.hue"] * 501})
        assert answer.status == 400


async def test_the_staff_depends_on_the_seed_not_on_the_judgments(court: AsgiClient, reference: ReferenceData) -> None:
    smaller = ServiceSettings(api_key="k", judgments=10, seed=SEED)
    again = AsgiClient(create_court(smaller, Catalogue(SEED, 10, reference)), "k")
    body = {"danh_sach": [{"ma_toa_an": "court.hue.kv01"}]}
    assert (await again.post(COURT_LOOKUP, json=body)).json() == (await court.post(COURT_LOOKUP, json=body)).json()
