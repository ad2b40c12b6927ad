"""The Vietnamese public-sector working-day calendar that deadlines are counted on.

A working day is Monday to Friday (the public sector works a 40-hour week,
Saturdays and Sundays off) that is not a public holiday, plus any Saturday or
Sunday the government swaps in as a working day (làm bù).

Public holidays come from the ``holidays`` library (country ``VN``), which
computes, for each year:

- Tết Dương lịch (1 January);
- Tết Nguyên đán, five days (lunar new year's eve to the 4th day, or 29 Tết to
  the 5th day when Tết falls on a weekend), with the lunar calendar computed;
- Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month);
- 30 April and 1 May;
- Quốc khánh, 2 September plus the adjacent day (1 or 3 September, since 2021);
- the compensatory day (nghỉ bù) when one of these falls on a weekend, as the
  Labour Code 2019 Art. 112(3) requires (e.g. Monday 27/4/2026 for Giỗ Tổ on a
  Sunday);
- the swaps the library's maintainers recorded from past government notices
  (2024: 29/4 off, Saturday 4/5 worked; 2025: 2/5 off, Saturday 26/4 worked;
  2026: 31/8 off, Saturday 22/8 worked, in holidays 0.109);
- from 2026, Ngày Văn hóa Việt Nam (24 November, with a nghỉ bù when it falls
  on a weekend), ahead of the Labour Code amendment that would make it a holiday.

A library holiday that is not (yet) one in law is cancelled by one yearly
entry (``yearly = true``, kind ``not_a_holiday``) rather than date by date, so
every year is treated alike: 24/11 is a working day each year until the
operator closes the entry (``until``) in the year before the amendment takes
effect. The entry cancels the library's nghỉ bù for that day too, and never
turns a Saturday or Sunday into a working day.

What the library cannot know is the swaps announced each year after its
release (e.g. Tết Dương lịch 2026: 2/1 off, Saturday 10/1 worked). Those are
configuration: ``data/compensatory_days.toml``, read by the caller and parsed
with :func:`load_calendar_adjustments_from_text`. A configured entry wins over
the library for its date, in both directions.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import holidays

COUNTRY = "VN"
SATURDAY = 5


class CalendarConfigError(ValueError):
    """The calendar adjustments cannot be used as given."""


class AdjustmentKind(StrEnum):
    DAY_OFF = "day_off"  # nghỉ bù, or a day off swapped from a working day
    WORKING_DAY = "working_day"  # làm bù: a weekend day (or cancelled holiday) worked
    NOT_A_HOLIDAY = "not_a_holiday"  # a library holiday not in force (yearly only)


@dataclass(frozen=True, slots=True)
class CalendarAdjustment:
    """One announced change to the calendar, with where it was announced."""

    day: date
    kind: AdjustmentKind
    reason: str
    legal_basis: str
    verified: bool
    source: str | None = None
    yearly: bool = False  # the same month and day every year from ``day``'s year
    until: date | None = None  # yearly: the last occurrence (None: no end)

    def occurrence(self, year: int) -> date | None:
        """The day this entry applies to in ``year``, or None."""
        if not self.yearly:
            return self.day if self.day.year == year else None
        if year < self.day.year or (self.until is not None and year > self.until.year):
            return None
        return self.day.replace(year=year)


@dataclass(frozen=True, slots=True)
class _Year:
    days_off: Mapping[date, str]  # weekdays that are not worked, with the reason
    working_weekend_days: frozenset[date]


class WorkingCalendar:
    """Working days in Việt Nam's public sector, holidays computed once per year.

    ``extra_days_off`` may be a mapping from date to reason, shown by
    :meth:`day_off_reason`; :meth:`from_adjustments` passes the configured reasons.

    >>> cal = WorkingCalendar()
    >>> cal.add_working_days(date(2026, 2, 13), 1)  # Friday before Tết Bính Ngọ
    datetime.date(2026, 2, 23)

    Counting follows the Civil Code 2015 Art. 147(1): a period starts on the day
    after the event, so ``add_working_days(event, n)`` is the n-th working day
    after ``event``, whatever kind of day ``event`` itself is.
    """

    __slots__ = ("_extra_days_off", "_extra_working_days", "_not_holidays", "_reasons", "_years")

    def __init__(
        self,
        extra_days_off: Iterable[date] | Mapping[date, str] = (),
        extra_working_days: Iterable[date] = (),
        not_holidays: Iterable[CalendarAdjustment] = (),
    ) -> None:
        self._reasons: dict[date, str] = dict(extra_days_off) if isinstance(extra_days_off, Mapping) else {}
        self._extra_days_off = frozenset(extra_days_off)
        self._extra_working_days = frozenset(extra_working_days)
        both = self._extra_days_off & self._extra_working_days
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise CalendarConfigError(f"configured both as a day off and as a working day: {listed}")
        self._not_holidays = tuple(not_holidays)
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_adjustments(cls, adjustments: Iterable[CalendarAdjustment]) -> WorkingCalendar:
        adjustments = tuple(adjustments)
        return cls(
            extra_days_off={a.day: a.reason for a in adjustments if a.kind is AdjustmentKind.DAY_OFF},
            extra_working_days=(a.day for a in adjustments if a.kind is AdjustmentKind.WORKING_DAY),
            not_holidays=(a for a in adjustments if a.kind is AdjustmentKind.NOT_A_HOLIDAY),
        )

    def is_working_day(self, d: date) -> bool:
        year = self._year(d.year)
        if d.weekday() >= SATURDAY:
            return d in year.working_weekend_days
        return d not in year.days_off

    def day_off_reason(self, d: date) -> str | None:
        """Why ``d`` is not worked, in Vietnamese (holiday name, configured reason, "cuối tuần"), or None."""
        if self.is_working_day(d):
            return None
        if d in self._reasons:
            return self._reasons[d]
        return self._year(d.year).days_off.get(d, "cuối tuần")

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; for n = 0, ``start`` itself if worked, else the next.

        n = 0 is what "on or after" means: the day a period that ends on a day
        off rolls to (Civil Code 2015 Art. 148(5)).
        """
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days ({n})")
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        d = start
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_before(self, day: date, n: int) -> date:
        """The n-th working day before ``day`` (n ≥ 1): the last day for a step due n working days ahead of it.

        The mirror of :meth:`add_working_days`: ``working_days_between(result, day)``
        counts ``day`` itself, so it is n when ``day`` is worked.
        """
        if n < 1:
            raise ValueError(f"a step ahead of a day needs at least 1 working day, not {n}")
        d = day
        for _ in range(n):
            d -= timedelta(days=1)
            while not self.is_working_day(d):
                d -= timedelta(days=1)
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the half-open interval (a, b]; negative when b is before a.

        The inverse of :meth:`add_working_days` for n ≥ 1:
        ``working_days_between(a, add_working_days(a, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a + timedelta(days=1)
        while d <= b:
            if self.is_working_day(d):
                count += 1
            d += timedelta(days=1)
        return count

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        # A swap can straddle New Year (a Saturday in late December worked for
        # a day off in January), so the next year's instance is consulted too.
        library = holidays.country_holidays(COUNTRY, years=year, language="vi")
        if not library:
            raise ValueError(f"the holidays library has no Vietnamese calendar for {year}")
        following = holidays.country_holidays(COUNTRY, years=year + 1)
        days_off: dict[date, str] = {d: name for d, name in library.items() if d.weekday() < SATURDAY}
        working = {d for d in library.weekend_workdays | following.weekend_workdays if d.year == year}
        for entry in self._not_holidays:
            cancelled = entry.occurrence(year)
            if cancelled is not None:
                _cancel_holiday(days_off, cancelled, library.get(cancelled))
        for d in self._extra_days_off:
            if d.year == year:
                working.discard(d)
                if d.weekday() < SATURDAY:
                    days_off.setdefault(d, "ngày nghỉ theo cấu hình")
        for d in self._extra_working_days:
            if d.year == year:
                days_off.pop(d, None)
                if d.weekday() >= SATURDAY:
                    working.add(d)
        return _Year(days_off=days_off, working_weekend_days=frozenset(working))


def _cancel_holiday(days_off: dict[date, str], day: date, name: str | None) -> None:
    """Drop ``day`` and the library's nghỉ bù for it (named "<name> (nghỉ bù)") from ``days_off``."""
    days_off.pop(day, None)
    if name:
        for other in [d for d, other_name in days_off.items() if other_name != name and other_name.startswith(name)]:
            del days_off[other]


_ADJUSTMENT_FIELDS = {"date", "kind", "reason", "legal_basis", "verified", "source", "yearly", "until"}
_OPTIONAL_FIELDS = {"source", "yearly", "until"}


def load_calendar_adjustments_from_text(text: str) -> tuple[CalendarAdjustment, ...]:
    """Parse ``data/compensatory_days.toml``: a list of ``[[adjustment]]`` tables.

    Each has ``date`` (a TOML date), ``kind`` ("day_off", "working_day" or, for
    a yearly entry, "not_a_holiday"), ``reason``, ``legal_basis``, ``verified``
    and optionally ``source``; ``yearly = true`` repeats it on the same month
    and day from that year, up to ``until`` (a TOML date) if given. A date may
    appear once only.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarConfigError(f"calendar adjustments: invalid TOML: {exc}") from exc
    unknown = set(document) - {"adjustment"}
    if unknown:
        raise CalendarConfigError(f"calendar adjustments: unknown top-level key(s) {sorted(unknown)}")
    entries = document.get("adjustment", [])
    if not isinstance(entries, list):
        raise CalendarConfigError("calendar adjustments: 'adjustment' must be an array of tables ([[adjustment]])")
    result: list[CalendarAdjustment] = []
    seen: dict[date, int] = {}
    for number, entry in enumerate(entries, start=1):
        adjustment = _parse_adjustment(number, entry)
        if adjustment.day in seen:
            raise CalendarConfigError(
                f"calendar adjustment #{number}: {adjustment.day.isoformat()} is already configured"
                f" by adjustment #{seen[adjustment.day]}"
            )
        seen[adjustment.day] = number
        result.append(adjustment)
    return tuple(sorted(result, key=lambda a: a.day))


def _parse_adjustment(number: int, entry: Any) -> CalendarAdjustment:
    where = f"calendar adjustment #{number}"
    if not isinstance(entry, dict):
        raise CalendarConfigError(f"{where}: must be a table")
    unknown = set(entry) - _ADJUSTMENT_FIELDS
    if unknown:
        raise CalendarConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = _ADJUSTMENT_FIELDS - _OPTIONAL_FIELDS - set(entry)
    if missing:
        raise CalendarConfigError(f"{where}: missing field(s) {sorted(missing)}")
    day = entry["date"]
    if not isinstance(day, date) or isinstance(day, datetime):
        raise CalendarConfigError(f"{where}: 'date' must be a TOML date such as 2026-01-02, not {day!r}")
    where = f"{where} ({day.isoformat()})"
    try:
        kind = AdjustmentKind(entry["kind"])
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in AdjustmentKind)
        raise CalendarConfigError(f"{where}: 'kind' must be one of {allowed}, not {entry['kind']!r}") from None
    for name in ("reason", "legal_basis"):
        if not isinstance(entry[name], str) or not entry[name].strip():
            raise CalendarConfigError(f"{where}: '{name}' must be a non-empty string")
    if not isinstance(entry["verified"], bool):
        raise CalendarConfigError(f"{where}: 'verified' must be true or false")
    source = entry.get("source")
    if source is not None and not isinstance(source, str):
        raise CalendarConfigError(f"{where}: 'source' must be a string")
    yearly, until = _recurrence(where, entry, day, kind)
    return CalendarAdjustment(
        day=day,
        kind=kind,
        reason=entry["reason"],
        legal_basis=entry["legal_basis"],
        verified=entry["verified"],
        source=source,
        yearly=yearly,
        until=until,
    )


def _recurrence(where: str, entry: dict[str, Any], day: date, kind: AdjustmentKind) -> tuple[bool, date | None]:
    yearly = entry.get("yearly", False)
    if not isinstance(yearly, bool):
        raise CalendarConfigError(f"{where}: 'yearly' must be true or false")
    until = entry.get("until")
    if until is not None:
        if not yearly:
            raise CalendarConfigError(f"{where}: 'until' is only for a yearly entry")
        if not isinstance(until, date) or isinstance(until, datetime) or until < day:
            raise CalendarConfigError(f"{where}: 'until' must be a TOML date on or after 'date', not {until!r}")
    if (kind is AdjustmentKind.NOT_A_HOLIDAY) is not yearly:
        raise CalendarConfigError(f"{where}: kind 'not_a_holiday' goes with yearly = true, and only it")
    return yearly, until
