"""The Vietnamese words the inbox pages put on the API's codes (statuses, reasons, roles, refusals)."""

from __future__ import annotations

from typing import Final

STATUS: Final = {
    "SUBMITTED": "Chờ vào sổ",
    "ACKNOWLEDGED": "Đã vào sổ",
    "DECIDED": "Đã ra quyết định thi hành án",
    "RETURNED": "Đã trả lại",
}

RETURN_REASON: Final = {
    "WRONG_AGENCY": "Không thuộc thẩm quyền (chuyển cơ quan có thẩm quyền)",
    "UNCLEAR": "Bản án, quyết định chưa rõ (đề nghị tòa án giải thích)",
    "MISSING_DOCUMENT": "Thiếu tài liệu",
}

DEADLINE_STATE: Final = {
    "PENDING": "đang trong hạn",
    "MET": "đã thực hiện đúng hạn",
    "MET_LATE": "đã thực hiện sau hạn",
    "OVERDUE": "quá hạn",
}

DEADLINE_FILTER: Final = {  # ?han=… → (the deadline state the hub gives, the words in the filter)
    "qua-han": ("OVERDUE", "Có việc quá hạn"),
    "trong-han": ("PENDING", "Có việc đang trong hạn"),
}

PARTY_ROLE: Final = {
    "CREDITOR": "Người được thi hành án",
    "DEBTOR": "Người phải thi hành án",
    "RELATED": "Người có quyền lợi, nghĩa vụ liên quan",
}

PARTY_KIND: Final = {"INDIVIDUAL": "Cá nhân", "ORGANISATION": "Tổ chức"}

OBLIGATION_KIND: Final = {
    "COURT_FEE": "Án phí",
    "FINE": "Phạt tiền",
    "CONFISCATION": "Tịch thu",
    "PAYMENT": "Trả tiền",
    "RETURN_OF_ASSETS": "Trả lại tài sản",
    "OTHER": "Nghĩa vụ khác",
}

REQUEST_STATUS: Final = {
    "OPEN": "Đã gửi",
    "RECEIVED": "Tòa án đã nhận",
    "IN_PROGRESS": "Tòa án đang xử lý",
    "ANSWERED": "Tòa án đã trả lời",
    "CLOSED": "Đã kết thúc",
    "DECLINED": "Tòa án từ chối",
    "WITHDRAWN": "Đã rút",
}

DECISION_KIND: Final = {"EX_OFFICIO": "Chủ động", "ON_REQUEST": "Theo đơn yêu cầu"}

OFFICER_TITLE: Final = "Chấp hành viên"  # the titles and posts (trung cấp, trưởng…) the decision form suggests

DONE: Final = {
    "vao-so": "Đã vào Sổ nhận bản án.",
    "tra-lai": "Đã trả lại bản án.",
    "quyet-dinh": "Đã ghi quyết định thi hành án và chấp hành viên được phân công.",
}

REFUSAL: Final = {
    "NOT_FOUND": "Không tìm thấy bản án này trong hộp thư của đơn vị.",
    "INVALID": "Hãy ghi rõ lý do trả lại (từ 1 đến 2000 ký tự) và chọn đúng cơ quan nhận.",
    "INVALID_STATE": "Bản án ở trạng thái này không thể trả lại với lý do đã chọn.",
    "REQUIRED": "Hãy chọn cơ quan thi hành án có thẩm quyền để chuyển bản án đến.",
    "UNROUTABLE": "Không thể chuyển bản án đến cơ quan đã chọn.",
    "BAD_REASON": "Hãy chọn lý do trả lại.",
}
DECISION_REFUSAL: Final = {  # the decision form's own checks, then the API's (field, code)
    "NO_NUMBER": "Hãy ghi số quyết định thi hành án.",
    "BAD_DATE": "Ngày ra quyết định không hợp lệ: hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/12/2026.",
    "BAD_KIND": "Hãy chọn loại quyết định: chủ động hoặc theo đơn yêu cầu.",
    "NO_OFFICER": "Hãy ghi họ tên chấp hành viên được phân công.",
    "number:INVALID": "Số quyết định phải có từ 1 đến 64 ký tự.",
    "officer:INVALID": "Hãy ghi họ tên chấp hành viên được phân công (tối đa 255 ký tự).",
    "issuedOn:INVALID": "Ngày ra quyết định không được sau hôm nay, cũng không được trước ngày nhận bản án.",
    "id:INVALID_STATE": "Chỉ ghi quyết định thi hành án cho bản án đã vào sổ và chưa có quyết định.",
    "id:NOT_FOUND": REFUSAL["NOT_FOUND"],
}
GENERIC_REFUSAL: Final = "Liên thông chưa thực hiện được thao tác này. Hãy thử lại."


def refusal(code: str) -> str:
    """The sentence for a refusal code of the API (or of the form), a general one for codes not known here."""
    return REFUSAL.get(code, GENERIC_REFUSAL)


def decision_refusal(code: str, field: str | None = None) -> str:
    """The sentence for a refused decision: the form's own code, or the API's code on ``field``."""
    return DECISION_REFUSAL.get(f"{field}:{code}" if field else code) or refusal(code)
