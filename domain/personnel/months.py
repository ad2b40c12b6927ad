"""Calendar-month arithmetic shared by the retirement, term and rotation dates."""

from __future__ import annotations

from datetime import date, timedelta


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``; a month without that day gives its last day (31 Jan + 3 months: 30 Apr)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if day.day <= 28:  # every month has the day (the usual case: a report asks it tens of thousands of times)
        return date(year, month + 1, day.day)
    start = date(year, month + 1, 1)
    last = (first_of_next_month(start) - timedelta(days=1)).day
    return start.replace(day=min(day.day, last))
