"""The court system's HTTP API (docs/agency-interface.md, "Court system"): judgments and the courts' staff."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

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
from agencies.common.staff import COURT_STAFF, StaffRoster
from agencies.common.staff_listing import StaffListing
from agencies.court.dialect import can_bo_toa_an, nhan_su_toa_an
from agencies.court.store import CourtStore

MAX_PAGE = 1_000
MAX_PAGE_NUMBER = 10_000_000


def create_app(settings: ServiceSettings, catalogue: Catalogue | None = None) -> Starlette:
    """The court service; pass ``catalogue`` to share one already built (tests), else it is built from settings."""
    if catalogue is None:
        catalogue = Catalogue(settings.seed, settings.judgments, ReferenceData.load(settings.data_dir))
    store = CourtStore(catalogue, settings.cache_size)
    staff = StaffRoster(settings.seed, catalogue.reference, as_of=catalogue.as_of, plan=COURT_STAFF)
    listing = StaffListing(staff)

    async def list_judgments(request: Request) -> Response:
        page = query_int(request, "trang", default=1, low=1, high=MAX_PAGE_NUMBER)
        size = query_int(request, "so_ban_ghi", default=100, low=1, high=MAX_PAGE)
        rows = store.page((page - 1) * size, size)
        return json_response({"trang": page, "so_ban_ghi": size, "tong_so": store.total, "du_lieu": rows})

    async def judgment_detail(request: Request) -> Response:
        court = query_text(request, "ma_toa_an") or ""
        number = query_text(request, "so_ban_an") or ""
        record = store.get(court, number)
        if record is None:
            raise ServiceError(404, f"Không tìm thấy bản án số {number} của {court}")
        return json_response(record)

    async def lookup(request: Request) -> Response:
        pairs = key_batch(await json_object(request), "danh_sach", "ma_toa_an", "so_ban_an")
        found, missing = [], []
        for court, number in pairs:
            record = store.get(court, number)
            if record is None:
                missing.append({"ma_toa_an": court, "so_ban_an": number})
            else:
                found.append(record)
        return json_response({"ket_qua": found, "khong_tim_thay": missing})

    async def list_staff(request: Request) -> Response:
        page = query_int(request, "trang", default=1, low=1, high=MAX_PAGE_NUMBER)
        size = query_int(request, "so_ban_ghi", default=100, low=1, high=MAX_PAGE)
        rows = [can_bo_toa_an(o) for o in listing.page((page - 1) * size, size)]
        return json_response({"trang": page, "so_ban_ghi": size, "tong_so": listing.total, "du_lieu": rows})

    async def staff_lookup(request: Request) -> Response:
        codes = code_batch(await json_object(request), "danh_sach", "ma_toa_an")
        found, missing = [], []
        for code in codes:
            unit = staff.get(code)
            if unit is None:
                missing.append({"ma_toa_an": code})
            else:
                found.append(nhan_su_toa_an(unit))
        return json_response({"ket_qua": found, "khong_tim_thay": missing})

    routes = [
        ApiRoute("GET", "/api/ban-an", list_judgments),
        ApiRoute("GET", "/api/ban-an/chi-tiet", judgment_detail),
        ApiRoute("POST", "/api/ban-an/tra-cuu", lookup),
        ApiRoute("GET", "/api/nhan-su", list_staff),
        ApiRoute("POST", "/api/nhan-su/tra-cuu", staff_lookup),
    ]
    return build_service_app("court", settings, routes, store)
