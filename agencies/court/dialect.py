"""The court system's records as docs/agency-interface.md defines them: ``BanAn``, and staff (``NhanSuToaAn``)."""

from __future__ import annotations

from typing import Any

from agencies.common.dialect import OBLIGATION_KINDS, PARTY_KINDS, PARTY_ROLES, SEXES, format_date, format_vnd
from agencies.common.staff import Unit
from domain.types import CourtJudgment, Officer


def ban_an(judgment: CourtJudgment) -> dict[str, Any]:
    return {
        "ma_toa_an": judgment.key.court_code,
        "ten_toa_an": judgment.court_name,
        "so_ban_an": judgment.key.number,
        "loai_vu_viec": judgment.case_type.value,
        "cap_xet_xu": judgment.instance.value,
        "ngay_tuyen_an": format_date(judgment.adjudicated_on),
        "ngay_hieu_luc": format_date(judgment.effective_on),
        "tham_phan": judgment.judge,
        "trich_yeu": judgment.summary,
        "duong_su": [
            {
                "ho_ten": p.name,
                "tu_cach": PARTY_ROLES[p.role],
                "loai": PARTY_KINDS[p.kind],
                "so_cccd": p.citizen_id,
                "ma_so_thue": p.tax_code,
                "dia_chi": p.address,
            }
            for p in judgment.parties
        ],
        "nghia_vu": [
            {
                "loai": OBLIGATION_KINDS[o.kind],
                "so_tien": format_vnd(o.amount),
                "noi_dung": o.description,
                "chu_dong": o.ex_officio,
                "nguoi_duoc_nhan": o.beneficiary,
            }
            for o in judgment.obligations
        ],
        "tai_lieu": {"sha256": judgment.document_sha256, "ten_tep": judgment.document_name},
    }


def nhan_su_toa_an(unit: Unit) -> dict[str, Any]:
    """A court's staff list: the unit with its quota and everyone on its staff."""
    return {
        "ma_toa_an": unit.agency.code,
        "ten_toa_an": unit.agency.name,
        "bien_che": unit.quota,
        "can_bo": [can_bo_toa_an(o) for o in unit.officers],
    }


def can_bo_toa_an(officer: Officer) -> dict[str, Any]:
    """One person on a court's staff; a leadership post and its term are one nested ``chuc_vu`` object."""
    post = None
    if officer.post is not None:
        post = {
            "ten": officer.post,
            "ngay_bo_nhiem": format_date(officer.appointed_on),
            "ngay_het_nhiem_ky": format_date(officer.term_ends_on),
            "nhiem_ky_lien_tiep": officer.consecutive_terms,
        }
    return {
        "ma_nhan_su": officer.code,
        "ma_toa_an": officer.agency_code,
        "ho_ten": officer.name,
        "gioi_tinh": SEXES[officer.sex],
        "ngay_sinh": format_date(officer.birth_date),
        "so_cccd": officer.citizen_id,
        "chuc_danh": officer.title,
        "chuc_vu": post,
        "vi_tri_nhay_cam": officer.sensitive_post,
        "ngay_dam_nhiem": format_date(officer.position_since),
        "trinh_do": officer.training,
        "ky_luat": officer.discipline,
    }
