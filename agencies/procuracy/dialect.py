"""The procuracy system's records (``VanBan``, staff ``CanBoVKS``) and its opaque paging cursors."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from agencies.common.dialect import SEXES, SUPERVISION_KINDS, format_date
from agencies.common.staff import Unit
from domain.types import Officer, SupervisionRecord

_CURSOR = re.compile(r"vks:([0-9]{1,10}):([0-9])")
_STAFF_CURSOR = re.compile(r"vks-cb:([0-9]{1,10})")


def van_ban(record: SupervisionRecord) -> dict[str, Any]:
    return {
        "so_van_ban": record.number,
        "vien_kiem_sat": record.procuracy_code,
        "ma_toa": record.judgment.court_code,
        "so_ban_an": record.judgment.number,
        "loai": SUPERVISION_KINDS[record.kind],
        "ngay_ban_hanh": format_date(record.issued_on),
        "noi_dung": record.summary,
        "han_tra_loi": format_date(record.reply_due),
        "ngay_tra_loi": format_date(record.replied_on),
    }


def encode_cursor(position: int, document: int) -> str:
    """Where the next page starts: the ``document``-th record of the ``position``-th supervised judgment."""
    return base64.urlsafe_b64encode(f"vks:{position}:{document}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    """The inverse of :func:`encode_cursor`; ``ValueError`` for anything it did not produce."""
    match = _CURSOR.fullmatch(_unwrap(cursor))
    if match is None:
        raise ValueError(cursor)
    return int(match[1]), int(match[2])


def encode_staff_cursor(offset: int) -> str:
    """Where the next page of the staff listing starts: its ``offset``-th person."""
    return base64.urlsafe_b64encode(f"vks-cb:{offset}".encode()).decode().rstrip("=")


def decode_staff_cursor(cursor: str) -> int:
    """The inverse of :func:`encode_staff_cursor`; ``ValueError`` for anything it did not produce."""
    match = _STAFF_CURSOR.fullmatch(_unwrap(cursor))
    if match is None:
        raise ValueError(cursor)
    return int(match[1])


def _unwrap(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(cursor) from None


def don_vi_vks(code: str, unit: Unit | None) -> dict[str, Any]:
    """The answer about one requested procuracy: its staff, or nulls and an empty list if it keeps none here."""
    if unit is None:
        return {"vien_kiem_sat": code, "ten_don_vi": None, "chi_tieu_bien_che": None, "can_bo": []}
    return {
        "vien_kiem_sat": code,
        "ten_don_vi": unit.agency.name,
        "chi_tieu_bien_che": unit.quota,
        "can_bo": [can_bo_vks(o) for o in unit.officers],
    }


def can_bo_vks(officer: Officer) -> dict[str, Any]:
    """One person on a procuracy's staff; the leadership term is a nested ``nhiem_ky`` object."""
    term = None
    if officer.post is not None:
        term = {
            "tu_ngay": format_date(officer.appointed_on),
            "den_ngay": format_date(officer.term_ends_on),
            "lan_thu": officer.consecutive_terms,
        }
    return {
        "so_hieu": officer.code,
        "vien_kiem_sat": officer.agency_code,
        "ho_va_ten": officer.name,
        "gioi_tinh": SEXES[officer.sex],
        "ngay_sinh": format_date(officer.birth_date),
        "so_dinh_danh": officer.citizen_id,
        "chuc_danh": officer.title,
        "chuc_vu_lanh_dao": officer.post,
        "nhiem_ky": term,
        "nhay_cam": officer.sensitive_post,
        "giu_vi_tri_tu": format_date(officer.position_since),
        "dao_tao": officer.training,
        "ky_luat": officer.discipline,
    }
