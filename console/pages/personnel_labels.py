"""The Vietnamese words of the personnel page (Tổ chức cán bộ)."""

from __future__ import annotations

from typing import Final

NOT_YOURS: Final = (
    "Trang Tổ chức cán bộ chỉ dành cho bộ phận tổ chức cán bộ và Bộ Tư pháp. "
    "Tài khoản của bạn không có quyền xem trang này."
)
NOTHING_IN_REACH: Final = "Không có đơn vị nào trong phạm vi quản lý của bạn ở tỉnh, thành phố này."
CHOOSE_PROVINCE: Final = "Chọn tỉnh, thành phố để xem biên chế và cảnh báo."
ALERTS_UNAVAILABLE: Final = (
    "Chưa lấy được cảnh báo: hệ thống tổ chức cán bộ của một đơn vị chưa trả lời. Hãy tải lại trang sau ít phút."
)
UNAVAILABLE: Final = "Liên thông chưa lấy được số liệu lúc này. Hãy thử lại sau ít phút."

ALERT_KIND: Final = {
    "RETIREMENT": "Nghỉ hưu",
    "TERM_ENDING": "Hết nhiệm kỳ",
    "SECOND_TERM": "Giữ chức vụ nhiệm kỳ thứ hai liên tiếp",
    "ROTATION_DUE": "Đến hạn chuyển đổi vị trí công tác",
    "QUOTA_GAP": "Thiếu biên chế",
    "MISSING_LEADER": "Khuyết lãnh đạo",
}

UNIT_FAILURE: Final = {
    "AGENCY_UNAVAILABLE": "hệ thống chưa trả lời",
    "AGENCY_TIMEOUT": "hệ thống trả lời quá chậm",
    "AGENCY_BAD_DATA": "dữ liệu không hợp lệ",
}

HORIZONS: Final = (90, 180, 365)  # days ahead the alerts look, as the picker offers them
DEFAULT_HORIZON: Final = 180
