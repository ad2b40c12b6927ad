"""The procuracy system's HTTP API (docs/agency-interface.md, "Procuracy system"): supervision and staff."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue
from agencies.common.http import (
    ServiceError,
    code_batch,
    json_object,
    json_response,
    key_batch,
    query_int,
    query_text,
)
from agencies.common.reference import ReferenceData
from agencies.common.service import ApiRoute, build_service_app
from agencies.common.settings import ServiceSettings
from agencies.common.staff import PROCURACY_STAFF, StaffRoster
from agencies.common.staff_listing import StaffListing
from agencies.procuracy.dialect import (
    can_bo_vks,
    decode_cursor,
    decode_staff_cursor,
    don_vi_vks,
    encode_cursor,
    encode_staff_cursor,
)
from agencies.procuracy.store import SupervisionStore

MAX_PAGE = 1_000


def create_app(settings: ServiceSettings, catalogue: Catalogue | None = None) -> Starlette:
    """The procuracy service; pass ``catalogue`` to share one already built (tests)."""
    if catalogue is None:
        catalogue = Catalogue(settings.seed, settings.judgments, ReferenceData.load(settings.data_dir))
    roster = StaffRoster(settings.seed, catalogue.reference, as_of=catalogue.as_of)
    store = SupervisionStore(CaseBook(catalogue, roster), settings.cache_size)
    staff = StaffRoster(settings.seed, catalogue.reference, as_of=catalogue.as_of, plan=PROCURACY_STAFF)
    listing = StaffListing(staff)

    async def list_documents(request: Request) -> Response:
        limit = query_int(request, "so_luong", default=100, low=1, high=MAX_PAGE)
        cursor = query_text(request, "sau", required=False)
        position, document = 0, 0
        if cursor is not None:
            try:
                position, document = decode_cursor(cursor)
            except ValueError:
                raise ServiceError(400, "Con trỏ phân trang 'sau' không hợp lệ") from None
        rows, following = store.page(position, document, limit)
        next_cursor = None if following is None else encode_cursor(*following)
        return json_response({"van_ban": rows, "con_tro_tiep": next_cursor})

    async def by_judgment(request: Request) -> Response:
        pairs = key_batch(await json_object(request), "ban_an", "ma_toa", "so_ban_an")
        results = [
            {"ma_toa": court, "so_ban_an": number, "van_ban": store.for_judgment(court, number)}
            for court, number in pairs
        ]
        return json_response({"ket_qua": results})

    async def list_staff(request: Request) -> Response:
        limit = query_int(request, "so_luong", default=100, low=1, high=MAX_PAGE)
        cursor = query_text(request, "sau", required=False)
        offset = 0
        if cursor is not None:
            try:
                offset = decode_staff_cursor(cursor)
            except ValueError:
                raise ServiceError(400, "Con trỏ phân trang 'sau' không hợp lệ") from None
        rows = [can_bo_vks(o) for o in listing.page(offset, limit)]
        following = offset + len(rows)
        next_cursor = encode_staff_cursor(following) if following < listing.total else None
        return json_response({"can_bo": rows, "con_tro_tiep": next_cursor})

    async def staff_by_unit(request: Request) -> Response:
        codes = code_batch(await json_object(request), "don_vi")
        return json_response({"ket_qua": [don_vi_vks(code, staff.get(code)) for code in codes]})

    routes = [
        ApiRoute("GET", "/kiem-sat/van-ban", list_documents),
        ApiRoute("POST", "/kiem-sat/van-ban/theo-ban-an", by_judgment),
        ApiRoute("GET", "/kiem-sat/can-bo", list_staff),
        ApiRoute("POST", "/kiem-sat/can-bo/theo-don-vi", staff_by_unit),
    ]
    return build_service_app("procuracy", settings, routes, store)
