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
from domain.people import HolderKind
from domain.role_holders import RefusedRole, may_hold, refused_roles
from domain.types import Agency
from gateway.identity import AuthError, TokenVerifier
from ledger.grant_reader import GrantReader
from ledger.grants import Grants

NO_HOLDER: Final = (
    "Thẻ truy cập không nêu người dùng (person) hay hệ thống đã đăng ký (client_id). "
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
            raise AuthError(f"unknown agency {principal.agency_code}")
        granted = await self._reader.active_roles(holder, agency.code, self._clock.now())
        if granted is None:
            who = "Người dùng" if principal.person else "Hệ thống"
            raise NotGranted(
                f"{who} {holder!r} chưa được đăng ký hoặc đang bị đình chỉ tại hub. "
                f"{'Person' if principal.person else 'Client'} {holder!r} is not registered with the hub "
                f"or is suspended (lienthong people add)."
            )
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


def refusal_message(refused: list[RefusedRole], holder: str, agency: Agency) -> str:
    """One sentence per refused role, Vietnamese then English."""
    parts: list[str] = []
    for item in refused:
        role = item.role.value
        if item.reason == "kind":
            parts.append(
                f"Cơ quan {agency.code} (loại {agency.kind.value}) không thể giữ vai trò {role}. "
                f"An agency of kind {agency.kind.value} ({agency.code}) cannot hold the role {role}."
            )
        else:
            parts.append(
                f"Vai trò {role} chưa được cấp cho {holder!r} tại {agency.code}. "
                f"The role {role} is not granted to {holder!r} at {agency.code}."
            )
    return " ".join(parts)
