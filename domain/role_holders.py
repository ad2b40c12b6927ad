"""Which agencies may hold which role, and what a request may act with (issue 14).

A token only *claims* roles. What an agency may ever hold is this module's table
(:data:`ROLE_HOLDERS`, data next to the policy table of :mod:`domain.policy`); what a
person or a system client actually holds is the registry's grants (``ledger/grants.py``).
A request acts with the claimed roles only if every one of them is both granted and
allowed for the agency: deny by default, and a claimed role that is not is refused by
name, so a misconfigured partner sees why (:func:`refused_roles`).

``docs/security.md`` prints :func:`role_holders_table` (``lienthong policy-table``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from domain.access import Role
from domain.types import Agency, AgencyKind, AgencyLevel

K = AgencyKind


@dataclass(frozen=True, slots=True)
class Holders:
    """The agencies that may hold a role: of these kinds, and (when given) only at these levels."""

    kinds: frozenset[AgencyKind]
    levels: frozenset[AgencyLevel] | None = None
    note: str = ""

    def allow(self, agency: Agency) -> bool:
        return agency.kind in self.kinds and (self.levels is None or agency.level in self.levels)


_MINISTRY_OWN: Final = Holders(
    frozenset({K.MINISTRY, K.ENFORCEMENT}),
    frozenset({AgencyLevel.NATIONAL}),
    "the Ministry of Justice and its own national department (Cục Quản lý thi hành án dân sự)",
)

ROLE_HOLDERS: Final[Mapping[Role, Holders]] = {
    Role.COURT_CLERK: Holders(frozenset({K.COURT}), note="courts"),
    Role.ENFORCEMENT_CLERK: Holders(
        frozenset({K.ENFORCEMENT, K.PRIVATE_ENFORCEMENT}), note="enforcement agencies and offices, private ones too"
    ),
    Role.PROCURACY: Holders(frozenset({K.PROCURACY}), note="procuracies"),
    Role.POLICE: Holders(frozenset({K.POLICE}), note="police"),
    Role.COMMITTEE: Holders(frozenset({K.COMMITTEE}), note="provincial steering committees"),
    Role.MINISTRY: _MINISTRY_OWN,
    Role.PERSONNEL: Holders(
        frozenset(AgencyKind), note="any agency, reaching it and the units below it (policy reach BELOW)"
    ),
    Role.AUDITOR: Holders(
        frozenset({K.MINISTRY}), note="the Ministry of Justice (its inspectorate); the organisation has no other"
    ),
    Role.OPERATOR: Holders(frozenset({K.MINISTRY}), note="the hub's operator, the Ministry of Justice"),
}


def may_hold(role: Role, agency: Agency) -> bool:
    """Whether ``agency``'s kind (and level) can hold ``role`` at all, whatever is granted."""
    return ROLE_HOLDERS[role].allow(agency)


def roles_agency_may_hold(agency: Agency) -> frozenset[Role]:
    return frozenset(role for role in Role if may_hold(role, agency))


@dataclass(frozen=True, slots=True)
class RefusedRole:
    """A claimed role the request may not act with, and why (``kind``: the agency can never hold it;
    ``grant``: it could, but the person or client has no active grant of it there)."""

    role: Role
    reason: str  # "kind" or "grant"


def refused_roles(claimed: Iterable[Role], granted: Iterable[Role], agency: Agency) -> list[RefusedRole]:
    """The claimed roles that are not in (granted ∩ what the agency may hold), in a stable order."""
    held = frozenset(granted)
    refused: list[RefusedRole] = []
    for role in sorted(frozenset(claimed)):
        if not may_hold(role, agency):
            refused.append(RefusedRole(role, "kind"))
        elif role not in held:
            refused.append(RefusedRole(role, "grant"))
    return refused


def role_holders_table() -> str:
    """The table as Markdown, for docs/security.md."""
    lines = ["| role | agencies that may hold it | kinds | levels |", "|---|---|---|---|"]
    for role, holders in ROLE_HOLDERS.items():
        kinds = "every kind" if holders.kinds == frozenset(AgencyKind) else ", ".join(sorted(holders.kinds))
        levels = "any" if holders.levels is None else ", ".join(sorted(holders.levels))
        lines.append(f"| `{role.value}` | {holders.note} | {kinds} | {levels} |")
    return "\n".join(lines) + "\n"
