"""`agency`, `agencies`: the organisation as the hub knows it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.provinces import province_slug
from ledger.agencies import AgencyRepository
from resolvers.context import Context
from schema.enums import AgencyKind, AgencyLevel
from schema.types.agency import Agency, agency_named


@strawberry.type
class AgencyQueries:
    @strawberry.field(description="One agency by code, dissolved ones included.")
    def agency(self, info: strawberry.Info[Context, None], code: strawberry.ID) -> Agency | None:
        return agency_named(info.context, str(code))

    @strawberry.field(description="Agencies, filtered; ordered by code.")
    async def agencies(
        self,
        info: strawberry.Info[Context, None],
        kind: AgencyKind | None = None,
        level: AgencyLevel | None = None,
        province: str | None = None,
        active_on: Annotated[
            date | None, strawberry.argument(description="Only agencies existing on that day.")
        ] = None,
    ) -> list[Agency]:
        code = province_slug(province, info.context.policy.provinces)  # as people write it; unknown: BAD_USER_INPUT
        async with info.context.sessions() as session:
            found = await AgencyRepository(session).list(
                kind=kind, level=level, province_code=code, active_on=active_on
            )
        return [Agency.from_domain(a) for a in found]
