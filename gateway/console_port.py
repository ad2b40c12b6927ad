"""The console's view of the running hub (``console.ports.HubPort``): GraphQL as a person, and who they are.

A console page runs its documents through the same view as ``/graphql`` (``HubGraphQL.get_context``:
one context, one policy, one audit), with the signed-in person's principal in the request's state.
The principal is made afresh from the registry on every page (``Authority.person_principal``), so a
revoked grant takes effect on the next click.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from console.ports import Outcome
from domain.access import Principal
from gateway.authority import Authority
from gateway.graphql_view import HubGraphQL


class HubConsolePort:
    def __init__(self, graphql: HubGraphQL, authority: Authority) -> None:
        self._graphql = graphql
        self._authority = authority

    async def execute(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> Outcome:
        request.scope.setdefault("state", {})["principal"] = principal
        context = await self._graphql.get_context(request, Response())
        result = await self._graphql.schema.execute(
            document, variable_values=dict(variables or {}), context_value=context
        )
        errors = tuple(
            (str((error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR")), error.message)
            for error in result.errors or ()
        )
        return Outcome(result.data, errors)

    async def principal_of(self, person: str) -> Principal | None:
        return await self._authority.person_principal(person)
