"""The console's view of the running hub (``console.ports.HubPort``): GraphQL as a person, and who they are.

A console page runs its documents through the same view as ``/graphql`` (``HubGraphQL.get_context``:
one context, one policy, one audit), with the signed-in person's principal in the request's state;
a live page follows a ``subscription`` document the same way (``subscribe``), fed by the app's event feed.
The principal is made afresh from the registry on every page (``Authority.person_principal``), so a
revoked grant takes effect on the next click. The operations page's use cases (the registry of grants,
court keys, readiness, the audit check) are the operator's, checked and audited in
``gateway/console_operations.py``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types.execution import ExecutionResult

from console.ports import (
    AuditCheck,
    CourtKeyView,
    DemoAccount,
    Outcome,
    PeoplePage,
    PersonView,
    Readiness,
    RegistryChange,
)
from domain.access import Principal, Role
from domain.messages import VIETNAMESE
from domain.people import HolderKind
from gateway.authority import Authority
from gateway.console_operations import OperatorUseCases
from gateway.graphql_view import HubGraphQL
from ledger.events import last_cursor
from ledger.grants import Grants
from resolvers.context import Context


class HubConsolePort:
    def __init__(self, graphql: HubGraphQL, authority: Authority) -> None:
        self._graphql = graphql
        self._authority = authority
        self._operator = OperatorUseCases(graphql.hub)

    async def execute(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> Outcome:
        context = await self._context(request, principal)
        result = await self._graphql.schema.execute(
            document, variable_values=dict(variables or {}), context_value=context
        )
        return _outcome(result)

    async def subscribe(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> AsyncGenerator[Outcome, None]:
        context = await self._context(request, principal)
        stream = await self._graphql.schema.subscribe(
            document, variable_values=dict(variables or {}), context_value=context
        )
        async with aclosing(stream):  # the subscription's feed mailbox is left with the stream
            async for result in stream:
                yield _outcome(result)
                if result.data is None:  # refused before the stream existed: that was its only message
                    return

    async def transfer_events_head(self) -> str:
        async with self._graphql.hub.sessions() as session:
            return str(await last_cursor(session))

    async def _context(self, request: Request, principal: Principal) -> Context:
        request.scope.setdefault("state", {})["principal"] = principal
        context = await self._graphql.get_context(request, Response())
        context.language = VIETNAMESE  # the console always asks in Vietnamese (domain.messages)
        return context

    async def principal_of(self, person: str) -> Principal | None:
        return await self._authority.person_principal(person)

    # --- the operations page (Vận hành): the operator's use cases ---

    async def demo_accounts(self, limit: int) -> Sequence[DemoAccount]:
        hub = self._graphql.hub
        async with hub.sessions() as session:
            holders = await Grants(session).holders()
        accounts: list[DemoAccount] = []
        for holder in holders:
            if len(accounts) == limit:
                break
            if holder.kind is not HolderKind.PERSON or await self.principal_of(holder.id) is None:
                continue
            agency = hub.agencies.get(holder.agency_code)
            accounts.append(DemoAccount(holder.id, holder.name, agency.name if agency else holder.agency_code))
        return accounts

    async def people(
        self, principal: Principal, *, agency_code: str | None, kind: str | None, search: str | None, limit: int
    ) -> PeoplePage:
        return await self._operator.people(principal, agency_code=agency_code, kind=kind, search=search, limit=limit)

    async def person(self, principal: Principal, holder_id: str) -> PersonView | None:
        return await self._operator.person(principal, holder_id)

    async def grant_role(
        self, request: Request, principal: Principal, holder_id: str, role: Role, agency_code: str
    ) -> RegistryChange:
        return await self._operator.grant_role(request, principal, holder_id, role, agency_code)

    async def revoke_role(
        self, request: Request, principal: Principal, holder_id: str, role: Role, agency_code: str
    ) -> RegistryChange:
        return await self._operator.revoke_role(request, principal, holder_id, role, agency_code)

    async def court_keys(self, principal: Principal) -> Sequence[CourtKeyView]:
        return await self._operator.court_keys(principal)

    async def readiness(self, principal: Principal) -> Readiness:
        return await self._operator.readiness(principal)

    async def start_audit_check(self, request: Request, principal: Principal) -> AuditCheck:
        return await self._operator.start_audit_check(request, principal)

    async def audit_check(self, principal: Principal) -> AuditCheck:
        return await self._operator.audit_check(principal)


def _outcome(result: ExecutionResult) -> Outcome:
    errors = tuple(
        (str((error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR")), error.message)
        for error in result.errors or ()
    )
    return Outcome(result.data, errors)
