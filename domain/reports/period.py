"""The period a report covers: a statistical year's first months cumulatively, or an explicit date range.

Circular 05/2024/TT-BTP: statistical year Y runs 1 October Y−1 – 30 September Y.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import Invalid
from domain.messages import msg

FIRST_MONTH = 10  # the statistical year starts on 1 October (Circular 05/2024)
MAX_PERIOD_DAYS = 3 * 366  # an explicit range longer than this is a mistake, not a report


class PeriodError(Invalid):
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

    ``statistical_year`` and ``months`` are set for a cumulative report (Circular 05/2024:
    year Y runs 1 October Y−1 – 30 September Y), ``None`` for an explicit range.
    """

    start: date
    end: date
    statistical_year: int | None = None
    months: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(msg("the period ends ({end}) before it starts ({start})", end=self.end, start=self.start))
        if (self.end - self.start).days + 1 > MAX_PERIOD_DAYS:
            raise PeriodError(msg("a report covers at most {days} days", days=MAX_PERIOD_DAYS))
        if (self.statistical_year is None) != (self.months is None):
            raise PeriodError(msg("a cumulative period needs both its statistical year and its months"))

    @classmethod
    def cumulative(cls, statistical_year: int, months: int) -> Period:
        """``months`` months of statistical year ``statistical_year``, counted from 1 October of the year before."""
        if not 1 <= months <= 12:
            raise PeriodError(msg("months must be 1..12, not {months}", months=months))
        if not 1901 <= statistical_year <= 9999:
            raise PeriodError(msg("not a statistical year: {year}", year=statistical_year))
        last = FIRST_MONTH - 1 + months  # 10..21 counted from January of year Y−1
        year, month = statistical_year - 1 + (last - 1) // 12, (last - 1) % 12 + 1
        return cls(date(statistical_year - 1, FIRST_MONTH, 1), _end_of_month(year, month), statistical_year, months)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """An ad-hoc report over ``start`` .. ``end`` (both included)."""
        return cls(start, end)

    def previous_year(self) -> Period:
        """The same period one year earlier (the comparison Circular 05/2024 reports ask for)."""
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


def period_named(
    year: int | None, months: int | None, start: date | None, end: date | None, *, names: tuple[str, str, str, str]
) -> Period:
    """The period given cumulatively (``year`` and ``months``) or explicitly (``start`` and ``end``).

    ``PeriodError`` unless exactly one form is complete and valid; its message calls the four values
    by ``names``, as the caller's user knows them (``("--year", "--months", "--from", "--to")``).
    """
    year_name, months_name, start_name, end_name = names
    cumulative = year is not None or months is not None
    explicit = start is not None or end is not None
    if cumulative == explicit:
        raise PeriodError(
            msg(
                "give either {year} and {months}, or {start} and {end}",
                year=year_name,
                months=months_name,
                start=start_name,
                end=end_name,
            )
        )
    if cumulative:
        if year is None or months is None:
            raise PeriodError(
                msg("a cumulative period needs both {year} and {months}", year=year_name, months=months_name)
            )
        return Period.cumulative(year, months)
    if start is None or end is None:
        raise PeriodError(msg("an explicit period needs both {start} and {end}", start=start_name, end=end_name))
    return Period.between(start, end)


def day_range(start: date, end: date) -> Iterable[date]:
    """Every day from ``start`` to ``end`` (both included)."""
    for n in range((end - start).days + 1):
        yield start + timedelta(days=n)
