"""The registry of people, system clients and their role grants (``lienthong people``; issue 14).

Every write is an audit entry in the same transaction (``grant:<role>``, ``revoke:<role>``,
``register:person``/``register:client``), so who was given what, by whom and when is on the
hash chain. Reads for a request are one indexed query (:meth:`Grants.active_roles`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from domain.errors import BadInput, NotFound
from domain.messages import msg
from domain.people import Grant, Holder, HolderKind, HolderStatus
from domain.role_holders import may_hold, roles_agency_may_hold
from domain.text import nfc
from domain.types import Agency
from ledger.agencies import AgencyRepository
from ledger.audit import AuditEntry, record_many
from ledger.db import write_transaction
from ledger.models import GrantRow, HolderRow

MAX_ID: Final = 64
MAX_NAME: Final = 200


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performs a registry write (an operator at the command line, or a principal), for the audit entry."""

    name: str
    agency_code: str
    request_id: str = "cli"


@dataclass(frozen=True, slots=True)
class Registration:
    """A holder to register with the roles to grant it at its own agency (the demo's people, a bench's clients)."""

    holder_id: str
    kind: HolderKind
    name: str
    agency_code: str
    roles: frozenset[Role]


def client_per_agency(agencies: Iterable[Agency], prefix: str) -> list[Registration]:
    """A system client ``<prefix><agency code>`` for each agency, holding every role its kind may hold
    (what a pilot, a bench or a test suite registers to let each agency's system connect)."""
    return [
        Registration(f"{prefix}{a.code}", HolderKind.CLIENT, f"system of {a.code}", a.code, roles)
        for a in agencies
        if (roles := roles_agency_may_hold(a))
    ]


async def register_clients_per_agency(
    sessions: async_sessionmaker[AsyncSession],
    prefix: str,
    by: Actor,
    at: datetime,
    *,
    valid_from: datetime | None = None,
) -> None:
    """:func:`client_per_agency` for the whole organisation, registered in one transaction (grants valid from
    ``valid_from``, default ``at``: a test suite that moves the hub's clock into the past needs them earlier)."""
    async with sessions() as session:
        agencies = list((await AgencyRepository(session).all_by_code()).values())
    async with write_transaction(sessions) as session:
        await Grants(session).register_many(client_per_agency(agencies, prefix), by, at, valid_from=valid_from)


