"""Thống kê liên ngành (/bao-cao/lien-nganh): the interagency statistics of TTLT 12/2021 in the committee pages.

Read and written only through the hub's GraphQL (``interagency_operations``) as the signed-in person, so the
hub's policy decides: the enforcement agencies, procuracies and steering committee of a province read its
statistics, the ministry any province's; the provincial enforcement agency closes them (and closes them again,
corrected, after a dispute); the provincial procuracy counter-signs or disputes them with a note per row. The
page shows the forms 01–04/TKLN-THADS in their order, the deadline in working days, the reconciliation with
the courts and the signed steps; the forms are offered to whoever the hub would let act (it decides anyway).
Forms are POSTs with the session's form token, answered by a redirect. The files (CSV, XLSX) are
``/bao-cao/lien-nganh.csv`` and ``.xlsx`` with the same query string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from console.pages import interagency_labels as labels
from console.pages import interagency_operations as ops
from console.pages.dashboard_period import hub_today, province_choices
from console.pages.interagency_exports import filename, render_csv, render_xlsx
from console.views import SignedIn, checked_form, common, console_of, member_of, page, refused
from domain.access import Role
from domain.interagency import closes_on, interagency_period
from domain.registers import statistical_year

HERE: Final = "/bao-cao/lien-nganh"
READERS: Final = frozenset({Role.ENFORCEMENT_CLERK, Role.PROCURACY, Role.COMMITTEE, Role.MINISTRY})
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def interagency_routes() -> list[BaseRoute]:
    return [
        Route(HERE, interagency_page, methods=["GET"]),
        Route(HERE + ".csv", download_csv, methods=["GET"]),
        Route(HERE + ".xlsx", download_xlsx, methods=["GET"]),
        Route(HERE + "/khoa", close, methods=["POST"]),
        Route(HERE + "/ky-xac-nhan", countersign, methods=["POST"]),
        Route(HERE + "/khong-thong-nhat", dispute, methods=["POST"]),
    ]


@dataclass(frozen=True, slots=True)
class Asked:
    """The province and period the page shows (``tinh``, ``nam``, ``thang`` of the query string)."""

    province: str
    year: int
    months: int

    def query(self, **more: str) -> str:
        return urlencode({"tinh": self.province, "nam": self.year, "thang": self.months, **more})

    def variables(self) -> dict[str, Any]:
        return {"province": self.province, "period": {"statisticalYear": self.year, "months": self.months}}


def latest_period(today: date) -> tuple[int, int]:
    """The last period (3, 6, 10 or 12 months) that may be closed ``today``: the one the page opens on."""
    running = statistical_year(today)
    for year in (running, running - 1):
        for months in sorted(labels.MONTHS, reverse=True):
            if closes_on(interagency_period(year, months)) <= today:
                return year, months
    return running - 1, 12


@dataclass(frozen=True, slots=True)
class Me:
    province: str | None
    kind: str | None
    level: str | None


async def _me(request: Request, who: SignedIn) -> Me:
    outcome = await console_of(request).hub.execute(request, who.principal, ops.ME)
    agency = ((outcome.data or {}).get("me") or {}).get("agency") or {}
    return Me(agency.get("provinceCode"), agency.get("kind"), agency.get("level"))


def _int(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() and len(raw) <= 4 else None


def _asked(params: Mapping[str, str], today: date, own: str | None) -> Asked | None:
    """What the query string asks (None: not a period the page offers); the person's own province by default."""
    year, months = latest_period(today)
    province = (params.get("tinh") or own or "").strip()[:64]
    wanted_year = _int(params.get("nam")) if "nam" in params else year
    wanted_months = _int(params.get("thang")) if "thang" in params else months
    if not province or wanted_year is None or wanted_months not in labels.MONTHS or not 2000 <= wanted_year <= 2100:
        return None
    return Asked(province, wanted_year, wanted_months)


async def _reader(request: Request) -> SignedIn | Response:
    return await member_of(request, READERS, labels.NOT_YOURS, HERE)


async def _read(
    request: Request, who: SignedIn, default_province: str | None = None
) -> tuple[Asked | None, dict[str, Any] | None, Response | None]:
    """The statistics asked for, or the answer to give instead (a refusal, a bad period).

    The province is the query string's, else the person's agency's, else ``default_province`` (the ministry's
    picker's first)."""
    me = await _me(request, who)
    asked = _asked(request.query_params, hub_today(request), me.province or default_province)
    if asked is None:
        return None, None, None
    outcome = await console_of(request).hub.execute(request, who.principal, ops.READ, asked.variables())
    if outcome.forbidden:
        return asked, None, await refused(request, who, labels.OTHER_PROVINCE, HERE)
    return asked, (outcome.data or {}).get("interagencyStatistics"), None


def _deadline(stats: Mapping[str, Any]) -> int | None:
    """Working days left (negative: late), as ``console/format.py``'s ``deadline`` takes them."""
    d = stats["deadline"]
    if d["workingDays"] is None or d["state"] not in ("PENDING", "OVERDUE"):
        return None
    return -int(d["workingDays"]) if d["state"] == "OVERDUE" else int(d["workingDays"])


