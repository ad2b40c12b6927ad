"""The Vietnamese words the operations page (Vận hành) puts on the API's and the registry's codes."""

from __future__ import annotations

from typing import Final

from console.ports import CheckState, RegistryRefusal
from console.views import ROLE_LABELS
from domain.access import Role

AGENCY_KIND: Final = {
    "COURT": "Tòa án",
    "PROCURACY": "Viện kiểm sát",
    "ENFORCEMENT": "Cơ quan thi hành án dân sự",
    "PRIVATE_ENFORCEMENT": "Văn phòng Thừa phát lại",
    "POLICE": "Công an",
    "COMMITTEE": "Ban Chỉ đạo thi hành án dân sự",
    "MINISTRY": "Bộ Tư pháp",
}

AGENCY_LEVEL: Final = {
    "NATIONAL": "Trung ương",
    "APPELLATE": "Cấp cao",
    "PROVINCIAL": "Tỉnh, thành phố",
    "AREA": "Khu vực",
    "DISTRICT": "Cấp huyện",
}

AGENCY_STATE: Final = {  # the filter of the agencies' list
    "giai-the": "Đã giải thể (có cơ quan kế thừa)",
    "hoat-dong": "Đang hoạt động",
    "tat-ca": "Tất cả",
}

HOLDER_KIND: Final = {"person": "Người dùng", "client": "Hệ thống đã đăng ký"}
HOLDER_STATUS: Final = {"active": "Đang hoạt động", "suspended": "Đình chỉ"}

ROLES: Final = {role.value: ROLE_LABELS[role] for role in Role}

DELIVERY_STATUS: Final = {
    "DEAD": "Gửi hỏng (chờ gửi lại)",
    "PENDING": "Đang chờ gửi",
    "DELIVERED": "Đã gửi được",
    "CANCELLED": "Đã hủy (webhook ngừng)",
}

SYSTEM: Final = {  # the agency systems /readyz names
    "court": "Hệ thống của tòa án",
    "enforcement": "Hệ thống thi hành án dân sự",
    "procuracy": "Hệ thống của viện kiểm sát",
    "personnel": "Cơ sở dữ liệu tổ chức cán bộ (thi hành án)",
    "court-personnel": "Hệ thống cán bộ của tòa án",
    "procuracy-personnel": "Hệ thống cán bộ của viện kiểm sát",
}

BREAKER: Final = {
    "closed": "Đóng — gọi bình thường",
    "half_open": "Nửa mở — đang thử gọi lại",
    "open": "Mở — tạm ngừng gọi",
}

CHECK_STATE: Final = {
    CheckState.IDLE: "Chưa kiểm tra lần nào trên máy chủ này",
    CheckState.RUNNING: "Đang kiểm tra",
    CheckState.DONE: "Đã kiểm tra xong",
    CheckState.FAILED: "Không kiểm tra được đến cuối (mất kết nối cơ sở dữ liệu); hãy thử lại",
}

DONE: Final = {
    "cap-quyen": "Đã cấp quyền. Quyền có hiệu lực từ lần thao tác tiếp theo của người được cấp.",
    "thu-hoi": "Đã thu hồi quyền. Người bị thu hồi mất quyền từ lần thao tác tiếp theo.",
    "gui-lai": "Đã đưa lại vào hàng đợi gửi.",
    "kiem-tra": "Đã bắt đầu kiểm tra chuỗi nhật ký.",
}

REGISTRY_REFUSAL: Final = {
    RegistryRefusal.NO_HOLDER: "Không có người dùng hoặc hệ thống này trong sổ đăng ký.",
    RegistryRefusal.NO_AGENCY: "Không có cơ quan với mã này trong danh mục tổ chức.",
    RegistryRefusal.NO_GRANT: "Người này không có quyền đó tại cơ quan này để thu hồi.",
    RegistryRefusal.OWN_OPERATOR: "Không thể tự thu hồi quyền vận hành hệ thống của chính mình.",
    RegistryRefusal.INVALID: "Sổ đăng ký không chấp nhận thao tác này. Hãy kiểm tra lại và thử lại.",
}

REDRIVE_REFUSAL: Final = {
    "NOT_REDRIVABLE": "Lần gửi này không còn ở trạng thái gửi hỏng (hoặc webhook đã ngừng); không gửi lại.",
    "NOT_FOUND": "Không tìm thấy webhook này.",
    "INVALID_ARGUMENT": "Hãy chọn lần gửi hoặc webhook cần gửi lại.",
}
GENERIC_REFUSAL: Final = "Liên thông chưa thực hiện được thao tác này. Hãy thử lại."


def kind_refusal(role: str, agency_kind: str, agency_level: str, agency_name: str) -> str:
    """The registry's refusal of a role the agency's kind (or level) can never hold, in Vietnamese."""
    kind = AGENCY_KIND.get(agency_kind, agency_kind)
    level = AGENCY_LEVEL.get(agency_level, agency_level).lower()
    return (
        f"Không cấp được: {agency_name} ({kind}, cấp {level}) không thể giữ vai trò “{ROLES.get(role, role)}”. "
        "Vai trò này chỉ cấp được cho loại và cấp cơ quan được phép giữ nó."
    )
