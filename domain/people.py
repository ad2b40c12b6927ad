"""People and system clients the hub knows, and the roles granted to them (issue 14).

Plain records; the registry (``ledger/grants.py``) stores them and
:mod:`domain.role_holders` decides what a request may act with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.access import Role


class HolderKind(StrEnum):
    PERSON = "person"  # an official, named in tokens by the ``person`` claim
    CLIENT = "client"  # another agency's system, named in tokens by the ``client_id`` claim


class HolderStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # no grant of a suspended holder is active


@dataclass(frozen=True, slots=True)
class Holder:
    id: str
    kind: HolderKind
    name: str
    agency_code: str
    status: HolderStatus
    added_at: datetime
    added_by: str


@dataclass(frozen=True, slots=True)
class Grant:
    """``role`` for ``holder_id`` at ``agency_code`` over [valid_from, valid_to), unless revoked."""

    id: int
    holder_id: str
    role: Role
    agency_code: str
    valid_from: datetime
    valid_to: datetime | None
    granted_by: str
    granted_at: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def active_at(self, moment: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= moment:
            return False
        return self.valid_from <= moment and (self.valid_to is None or moment < self.valid_to)
