"""How many working days are left before a due day, on the hub's own clock and working-day calendar.

The gateway hands the console the hub's one clock (a test's or the demo's shifted one) and the calendar
the hub counts deadlines on (with the configured compensatory days) when it wires it
(``Console.clock``, ``Console.calendar``). Without them (a console wired without a hub) nothing is
counted and the pages show the due day alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request

from console.views import console_of
from domain.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class Today:
    """The hub's day in Việt Nam and its calendar: ``left(due)`` is what ``format.deadline`` shows."""

    day: date
    calendar: WorkingCalendar

    def left(self, due: date | str | None) -> int | None:
        """Working days from today to ``due`` (0: due today, negative: overdue by that many)."""
        if due is None or due == "":
            return None
        due_on = date.fromisoformat(due) if isinstance(due, str) else due
        return self.calendar.working_days_between(self.day, due_on)


def today(request: Request) -> Today | None:
    """The hub's day and calendar, or None when the app has no hub state."""
    console = console_of(request)
    if console.clock is None or console.calendar is None:
        return None
    return Today(console.clock.today(), console.calendar)