def _actions(me: Me, stats: Mapping[str, Any]) -> set[str]:
    """The forms to offer: what the hub would let this person's agency do now."""
    if me.province != stats["province"] or me.level != "PROVINCIAL":
        return set()
    if me.kind == "ENFORCEMENT" and stats["status"] in ("DRAFT", "DISPUTED"):
        return {"close"}
    if me.kind == "PROCURACY" and stats["status"] == "CLOSED":
        return {"countersign", "dispute"}
    return set()


def _forms(stats: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows grouped by form, in order."""
    forms: dict[str, dict[str, Any]] = {}
    for row in stats["rows"]:
        form = forms.setdefault(row["form"], {"code": row["form"], "title": row["formTitle"], "rows": []})
        form["rows"].append({**row, "shown": labels.value(row["value"], row["unit"])})
    return list(forms.values())


async def interagency_page(request: Request) -> Response:
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    me = await _me(request, who)
    frame = await common(request, who, HERE)
    provinces: list[dict[str, str]] = []
    if Role.MINISTRY in who.principal.roles:
        outcome = await console_of(request).hub.execute(request, who.principal, ops.PROVINCES)
        choices = province_choices((outcome.data or {}).get("agencies"))
        provinces = [{"code": code, "name": name} for code, name in choices.items()]
    today = hub_today(request)
    default_year, _ = latest_period(today)
    years = [default_year - i for i in range(3)]
    form: dict[str, Any] = {"provinces": provinces, "years": years, "labels": labels}
    asked, stats, answer = await _read(request, who, provinces[0]["code"] if provinces else None)
    if answer is not None:
        return answer
    if asked is None:
        return page(request, "interagency.html", 400, problem=labels.BAD_PERIOD, asked=None, **form, **frame)
    if stats is None:
        return page(request, "interagency.html", 503, problem=labels.UNAVAILABLE, asked=asked, **form, **frame)
    failed = request.query_params.get("loi", "")
    return page(
        request,
        "interagency.html",
        asked=asked,
        stats=stats,
        forms=_forms(stats),
        deadline_left=_deadline(stats),
        actions=_actions(me, stats),
        done=labels.DONE.get(request.query_params.get("xong", "")),
        failed=labels.ERRORS.get(failed, "Không thực hiện được thao tác." if failed else ""),
        links={"csv": f"{HERE}.csv?{asked.query()}", "xlsx": f"{HERE}.xlsx?{asked.query()}"},
        **form,
        **frame,
    )


async def _download(request: Request, extension: str) -> Response:
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    asked, stats, answer = await _read(request, who)
    if answer is not None:
        return answer
    if asked is None or stats is None:
        return RedirectResponse(HERE, status_code=303)
    body, media = (render_csv(stats), "text/csv; charset=utf-8") if extension == "csv" else (render_xlsx(stats), XLSX)
    return Response(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{filename(stats, extension)}"'}
    )


async def download_csv(request: Request) -> Response:
    return await _download(request, "csv")


async def download_xlsx(request: Request) -> Response:
    return await _download(request, "xlsx")


async def _act(request: Request, step: str) -> Response:
    """Close, counter-sign or dispute, then back to the page saying what was done or why not."""
    who = await _reader(request)
    if not isinstance(who, SignedIn):
        return who
    form = await checked_form(request, who, HERE)
    if isinstance(form, Response):
        return form
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    asked = _asked(fields, hub_today(request), None)
    if asked is None:
        return RedirectResponse(HERE, status_code=303)
    variables = asked.variables()
    if step == "close":
        document, field = ops.CLOSE, "closeInteragencyStatistics"
        variables["note"] = fields.get("ghi-chu", "").strip() or None
    elif step == "countersign":
        document, field = ops.COUNTERSIGN, "countersignInteragencyStatistics"
    else:
        document, field = ops.DISPUTE, "disputeInteragencyStatistics"
        variables["notes"] = [
            {"row": name.removeprefix("y-kien-"), "note": text.strip()}
            for name, text in fields.items()
            if name.startswith("y-kien-") and text.strip()
        ]
    outcome = await console_of(request).hub.execute(request, who.principal, document, variables)
    if outcome.forbidden:
        return await refused(request, who, labels.OTHER_PROVINCE, HERE)
    payload = (outcome.data or {}).get(field) or {}
    errors = payload.get("userErrors") or []
    if payload.get("statistics") and not errors:
        return RedirectResponse(f"{HERE}?{asked.query(xong=step)}", status_code=303)
    code = errors[0]["code"] if errors else "UNAVAILABLE"
    return RedirectResponse(f"{HERE}?{asked.query(loi=code)}", status_code=303)


async def close(request: Request) -> Response:
    return await _act(request, "close")


async def countersign(request: Request) -> Response:
    return await _act(request, "countersign")


async def dispute(request: Request) -> Response:
    return await _act(request, "dispute")
