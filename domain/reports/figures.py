"""Everything a report shows for one unit over one period: transfers, enforcement, coordination, personnel.

:class:`Figures` add up (``+``, :func:`sum_figures`), so a total is always the
sum of its rows; ``missing`` names the sources that did not answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.coordination import RequestKind
from domain.personnel.alerts import AlertKind
from domain.reports.indicators import EnforcementFigures, completion_rate


@dataclass(frozen=True, slots=True)
class CourtTransfers:
    """Judgments one court transferred to a unit in the period."""

    court_code: str
    court_name: str
    transferred: int = 0
    on_time: int = 0
    late: int = 0


@dataclass(frozen=True, slots=True)
class TransferFigures:
    """What the hub's ledger says about transfers to one unit in the period.

    - ``transferred``: received by the hub in the period; ``on_time``/``late``
      against ``court_transfer`` (``court_transfer_interim``); a transfer with
      no rule in force is neither (``unassessed``);
    - ``acknowledged``: acknowledged (entered in the receipt register) in the period;
    - ``returned``: returned by the agency in the period;
    - ``decided``: enforcement decision dated in the period; ``decided_on_time`` /
      ``decided_late`` against the decision deadline the hub tracks
      (``decision_ex_officio``, ``decision_interim``); decisions on a creditor's
      request run from the request, which the hub does not see, so they are neither;
    - ``by_court``: the transfers split by sending court (sorted by code).
    """

    transferred: int = 0
    on_time: int = 0
    late: int = 0
    acknowledged: int = 0
    returned: int = 0
    decided: int = 0
    decided_on_time: int = 0
    decided_late: int = 0
    by_court: tuple[CourtTransfers, ...] = ()

    @property
    def unassessed(self) -> int:
        return self.transferred - self.on_time - self.late

    @property
    def on_time_rate(self) -> Decimal | None:
        """On time ÷ (on time + late), per cent, 2 decimals."""
        return completion_rate(self.on_time, self.on_time + self.late)

    @property
    def decided_on_time_rate(self) -> Decimal | None:
        return completion_rate(self.decided_on_time, self.decided_on_time + self.decided_late)

    def __add__(self, other: TransferFigures) -> TransferFigures:
        courts: dict[str, CourtTransfers] = {c.court_code: c for c in self.by_court}
        for c in other.by_court:
            mine = courts.get(c.court_code)
            courts[c.court_code] = (
                c
                if mine is None
                else CourtTransfers(
                    c.court_code,
                    mine.court_name,
                    mine.transferred + c.transferred,
                    mine.on_time + c.on_time,
                    mine.late + c.late,
                )
            )
        return TransferFigures(
            self.transferred + other.transferred,
            self.on_time + other.on_time,
            self.late + other.late,
            self.acknowledged + other.acknowledged,
            self.returned + other.returned,
            self.decided + other.decided,
            self.decided_on_time + other.decided_on_time,
            self.decided_late + other.decided_late,
            tuple(courts[code] for code in sorted(courts)),
        )


@dataclass(frozen=True, slots=True)
class RequestCounts:
    """Coordination requests of one kind involving a unit (as sender or addressee), opened in the period.

    At the end of the period (or now, if earlier): ``answered`` (``answered_late``
    of them after their deadline), still ``open`` (``overdue`` of them past their
    deadline); the rest were declined, withdrawn or closed unanswered.
    """

    kind: RequestKind
    opened: int = 0
    answered: int = 0
    answered_late: int = 0
    open: int = 0
    overdue: int = 0

    def __add__(self, other: RequestCounts) -> RequestCounts:
        if other.kind != self.kind:
            raise ValueError(f"cannot add {other.kind} requests to {self.kind} requests")
        return RequestCounts(
            self.kind,
            self.opened + other.opened,
            self.answered + other.answered,
            self.answered_late + other.answered_late,
            self.open + other.open,
            self.overdue + other.overdue,
        )


@dataclass(frozen=True, slots=True)
class CoordinationFigures:
    """Coordination requests by kind (every kind present, in :class:`RequestKind` order)."""

    by_kind: tuple[RequestCounts, ...] = tuple(RequestCounts(k) for k in RequestKind)

    @classmethod
    def of(cls, counts: Iterable[RequestCounts]) -> CoordinationFigures:
        merged = {k: RequestCounts(k) for k in RequestKind}
        for c in counts:
            merged[c.kind] = merged[c.kind] + c
        return cls(tuple(merged.values()))

    def kind(self, kind: RequestKind) -> RequestCounts:
        return next(c for c in self.by_kind if c.kind == kind)

    @property
    def recommendations(self) -> RequestCounts:
        """The procuracy's recommendations (kiến nghị) to the unit."""
        return self.kind(RequestKind.PROCURACY_RECOMMENDATION)

    @property
    def total(self) -> RequestCounts:
        """All kinds together (its ``kind`` is the first kind's, meaningless)."""
        first, *rest = self.by_kind
        out = first
        for c in rest:
            out = _sum_counts(out, c)
        return out

    def __add__(self, other: CoordinationFigures) -> CoordinationFigures:
        return CoordinationFigures.of((*self.by_kind, *other.by_kind))


def _sum_counts(a: RequestCounts, b: RequestCounts) -> RequestCounts:
    return RequestCounts(
        a.kind,
        a.opened + b.opened,
        a.answered + b.answered,
        a.answered_late + b.answered_late,
        a.open + b.open,
        a.overdue + b.overdue,
    )


@dataclass(frozen=True, slots=True)
class PersonnelFigures:
    """Personnel alerts of a unit as of the report's date (not historical: no previous-year figure)."""

    alerts: int = 0
    overdue: int = 0  # due before the report's date
    by_kind: tuple[tuple[AlertKind, int], ...] = ()  # in AlertKind order, kinds with alerts only

    def __add__(self, other: PersonnelFigures) -> PersonnelFigures:
        counts = dict(self.by_kind)
        for kind, n in other.by_kind:
            counts[kind] = counts.get(kind, 0) + n
        return PersonnelFigures(
            self.alerts + other.alerts,
            self.overdue + other.overdue,
            tuple((k, counts[k]) for k in AlertKind if k in counts),
        )


class Source(StrEnum):
    """Where figures come from; a report names the sources that could not be reached."""

    LEDGER = "ledger"
    ENFORCEMENT = "enforcement"
    PERSONNEL = "personnel"


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything a report shows for one unit over one period.

    ``missing`` names the sources that did not answer for this unit: their
    figures are zeros here, and a total with any row missing them says so.
    """

    transfers: TransferFigures = TransferFigures()
    enforcement: EnforcementFigures = EnforcementFigures()  # noqa: RUF009  (frozen: a shared default is safe)
    coordination: CoordinationFigures = CoordinationFigures()
    personnel: PersonnelFigures = PersonnelFigures()
    missing: frozenset[Source] = frozenset()

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.transfers + other.transfers,
            self.enforcement + other.enforcement,
            self.coordination + other.coordination,
            self.personnel + other.personnel,
            self.missing | other.missing,
        )


def sum_figures(figures: Iterable[Figures]) -> Figures:
    out = Figures()
    for f in figures:
        out = out + f
    return out
