"""`me`: who the hub thinks is asking."""

from __future__ import annotations

import strawberry

from domain.errors import NotFound
from ledger.grants import Grants
from resolvers.context import Context
from schema.enums import Role
from schema.types.agency import Agency, agency_named


@strawberry.type(description="The principal of this request, from its token.")
class Me:
    agency_code: strawberry.ID
    roles: list[Role]
    person: str | None

    @strawberry.field
    def agency(self, info: strawberry.Info[Context, None]) -> Agency | None:
        return agency_named(info.context, str(self.agency_code))

    @strawberry.field(
        description="The person's full name as the hub's registry holds it (`lienthong people add`); "
        "null for a token without a person, or a person the registry does not know."
    )
    async def person_name(self, info: strawberry.Info[Context, None]) -> str | None:
        if self.person is None:
            return None
        async with info.context.sessions() as session:
            try:
                return (await Grants(session).holder(self.person)).name
            except NotFound:
                return None


@strawberry.type
class MeQueries:
    @strawberry.field(description="The agency, roles and person of the current token.")
    def me(self, info: strawberry.Info[Context, None]) -> Me:
        p = info.context.principal
        return Me(agency_code=strawberry.ID(p.agency_code), roles=sorted(p.roles), person=p.person)
