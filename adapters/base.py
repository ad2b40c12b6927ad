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

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar, runtime_checkable

from adapters.circuit import CircuitBreaker
from domain.errors import AgencyBadData, AgencyError
from domain.reports.indicators import EnforcementFigures
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
    """What /readyz shows for an adapter: the outcome of its last call, and its circuit breaker if it has one."""

    agency: str
    ok: bool | None = None  # None: not called yet
    last_ok_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    circuit: CircuitBreaker | None = field(default=None, repr=False, compare=False)


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
    async def statistics(self, unit_codes: Sequence[str], start: date, end: date) -> Mapping[str, EnforcementFigures]:
        """Circular 05/2024 indicators of each unit over ``start`` .. ``end`` (both included), in cases and money.

        One call per report. Every unit asked for is in the answer (zeros when it
        holds no case); an answer that cannot be read raises ``AgencyBadData``.
        """
        ...


class ProcuracyAdapter(AgencyAdapter[JudgmentKey, tuple[SupervisionRecord, ...]], Protocol):
    pass


class PersonnelAdapter(AgencyAdapter[str, tuple[Officer, ...] | AgencyError], Protocol):
    """Keys are agency codes; values are the officers on that agency's staff.

    Several personnel systems sit behind this one interface (the personnel
    database, the courts' and the procuracies' own systems; see
    ``adapters.personnel_routing``). When one of them fails, only its agencies
    fail: their entries hold that system's ``AgencyError`` (unavailable,
    timeout) in place, as a per-key ``AgencyBadData`` would be, and the other
    agencies still answer. A DataLoader raises such an entry for its key only.
    """

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | AgencyError | None]:
        """Name and quota of each agency, ``None`` if no personnel system keeps it."""
        ...

    async def aclose(self) -> None:
        """Let work the adapter started end (abandoned queries); call before the app's engine and session close."""
        ...


@runtime_checkable
class HasSources(Protocol):
    """An adapter made of several systems, each with its own status (for /readyz)."""

    def source_statuses(self) -> tuple[AdapterStatus, ...]: ...
