"""The procuracy system's HTTP API (docs/agency-interface.md, "Procuracy system")."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue
from agencies.common.http import ServiceError, json_object, json_response, key_batch, query_int, query_text
from agencies.common.reference import ReferenceData
from agencies.common.service import ApiRoute, build_service_app
from agencies.common.settings import ServiceSettings
from agencies.common.staff import StaffRoster
from agencies.procuracy.dialect import decode_cursor, encode_cursor
from agencies.procuracy.store import SupervisionStore

MAX_PAGE = 1_000


def create_app(settings: ServiceSettings, catalogue: Catalogue | None = None) -> Starlette:
    """The procuracy service; pass ``catalogue`` to share one already built (tests)."""
    if catalogue is None:
        catalogue = Catalogue(settings.seed, settings.judgments, ReferenceData.load(settings.data_dir))
    roster = StaffRoster(settings.seed, catalogue.reference, as_of=catalogue.as_of)
    store = SupervisionStore(CaseBook(catalogue, roster), settings.cache_size)

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

    routes = [
        ApiRoute("GET", "/kiem-sat/van-ban", list_documents),
        ApiRoute("POST", "/kiem-sat/van-ban/theo-ban-an", by_judgment),
    ]
    return build_service_app("procuracy", settings, routes, store)
