"""A request's authority comes from the hub's registry, not from its token (issue 14).

The token (``gateway/identity.py``) says who is asking and which roles they *claim*. The
request acts with them only if every claimed role is granted to the holder — the person
(``person`` claim) or, for a token without a person, the registered system client
(``client_id`` claim) — at the token's agency, and the agency's kind may hold it
(``domain/role_holders.py``). Anything else is refused, 403, naming the role and the
agency: a misconfigured partner sees why instead of a silently smaller answer.

Grants are read on every request (one indexed query), so a revocation takes effect for
the next request; open subscriptions are re-checked by :class:`gateway.grant_watch.GrantWatch`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Principal
from domain.clock import Clock
from domain.errors import NotFound
from domain.messages import Text, msg
from domain.people import HolderKind
from domain.role_holders import RefusedRole, may_hold, refused_roles
from domain.types import Agency
from gateway.identity import AuthError, TokenVerifier
from ledger.grant_reader import GrantReader
from ledger.grants import Grants

NO_HOLDER: Final = msg(
    "The token names neither a person ('person' claim) nor a registered system client ('client_id' claim)."
)


class NotGranted(AuthError):
    """The token is genuine but claims what the registry does not grant: 403 ``FORBIDDEN``."""


class Authority:
    """Verifies a token, then checks its claimed roles against the registry; returns the principal to act as."""

    def __init__(
        self,
        verifier: TokenVerifier,
        sessions: async_sessionmaker[AsyncSession],
        agencies: Mapping[str, Agency],
        clock: Clock,
        reader: GrantReader | None = None,
    ) -> None:
        self.verifier = verifier
        self._sessions = sessions
        self._reader = reader or GrantReader(sessions, "")
        self._agencies = agencies
        self._clock = clock

    @property
    def leeway_s(self) -> int:
        return self.verifier.leeway_s

    async def verify(self, token: str) -> Principal:
        return await self.authorise(await self.verifier.verify(token))

    async def authorise(self, principal: Principal) -> Principal:
        """``principal`` unchanged if the registry grants every role it claims; :class:`NotGranted` otherwise."""
        holder = principal.person or principal.client
        if not holder:
            raise AuthError(NO_HOLDER)
        agency = self._agencies.get(principal.agency_code)
        if agency is None:  # the verifier checked it; the organisation may have been reloaded since
            raise AuthError(msg("unknown agency {code}", code=principal.agency_code))
        granted = await self._reader.active_roles(holder, agency.code, self._clock.now())
        if granted is None:
            unknown = (
                msg(
                    "Person {holder} is not registered with the hub or is suspended (lienthong people add).",
                    holder=repr(holder),
                )
                if principal.person
                else msg(
                    "Client {holder} is not registered with the hub or is suspended (lienthong people add).",
                    holder=repr(holder),
                )
            )
            raise NotGranted(unknown)
        refused = refused_roles(principal.roles, granted, agency)
        if refused:
            raise NotGranted(refusal_message(refused, holder, agency))
        return principal

    async def aclose(self) -> None:
        await self._reader.aclose()

    async def person_principal(self, person: str) -> Principal | None:
        """The principal a registered person acts as now on the console: at the agency they work for, with every role
        granted to them there that its kind may hold; None when they are not registered, suspended or hold nothing."""
        async with self._sessions() as session:
            registry = Grants(session)
            try:
                holder = await registry.holder(person)
            except NotFound:
                return None
            granted = await registry.active_roles(holder.id, holder.agency_code, self._clock.now())
        agency = self._agencies.get(holder.agency_code)
        if (
            holder.kind is not HolderKind.PERSON
            or not granted
            or agency is None
            or not agency.is_active(self._clock.today())
        ):
            return None
        roles = frozenset(role for role in granted if may_hold(role, agency))
        return Principal(agency_code=agency.code, roles=roles, person=holder.id) if roles else None


def refusal_message(refused: list[RefusedRole], holder: str, agency: Agency) -> Text:
    """What is refused, from the catalogue: the roles the agency's kind may not hold, then those not granted."""
    by_kind = ", ".join(item.role.value for item in refused if item.reason == "kind")
    not_granted = ", ".join(item.role.value for item in refused if item.reason != "kind")
    if by_kind and not_granted:
        return msg(
            "An agency of kind {kind} ({agency}) cannot hold the role {role}; "
            "the role {other} is not granted to {holder} there.",
            kind=agency.kind.value,
            agency=agency.code,
            role=by_kind,
            other=not_granted,
            holder=repr(holder),
        )
    if by_kind:
        return msg(
            "An agency of kind {kind} ({agency}) cannot hold the role {role}.",
            kind=agency.kind.value,
            agency=agency.code,
            role=by_kind,
        )
    return msg(
        "The role {role} is not granted to {holder} at {agency}.",
        role=not_granted,
        holder=repr(holder),
        agency=agency.code,
    )
