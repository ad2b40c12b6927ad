"""The Vietnamese words the court pages put on the API's codes (as the court sees its submissions)."""

from __future__ import annotations

from typing import Final

STATUS: Final = {  # a transfer's status, as the court reads it
    "SUBMITTED": "Đã nhận, chờ vào sổ",
    "ACKNOWLEDGED": "Đã vào sổ",
    "DECIDED": "Đã ra quyết định thi hành án",
    "RETURNED": "Bị trả lại",
}

RETURN_REASON: Final = {
    "WRONG_AGENCY": "Không thuộc thẩm quyền (đã chuyển cơ quan có thẩm quyền)",
    "UNCLEAR": "Bản án, quyết định chưa rõ (đề nghị tòa án giải thích)",
    "MISSING_DOCUMENT": "Thiếu tài liệu",
}

REQUEST_STATUS: Final = {
    "OPEN": "Chưa đọc",
    "RECEIVED": "Đã nhận",
    "IN_PROGRESS": "Đang xử lý",
    "ANSWERED": "Đã trả lời",
    "CLOSED": "Đã kết thúc",
    "DECLINED": "Đã từ chối",
    "WITHDRAWN": "Cơ quan gửi đã rút",
}

ANSWERABLE: Final = frozenset({"OPEN", "RECEIVED", "IN_PROGRESS"})

DEADLINE_STATE: Final = {
    "PENDING": "đang trong hạn",
    "MET": "đã trả lời đúng hạn",
    "MET_LATE": "đã trả lời sau hạn",
    "OVERDUE": "quá hạn",
}

DONE: Final = {"giai-thich": "Đã gửi văn bản giải thích. Bản án được chuyển lại cho cơ quan thi hành án."}

REFUSAL: Final = {
    "NOTE_REQUIRED": "Hãy ghi nội dung giải thích.",
    "INVALID": "Nội dung giải thích quá dài (tối đa 20.000 ký tự).",
    "INVALID_TRANSITION": "Yêu cầu này đã được trả lời hoặc đã kết thúc.",
    "NOT_FOUND": "Không tìm thấy yêu cầu giải thích này.",
    "NOT_A_PARTY": "Tòa án chỉ được xem, không trả lời yêu cầu này.",
}
GENERIC_REFUSAL: Final = "Liên thông chưa thực hiện được thao tác này. Hãy thử lại."


def refusal(code: str) -> str:
    """The sentence for a refusal code of the API, a general one for codes not known here."""
    return REFUSAL.get(code, GENERIC_REFUSAL)
