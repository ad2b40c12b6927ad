"""What every part of the operations page shares: who may open it, its refusals, its answers to a form."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.pages import operations_labels as labels
from console.views import SignedIn, checked_form, common, member_of, page, refused
from domain.access import Role

HERE: Final = "/van-hanh"
OPERATORS: Final = frozenset({Role.OPERATOR})
NOT_YOURS: Final = (
    "Trang Vận hành chỉ dành cho cán bộ vận hành hệ thống Liên thông. Tài khoản của bạn không có quyền xem trang này."
)

SECTIONS: Final = (  # the operations page's parts, in menu order: (path, title, what it is for)
    (
        HERE + "/co-quan",
        "Cơ quan và cơ quan kế thừa",
        "Danh mục cơ quan; cơ quan đã giải thể và nơi tiếp nhận công việc.",
    ),
    (
        HERE + "/nguoi-dung",
        "Người dùng và quyền",
        "Người dùng, hệ thống đã đăng ký và quyền của họ; cấp, thu hồi quyền.",
    ),
    (HERE + "/khoa-toa-an", "Khóa ký số của tòa án", "Khóa công khai các tòa án dùng để ký bản án chuyển giao."),
    (HERE + "/webhook", "Webhook và lần gửi hỏng", "Địa chỉ nhận sự kiện của các cơ quan, lần gửi hỏng và gửi lại."),
    (HERE + "/san-sang", "Sẵn sàng và cầu dao", "Cơ sở dữ liệu, hệ thống các cơ quan và cầu dao tự ngắt."),
    (HERE + "/nhat-ky", "Kiểm tra nhật ký", "Kiểm tra tính toàn vẹn của chuỗi nhật ký kiểm toán."),
)


async def operator(request: Request) -> SignedIn | Response:
    """The signed-in operator, or the answer instead (the sign-in page, or the refusal showing nothing)."""
    return await member_of(request, OPERATORS, NOT_YOURS, HERE)


async def not_yours(request: Request, who: SignedIn) -> Response:
    return await refused(request, who, NOT_YOURS, HERE)


async def posted(request: Request, who: SignedIn) -> dict[str, str] | Response:
    """A form's fields (text only) if it carries the session's form token; otherwise the refusal (403)."""
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    return {key: value.strip() for key, value in form.items() if isinstance(value, str)}


def back(path: str, **query: str) -> Response:
    """Post/Redirect/Get: to ``path`` with what happened in its query."""
    shown = {key.replace("_", "-"): value for key, value in query.items() if value}
    return RedirectResponse(path + ("?" + urlencode(shown) if shown else ""), status_code=303)


async def section(
    request: Request, who: SignedIn, template: str, here: str, status_code: int = 200, **values: Any
) -> Response:
    """One part of the operations page in the operator's frame, with its menu of parts and the form's outcome."""
    done = labels.DONE.get(request.query_params.get("xong", ""))
    return page(
        request,
        template,
        status_code,
        labels=labels,
        sections=SECTIONS,
        section_here=here,
        done=done,
        **values,
        **await common(request, who, HERE),
    )
