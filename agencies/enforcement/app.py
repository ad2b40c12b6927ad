"""The enforcement system's HTTP API (docs/agency-interface.md, "Enforcement system")."""

from __future__ import annotations

from datetime import date

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue
from agencies.common.dialect import parse_date
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
from agencies.common.staff import StaffRoster
from agencies.enforcement.statistics import Statistics
from agencies.enforcement.store import CaseStore
from domain.types import AgencyKind

MAX_PAGE = 1_000
MAX_OFFSET = 1_000_000_000
MAX_STATISTICS_DAYS = 3 * 366


def create_app(settings: ServiceSettings, catalogue: Catalogue | None = None) -> Starlette:
    """The enforcement service; pass ``catalogue`` to share one already built (tests)."""
    if catalogue is None:
        catalogue = Catalogue(settings.seed, settings.judgments, ReferenceData.load(settings.data_dir))
    roster = StaffRoster(settings.seed, catalogue.reference, as_of=catalogue.as_of)
    store = CaseStore(CaseBook(catalogue, roster), settings.cache_size)
    agencies = catalogue.reference.agencies
    statistics = Statistics(store)

    async def list_cases(request: Request) -> Response:
        offset = query_int(request, "vi_tri", default=0, low=0, high=MAX_OFFSET)
        limit = query_int(request, "gioi_han", default=100, low=1, high=MAX_PAGE)
        unit = query_text(request, "ma_co_quan", required=False)
        if unit is not None and (unit not in agencies or agencies[unit].kind is not AgencyKind.ENFORCEMENT):
            raise ServiceError(400, f"Không có cơ quan thi hành án dân sự mã '{unit}'")
        rows = store.page(offset, limit, unit)
        more = offset + len(rows) < store.count(unit)
        return json_response({"vi_tri": offset, "gioi_han": limit, "con_nua": more, "ho_so": rows})

    async def lookup(request: Request) -> Response:
        pairs = key_batch(await json_object(request), "ban_an", "toa_an", "so")
        rows = [record for court, number in pairs if (record := store.get(court, number)) is not None]
        return json_response({"ho_so": rows})

    async def report(request: Request) -> Response:
        payload = await json_object(request)
        units = code_batch(payload, "don_vi")
        for unit in units:
            if unit not in agencies or agencies[unit].kind is not AgencyKind.ENFORCEMENT:
                raise ServiceError(400, f"Không có cơ quan thi hành án dân sự mã '{unit}'")
        start, end = _day(payload, "tu_ngay"), _day(payload, "den_ngay")
        if end < start or (end - start).days >= MAX_STATISTICS_DAYS:
            raise ServiceError(400, f"Khoảng thời gian không hợp lệ (tối đa {MAX_STATISTICS_DAYS} ngày)")
        return json_response(statistics.report(units, start, end))

    routes = [
        ApiRoute("GET", "/thads/v1/ho-so", list_cases),
        ApiRoute("POST", "/thads/v1/ho-so/tra-cuu-lo", lookup),
        ApiRoute("POST", "/thads/v1/thong-ke", report),
    ]
    return build_service_app("enforcement", settings, routes, store)


def _day(payload: dict[str, object], name: str) -> date:
    value = payload.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse_date(value)
    except ValueError:
        raise ServiceError(400, f"Trường '{name}' phải là ngày dạng dd/mm/yyyy") from None
