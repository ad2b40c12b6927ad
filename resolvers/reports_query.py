"""`committeeReport`: a steering committee's report on its province, the ministry's on any province or the nation.

Access (``domain/policy.py``): a committee reads its own province's report; a
province other than its own, or the national roll-up (``province`` omitted),
is FORBIDDEN — the report is an aggregate of public agencies, so refusing
leaks nothing, and an empty report would read as "nothing happened". The
ministry reads every province and the national roll-up. The use case is
``resolvers/reports.py`` (also used by the command line and the bench).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import strawberry

from domain.access import Principal
from domain.errors import BadInput
from domain.messages import msg
from domain.policy import Denied, Reach, require
from domain.provinces import ProvinceName, province_slug
from domain.reports.period import Period, PeriodError, period_named
from domain.types import Agency
from resolvers.context import Context
from resolvers.reports import ReportSources, build_committee_report
from schema.types.report import CommitteeReport, ReportPeriodInput, committee_report

Info = strawberry.Info[Context, None]
MAX_CODE = 64


def period_of(given: ReportPeriodInput, today: date) -> Period:
    """The period a ``ReportPeriodInput`` names; BAD_USER_INPUT unless exactly one form is complete and valid.

    A period that starts after ``today`` (the hub's clock) has not happened: it has no figures, and a
    report "carrying forward" today's open cases would read as that period's, so it is refused too.
    """
    try:
        period = period_named(
            given.statistical_year,
            given.months,
            given.from_,
            given.to,
            names=("statisticalYear", "months", "from", "to"),
        )
    except PeriodError as exc:
        raise BadInput.of(exc) from exc
    if period.start > today:
        what = (
            msg("statistical year {year}", year=period.statistical_year)
            if period.statistical_year is not None
            else msg("the period")
        )
        raise BadInput(
            msg(
                "{what} starts on {start} ({iso}), after today ({today}): a period that has not begun has no figures",
                what=what,
                start=f"{period.start:%d/%m/%Y}",
                iso=period.start.isoformat(),
                today=f"{today:%d/%m/%Y}",
            )
        )
    return period


def report_province(province: str | None, provinces: Iterable[ProvinceName]) -> str | None:
    """The slug of the province a report asks for, however it is written (domain/provinces.py); None: national."""
    if province is not None and len(province) > MAX_CODE:
        raise BadInput(msg("province is longer than {limit} characters", limit=MAX_CODE))
    return province_slug(province, provinces)


def require_report_access(principal: Principal, agencies: Mapping[str, Agency], province: str | None) -> None:
    """FORBIDDEN unless ``principal`` may read ``province``'s report (``None``: the national roll-up).

    The policy row ``committeeReport`` (``domain/policy.py``) says who may call at
    all; a committee (reach PROVINCE) then reads its own agency's province only.
    Shared with the report downloads (``gateway/reports/routes.py``), so a file and the query answer alike.
    """
    if require(principal, "committeeReport") is Reach.ALL:
        return
    own = agencies.get(principal.agency_code)
    mine = own.province_code if own is not None else None
    if province is None or mine is None or province != mine:
        raise Denied(msg("a steering committee reads the report of its own province only"))


@strawberry.type
class ReportQueries:
    @strawberry.field(
        description="Circular 05/2024 report over a period: per enforcement unit of `province` (or, omitted, per "
        "province: the national roll-up), transfers on time, decisions within the deadline, enforcement in cases and "
        "money with completion rates, coordination requests by kind, procuracy recommendations, personnel alerts; "
        "totals are the sum of the rows; compared with the same period a year earlier and with the targets. "
        "A committee reads its own province only; the ministry everything."
    )
    async def committee_report(
        self, info: Info, period: ReportPeriodInput, province: str | None = None
    ) -> CommitteeReport:
        ctx = info.context
        wanted = period_of(period, ctx.clock.today())
        code = report_province(province, ctx.policy.provinces)  # a misspelling is BAD_USER_INPUT, never FORBIDDEN
        require_report_access(ctx.principal, ctx.agencies, code)
        report = await build_committee_report(ReportSources.of(ctx), province=code, period=wanted)
        return committee_report(report)
