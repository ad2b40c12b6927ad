"""The console's URLs (Vietnamese paths), mounted by the gateway; pages authenticate by session cookie."""

from __future__ import annotations

from typing import Final

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from console import signin, views
from console.pages import inbox_live
from console.pages.coordination import coordination_routes
from console.pages.court import court_routes
from console.pages.dashboard import dashboard_routes
from console.pages.inbox import inbox_routes
from console.pages.interagency import interagency_routes
from console.pages.operations import operations_routes
from console.pages.personnel import personnel_routes
from console.pages.procuracy import procuracy_routes
from console.paths import STATIC_DIR

CONSOLE_PATHS: Final = frozenset(
    {
        "/",
        "/dang-xuat",
        "/dang-nhap",
        "/dang-nhap/xong",
        "/dang-nhap/thu",
        "/hop-thu",
        "/toa-an",
        "/bao-cao",
        "/to-chuc-can-bo",
    }
    | {"/van-hanh"}  # Vận hành (console/pages/operations.py)
)
"""Exact paths of console pages (the gateway lets them through without a bearer token)."""
# /bao-cao/…: gateway/reports; /van-hanh/…: Vận hành's parts
CONSOLE_PREFIXES: Final = ("/console/", "/hop-thu/", "/toa-an/", "/bao-cao/", "/van-hanh/")
COORDINATION_PATHS: Final = frozenset({"/phoi-hop", "/vien-kiem-sat"})  # Phối hợp, Viện kiểm sát
COORDINATION_PREFIXES: Final = ("/phoi-hop/", "/vien-kiem-sat/")


def console_routes() -> list[BaseRoute]:
    return [
        Route("/", views.home, methods=["GET"]),
        Route("/dang-xuat", views.sign_out, methods=["POST"]),
        Route("/dang-nhap", signin.start, methods=["GET"]),
        Route("/dang-nhap/xong", signin.callback, methods=["GET"]),
        Route(signin.DEMO_PATH, signin.demo, methods=["POST"]),  # demo mode without a provider only
        Route(inbox_live.PATH, inbox_live.events, methods=["GET"]),  # before /hop-thu/{transfer_id}
        *inbox_routes(),  # Hộp thư đến: /hop-thu, /hop-thu/{id}, its Vào sổ and Trả lại
        *court_routes(),  # Tòa án: /toa-an, /toa-an/{id}, its explanation requests and their answers
        *operations_routes(),  # Vận hành: /van-hanh and its parts (operator only)
        *coordination_routes(),  # Phối hợp: /phoi-hop, /phoi-hop/yeu-cau/{id}, opening and answering requests
        *procuracy_routes(),  # Viện kiểm sát: /vien-kiem-sat, a supervised transfer's deadlines
        *interagency_routes(),  # Thống kê liên ngành: /bao-cao/lien-nganh, its files and its signing forms
        *dashboard_routes(),  # Báo cáo: /bao-cao (its files and printable page: gateway/reports/routes.py)
        *personnel_routes(),  # Tổ chức cán bộ: /to-chuc-can-bo
        Mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static"),
    ]


def is_console_path(path: str) -> bool:
    return (
        path in CONSOLE_PATHS
        or path in COORDINATION_PATHS
        or path.startswith(CONSOLE_PREFIXES)
        or path.startswith(COORDINATION_PREFIXES)
    )
