"""``GET /reports/committee`` (the printable page), ``….xlsx`` and ``….csv`` (downloads).

The same report as the ``committeeReport`` query, under the same rules: the
request's bearer token (``Authenticate``), then
``resolvers.reports_query.require_report_access`` and ``period_of`` (a
committee its own province, the ministry everything; the same period checks),
then ``resolvers.reports.build_committee_report``. Parameters::

    province=ha-noi         omitted: the national roll-up (ministry only)
    year=2026&months=6      a statistical year, cumulative over 1..12 months from 1 October
    from=2026-01-01&to=2026-03-31   or an explicit range (ISO dates, both included)

A mistake in the parameters is a ``400`` JSON error naming it (the hub's
usual ``{"errors": [{"message", "extensions": {"code"}}]}``), a report out of
reach a ``403``; never a ``500``. The page and the files are made for one
principal, so they are never cached (``Cache-Control: no-store``).

A person in a browser has no bearer token but the console's session: the same
page and files are at ``GET /bao-cao/in``, ``/bao-cao/tai-ve.xlsx`` and
``/bao-cao/tai-ve.csv`` with the same parameters (the dashboard's links,
``console/pages/dashboard.py``), made for the signed-in person's principal.
Without a session they send to the sign-in page; a refusal is the console's
Vietnamese page, a mistake in the period goes back to the dashboard, which
says what is wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from console.pages import dashboard_labels
from console.pages.dashboard import HERE as DASHBOARD
from console.pages.dashboard import READERS
from console.views import SignedIn, member_of, refused
from domain.access import Principal
from domain.errors import BadInput, HubError
from domain.messages import language_of, msg, tell
from domain.provinces import province_names
from domain.reports.committee import CommitteeReport
from gateway.reports.columns import filename
from gateway.reports.page import CONTENT_SECURITY_POLICY
from gateway.reports.render import Format, render
from gateway.state import hub_of
from resolvers.reports import ReportSources, build_committee_report
from resolvers.reports_query import MAX_CODE, period_of, report_province, require_report_access
from schema.types.report import ReportPeriodInput

PARAMETERS: Final = frozenset({"province", "year", "months", "from", "to"})
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _integer(name: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadInput(msg("{name} must be a whole number, not {raw}", name=name, raw=repr(raw))) from None


def _day(name: str, raw: str | None) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(msg("{name} must be an ISO date (YYYY-MM-DD), not {raw}", name=name, raw=repr(raw))) from None


def report_request(request: Request) -> tuple[str | None, ReportPeriodInput]:
    """The province and the period the query string asks for; BAD_USER_INPUT naming the first mistake."""
    params = request.query_params
    unknown = sorted(set(params.keys()) - PARAMETERS)
    if unknown:
        raise BadInput(
            msg(
                "unknown parameter {name}; use province, year and months, or from and to",
                name=repr(unknown[0]),
            )
        )
    for name in PARAMETERS:
        values = params.getlist(name)
        if len(values) > 1:
            raise BadInput(msg("{name} is given {count} times", name=name, count=len(values)))
        if values and len(values[0]) > MAX_CODE:
            raise BadInput(msg("{name} is longer than {limit} characters", name=name, limit=MAX_CODE))
    province = params.get("province")
    if province is not None and not province.strip():
        raise BadInput(msg("province is empty; leave it out for the national roll-up"))
    period = ReportPeriodInput(
        statistical_year=_integer("year", params.get("year")),
        months=_integer("months", params.get("months")),
        from_=_day("from", params.get("from")),
        to=_day("to", params.get("to")),
    )
    return province, period


def _error(request: Request, status: int, error: HubError) -> Response:
    """The hub's usual error document, its message told in the language the request asks for."""
    message = tell(error.message, language_of(request.headers.get("accept-language")))
    body = {"errors": [{"message": message, "extensions": error.extensions()}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


_STATUS: Final = {"BAD_USER_INPUT": 400, "FORBIDDEN": 403, "NOT_FOUND": 404}


async def _report(request: Request, principal: Principal) -> CommitteeReport:
    """The report the query string asks for, as ``principal`` may read it; a HubError otherwise."""
    province, given = report_request(request)  # a mistake in the parameters is refused before anything is read
    hub = hub_of(request.app)
    period = period_of(given, hub.clock.today())
    code = report_province(
        province, province_names(hub.agencies.values())
    )  # as people write it; a misspelling is BAD_USER_INPUT
    require_report_access(principal, hub.agencies, code)
    return await build_committee_report(ReportSources.of(hub), province=code, period=period)


async def _serve(request: Request, fmt: Format) -> Response:
    principal: Principal = request.scope["state"]["principal"]  # set by Authenticate; no route without it
    try:
        report = await _report(request, principal)
    except HubError as exc:  # a client's mistake, a refusal, or an agency system that failed us: said, not masked
        return _error(request, _STATUS.get(exc.code, 503), exc)
    return await _file(report, fmt)


async def _file(report: CommitteeReport, fmt: Format) -> Response:
    body = await run_in_threadpool(render, report, fmt)  # openpyxl is CPU work: keep the event loop free
    headers = {"cache-control": "no-store"}
    if fmt is Format.HTML:
        headers["content-security-policy"] = CONTENT_SECURITY_POLICY
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)
    headers["content-disposition"] = f'attachment; filename="{filename(report, fmt.value)}"'
    media_type = XLSX_MEDIA_TYPE if fmt is Format.XLSX else "text/csv; charset=utf-8"
    return Response(body, media_type=media_type, headers=headers)


async def committee_page(request: Request) -> Response:
    return await _serve(request, Format.HTML)


async def committee_xlsx(request: Request) -> Response:
    return await _serve(request, Format.XLSX)


async def committee_csv(request: Request) -> Response:
    return await _serve(request, Format.CSV)


async def _serve_session(request: Request, fmt: Format) -> Response:
    """The page or a file for the person signed in to the console (no bearer token: the session cookie)."""
    who = await member_of(request, READERS, dashboard_labels.NOT_YOURS, DASHBOARD)
    if not isinstance(who, SignedIn):
        return who  # no session: the sign-in page; another kind of person: the refusal
    try:
        report = await _report(request, who.principal)
    except HubError as exc:
        if exc.code == "FORBIDDEN":
            return await refused(request, who, dashboard_labels.OTHER_PROVINCE, DASHBOARD)
        if exc.code == "BAD_USER_INPUT":  # the dashboard says what is wrong with the period
            query = request.url.query
            return RedirectResponse(DASHBOARD + ("?" + query if query else ""), status_code=303)
        return await refused(request, who, dashboard_labels.UNAVAILABLE, DASHBOARD)
    return await _file(report, fmt)


async def session_page(request: Request) -> Response:
    return await _serve_session(request, Format.HTML)


async def session_xlsx(request: Request) -> Response:
    return await _serve_session(request, Format.XLSX)


async def session_csv(request: Request) -> Response:
    return await _serve_session(request, Format.CSV)


def report_routes() -> list[Route]:
    """The routes ``gateway.app`` mounts (fresh objects for every app)."""
    return [
        Route("/reports/committee", committee_page, methods=["GET"]),
        Route("/reports/committee.xlsx", committee_xlsx, methods=["GET"]),
        Route("/reports/committee.csv", committee_csv, methods=["GET"]),
        # the console's prefix /bao-cao/ (console/routes.py): the gateway asks no bearer token, the session decides
        Route("/bao-cao/in", session_page, methods=["GET"]),
        Route("/bao-cao/tai-ve.xlsx", session_xlsx, methods=["GET"]),
        Route("/bao-cao/tai-ve.csv", session_csv, methods=["GET"]),
    ]
