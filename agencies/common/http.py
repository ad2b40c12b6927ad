"""Request parsing and JSON answers in the agency dialect: every client mistake is a 400 with a Vietnamese message.

Handlers raise :class:`ServiceError`; the app turns it into ``{"loi": "…"}``.
Nothing a client sends should ever produce a 500.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

MAX_BATCH = 500


class ServiceError(Exception):
    """An expected failure with the status and the Vietnamese message the client sees."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def error_response(status: int, message: str) -> Response:
    return json_response({"loi": message}, status)


def query_int(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    """An integer query parameter within ``low..high``; absent means ``default``."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 12:
        raise ServiceError(400, f"Tham số '{name}' phải là số nguyên")
    value = int(text)
    if not low <= value <= high:
        raise ServiceError(400, f"Tham số '{name}' phải nằm trong khoảng {low} đến {high}")
    return value


def query_text(request: Request, name: str, *, required: bool = True) -> str | None:
    value = request.query_params.get(name)
    if value is None or not value.strip():
        if required:
            raise ServiceError(400, f"Thiếu tham số '{name}'")
        return None
    return value.strip()


async def json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ServiceError(400, "Nội dung yêu cầu không phải JSON hợp lệ") from None
    if not isinstance(payload, dict):
        raise ServiceError(400, "Nội dung yêu cầu phải là một đối tượng JSON")
    return payload


def key_batch(payload: dict[str, Any], list_field: str, court_field: str, number_field: str) -> list[tuple[str, str]]:
    """The ``(court, number)`` pairs of a batch request, at most :data:`MAX_BATCH` of them."""
    items = payload.get(list_field)
    if not isinstance(items, list):
        raise ServiceError(400, f"Trường '{list_field}' phải là một danh sách")
    if len(items) > MAX_BATCH:
        raise ServiceError(400, f"Mỗi lần tra cứu tối đa {MAX_BATCH} bản án (đã gửi {len(items)})")
    pairs: list[tuple[str, str]] = []
    for position, item in enumerate(items, start=1):
        court = item.get(court_field) if isinstance(item, dict) else None
        number = item.get(number_field) if isinstance(item, dict) else None
        if not isinstance(court, str) or not isinstance(number, str):
            raise ServiceError(
                400, f"Phần tử thứ {position} của '{list_field}' phải có '{court_field}' và '{number_field}' dạng chuỗi"
            )
        pairs.append((court, number))
    return pairs


def code_batch(payload: dict[str, Any], list_field: str, code_field: str | None = None) -> list[str]:
    """The unit codes of a batch request, at most :data:`MAX_BATCH` of them.

    Items are plain strings, or objects holding the code in ``code_field``
    (each service's dialect says which).
    """
    items = payload.get(list_field)
    if not isinstance(items, list):
        raise ServiceError(400, f"Trường '{list_field}' phải là một danh sách")
    if len(items) > MAX_BATCH:
        raise ServiceError(400, f"Mỗi lần tra cứu tối đa {MAX_BATCH} đơn vị (đã gửi {len(items)})")
    codes: list[str] = []
    for position, item in enumerate(items, start=1):
        code = item if code_field is None else (item.get(code_field) if isinstance(item, dict) else None)
        if not isinstance(code, str):
            shape = "một chuỗi" if code_field is None else f"một đối tượng có '{code_field}' dạng chuỗi"
            raise ServiceError(400, f"Phần tử thứ {position} của '{list_field}' phải là {shape}")
        codes.append(code)
    return codes
