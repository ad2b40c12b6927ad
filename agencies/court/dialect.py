"""The court system's record (``BanAn``) as docs/agency-interface.md defines it."""

from __future__ import annotations

from typing import Any

from agencies.common.dialect import OBLIGATION_KINDS, PARTY_KINDS, PARTY_ROLES, format_date, format_vnd
from domain.types import CourtJudgment


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
