"""What the console asks of the hub: run a GraphQL document as a person, and who that person may be.

The gateway implements :class:`HubPort` over the running hub (``gateway/console_port.py``); the
console never touches the ledger or the resolvers itself.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from starlette.requests import Request

from domain.access import Principal, Role


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one GraphQL document: ``data`` and the errors' codes and messages."""

    data: dict[str, Any] | None
    errors: tuple[tuple[str, str], ...] = field(default=())  # (extensions.code, message)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.errors)

    @property
    def forbidden(self) -> bool:
        return "FORBIDDEN" in self.codes


# --- the operator's use cases (Vận hành): what GraphQL does not offer --------------------------------


class OperatorOnly(Exception):
    """A use case of the operations page asked for by a principal without the operator role (nothing done)."""


@dataclass(frozen=True, slots=True)
class GrantView:
    """One role grant of the registry, as the operations page lists it."""

    id: int
    role: Role
    agency_code: str
    valid_from: datetime
    valid_to: datetime | None
    granted_by: str
    granted_at: datetime
    active: bool  # in force now (not revoked, inside its period)


@dataclass(frozen=True, slots=True)
class PersonView:
    """A registered person or system client with its grants in force or still to come."""

    id: str
    kind: str  # "person" | "client"
    name: str
    agency_code: str
    status: str  # "active" | "suspended"
    grants: tuple[GrantView, ...]


@dataclass(frozen=True, slots=True)
class PeoplePage:
    people: tuple[PersonView, ...]
    more: bool  # more matched than were read


class RegistryRefusal(StrEnum):
    """Why a grant or a revocation was not made (the page puts Vietnamese words on it)."""

    KIND = "KIND"  # the agency's kind (or level) can never hold the role (domain/role_holders.py)
    NO_HOLDER = "NO_HOLDER"  # no such person or client
    NO_AGENCY = "NO_AGENCY"  # no such agency
    NO_GRANT = "NO_GRANT"  # nothing of that role there to revoke
    OWN_OPERATOR = "OWN_OPERATOR"  # an operator may not revoke their own operator role (no one left to undo it)
    INVALID = "INVALID"  # anything else the registry refused


@dataclass(frozen=True, slots=True)
class RegistryChange:
    """The outcome of a grant or revocation: the grants changed, or why nothing was."""

    changed: tuple[GrantView, ...] = ()
    refusal: RegistryRefusal | None = None
    agency_kind: str | None = None  # with KIND: the agency's kind (an AgencyKind value)

    @property
    def done(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class CourtKeyView:
    """A court's registered public key (``lienthong keys``): submissions are checked against it."""

    key_id: str
    court_code: str
    added_at: datetime
    revoked_at: datetime | None
    valid: bool  # valid now


@dataclass(frozen=True, slots=True)
class BreakerView:
    state: str  # "closed" | "half_open" | "open"
    since: datetime
    consecutive_failures: int
    failures_to_open: int
    openings: int
    rejected: int
    last_failure: str | None
    last_failure_at: datetime | None


@dataclass(frozen=True, slots=True)
class SystemStatus:
    """An agency system the hub reaches (as /readyz reports it) and its circuit breaker, if it has one."""

    agency: str
    ok: bool | None  # None: not called yet
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    breaker: BreakerView | None


@dataclass(frozen=True, slots=True)
class Readiness:
    """What /readyz reports: ready when the database answers; agency systems reported, not required."""

    ready: bool
    database_error: str | None
    systems: tuple[SystemStatus, ...]


class CheckState(StrEnum):
    IDLE = "IDLE"  # never started on this replica
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"  # the check itself could not run to the end (the database went away)


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The audit chain's verification (as ``lienthong audit verify``), running or finished."""

    state: CheckState
    checked: int = 0  # entries checked so far
    started_by: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    intact: bool | None = None  # with DONE
    last_seq: int | None = None
    last_hash: str | None = None
    first_bad_seq: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A registered person the demo's own sign-in offers (demo mode without a provider only)."""

    person: str
    name: str
    agency_name: str


class HubPort(Protocol):
    async def execute(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> Outcome:
        """Run ``document`` through the hub's schema as ``principal`` (policy, masking and audit included)."""
        ...

    async def principal_of(self, person: str) -> Principal | None:
        """The principal a registered, active person acts as now (their agency, their granted roles), or None."""
        ...

    def subscribe(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> AsyncGenerator[Outcome, None]:
        """Run a ``subscription`` document as ``principal``: one Outcome per event, without end.

        A refusal (FORBIDDEN, a bad cursor) is one Outcome with errors, then the end. Close the
        generator to leave (``contextlib.aclosing``).
        """
        ...

    async def transfer_events_head(self) -> str:
        """The cursor of the last transfer event committed: ``transferEvents(after: <it>)`` brings only later ones."""
        ...

    async def demo_accounts(self, limit: int) -> Sequence[DemoAccount]:
        """Registered, active people who hold a role now, by agency then id (the demo's own sign-in lists them)."""
        ...

    # The operator's use cases: each raises OperatorOnly unless ``principal`` holds the operator role,
    # and every write is recorded in the audit trail in the same transaction.

    async def people(
        self, principal: Principal, *, agency_code: str | None, kind: str | None, search: str | None, limit: int
    ) -> PeoplePage:
        """Registered people (or clients), by agency then id, with their grants in force or still to come."""
        ...

    async def person(self, principal: Principal, holder_id: str) -> PersonView | None:
        """One registered holder with every grant in force or to come; None when there is no such holder."""
        ...

    async def grant_role(
        self, request: Request, principal: Principal, holder_id: str, role: Role, agency_code: str
    ) -> RegistryChange:
        """Grant ``role`` at ``agency_code`` (from now, open-ended), as ``lienthong people grant`` does."""
        ...

    async def revoke_role(
        self, request: Request, principal: Principal, holder_id: str, role: Role, agency_code: str
    ) -> RegistryChange:
        """Revoke ``role`` at ``agency_code``, as ``lienthong people revoke`` does."""
        ...

    async def court_keys(self, principal: Principal) -> Sequence[CourtKeyView]:
        """Every court's registered signing keys, by court then date added."""
        ...

    async def readiness(self, principal: Principal) -> Readiness:
        """What /readyz reports now: the database, and each agency system with its circuit breaker."""
        ...

    async def start_audit_check(self, request: Request, principal: Principal) -> AuditCheck:
        """Start verifying the audit chain in the background (one at a time per replica); the check as it stands."""
        ...

    async def audit_check(self, principal: Principal) -> AuditCheck:
        """The latest audit chain check started on this replica: its progress, or its result."""
        ...
