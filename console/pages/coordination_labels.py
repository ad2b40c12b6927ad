"""The Vietnamese words the coordination pages (Phối hợp, Viện kiểm sát) put on the API's codes."""

from __future__ import annotations

from typing import Final

KIND: Final = {  # as domain/coordination.py KIND_RULES names them
    "EXPLANATION": "Yêu cầu giải thích bản án, quyết định",
    "ENFORCEMENT_SUPPORT": "Đề nghị hỗ trợ cưỡng chế thi hành án",
    "PROCURACY_REQUEST": "Yêu cầu của Viện kiểm sát",
    "PROCURACY_RECOMMENDATION": "Kiến nghị của Viện kiểm sát",
    "PROCURACY_PROTEST": "Kháng nghị của Viện kiểm sát",
    "PERIODIC_REPORT": "Báo cáo định kỳ",
}

PROCURACY_KINDS: Final = ("PROCURACY_REQUEST", "PROCURACY_RECOMMENDATION", "PROCURACY_PROTEST")

STATUS: Final = {
    "OPEN": "Đã gửi, chưa đọc",
    "RECEIVED": "Cơ quan nhận đã đọc",
    "IN_PROGRESS": "Đang xử lý",
    "ANSWERED": "Đã trả lời",
    "CLOSED": "Đã kết thúc",
    "DECLINED": "Bị từ chối",
    "WITHDRAWN": "Đã rút",
}

WAITING: Final = frozenset({"OPEN", "RECEIVED", "IN_PROGRESS"})

ROLE: Final = {  # ?vai=… → (the API's CoordinationRole, the heading)
    "nhan": ("RECEIVED", "Yêu cầu đến"),
    "gui": ("SENT", "Yêu cầu đã gửi"),
    "theo-doi": ("OBSERVED", "Bản sao để theo dõi"),
}

CHANGE: Final = {  # CoordinationChange.kind
    "OPENED": "Gửi yêu cầu",
    "RECEIVED": "Cơ quan nhận đã đọc",
    "STARTED": "Bắt đầu xử lý",
    "ANSWERED": "Trả lời",
    "CLOSED": "Kết thúc",
    "DECLINED": "Từ chối",
    "WITHDRAWN": "Rút yêu cầu",
    "REMINDER": "Liên thông nhắc: sắp đến hạn",
    "OVERDUE": "Liên thông ghi nhận: quá hạn",
}

DEADLINE_STATE: Final = {
    "PENDING": "đang trong hạn",
    "MET": "đã trả lời đúng hạn",
    "MET_LATE": "đã trả lời sau hạn",
    "OVERDUE": "quá hạn",
}

TRANSFER_DEADLINE_STATE: Final = {  # a transfer's legal deadline (TransferDeadline.state)
    "PENDING": "đang trong hạn",
    "MET": "đã thực hiện đúng hạn",
    "MET_LATE": "đã thực hiện sau hạn",
    "OVERDUE": "quá hạn",
}

AGENCY_KIND: Final = {  # the addressees offered in the form, grouped by kind
    "COURT": "Tòa án",
    "PROCURACY": "Viện kiểm sát",
    "ENFORCEMENT": "Cơ quan thi hành án dân sự",
    "PRIVATE_ENFORCEMENT": "Văn phòng Thừa phát lại",
    "POLICE": "Công an",
    "COMMITTEE": "Ban chỉ đạo thi hành án dân sự",
    "MINISTRY": "Bộ Tư pháp",
}

ADDRESSEE_ACTIONS: Final = {  # what the addressee may do, by the request's status (domain/coordination.py)
    "OPEN": ("START", "ANSWER", "DECLINE"),
    "RECEIVED": ("START", "ANSWER", "DECLINE"),
    "IN_PROGRESS": ("ANSWER", "DECLINE"),
}
SENDER_ACTIONS: Final = {
    "OPEN": ("WITHDRAW",),
    "RECEIVED": ("WITHDRAW",),
    "IN_PROGRESS": ("WITHDRAW",),
    "ANSWERED": ("CLOSE",),
}
ACTION: Final = {
    "START": "Bắt đầu xử lý",
    "ANSWER": "Trả lời",
    "DECLINE": "Từ chối (nêu lý do)",
    "CLOSE": "Kết thúc yêu cầu",
    "WITHDRAW": "Rút yêu cầu (nêu lý do)",
}

