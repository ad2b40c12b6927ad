"""One ``PersonnelAdapter`` over several personnel systems, each agency code sent to the system that keeps it.

The enforcement units' staff is in the personnel database; the courts' and the
procuracies' staff in the systems of the Supreme People's Court and the Supreme
People's Procuracy. Callers (the DataLoaders) see one adapter; the router
splits each batch by the kind of agency (the first part of its code), asks
each system once, concurrently, and puts the answers back in the order asked::

    personnel = PersonnelRouter(
        sql_adapter,  # everything not routed elsewhere
        {"court": CourtPersonnelAdapter(...), "procuracy": ProcuracyPersonnelAdapter(...)},
    )
    await personnel.fetch_many(["enforcement.ha-noi", "court.ha-noi.kv01", "procuracy.hue"])
    # -> [(Officer, ...), AgencyUnavailable("court-personnel: ..."), (Officer, ...)]  if the court's is down

A system that fails (unavailable, timeout, unreadable answer) fails only its
own agencies: their entries hold its error in place, and the other systems'
agencies still answer. Each system keeps its own status; ``source_statuses``
gives them to /readyz, and ``status`` sums them up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from adapters.base import AdapterStatus, PersonnelAdapter
from adapters.batching import unique
from domain.errors import AgencyError
from domain.types import Officer, StaffingUnit

AGENCY = "personnel"

T = TypeVar("T")


class PersonnelRouter:
    """``PersonnelAdapter`` that routes each agency code to the personnel system keeping it."""

    agency = AGENCY

    def __init__(self, default: PersonnelAdapter, routes: Mapping[str, PersonnelAdapter]) -> None:
        """``routes`` maps an agency kind (``"court"``, the part of a code before the first dot) to its system;
        every other code goes to ``default``.
        """
        self._default = default
        self._routes = dict(routes)
        self._sources: tuple[PersonnelAdapter, ...] = tuple(
            {id(s): s for s in (default, *self._routes.values())}.values()
        )
        self.status = AdapterStatus(AGENCY)

    def source_of(self, agency_code: str) -> PersonnelAdapter:
        kind, _, _ = agency_code.partition(".")
        return self._routes.get(kind, self._default)

    def source_statuses(self) -> tuple[AdapterStatus, ...]:
        """Each system's own status, default system first."""
        return tuple(source.status for source in self._sources)

    async def fetch_many(self, keys: Sequence[str]) -> Sequence[tuple[Officer, ...] | AgencyError]:
        """Officers of each agency, from the system keeping it; a failed system's agencies hold its error."""
        return await self._route(keys, lambda source, codes: source.fetch_many(codes))

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | AgencyError | None]:
        """Name and quota of each agency, from the system keeping it; a failed system's agencies hold its error."""
        return await self._route(agency_codes, lambda source, codes: source.staffing_units(codes))

    async def ping(self) -> None:
        """Ping every system concurrently; raise the first failure once all have answered (each status is kept)."""
        outcomes = await asyncio.gather(*(source.ping() for source in self._sources), return_exceptions=True)
        self._sum_up()
        _raise_first(outcomes)

    async def aclose(self) -> None:
        outcomes = await asyncio.gather(*(source.aclose() for source in self._sources), return_exceptions=True)
        _raise_first(outcomes)

    async def _route(
        self, keys: Sequence[str], call: Callable[[PersonnelAdapter, list[str]], Awaitable[Sequence[T | AgencyError]]]
    ) -> list[T | AgencyError]:
        """One call per system for its distinct codes, concurrently; answers spread back over ``keys``."""
        batches: dict[int, tuple[PersonnelAdapter, list[str]]] = {}
        for code in unique(keys):
            source = self.source_of(code)
            batches.setdefault(id(source), (source, []))[1].append(code)
        if not batches:
            return []
        outcomes = await asyncio.gather(
            *(call(source, codes) for source, codes in batches.values()), return_exceptions=True
        )
        self._sum_up()
        answers: dict[str, T | AgencyError] = {}
        for (_, codes), outcome in zip(batches.values(), outcomes, strict=True):
            if isinstance(outcome, AgencyError):
                answers.update(dict.fromkeys(codes, outcome))
            elif isinstance(outcome, BaseException):
                raise outcome  # a bug of ours (or a cancellation), not the agency's failure
            else:
                answers.update(zip(codes, outcome, strict=True))
        return [answers[code] for code in keys]

    def _sum_up(self) -> None:
        """The router's own status: failing if any system's last call failed, its latest success and error."""
        statuses = self.source_statuses()
        known = [s.ok for s in statuses if s.ok is not None]
        self.status.ok = None if not known else all(known)
        successes = [s.last_ok_at for s in statuses if s.last_ok_at is not None]
        if successes:
            self.status.last_ok_at = max(successes)
        failures = [(s.last_error_at, s.last_error) for s in statuses if s.last_error_at is not None]
        if failures:
            self.status.last_error_at, self.status.last_error = max(failures, key=lambda failure: failure[0])


def _raise_first(outcomes: Sequence[object]) -> None:
    """Raise the first agency failure, or else the first other exception (a bug is never hidden)."""
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    for error in errors:
        if isinstance(error, AgencyError):
            raise error
    if errors:
        raise errors[0]
