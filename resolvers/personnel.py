"""`officers`, `staffing`, `personnelAlerts`: personnel oversight across agencies.

The units are the provincial and area enforcement agencies, courts and
procuracies whose personnel systems the hub reads (``resolvers/personnel_use_cases.py``).

Who sees what (``domain/policy.py``): a personnel department its agency and the
agencies below it, restricted fields in clear; the ministry everything, masked
unless it also holds the personnel role; a steering committee the staffing and
alerts of its province (no officer list); an enforcement clerk the officers of
its own agency, masked. Units out of reach read as absent: not listed, not
counted, ``staffing`` null, no alerts.
"""

from __future__ import annotations

from bisect import bisect_right

import strawberry

from domain.personnel.alerts import personnel_alerts as alerts_of
from domain.personnel.staffing import staffing_summary
from domain.provinces import province_slug
from resolvers.context import Context
from resolvers.personnel_use_cases import (
    MAX_HORIZON_DAYS,
    OfficerCriteria,
    after_cursor,
    check_horizon,
    check_text,
    load_staff,
    load_units,
    officer_cursor,
    officer_key,
    one_of,
    staffed_units,
)
from schema.context import ALERTS_READ
from schema.types.pagination import PageInfo, check_first
from schema.types.personnel import (
    Officer,
    OfficerConnection,
    OfficerEdge,
    OfficerFilter,
    PersonnelAlert,
    Staffing,
    unavailable_units,
)

Info = strawberry.Info[Context, None]
MAX_PAGE = 200


@strawberry.type
class PersonnelQueries:
    @strawberry.field(
        description="Officers of the units (enforcement agencies, courts, procuracies) in your reach, by agency then officer code; at most "
        f"{MAX_PAGE} a page. Citizen ID, birth date and discipline are in clear only for the personnel department "
        "over the officer's agency. Every officer shown is recorded in the audit trail."
    )
    async def officers(
        self, info: Info, filter: OfficerFilter | None = None, first: int = 50, after: str | None = None
    ) -> OfficerConnection:
        check_first(first, MAX_PAGE)
        ctx = info.context
        f = filter or OfficerFilter()
        criteria = OfficerCriteria(
            title=check_text("title", f.title), post=check_text("post", f.post), leaders_only=f.leaders_only
        )
        start_after = after_cursor(after) if after is not None else None
        units = staffed_units(ctx, "officers", agency=None if f.agency is None else str(f.agency), province=f.province)
        staff = await load_staff(ctx, units)
        found = sorted(
            (o for officers in staff.found.values() for o in officers if criteria.matches(o, ctx.personnel_rules)),
            key=officer_key,
        )
        start = 0 if start_after is None else bisect_right([officer_key(o) for o in found], start_after)
        page = found[start : start + first]
        in_clear = ctx.policy.personnel_files_in_clear(ctx.principal)
        edges = [
            OfficerEdge(
                cursor=officer_cursor(o),
                node=Officer.from_domain(o, in_clear=o.agency_code in in_clear, personnel_rules=ctx.personnel_rules),
            )
            for o in page
        ]
        return OfficerConnection(
            page_info=PageInfo(
                has_next_page=start + first < len(found),
                has_previous_page=start_after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=len(found),
            unavailable=unavailable_units(staff.failed),
            page=edges,
        )

    @strawberry.field(
        description="Quota (biên chế) against people in post, per title, and vacant leadership seats: for one "
        "unit or a province's units in your reach (give exactly one). Null when none is in reach."
    )
    async def staffing(
        self, info: Info, agency: strawberry.ID | None = None, province: str | None = None
    ) -> Staffing | None:
        one_of(agency, province)
        ctx = info.context
        province = province_slug(province, ctx.policy.provinces)  # the slug, however the province was written
        units = staffed_units(ctx, "staffing", agency=None if agency is None else str(agency), province=province)
        data = await load_units(ctx, units)
        if not data.units and not data.failed:
            return None
        summaries = [
            staffing_summary(
                data.quotas[u.code], data.staff[u.code], u.level, ctx.personnel_rules, agency_code=u.code, kind=u.kind
            )
            for u in data.units
        ]
        return Staffing.of(summaries, province, data.failed)

    @strawberry.field(
        description="What needs attention in one unit or a province's units in your reach (give exactly "
        "one), due within horizonDays (1–"
        f"{MAX_HORIZON_DAYS}) or overdue, by due date: retirement, terms ending, second consecutive terms, "
        "sensitive posts past rotation, quota gaps, missing leaders — each with its rule and legal basis. "
        "Alerts naming officers are recorded in the audit trail."
    )
    async def personnel_alerts(
        self,
        info: Info,
        agency: strawberry.ID | None = None,
        province: str | None = None,
        horizon_days: int = 180,
    ) -> list[PersonnelAlert]:
        one_of(agency, province)
        check_horizon(horizon_days)
        ctx = info.context
        units = staffed_units(ctx, "personnelAlerts", agency=None if agency is None else str(agency), province=province)
        data = await load_units(ctx, units)
        if data.failed:  # an empty answer would say "nothing needs attention" there: fail, naming the agency
            raise next(iter(data.failed.values()))
        day = ctx.clock.today()
        found = [
            alert
            for u in data.units
            for alert in alerts_of(
                data.quotas[u.code],
                data.staff[u.code],
                level=u.level,
                as_of=day,
                horizon_days=horizon_days,
                rules=ctx.personnel_rules,
                agency_code=u.code,
                kind=u.kind,
            )
        ]
        found.sort(key=lambda a: (a.due_on, a.agency_code, a.officer_code or ""))  # stable: the rules' order
        names = {o.code: o.name for officers in data.staff.values() for o in officers}
        ctx.personal_reads.update((ALERTS_READ, a.officer_code) for a in found if a.officer_code)
        return [PersonnelAlert.from_domain(a, names) for a in found]
