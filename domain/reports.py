"""Report arithmetic for the steering committees and the ministry (DOMAIN.md §5, Circular 06/2019/TT-BTP).

A report covers a :class:`Period`: a statistical year (1 October of the year
before to 30 September) reported cumulatively from 1 October over 1..12
months, or an explicit date range (an ad-hoc report). Each row of a report is
one agency (a province's report) or one province (the national roll-up); the
totals are the sum of the rows, never figures fetched separately, so they
always add up::

    period = Period.cumulative(2026, 6)          # 01/10/2025 – 31/03/2026
    cases = Indicators(carried_over=10, newly_accepted=30, entrusted_out=2, withdrawn=1,
                       with_conditions=27, without_conditions=10, completed=18)
    cases.total             # 37 = 10 + 30 − 2 − 1
    cases.completion_rate   # Decimal("66.67")  = 18 ÷ 27, in per cent, 2 decimals

Pure: no I/O. The figures are gathered by ``resolvers/reports.py``.
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from domain.coordination import RequestKind
from domain.personnel import AlertKind

# ---------------------------------------------------------------- API for exports and bench

FIRST_MONTH = 10  # the statistical year starts on 1 October (Circular 06/2019)
MAX_PERIOD_DAYS = 3 * 366  # an explicit range longer than this is a mistake, not a report

_CENT = Decimal("0.01")


class PeriodError(ValueError):
    """A period that cannot be reported on (months outside 1..12, end before start, too long)."""


def _shift_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True)
class Period:
    """The days a report covers, both ends included.

    ``statistical_year`` and ``months`` are set for a cumulative report (Circular 06:
    year Y runs 1 October Y−1 – 30 September Y), ``None`` for an explicit range.
    """

    start: date
    end: date
    statistical_year: int | None = None
    months: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"the period ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days + 1 > MAX_PERIOD_DAYS:
            raise PeriodError(f"a report covers at most {MAX_PERIOD_DAYS} days")
        if (self.statistical_year is None) != (self.months is None):
            raise PeriodError("a cumulative period needs both its statistical year and its months")

    @classmethod
    def cumulative(cls, statistical_year: int, months: int) -> Period:
        """``months`` months of statistical year ``statistical_year``, counted from 1 October of the year before."""
        if not 1 <= months <= 12:
            raise PeriodError(f"months must be 1..12, not {months}")
        if not 1901 <= statistical_year <= 9999:
            raise PeriodError(f"not a statistical year: {statistical_year}")
        last = FIRST_MONTH - 1 + months  # 10..21 counted from January of year Y−1
        year, month = statistical_year - 1 + (last - 1) // 12, (last - 1) % 12 + 1
        return cls(date(statistical_year - 1, FIRST_MONTH, 1), _end_of_month(year, month), statistical_year, months)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """An ad-hoc report over ``start`` .. ``end`` (both included)."""
        return cls(start, end)

    def previous_year(self) -> Period:
        """The same period one year earlier (the comparison Circular 06 reports ask for)."""
        if self.statistical_year is not None and self.months is not None:
            return Period.cumulative(self.statistical_year - 1, self.months)
        return Period.between(_shift_years(self.start, -1), _shift_years(self.end, -1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label_vi(self) -> str:
        """E.g. "6 tháng năm 2026 (01/10/2025 – 31/03/2026)", "Năm 2026 (…)", "Từ 01/01/2026 đến 31/03/2026"."""
        span = f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        if self.statistical_year is None:
            return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"
        if self.months == 12:
            return f"Năm {self.statistical_year} ({span})"
        return f"{self.months} tháng năm {self.statistical_year} ({span})"


def completion_rate(completed: int, with_conditions: int) -> Decimal | None:
    """Completed ÷ with conditions, in per cent rounded half-up to 2 decimals; ``None`` when nothing had conditions."""
    if with_conditions <= 0:
        return None
    return (Decimal(completed) * 100 / Decimal(with_conditions)).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Indicators:
    """Circular 06 indicators of one unit over one period, all in cases or all in VND.

    ``with_conditions + without_conditions`` is the total to enforce; the
    enforcement system is trusted for the split (its own catalogue decides), and
    :meth:`check` says whether the figures are consistent.
    """

    carried_over: int = 0  # năm trước chuyển sang
    newly_accepted: int = 0  # thụ lý mới
    entrusted_out: int = 0  # ủy thác đi
    withdrawn: int = 0  # thu hồi, hủy quyết định
    with_conditions: int = 0  # có điều kiện thi hành
    without_conditions: int = 0  # chưa có điều kiện thi hành
    completed: int = 0  # thi hành xong

    @property
    def total(self) -> int:
        """To enforce (phải thi hành) = carried over + newly accepted − entrusted out − withdrawn."""
        return self.carried_over + self.newly_accepted - self.entrusted_out - self.withdrawn

    @property
    def carried_to_next(self) -> int:
        """Carried to the next period (chuyển kỳ sau) = total − completed."""
        return self.total - self.completed

    @property
    def completion_rate(self) -> Decimal | None:
        """Completed ÷ with conditions (Circular 06), per cent, 2 decimals; ``None`` when nothing had conditions."""
        return completion_rate(self.completed, self.with_conditions)

    def check(self) -> list[str]:
        """What does not add up (empty when consistent)."""
        problems = [f"{name} is negative" for name in _INDICATOR_FIELDS if getattr(self, name) < 0]
        if self.with_conditions + self.without_conditions != self.total:
            problems.append("with + without conditions differs from the total to enforce")
        if self.completed > self.with_conditions:
            problems.append("more completed than with conditions")
        return problems

    def __add__(self, other: Indicators) -> Indicators:
        return Indicators(*(getattr(self, n) + getattr(other, n) for n in _INDICATOR_FIELDS))


_INDICATOR_FIELDS = (
    "carried_over",
    "newly_accepted",
    "entrusted_out",
    "withdrawn",
    "with_conditions",
    "without_conditions",
    "completed",
)


@dataclass(frozen=True, slots=True)
class EnforcementFigures:
    """The enforcement agency's indicators of one unit, in cases (việc) and in money (VND)."""

    cases: Indicators = Indicators()
    money: Indicators = Indicators()

    def __add__(self, other: EnforcementFigures) -> EnforcementFigures:
        return EnforcementFigures(self.cases + other.cases, self.money + other.money)


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
    enforcement: EnforcementFigures = EnforcementFigures()
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


