"""The enforcement system's record (``HoSo``) as docs/agency-interface.md defines it."""

from __future__ import annotations

from typing import Any

from agencies.common.dialect import CASE_STATUSES, DECISION_KINDS, format_date, format_vnd
from domain.types import EnforcementCase


def ho_so(case: EnforcementCase) -> dict[str, Any]:
    return {
        "so_thu_ly": case.case_number,
        "ban_an": {"toa_an": case.judgment.court_code, "so": case.judgment.number},
        "co_quan_thi_hanh": case.agency_code,
        "phong_thi_hanh": case.office_code,
        "ngay_thu_ly": format_date(case.accepted_on),
        "trang_thai": CASE_STATUSES[case.status],
        "quyet_dinh": [
            {
                "so": d.number,
                "ngay": format_date(d.issued_on),
                "hinh_thuc": DECISION_KINDS[d.kind],
                "chap_hanh_vien": d.officer,
            }
            for d in case.decisions
        ],
        "tien": {"phai_thi_hanh": format_vnd(case.amount_due), "da_thi_hanh": format_vnd(case.amount_collected)},
    }
