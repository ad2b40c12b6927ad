"""The one small interface every agency adapter offers.

An adapter answers batches: ``fetch_many(keys)`` returns one entry per key, in
the order given, so a DataLoader can sit directly on top of it::

    cases = await enforcement.fetch_many([JudgmentKey("court.ha-noi.kv01", "125/2026/DS-ST")])
    # -> [EnforcementCase(...)]   or [None] if the agency has no case for it

Per-key problems (one malformed record) come back in place as an
``AgencyBadData`` instance, so one bad record never spoils the batch. Whole-call
problems raise ``AgencyUnavailable`` / ``AgencyTimeout`` (see ``domain.errors``).
Library exceptions (aiohttp, SQLAlchemy) never cross this boundary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from domain.errors import AgencyBadData
from domain.types import (
    CourtJudgment,
    EnforcementCase,
    JudgmentKey,
    Officer,
    StaffingUnit,
    SupervisionRecord,
)

K_contra = TypeVar("K_contra", contravariant=True)
V_co = TypeVar("V_co", covariant=True)


@dataclass(slots=True)
class AdapterStatus:
    """What /readyz shows for an adapter: the outcome of its last call."""

    agency: str
    ok: bool | None = None  # None: not called yet
    last_ok_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None


class AgencyAdapter(Protocol[K_contra, V_co]):
    agency: str  # "court" | "enforcement" | "procuracy" | "personnel"
    status: AdapterStatus

    async def fetch_many(self, keys: Sequence[K_contra]) -> Sequence[V_co | AgencyBadData]:
        """One entry per key, same order."""
        ...

    async def ping(self) -> None:
        """Raise an AgencyError if the agency cannot be reached; update ``status``."""
        ...


class CourtAdapter(AgencyAdapter[JudgmentKey, CourtJudgment | None], Protocol):
    def iter_judgments(self, page_size: int = 500) -> AsyncIterator[Sequence[CourtJudgment | AgencyBadData]]:
        """Every judgment the court system holds, page by page (for the hub's registry)."""
        ...


class EnforcementAdapter(AgencyAdapter[JudgmentKey, EnforcementCase | None], Protocol):
    pass


class ProcuracyAdapter(AgencyAdapter[JudgmentKey, tuple[SupervisionRecord, ...]], Protocol):
    pass


class PersonnelAdapter(AgencyAdapter[str, tuple[Officer, ...]], Protocol):
    """Keys are agency codes; values are the officers on that agency's staff."""

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | None]: ...
