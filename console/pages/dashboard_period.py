"""The period and province the dashboard is asked for, read from its GET form, and the links that keep them.

The parameters are the report downloads' own (``province``, ``year`` and ``months``, or ``from`` and ``to``:
``gateway/reports/routes.py``), so the dashboard's links to the files and the printable page carry its
query string as it is. Without a period the dashboard shows the statistical year running on the hub's
clock (1 October – 30 September: in December 2026 that is statistical year 2027), cumulative up to the
current month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request

from domain.clock import Clock
from domain.registers import statistical_year

FIRST_MONTH: Final = 10  # a statistical year starts on 1 October
YEARS_SHOWN: Final = 5  # statistical years offered in the picker, the running one first


def hub_today(request: Request) -> date:
    """Today on the hub's clock (a demo or a test may have put the hub on another day)."""
    clock = getattr(getattr(request.app.state, "hub", None), "clock", None)
    if not isinstance(clock, Clock):
        raise RuntimeError("the hub's clock is not wired: gateway.lifespan sets app.state.hub")
    return clock.today()


def months_elapsed(day: date) -> int:
    """Months of the statistical year up to and including ``day``'s month (October: 1, September: 12)."""
    return (day.month - FIRST_MONTH) % 12 + 1


@dataclass(frozen=True, slots=True)
class Asked:
    """A report's province (None: the national roll-up) and its period, cumulative or explicit; text as given."""

    province: str | None
    year: str = ""
    months: str = ""
    start: str = ""
    end: str = ""

    @property
    def explicit(self) -> bool:
        return bool(self.start or self.end)

    def period(self) -> dict[str, Any] | None:
        """``ReportPeriodInput`` variables, or None when a value is not even a number or a date."""
        try:
            if self.explicit:
                return {
                    "from": date.fromisoformat(self.start).isoformat(),
                    "to": date.fromisoformat(self.end).isoformat(),
                }
            return {"statisticalYear": int(self.year), "months": int(self.months)}
        except ValueError:
            return None

    def query(self) -> str:
        """The query string of this report (the download links' and the printable page's)."""
        pairs = [("province", self.province or "")]
        if self.explicit:
            pairs += [("from", self.start), ("to", self.end)]
        else:
            pairs += [("year", self.year), ("months", self.months)]
        return urlencode([(key, value) for key, value in pairs if value])


def asked(params: QueryParams, today: date, own_province: str | None) -> Asked:
    """What the form asks for; the running statistical year when it names no period.

    ``own_province``: a committee's province, always its report's (the hub would refuse any other; the
    form does not offer one). None for the ministry, whose ``province`` left empty is the national roll-up.
    """
    province = own_province or (params.get("province") or "").strip() or None
    start, end = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    year, months = (params.get("year") or "").strip(), (params.get("months") or "").strip()
    if start or end:
        return Asked(province, start=start, end=end)
    if not year and not months:
        return Asked(province, str(statistical_year(today)), str(months_elapsed(today)))
    return Asked(province, year or str(statistical_year(today)), months or "12")


def province_choices(agencies: list[dict[str, Any]] | None) -> dict[str, str]:
    """The provinces a ministry's picker offers, code → name, by name: the active provincial enforcement agencies
    (``agencies(kind: ENFORCEMENT, level: PROVINCIAL)``) name them."""
    found = {a["provinceCode"]: a["name"] for a in agencies or [] if a["active"] and a["provinceCode"]}
    return dict(sorted(found.items(), key=lambda pair: pair[1]))


def year_choices(today: date, chosen: str) -> list[int]:
    """The statistical years the picker offers: the running one and the years before (and the one chosen)."""
    running = statistical_year(today)
    years = [running - i for i in range(YEARS_SHOWN)]
    if chosen.isdigit() and int(chosen) not in years:
        years.append(int(chosen))
    return sorted(years, reverse=True)
