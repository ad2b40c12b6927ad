"""A fake agency system on 127.0.0.1: the double at the adapter boundary.

It speaks the three HTTP dialects of docs/agency-interface.md from canned
records, checks the API key and the 500-key batch limit like the real services,
records every API call, and plays scripted faults for the next requests::

    fake.judgments[("court.ha-noi.kv01", "125/2026/DS-ST")] = ban_an()
    fake.court_staff["court.ha-noi.kv01"] = {"ma_toa_an": ..., "bien_che": 12, "can_bo": [...]}
    fake.faults.extend([503, "ok"])     # first API request answers 503, the next one normally
    fake.hang = True                    # API requests wait until the test ends

Faults: an int status (answered with ``{"loi": ...}``), ``"hang"``, ``"reset"``
(connection dropped mid-request), ``"not-json"``, ``"json-list"`` or ``"ok"``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API_KEY = "khoa-thu-nghiem"
Fault = int | str
Key = tuple[str, str]


@dataclass
class FakeAgency:
    judgments: dict[Key, Any] = field(default_factory=dict)
    cases: dict[Key, Any] = field(default_factory=dict)
    documents: dict[Key, Any] = field(default_factory=dict)
    court_staff: dict[str, Any] = field(default_factory=dict)  # unit code -> the court's staff record
    procuracy_staff: dict[str, Any] = field(default_factory=dict)  # unit code -> the procuracy's entry
    faults: list[Fault] = field(default_factory=list)
    hang: bool = False
    latency_s: float = 0.0
    calls: list[tuple[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    # The court's answer to a lookup may be tampered with (e.g. to forget a key).
    court_answer: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def paths(self) -> list[str]:
        return [path for path, _ in self.calls]

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._api_gate])
        app.router.add_get("/health", self._health)
        app.router.add_get("/api/ban-an", self._court_pages)
        app.router.add_get("/api/ban-an/chi-tiet", self._court_detail)
        app.router.add_post("/api/ban-an/tra-cuu", self._court_lookup)
        app.router.add_post("/thads/v1/ho-so/tra-cuu-lo", self._enforcement_lookup)
        app.router.add_post("/kiem-sat/van-ban/theo-ban-an", self._procuracy_lookup)
        app.router.add_post("/api/nhan-su/tra-cuu", self._court_staff_lookup)
        app.router.add_post("/kiem-sat/can-bo/theo-don-vi", self._procuracy_staff_lookup)
        return app

    @web.middleware
    async def _api_gate(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path != "/health":  # the health check needs no key and is not counted
            if request.headers.get("X-API-Key") != API_KEY:
                return web.json_response({"loi": "Sai khóa API"}, status=401)
            body = await request.json() if request.can_read_body else dict(request.query)
            self.calls.append((f"{request.method} {request.path}", body))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            fault = self.faults.pop(0) if self.faults else ("hang" if self.hang else "ok")
            return await self._play(fault, request, handler)
        finally:
            self.in_flight -= 1

    async def _play(
        self,
        fault: Fault,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        if isinstance(fault, int):
            return web.json_response({"loi": f"Lỗi hệ thống {fault}"}, status=fault)
        if fault == "hang":
            await self.release.wait()
            return web.json_response({"loi": "hết giờ"}, status=503)
        if fault == "reset":
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if fault == "not-json":
            return web.Response(text="<html>Bảo trì hệ thống</html>", content_type="text/html")
        if fault == "json-list":
            return web.json_response([1, 2, 3])
        return await handler(request)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"trang_thai": "ok"})

    async def _court_pages(self, request: web.Request) -> web.Response:
        page, size = int(request.query["trang"]), int(request.query["so_ban_ghi"])
        records = [self.judgments[key] for key in sorted(self.judgments)]
        chunk = records[(page - 1) * size : page * size]
        return web.json_response({"trang": page, "so_ban_ghi": size, "tong_so": len(records), "du_lieu": chunk})

    async def _court_detail(self, request: web.Request) -> web.Response:
        record = self.judgments.get((request.query["ma_toa_an"], request.query["so_ban_an"]))
        if record is None:
            return web.json_response({"loi": "Không tìm thấy bản án"}, status=404)
        return web.json_response(record)

    async def _court_lookup(self, request: web.Request) -> web.Response:
        asked = (await request.json())["danh_sach"]
        if len(asked) > 500:
            return web.json_response({"loi": "Tối đa 500 bản án mỗi lần"}, status=400)
        found, missing = [], []
        for item in asked:
            record = self.judgments.get((item["ma_toa_an"], item["so_ban_an"]))
            if record is None:
                missing.append(item)
            else:
                found.append(record)
        answer = {"ket_qua": found, "khong_tim_thay": missing}
        return web.json_response(self.court_answer(answer) if self.court_answer else answer)

    async def _enforcement_lookup(self, request: web.Request) -> web.Response:
        asked = (await request.json())["ban_an"]
        if len(asked) > 500:
            return web.json_response({"loi": "Tối đa 500 bản án mỗi lần"}, status=400)
        cases = [self.cases[key] for item in asked if (key := (item["toa_an"], item["so"])) in self.cases]
        return web.json_response({"ho_so": cases})

    async def _procuracy_lookup(self, request: web.Request) -> web.Response:
        asked = (await request.json())["ban_an"]
        if len(asked) > 500:
            return web.json_response({"loi": "Tối đa 500 bản án mỗi lần"}, status=400)
        entries = [
            {
                "ma_toa": item["ma_toa"],
                "so_ban_an": item["so_ban_an"],
                "van_ban": self.documents.get((item["ma_toa"], item["so_ban_an"]), []),
            }
            for item in asked
        ]
        return web.json_response({"ket_qua": entries})

    async def _court_staff_lookup(self, request: web.Request) -> web.Response:
        asked = [item["ma_toa_an"] for item in (await request.json())["danh_sach"]]
        if len(asked) > 500:
            return web.json_response({"loi": "Tối đa 500 đơn vị mỗi lần"}, status=400)
        found = [self.court_staff[code] for code in asked if code in self.court_staff]
        missing = [{"ma_toa_an": code} for code in asked if code not in self.court_staff]
        return web.json_response({"ket_qua": found, "khong_tim_thay": missing})

    async def _procuracy_staff_lookup(self, request: web.Request) -> web.Response:
        asked = (await request.json())["don_vi"]
        if len(asked) > 500:
            return web.json_response({"loi": "Tối đa 500 đơn vị mỗi lần"}, status=400)
        empty = {"ten_don_vi": None, "chi_tieu_bien_che": None, "can_bo": []}
        entries = [self.procuracy_staff.get(code, {"vien_kiem_sat": code, **empty}) for code in asked]
        return web.json_response({"ket_qua": entries})