@dataclass(frozen=True, slots=True)
class Target:
    """Completion-rate targets (chỉ tiêu), per cent, and the decision that set them."""

    cases_rate: Decimal
    money_rate: Decimal
    decision: str  # e.g. "Quyết định số 1234/QĐ-BTP ngày 15/10/2025 của Bộ trưởng Bộ Tư pháp"
    scope: str  # "national", a province code or an agency code: where the target was set

    def __post_init__(self) -> None:
        for name, rate in (("cases_rate", self.cases_rate), ("money_rate", self.money_rate)):
            if not Decimal(0) <= rate <= Decimal(100):
                raise ValueError(f"{name} must be a percentage 0..100, not {rate}")
        if not self.decision.strip():
            raise ValueError("a target needs the decision that set it")


@dataclass(frozen=True, slots=True)
class ReportTargets:
    """Targets per statistical year: per agency, else its province's default, else the national default."""

    national: Mapping[int, Target] = field(default_factory=lambda: MappingProxyType({}))
    provinces: Mapping[tuple[int, str], Target] = field(default_factory=lambda: MappingProxyType({}))
    agencies: Mapping[tuple[int, str], Target] = field(default_factory=lambda: MappingProxyType({}))

    def for_unit(self, year: int | None, *, province_code: str | None, agency_code: str | None = None) -> Target | None:
        """The target that applies (``year``: the period's statistical year; ``None`` → no target)."""
        if year is None:
            return None
        if agency_code is not None and (year, agency_code) in self.agencies:
            return self.agencies[(year, agency_code)]
        if province_code is not None and (year, province_code) in self.provinces:
            return self.provinces[(year, province_code)]
        return self.national.get(year)


EMPTY_TARGETS: Final = ReportTargets()


def target_year(period: Period) -> int | None:
    """The statistical year whose targets apply: a cumulative period's year, or the year of an explicit range's end."""
    if period.statistical_year is not None:
        return period.statistical_year
    return period.end.year + (1 if period.end.month >= FIRST_MONTH else 0)


