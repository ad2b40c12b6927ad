"""Who is asking: the principal every request carries, and the roles it may hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    COURT_CLERK = "court_clerk"  # submits judgments, answers explanation requests
    ENFORCEMENT_CLERK = "enforcement_clerk"  # receives, registers and acts on judgments
    PROCURACY = "procuracy"  # supervises enforcement
    POLICE = "police"  # answers coordination requests
    COMMITTEE = "committee"  # steering committee: aggregates for its province
    MINISTRY = "ministry"  # national oversight
    PERSONNEL = "personnel"  # personnel department
    AUDITOR = "auditor"  # reads the audit trail
    OPERATOR = "operator"  # runs the hub


@dataclass(frozen=True, slots=True)
class Principal:
    """An agency (and optionally a person in it) acting with some roles."""

    agency_code: str
    roles: frozenset[Role]
    person: str | None = None  # the person's id in the hub's registry (``person`` claim)
    client: str | None = None  # a system client's id in the registry, for a token without a person (``client_id``)
    token_id: str | None = None
    issuer: str | None = None
    expires_at: float | None = field(default=None, compare=False)  # the token's ``exp`` (Unix time)
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def has(self, role: Role) -> bool:
        return role in self.roles
