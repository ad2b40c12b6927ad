"""How far back and ahead a date argument may lie: one policy for every date the hub is given.

A reply date of 3000-01-01 can never be overdue, a forced enforcement planned for 9999-12-31 never
happens, and a periodic report for 0001-01-01 – 9999-12-31 covers no statistical year: each was a
typing slip accepted as data. Every date argument has a kind (:func:`kind_of`, by its name) and each
kind a window around today (:meth:`DateBounds.window`); a date outside it is refused with the window
in both the Vietnamese (dd/mm/yyyy) and the ISO form (:meth:`DateBounds.refusal`).

The windows are settings (``gateway/settings.py``, docs/operations.md); today is the hub's clock.
The past side of every window is the earliest plausible judgment day: rules about the past that are
the law's (a forced enforcement cannot be planned for yesterday) stay with the use case, which answers
them in their own words.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Final

from domain.messages import Text, msg
from domain.submission import EARLIEST_JUDGMENT


class DateKind(Enum):
    REPLY_BY = "reply-by"  # a reply date the sender sets itself
    PLANNED_ON = "planned-on"  # the day of a forced enforcement
    PERIOD_START = "period-start"  # first day of a report period
    PERIOD_END = "period-end"  # last day of a report period
    OTHER = "other"  # every other date: a signature, a decision, a filter


_KINDS: Final = {
    "replyBy": DateKind.REPLY_BY,
    "plannedOn": DateKind.PLANNED_ON,
    "periodFrom": DateKind.PERIOD_START,
    "periodTo": DateKind.PERIOD_END,
}
_REPORT_PERIODS: Final = frozenset({"ReportPeriodInput"})  # its ``from`` and ``to`` are a report period


def kind_of(name: str, holder: str | None = None) -> DateKind:
    """The kind of the date argument or input field ``name`` (of the input type ``holder``, if any)."""
    if holder in _REPORT_PERIODS and name in ("from", "to"):
        return DateKind.PERIOD_START if name == "from" else DateKind.PERIOD_END
    return _KINDS.get(name, DateKind.OTHER)


def vn(day: date) -> str:
    """dd/mm/yyyy, four digits of year even for year 1 (``%Y`` writes "1" there)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def vn_and_iso(day: date) -> str:
    return f"{vn(day)} ({day.isoformat()})"


def statistical_year_end(today: date) -> date:
    """The last day (30 September) of the statistical year ``today`` is in (a year begins on 1 October)."""
    return date(today.year + 1 if today.month >= 10 else today.year, 9, 30)


def months_ahead(day: date, months: int) -> date:
    """``day`` ``months`` calendar months later, on the month's last day if it is shorter (31/01 + 1 → 28/02)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class DateBounds:
    """The windows, from settings: ``LIENTHONG_REPLY_BY_MAX_DAYS``, ``LIENTHONG_PLANNED_ON_MAX_MONTHS``,
    ``LIENTHONG_DATE_MAX_YEARS_AHEAD`` and, for the past, ``LIENTHONG_EARLIEST_JUDGMENT_DATE``."""

    earliest: date = EARLIEST_JUDGMENT
    reply_by_max_days: int = 365
    planned_on_max_months: int = 6
    max_years_ahead: int = 10

    def window(self, kind: DateKind, today: date) -> tuple[date, date]:
        """The first and last day a date of ``kind`` may be, both included.

        A report period lies within statistical years that have begun: it starts on or before today
        (a period wholly in the future has no figures) and ends by the end of the current statistical year.
        """
        if kind is DateKind.REPLY_BY:
            return self.earliest, today + timedelta(days=self.reply_by_max_days)
        if kind is DateKind.PLANNED_ON:
            return self.earliest, months_ahead(today, self.planned_on_max_months)
        if kind is DateKind.PERIOD_START:
            return self.earliest, today
        if kind is DateKind.PERIOD_END:
            return self.earliest, statistical_year_end(today)
        return self.earliest, months_ahead(today, 12 * self.max_years_ahead)

    def refusal(self, name: str, value: date, today: date, holder: str | None = None) -> Text | None:
        """Why ``value`` cannot be the date ``name``, with the allowed range; None when it is within it.

        >>> DateBounds().refusal("replyBy", date(3000, 1, 1), date(2026, 12, 7))
        '01/01/3000 (3000-01-01) is outside the allowed range 02/09/1945 – 07/12/2027 (1945-09-02 – 2027-12-07)'
        """
        first, last = self.window(kind_of(name, holder), today)
        if first <= value <= last:
            return None
        return msg(
            "{day} is outside the allowed range {first} – {last} ({first_iso} – {last_iso})",
            day=vn_and_iso(value),
            first=vn(first),
            last=vn(last),
            first_iso=first.isoformat(),
            last_iso=last.isoformat(),
        )
