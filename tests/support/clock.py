"""The in-process hub's clock: the machine's time until a test puts the hub on a moment of its choosing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.clock import Clock


class SettableClock(Clock):
    """Follows the machine's time until :meth:`set`; then stands still there (like ``ManualClock``) until reset.

    One hub serves a whole test session, and most tests expect time to move (token lifetimes aside,
    receipts, deadlines and retries are read from ``now()``), so standing still is only for the test
    that asked for it: the ``at`` fixture sets the clock and :meth:`reset` gives the next test the
    machine's time again. ``wall()`` is never shifted (``domain.clock``).
    """

    __slots__ = ("_moment",)

    def __init__(self) -> None:
        super().__init__()
        self._moment: datetime | None = None

    def now(self) -> datetime:
        return super().now() if self._moment is None else self._moment

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError(f"a clock needs an aware instant, not {moment!r}")
        self._moment = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._moment = self.now() + delta

    def reset(self) -> None:
        """Follow the machine's time again."""
        self._moment = None

    @property
    def is_set(self) -> bool:
        return self._moment is not None
