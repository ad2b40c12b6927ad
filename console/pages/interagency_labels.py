"""Vietnamese words of Thống kê liên ngành (/bao-cao/lien-nganh)."""

from __future__ import annotations

from typing import Final

TITLE: Final = "Thống kê liên ngành thi hành án dân sự"
NOT_YOURS: Final = (
    "Trang Thống kê liên ngành dành cho cơ quan thi hành án dân sự, viện kiểm sát, ban chỉ đạo thi hành án dân sự "
    "và Bộ Tư pháp. Tài khoản của bạn không có quyền xem trang này."
)
OTHER_PROVINCE: Final = "Bạn chỉ xem và ký được số liệu thống kê liên ngành của tỉnh, thành phố của cơ quan mình."
BAD_PERIOD: Final = "Kỳ thống kê liên ngành là 3, 6, 10 hoặc 12 tháng của năm thống kê. Hãy chọn lại."
UNAVAILABLE: Final = "Chưa lấy được số liệu từ hệ thống. Hãy thử lại sau ít phút."
STATUS: Final = {
    "DRAFT": "Chưa khóa số liệu",
    "CLOSED": "Đã khóa số liệu, chờ Viện kiểm sát ký xác nhận",
    "COUNTERSIGNED": "Viện kiểm sát đã ký xác nhận",
    "DISPUTED": "Viện kiểm sát không thống nhất, chờ cơ quan thi hành án chỉnh sửa",
}
STEP: Final = {"CLOSE": "Khóa số liệu", "COUNTERSIGN": "Ký xác nhận", "DISPUTE": "Không thống nhất"}
AWAITED: Final = {"CLOSE": "Cơ quan thi hành án khóa số liệu", "COUNTERSIGN": "Viện kiểm sát ký xác nhận"}
SIDE: Final = {
    "COURT_ONLY": "Tòa án tính, cơ quan thi hành án chưa vào sổ trong kỳ",
    "ENFORCEMENT_ONLY": "Cơ quan thi hành án vào sổ trong kỳ, Tòa án tính kỳ trước",
}
UNIT: Final = {"CASES": "việc", "VND": "đồng", "JUDGMENTS": "bản án", "REQUESTS": "văn bản", "PERCENT": "%"}
MONTHS: Final = (3, 6, 10, 12)
DONE: Final = {
    "close": "Đã khóa số liệu. Viện kiểm sát cùng cấp được thông báo để ký xác nhận.",
    "countersign": "Đã ký xác nhận số liệu thống kê liên ngành.",
    "dispute": "Đã gửi ý kiến không thống nhất. Cơ quan thi hành án chỉnh sửa và khóa lại số liệu.",
}
ERRORS: Final = {
    "NOT_SIGNATORY": "Chỉ cơ quan thi hành án dân sự tỉnh (khóa số liệu) và Viện kiểm sát nhân dân tỉnh (ký xác nhận "
    "hoặc không thống nhất) của cùng tỉnh, thành phố được thực hiện thao tác này.",
    "PERIOD_NOT_ENDED": "Kỳ thống kê chưa kết thúc: số liệu được khóa từ ngày sau ngày cuối kỳ.",
    "INVALID_TRANSITION": "Số liệu không ở trạng thái cho phép thao tác này (trang đã được cập nhật).",
    "NOTE_REQUIRED": "Hãy ghi rõ đã chỉnh sửa những gì theo ý kiến của Viện kiểm sát.",
    "INVALID": "Hãy ghi ý kiến cho ít nhất một dòng không thống nhất (mỗi ý kiến tối đa 2.000 ký tự).",
    "SOURCE_UNAVAILABLE": "Chưa lấy được số liệu của hệ thống thi hành án; chưa khóa được số liệu.",
    "CONFLICT": "Số liệu vừa được khóa bởi một thao tác khác; hãy xem lại trang.",
}


def value(raw: str | None, unit: str) -> str:
    """``1.234``, ``1.250.000``, ``66,67``; empty when undefined (a rate with nothing to divide by)."""
    if raw is None:
        return ""
    whole, _, fraction = raw.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}".replace(",", ".") if digits else "0"
    return sign + grouped + ("," + fraction if fraction else "")