SUPERVISION_KIND: Final = {"REQUEST": "Yêu cầu", "RECOMMENDATION": "Kiến nghị", "PROTEST": "Kháng nghị"}

JUDGMENT_STATUS: Final = {  # a judgment's status: its transfer's (lower case), or ``registered``
    "submitted": "Đã chuyển, chờ vào sổ",
    "acknowledged": "Đã vào sổ",
    "decided": "Đã ra quyết định thi hành án",
    "returned": "Bị trả lại",
    "registered": "Không chuyển qua Liên thông",
}

TRANSFER_STATUS: Final = {
    "SUBMITTED": "Đã chuyển, chờ vào sổ",
    "ACKNOWLEDGED": "Đã vào sổ",
    "DECIDED": "Đã ra quyết định thi hành án",
    "RETURNED": "Bị trả lại",
}

CASE_STATUS_FALLBACK: Final = "Đang thi hành"

DECISION_KIND: Final = {"EX_OFFICIO": "Chủ động", "ON_REQUEST": "Theo đơn yêu cầu"}

DONE: Final = {
    "gui": "Đã gửi yêu cầu. Cơ quan nhận thấy yêu cầu ngay trong Liên thông.",
    "START": "Đã ghi nhận: bắt đầu xử lý yêu cầu.",
    "ANSWER": "Đã gửi câu trả lời.",
    "DECLINE": "Đã từ chối yêu cầu.",
    "CLOSE": "Đã kết thúc yêu cầu.",
    "WITHDRAW": "Đã rút yêu cầu.",
}

REFUSAL: Final = {
    "NOTE_REQUIRED": "Hãy ghi nội dung (câu trả lời, hoặc lý do từ chối, rút yêu cầu).",
    "INVALID_TRANSITION": "Không thực hiện được: yêu cầu đã chuyển sang trạng thái khác. Hãy xem lại trang.",
    "NOT_A_PARTY": "Cơ quan của bạn không thực hiện được thao tác này với yêu cầu này.",
    "NOT_FOUND": "Không tìm thấy yêu cầu, bản án hoặc quy chế phối hợp đã nêu.",
    "WRONG_SENDER": "Cơ quan của bạn không gửi được loại yêu cầu này.",
    "WRONG_ADDRESSEE": "Loại yêu cầu này không gửi được cho cơ quan đã chọn.",
    "REQUIRED": "Còn thiếu thông tin bắt buộc cho loại yêu cầu này (bản án, ngày và địa điểm, hoặc kỳ báo cáo).",
    "INVALID": "Thông tin chưa hợp lệ: trích yếu 1–300 ký tự, nội dung 1–20.000 ký tự, ngày đúng định dạng.",
    "IN_THE_PAST": "Ngày đã chọn đã qua.",
    "NOT_ALLOWED": "Thời hạn trả lời của loại yêu cầu này do pháp luật quy định, không tự đặt được.",
    "UNKNOWN_AGENCY": "Không có cơ quan nhận đã chọn.",
    "DISSOLVED": "Cơ quan nhận đã giải thể; hãy gửi cho cơ quan kế thừa.",
    "SAME_AGENCY": "Yêu cầu phải gửi cho một cơ quan khác.",
    "MISMATCH": "Bản án đã nêu không khớp với mã chuyển giao.",
    "NOT_THE_COURT": "Yêu cầu giải thích gửi cho tòa án đã ra bản án, quyết định.",
    "NOT_IN_FORCE": "Quy chế phối hợp đã chọn không còn hiệu lực.",
    "OUTSIDE_PROVINCE": "Công an tỉnh khác không bảo vệ cưỡng chế cho cơ quan của bạn: việc thi hành án ở tỉnh khác "
    "phải ủy thác cho cơ quan thi hành án dân sự nơi đó; cưỡng chế trên địa bàn thì đề nghị Công an tỉnh của bạn.",
    "TOO_CLOSE": "Ngày cưỡng chế quá gần: Công an cần trả lời đề nghị và lập kế hoạch bảo vệ trước ngày cưỡng chế "
    "(5 ngày làm việc). Hãy chọn ngày cưỡng chế muộn hơn.",
}
GENERIC_REFUSAL: Final = "Liên thông chưa thực hiện được thao tác này. Hãy kiểm tra lại thông tin và thử lại."


def refusal(code: str) -> str:
    """The sentence for a refusal code of the API, a general one for codes not known here."""
    return REFUSAL.get(code, GENERIC_REFUSAL)