class RowKind(StrEnum):
    AGENCY = "agency"  # a province's report: one row per enforcement agency / area office
    PROVINCE = "province"  # the national roll-up: one row per province
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class ReportRow:
    code: str  # agency code, or province code for a national row, or the scope for the totals
    name: str
    kind: RowKind
    province_code: str | None
    current: Figures
    previous: Figures  # same period of the previous year (personnel left empty: alerts are not historical)
    target: Target | None

    @property
    def cases_rate_change(self) -> Decimal | None:
        """Change of the completion rate in cases against the previous year, in percentage points."""
        return _change(self.current.enforcement.cases.completion_rate, self.previous.enforcement.cases.completion_rate)

    @property
    def money_rate_change(self) -> Decimal | None:
        return _change(self.current.enforcement.money.completion_rate, self.previous.enforcement.money.completion_rate)

    @property
    def cases_target_gap(self) -> Decimal | None:
        """Completion rate in cases minus its target, in percentage points (≥ 0: target met)."""
        if self.target is None:
            return None
        return _change(self.current.enforcement.cases.completion_rate, self.target.cases_rate)

    @property
    def money_target_gap(self) -> Decimal | None:
        if self.target is None:
            return None
        return _change(self.current.enforcement.money.completion_rate, self.target.money_rate)


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True, slots=True)
class CommitteeReport:
    """A steering committee's (``scope`` = province code) or the ministry's (``scope`` = None) report.

    ``totals`` is computed from ``rows``; ``target`` is the scope's own (province
    default or national), not a sum of the rows' targets.
    """

    scope: str | None
    scope_name: str
    period: Period
    rows: tuple[ReportRow, ...]
    target: Target | None
    generated_at: datetime

    @property
    def previous_period(self) -> Period:
        return self.period.previous_year()

    @property
    def totals(self) -> ReportRow:
        return ReportRow(
            code=self.scope or "national",
            name=self.scope_name,
            kind=RowKind.TOTAL,
            province_code=self.scope,
            current=sum_figures(r.current for r in self.rows),
            previous=sum_figures(r.previous for r in self.rows),
            target=self.target,
        )

    @property
    def missing(self) -> frozenset[Source]:
        return self.totals.current.missing | self.totals.previous.missing


def sum_figures(figures: Iterable[Figures]) -> Figures:
    out = Figures()
    for f in figures:
        out = out + f
    return out


def roll_up(rows: Iterable[ReportRow], *, code: str, name: str, kind: RowKind, target: Target | None) -> ReportRow:
    """One row summing ``rows`` (a province's agencies → that province's row of the national report)."""
    rows = tuple(rows)
    return ReportRow(
        code=code,
        name=name,
        kind=kind,
        province_code=code if kind is RowKind.PROVINCE else None,
        current=sum_figures(r.current for r in rows),
        previous=sum_figures(r.previous for r in rows),
        target=target,
    )


def day_range(start: date, end: date) -> Iterable[date]:
    """Every day from ``start`` to ``end`` (both included)."""
    for n in range((end - start).days + 1):
        yield start + timedelta(days=n)


class TargetError(ValueError):
    """``report_targets.toml`` is not valid."""


def load_report_targets_from_text(text: str) -> ReportTargets:
    """Targets from the TOML of ``data/report_targets.toml`` (one ``[[target]]`` table each)::

    [[target]]
    statistical_year = 2026
    scope = "national"            # or: province = "ha-noi", or: agency = "enforcement.ha-noi"
    cases_rate = "83.00"          # per cent (a string or a number)
    money_rate = "45.00"
    decision = "Quyết định số …/QĐ-BTP ngày … của Bộ trưởng Bộ Tư pháp"
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(str(exc)) from exc
    national: dict[int, Target] = {}
    provinces: dict[tuple[int, str], Target] = {}
    agencies: dict[tuple[int, str], Target] = {}
    for number, entry in enumerate(document.get("target", ()), start=1):
        where = f"[[target]] #{number}"
        if not isinstance(entry, dict):
            raise TargetError(f"{where}: not a table")
        year = entry.get("statistical_year")
        if not isinstance(year, int) or isinstance(year, bool):
            raise TargetError(f"{where}: statistical_year must be an integer")
        places = [k for k in ("scope", "province", "agency") if k in entry]
        if len(places) != 1 or (places == ["scope"] and entry["scope"] != "national"):
            raise TargetError(f'{where}: give exactly one of scope = "national", province or agency')
        place = places[0]
        code = "national" if place == "scope" else entry[place]
        if not isinstance(code, str) or not code:
            raise TargetError(f"{where}: {place} must be a code")
        try:
            target = Target(
                _rate(entry.get("cases_rate")), _rate(entry.get("money_rate")), str(entry["decision"]), code
            )
        except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
            raise TargetError(f"{where}: {exc}") from exc
        table: dict[Any, Target] = national if place == "scope" else provinces if place == "province" else agencies
        key: Any = year if place == "scope" else (year, code)
        if key in table:
            raise TargetError(f"{where}: a second target for {code} in {year}")
        table[key] = target
    return ReportTargets(MappingProxyType(national), MappingProxyType(provinces), MappingProxyType(agencies))


def _rate(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"a rate must be a number or a string, not {value!r}")
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
