"""The operator's use cases behind the console's operations page (Vận hành) — what GraphQL does not offer.

The registry of people and grants, the courts' signing keys, readiness with the agency systems' circuit
breakers and the audit chain's verification are the command line's (``lienthong people``, ``keys``,
``audit verify``) and /readyz's; the page reaches them here, through ``console.ports.HubPort``. Every use
case first checks that the principal holds the operator role (:class:`console.ports.OperatorOnly`
otherwise, nothing read or written), whatever the page checked before. A grant or a revocation goes
through the same registry as ``lienthong people grant|revoke`` (:class:`ledger.grants.Grants`), so it is
refused for the same reasons and audited the same way, in the same transaction, in the operator's name.

The audit check runs as a task of this replica (:class:`AuditChecks`): one at a time, its progress kept
here, so the page that follows it is answered by the replica that runs it (a load balancer keeps a
session on one replica, or the page shows that none was started there).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import and_, or_, select
from starlette.requests import Request

from adapters.base import AdapterStatus
from console.ports import (
    AuditCheck,
    BreakerView,
    CheckState,
    CourtKeyView,
    GrantView,
    OperatorOnly,
    PeoplePage,
    PersonView,
    Readiness,
    RegistryChange,
    RegistryRefusal,
    SystemStatus,
)
from domain.access import Principal, Role
from domain.errors import BadInput, NotFound
from domain.people import Grant, Holder
from domain.role_holders import may_hold
from gateway.state import HubState
from ledger.audit import AuditEntry, record
from ledger.audit_chain import verify
from ledger.db import ping, write_transaction
from ledger.grants import Actor, Grants
from ledger.models import CourtKeyRow, GrantRow, HolderRow

log = logging.getLogger("lienthong.console.operations")

KEYS_SHOWN = 500  # court keys read at most (one court's keys are a handful; every court's, hundreds)


def _operator(principal: Principal) -> str:
    """The operator's name for the audit trail; OperatorOnly for anyone else."""
    if Role.OPERATOR not in principal.roles or not principal.person:
        raise OperatorOnly("the operations page is for the hub's operator")
    return principal.person


def _request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", "console"))


def _grant_view(grant: Grant, now: datetime) -> GrantView:
    return GrantView(
        grant.id,
        grant.role,
        grant.agency_code,
        grant.valid_from,
        grant.valid_to,
        grant.granted_by,
        grant.granted_at,
        grant.active_at(now),
    )


def _live(grants: Sequence[Grant], now: datetime) -> tuple[GrantView, ...]:
    """The grants in force now or still to come (as ``lienthong people list`` shows them)."""
    return tuple(
        _grant_view(g, now) for g in grants if g.active_at(now) or (g.revoked_at is None and g.valid_from > now)
    )


def _person_view(holder: Holder, grants: Sequence[Grant], now: datetime) -> PersonView:
    return PersonView(
        holder.id, holder.kind.value, holder.name, holder.agency_code, holder.status.value, _live(grants, now)
    )


@dataclass(slots=True)
class AuditChecks:
    """The latest audit chain check of this replica and the task running it (one at a time)."""

    state: HubState
    latest: AuditCheck = field(default_factory=lambda: AuditCheck(CheckState.IDLE))
    task: asyncio.Task[None] | None = None

    def start(self, by: str, at: datetime) -> AuditCheck:
        if self.current().state is CheckState.RUNNING:
            return self.latest
        self.latest = AuditCheck(CheckState.RUNNING, started_by=by, started_at=at)
        self.task = asyncio.create_task(self._run(), name="console-audit-check")
        return self.latest

    def current(self) -> AuditCheck:
        """The latest check; one whose task ended without a word (cancelled with the hub) reads as FAILED."""
        if self.latest.state is CheckState.RUNNING and (self.task is None or self.task.done()):
            self.latest = replace(self.latest, state=CheckState.FAILED, finished_at=self.state.clock.now())
        return self.latest

    def _progress(self, checked: int) -> None:
        self.latest = replace(self.latest, checked=checked)

    async def _run(self) -> None:
        try:
            report = await verify(self.state.sessions, progress=self._progress)
        except Exception:  # the database went away (or the hub is stopping): say so rather than run forever
            log.exception("the audit chain check could not run to the end")
            self.latest = replace(self.latest, state=CheckState.FAILED, finished_at=self.state.clock.now())
            return
        self.latest = replace(
            self.latest,
            state=CheckState.DONE,
            checked=report.checked,
            finished_at=self.state.clock.now(),
            intact=report.ok,
            last_seq=report.last_seq if report.checked else None,
            last_hash=report.last_hash if report.checked else None,
            first_bad_seq=report.first_bad_seq,
            reason=report.reason,
        )


