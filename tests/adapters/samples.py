"""Canned dialect records (docs/agency-interface.md), overridable field by field.

Texts with diacritics are sent in NFD on purpose where noted: agencies should
send NFC, not all do, and the adapters must hand the hub NFC either way.
"""

from __future__ import annotations

import unicodedata
from typing import Any

COURT = "court.ha-noi.kv01"
NUMBER = "125/2026/DS-ST"
SHA = "ab" * 32


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def ban_an(court: str = COURT, number: str = NUMBER, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ma_toa_an": court,
        "ten_toa_an": nfd("Tòa án nhân dân khu vực 1 - Hà Nội"),
        "so_ban_an": number,
        "loai_vu_viec": "DS",
        "cap_xet_xu": "ST",
        "ngay_tuyen_an": "12/03/2026",
        "ngay_hieu_luc": "12/04/2026",
        "tham_phan": "Nguyễn Văn Hùng",
        "trich_yeu": "Tranh chấp hợp đồng vay tài sản",
        "duong_su": [
            {
                "ho_ten": nfd("Nguyễn Văn An"),
                "tu_cach": "người được thi hành án",
                "loai": "cá nhân",
                "so_cccd": "001085012345",
                "ma_so_thue": None,
                "dia_chi": "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
            },
            {
                "ho_ten": "Công ty TNHH Minh Phát",
                "tu_cach": nfd("người phải thi hành án"),
                "loai": "tổ chức",
                "so_cccd": None,
                "ma_so_thue": "0101234567",
                "dia_chi": "Số 5 phố Láng Hạ, phường Láng, thành phố Hà Nội",
            },
        ],
        "nghia_vu": [
            {
                "loai": "án phí",
                "so_tien": "1.250.000",
                "noi_dung": "Án phí dân sự sơ thẩm",
                "chu_dong": True,
                "nguoi_duoc_nhan": None,
            },
            {
                "loai": "trả tiền",
                "so_tien": "350.000.000",
                "noi_dung": "Trả nợ gốc và lãi",
                "chu_dong": False,
                "nguoi_duoc_nhan": "Nguyễn Văn An",
            },
            {
                "loai": "trả tài sản",
                "so_tien": None,
                "noi_dung": "Trả lại xe máy",
                "chu_dong": False,
                "nguoi_duoc_nhan": "Nguyễn Văn An",
            },
        ],
        "tai_lieu": {"sha256": SHA.upper(), "ten_tep": "125-2026-DS-ST.pdf"},
    }
    record.update(overrides)
    return record


def ho_so(court: str = COURT, number: str = NUMBER, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "so_thu_ly": "1234/TLTHA",
        "ban_an": {"toa_an": court, "so": number},
        "co_quan_thi_hanh": "enforcement.ha-noi",
        "phong_thi_hanh": "enforcement.ha-noi.kv01",
        "ngay_thu_ly": "20/04/2026",
        "trang_thai": nfd("có điều kiện"),
        "quyet_dinh": [
            {"so": "45/QĐ-THADS", "ngay": "22/04/2026", "hinh_thuc": "chủ động", "chap_hanh_vien": "Trần Thị Bình"},
            {
                "so": "46/QĐ-THADS",
                "ngay": "23/04/2026",
                "hinh_thuc": "theo đơn yêu cầu",
                "chap_hanh_vien": nfd("Trần Thị Bình"),
            },
        ],
        "tien": {"phai_thi_hanh": "351.250.000", "da_thi_hanh": "100.000.000"},
    }
    record.update(overrides)
    return record


def van_ban(court: str = COURT, number: str = NUMBER, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "so_van_ban": "12/KN-VKS",
        "vien_kiem_sat": "procuracy.ha-noi.kv01",
        "ma_toa": court,
        "so_ban_an": number,
        "loai": "kiến nghị",
        "ngay_ban_hanh": "05/05/2026",
        "noi_dung": nfd("Kiến nghị khắc phục vi phạm về thời hạn ra quyết định thi hành án"),
        "han_tra_loi": "20/05/2026",
        "ngay_tra_loi": None,
    }
    record.update(overrides)
    return record


def judgment_number(index: int) -> str:
    return f"{index}/2026/DS-ST"