class Grants:
    """People, clients and grants through one session the caller owns (writes need a write transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, holder_id: str, name: str, agency_code: str, kind: HolderKind, by: Actor, at: datetime
    ) -> Holder:
        """Register a person or a client; the same id again with the same agency changes nothing."""
        holder_id, name = _checked_id(holder_id), nfc(name).strip()
        if not name or len(name) > MAX_NAME:
            raise BadInput(msg("a name of 1 to {limit} characters is needed", limit=MAX_NAME))
        await self._agency(agency_code)
        existing = await self._session.get(HolderRow, holder_id)
        if existing is not None:
            if existing.agency_code != agency_code or existing.kind != kind.value:
                raise BadInput(
                    msg(
                        "{holder} is already registered as a {kind} of {agency}",
                        holder=holder_id,
                        kind=existing.kind,
                        agency=existing.agency_code,
                    )
                )
            return _holder(existing)
        row = HolderRow(
            id=holder_id,
            kind=kind.value,
            name=name,
            agency_code=agency_code,
            status=HolderStatus.ACTIVE.value,
            added_at=at,
            added_by=by.name,
        )
        self._session.add(row)
        await self._session.flush()
        await self._audit(by, f"register:{kind.value}", agency_code, [f"holder:{holder_id}"], at)
        return _holder(row)

    async def grant(
        self,
        holder_id: str,
        role: Role,
        agency_code: str,
        by: Actor,
        at: datetime,
        *,
        valid_from: datetime | None = None,
        valid_to: datetime | None = None,
    ) -> Grant:
        """Grant ``role`` at ``agency_code``; an active grant of the same role there is returned unchanged."""
        holder = await self.holder(holder_id)
        agency = await self._agency(agency_code)
        if not may_hold(role, agency):
            raise BadInput(
                msg(
                    "an agency of kind {kind} ({agency}) cannot hold the role {role} "
                    "(docs/security.md, roles and agency kinds)",
                    kind=agency.kind.value,
                    agency=agency.code,
                    role=role.value,
                )
            )
        start = valid_from or at
        if valid_to is not None and valid_to <= start:
            raise BadInput(msg("a grant must end after it starts (--to after --from)"))
        for existing in await self.grants_of(holder.id):
            if existing.role is role and existing.agency_code == agency_code and existing.active_at(at):
                return existing
        row = GrantRow(
            holder_id=holder.id,
            role=role.value,
            agency_code=agency_code,
            valid_from=start,
            valid_to=valid_to,
            granted_by=by.name,
            granted_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        await self._audit(by, f"grant:{role.value}", agency_code, [f"holder:{holder.id}", f"grant:{row.id}"], at)
        return _grant(row)

    async def revoke(self, holder_id: str, role: Role, agency_code: str, by: Actor, at: datetime) -> list[Grant]:
        """Revoke every grant of ``role`` to the holder at ``agency_code`` that is active or still to come."""
        holder = await self.holder(holder_id)
        live = and_(
            GrantRow.holder_id == holder.id,
            GrantRow.role == role.value,
            GrantRow.agency_code == agency_code,
            GrantRow.revoked_at.is_(None),
            or_(GrantRow.valid_to.is_(None), GrantRow.valid_to > at),
        )
        ids = list((await self._session.scalars(select(GrantRow.id).where(live))).all())
        if not ids:
            raise NotFound(
                msg(
                    "{holder} holds no grant of {role} at {agency} to revoke",
                    holder=holder.id,
                    role=role.value,
                    agency=agency_code,
                )
            )
        await self._session.execute(
            update(GrantRow).where(GrantRow.id.in_(ids)).values(revoked_at=at, revoked_by=by.name)
        )
        await self._audit(
            by, f"revoke:{role.value}", agency_code, [f"holder:{holder.id}", *(f"grant:{i}" for i in ids)], at
        )
        rows = (await self._session.scalars(select(GrantRow).where(GrantRow.id.in_(ids)))).all()
        return [_grant(row) for row in rows]

    async def register_many(
        self, registrations: Sequence[Registration], by: Actor, at: datetime, *, valid_from: datetime | None = None
    ) -> None:
        """Register new holders with their grants in bulk (a few statements for thousands), one audit entry each.

        Every role is checked against what the agency may hold; a holder already registered is an error
        (this is for seeding an empty registry; :meth:`add` and :meth:`grant` are the everyday way).
        """
        agencies = await AgencyRepository(self._session).get_many([r.agency_code for r in registrations])
        holders: list[dict[str, object]] = []
        grants: list[dict[str, object]] = []
        entries: list[AuditEntry] = []
        for registration, agency in zip(registrations, agencies, strict=True):
            if agency is None:
                raise NotFound(msg("no agency {code} in the organisation", code=repr(registration.agency_code)))
            refused = sorted(role.value for role in registration.roles if not may_hold(role, agency))
            if refused:
                raise BadInput(
                    msg(
                        "an agency of kind {kind} ({agency}) cannot hold {roles}",
                        kind=agency.kind.value,
                        agency=agency.code,
                        roles=str(refused),
                    )
                )
            holder_id = _checked_id(registration.holder_id)
            holders.append(
                {
                    "id": holder_id,
                    "kind": registration.kind.value,
                    "name": nfc(registration.name).strip(),
                    "agency_code": agency.code,
                    "status": HolderStatus.ACTIVE.value,
                    "added_at": at,
                    "added_by": by.name,
                }
            )
            grants.extend(
                {
                    "holder_id": holder_id,
                    "role": role.value,
                    "agency_code": agency.code,
                    "valid_from": valid_from or at,
                    "valid_to": None,
                    "granted_by": by.name,
                    "granted_at": at,
                    "revoked_at": None,
                    "revoked_by": None,
                }
                for role in sorted(registration.roles)
            )
            roles = ",".join(sorted(r.value for r in registration.roles))
            entries.append(
                AuditEntry(
                    by.agency_code,
                    by.name,
                    ["operator"],
                    f"register:{registration.kind.value}@{agency.code}",
                    [f"holder:{holder_id}", f"roles:{roles}"],
                    by.request_id,
                    at,
                )
            )
        if holders:
            await self._session.execute(insert(HolderRow), holders)
        if grants:
            await self._session.execute(insert(GrantRow), grants)
        await record_many(self._session, entries)

    async def holder(self, holder_id: str) -> Holder:
        row = await self._session.get(HolderRow, holder_id)
        if row is None:
            raise NotFound(
                msg("no person or client {holder} is registered (lienthong people add)", holder=repr(holder_id))
            )
        return _holder(row)

    async def holders(self, agency_code: str | None = None) -> list[Holder]:
        query = select(HolderRow).order_by(HolderRow.agency_code, HolderRow.id)
        if agency_code is not None:
            query = query.where(HolderRow.agency_code == agency_code)
        return [_holder(row) for row in (await self._session.scalars(query)).all()]

    async def grants_of(self, holder_id: str) -> list[Grant]:
        query = select(GrantRow).where(GrantRow.holder_id == holder_id).order_by(GrantRow.id)
        return [_grant(row) for row in (await self._session.scalars(query)).all()]

    async def active_roles(self, holder_id: str, agency_code: str, at: datetime) -> frozenset[Role] | None:
        """The roles ``holder_id`` holds at ``agency_code`` at ``at``; ``None`` when no such active holder exists.

        One query (holder left-joined to its live grants there), on every request.
        """
        live = and_(
            GrantRow.holder_id == HolderRow.id,
            GrantRow.agency_code == agency_code,
            GrantRow.valid_from <= at,
            or_(GrantRow.valid_to.is_(None), GrantRow.valid_to > at),
            or_(GrantRow.revoked_at.is_(None), GrantRow.revoked_at > at),
        )
        query = (
            select(HolderRow.status, GrantRow.role)
            .select_from(HolderRow)
            .outerjoin(GrantRow, live)
            .where(HolderRow.id == holder_id)
        )
        rows = (await self._session.execute(query)).all()
        if not rows or rows[0].status != HolderStatus.ACTIVE.value:
            return None
        return frozenset(Role(row.role) for row in rows if row.role is not None)

    async def _agency(self, code: str) -> Agency:
        agency = await AgencyRepository(self._session).get(code)
        if agency is None:
            raise NotFound(msg("no agency {code} in the organisation", code=repr(code)))
        return agency

    async def _audit(self, by: Actor, operation: str, agency_code: str, objects: Sequence[str], at: datetime) -> None:
        entry = AuditEntry(
            by.agency_code, by.name, ["operator"], f"{operation}@{agency_code}", objects, by.request_id, at
        )
        await record_many(self._session, [entry])


def _checked_id(value: str) -> str:
    value = nfc(value).strip()
    if not value or len(value) > MAX_ID or any(not c.isprintable() for c in value):
        raise BadInput(
            msg(
                "an id of 1 to {limit} characters without control characters is needed: {value}",
                limit=MAX_ID,
                value=repr(value),
            )
        )
    return value


def _holder(row: HolderRow) -> Holder:
    return Holder(
        row.id, HolderKind(row.kind), row.name, row.agency_code, HolderStatus(row.status), row.added_at, row.added_by
    )


def _grant(row: GrantRow) -> Grant:
    return Grant(
        row.id,
        row.holder_id,
        Role(row.role),
        row.agency_code,
        row.valid_from,
        row.valid_to,
        row.granted_by,
        row.granted_at,
        row.revoked_at,
        row.revoked_by,
    )


def roles_text(roles: Iterable[Role]) -> str:
    return ", ".join(sorted(r.value for r in roles)) or "none"