class OperatorUseCases:
    """The operations page's use cases over the running hub (``HubConsolePort`` hands them on)."""

    def __init__(self, state: HubState) -> None:
        self._hub = state
        self._checks = AuditChecks(state)

    async def people(
        self, principal: Principal, *, agency_code: str | None, kind: str | None, search: str | None, limit: int
    ) -> PeoplePage:
        _operator(principal)
        now = self._hub.clock.now()
        query = select(HolderRow).order_by(HolderRow.agency_code, HolderRow.id).limit(limit + 1)
        if agency_code:
            query = query.where(HolderRow.agency_code == agency_code)
        if kind:
            query = query.where(HolderRow.kind == kind)
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                or_(HolderRow.id.ilike(pattern, escape="\\"), HolderRow.name.ilike(pattern, escape="\\"))
            )
        async with self._hub.sessions() as session:
            rows = list((await session.scalars(query)).all())
            live = and_(
                GrantRow.holder_id.in_([row.id for row in rows[:limit]]),
                GrantRow.revoked_at.is_(None),
                or_(GrantRow.valid_to.is_(None), GrantRow.valid_to > now),
            )
            grant_rows = (await session.scalars(select(GrantRow).where(live).order_by(GrantRow.id))).all()
        by_holder: dict[str, list[Grant]] = {}
        for g in grant_rows:
            by_holder.setdefault(g.holder_id, []).append(
                Grant(
                    g.id, g.holder_id, Role(g.role), g.agency_code, g.valid_from, g.valid_to, g.granted_by, g.granted_at
                )
            )
        people = tuple(
            PersonView(row.id, row.kind, row.name, row.agency_code, row.status, _live(by_holder.get(row.id, []), now))
            for row in rows[:limit]
        )
        return PeoplePage(people, len(rows) > limit)

    async def person(self, principal: Principal, holder_id: str) -> PersonView | None:
        _operator(principal)
        async with self._hub.sessions() as session:
            registry = Grants(session)
            try:
                holder = await registry.holder(holder_id)
            except NotFound:
                return None
            grants = await registry.grants_of(holder.id)
        return _person_view(holder, grants, self._hub.clock.now())

    async def grant_role(
        self, request: Request, principal: Principal, holder_id: str, role: Role, agency_code: str
    ) -> RegistryChange:
        by = Actor(_operator(principal), principal.agency_code, _request_id(request))
        agency = self._hub.agencies.get(agency_code)
        if agency is None:
            return RegistryChange(refusal=RegistryRefusal.NO_AGENCY)
        if not may_hold(role, agency):  # the registry refuses it too; the page names the kind in Vietnamese
            return RegistryChange(refusal=RegistryRefusal.KIND, agency_kind=agency.kind.value)
        now = self._hub.clock.now()
        try:
            async with write_transaction(self._hub.sessions) as session:
                given = await Grants(session).grant(holder_id, role, agency_code, by, now)
        except NotFound:
            return RegistryChange(refusal=RegistryRefusal.NO_HOLDER)
        except BadInput:
            return RegistryChange(refusal=RegistryRefusal.INVALID)
        return RegistryChange(changed=(_grant_view(given, now),))

    async def revoke_role(
        self, request: Request, principal: Principal, holder_id: str, role: Role, agency_code: str
    ) -> RegistryChange:
        by = Actor(_operator(principal), principal.agency_code, _request_id(request))
        if role is Role.OPERATOR and holder_id == principal.person and agency_code == principal.agency_code:
            return RegistryChange(refusal=RegistryRefusal.OWN_OPERATOR)
        now = self._hub.clock.now()
        try:
            async with write_transaction(self._hub.sessions) as session:
                registry = Grants(session)
                await registry.holder(holder_id)  # an unknown holder is NO_HOLDER, not NO_GRANT
                revoked = await registry.revoke(holder_id, role, agency_code, by, now)
        except NotFound as exc:
            known = "holds no grant" in exc.message
            return RegistryChange(refusal=RegistryRefusal.NO_GRANT if known else RegistryRefusal.NO_HOLDER)
        return RegistryChange(changed=tuple(_grant_view(g, now) for g in revoked))

    async def court_keys(self, principal: Principal) -> Sequence[CourtKeyView]:
        _operator(principal)
        now = self._hub.clock.now()
        query = select(CourtKeyRow).order_by(CourtKeyRow.court_code, CourtKeyRow.added_at).limit(KEYS_SHOWN)
        async with self._hub.sessions() as session:
            rows = (await session.scalars(query)).all()
        return [
            CourtKeyView(
                r.key_id,
                r.court_code,
                r.added_at,
                r.revoked_at,
                r.added_at <= now and (r.revoked_at is None or now < r.revoked_at),
            )
            for r in rows
        ]

    async def readiness(self, principal: Principal) -> Readiness:
        _operator(principal)
        error: str | None = None
        try:
            await ping(self._hub.engine)
        except Exception as exc:  # as /readyz: any failure to reach the database means "not ready"
            error = type(exc).__name__
        return Readiness(error is None, error, tuple(_system(s) for s in self._hub.adapters.statuses()))

    async def start_audit_check(self, request: Request, principal: Principal) -> AuditCheck:
        by = _operator(principal)
        now = self._hub.clock.now()
        entry = AuditEntry(
            principal.agency_code,
            by,
            sorted(r.value for r in principal.roles),
            "verify:auditChain",
            [],
            _request_id(request),
            now,
        )
        async with write_transaction(self._hub.sessions) as session:
            await record(session, entry)
        return self._checks.start(by, now)

    async def audit_check(self, principal: Principal) -> AuditCheck:
        _operator(principal)
        return self._checks.current()


def _system(status: AdapterStatus) -> SystemStatus:
    breaker = None
    if status.circuit is not None:
        snap = status.circuit.snapshot()
        breaker = BreakerView(
            snap.state.value,
            snap.since,
            snap.consecutive_failures,
            snap.failures_to_open,
            snap.openings,
            snap.rejected,
            snap.last_failure,
            snap.last_failure_at,
        )
    return SystemStatus(status.agency, status.ok, status.last_ok_at, status.last_error, status.last_error_at, breaker)
