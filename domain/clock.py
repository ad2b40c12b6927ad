"""The hub's one clock: the only module that asks the machine what time it is.

Everything else is handed a :class:`Clock` (through the settings and the lifespan
into ``HubState``, and from there into each request's context), so a test or a
demo can put the hub on any day without patching a module::

    clock = ManualClock(at("2027-02-05 16:59"))   # the Friday before Tết, one minute to five
    clock.today()                                 # date(2027, 2, 5): the calendar day in Việt Nam
    clock.advance(timedelta(minutes=2))           # now 17:01

Three readings:

- ``now()``: the hub's instant (aware, UTC): what it records and counts deadlines from;
- ``today()``: the calendar day in Việt Nam at ``now()`` (working days, registers, statistical years);
- ``wall()``: the machine's instant, never shifted: for what another machine checks against its own
  clock (token lifetimes, webhook signature timestamps, the age of a cached key set).

Durations (time-outs, back-off, rates) are measured with ``time.monotonic()``, which tells no date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.deadlines import VIETNAM_TZ, local_day


def at(text: str) -> datetime:
    """An instant written as people write it, in Việt Nam time unless it says otherwise.

    ``"2027-02-05"`` is midnight that day; ``"2027-02-05 16:59"`` or ``"2027-02-05T16:59:30+07:00"``
    name a moment. Raises ``ValueError`` with the text when it is not an ISO date or date-time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"not an ISO date or date-time: {text!r} (e.g. 2027-02-05 16:59)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(UTC)


class Clock:
    """The machine's time, or the machine's time shifted to start on a chosen moment (the demo's setting)."""

    __slots__ = ("_offset",)

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    @classmethod
    def starting_at(cls, moment: datetime | None) -> Clock:
        """A clock that reads ``moment`` now and runs on from there (``None``: the machine's time)."""
        if moment is None:
            return cls()
        return cls(moment - datetime.now(UTC))

    def now(self) -> datetime:
        """The hub's instant, aware, in UTC."""
        return datetime.now(UTC) + self._offset

    def today(self) -> date:
        """The calendar day in Việt Nam at :meth:`now`."""
        return local_day(self.now())

    def wall(self) -> datetime:
        """The machine's own instant (UTC), never shifted: for timestamps other machines check."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(now={self.now().isoformat()})"


class ManualClock(Clock):
    """A clock a test moves (tests, drills): it stands still where it is set or advanced to.

    Made without a moment, or after :meth:`reset`, it follows the machine's time, so one hub can serve
    tests that expect time to pass and, for one test, stand on a chosen moment.
    """

    __slots__ = ("_moment",)

    def __init__(self, moment: datetime | None = None) -> None:
        super().__init__()
        self._moment = None if moment is None else _aware(moment)

    def now(self) -> datetime:
        return super().now() if self._moment is None else self._moment

    def set(self, moment: datetime) -> None:
        self._moment = _aware(moment)

    def advance(self, delta: timedelta) -> None:
        self._moment = self.now() + delta

    def reset(self) -> None:
        """Follow the machine's time again."""
        self._moment = None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"a clock needs an aware instant, not {moment!r}")
    return moment.astimezone(UTC)
