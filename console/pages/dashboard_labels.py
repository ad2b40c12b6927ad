"""The Vietnamese words of the committee and ministry dashboard, and how it writes counts and rates."""

from __future__ import annotations

from typing import Final

NOT_YOURS: Final = (
    "Trang Báo cáo chỉ dành cho Ban chỉ đạo thi hành án dân sự cấp tỉnh và Bộ Tư pháp. "
    "Tài khoản của bạn không có quyền xem trang này."
)
OTHER_PROVINCE: Final = (
    "Ban chỉ đạo thi hành án dân sự chỉ xem được báo cáo của tỉnh, thành phố mình; "
    "báo cáo toàn quốc và của tỉnh, thành phố khác do Bộ Tư pháp xem."
)
BAD_PERIOD: Final = (
    "Kỳ báo cáo chưa hợp lệ: chọn năm thống kê và số tháng (1–12), hoặc ngày bắt đầu và ngày kết thúc "
    "(ngày kết thúc không trước ngày bắt đầu, tối đa ba năm)."
)
UNKNOWN_PROVINCE: Final = "Không có tỉnh, thành phố này. Hãy chọn trong danh sách Phạm vi."
UNAVAILABLE: Final = "Liên thông chưa lập được báo cáo lúc này. Hãy thử lại sau ít phút."
NATIONAL: Final = "Toàn quốc"

SOURCES: Final = {
    "LEDGER": "sổ chuyển giao của Liên thông",
    "ENFORCEMENT": "hệ thống thi hành án dân sự",
    "PERSONNEL": "hệ thống tổ chức cán bộ",
}


def count(value: int | None) -> str:
    """``1.234`` (dots between thousands); an en dash for no figure."""
    return "–" if value is None else f"{value:,}".replace(",", ".")


def rate(value: float | None) -> str:
    """``83,88%``; an en dash when there is nothing to divide by."""
    return "–" if value is None else f"{value:.2f}".replace(".", ",") + "%"


def short_number(value: float, decimals: int = 1) -> str:
    """``12,5`` (a decimal comma; a whole number without decimals)."""
    shown = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return shown.removesuffix("," + "0" * decimals) if decimals else shown
