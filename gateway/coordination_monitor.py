"""The coordination monitor: OVERDUE and REMINDER events for coordination requests, once each.

Every sweep:

- a request still waiting for its addressee after its due moment gets one
  OVERDUE event;
- a request whose due moment is near gets one REMINDER event first. "Near" is
  counted on the working-day calendar: from the start of the last
  ``reminder_working_days`` working days up to the due moment (with the default
  of 1, from the start of the last working day on or before the due day, so a
  request due on the Monday after Tết is reminded that Monday, and one whose
  sender chose a Sunday is reminded on the Friday before). A request already
  past due gets no reminder: its OVERDUE says more.

Both are raised in one write transaction that locks the request, checks it is
still waiting, sets its flag column (``overdue_raised_at`` / ``reminded_at``)
with a conditional UPDATE and appends the event. The flag admits one winner,
so any number of monitors (replicas) sweeping together raise each event once;
an answer committed first leaves nothing to raise. Events reach subscribers of
every agency of the request's audience (sender, addressee, observers) through
the ordinary event stream; the in-process signal is notified after commit, and
other replicas are woken by the commit's NOTIFY (``ledger.notify``; on SQLite,
within their poll interval).

The sweep reads candidates in pages ordered by due moment; raised (or no
longer waiting) requests drop out of the next page, so memory stays flat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.deadlines import VIETNAM_TZ, local_day
from domain.workdays import WorkingCalendar
from gateway.sweeps import PeriodicSweep
from ledger.coordination import CoordinationLedger, CoordinationRequest
from ledger.db import write_transaction
from resolvers.signals import EventSignal

log = logging.getLogger("lienthong.coordination_monitor")

PAGE: Final = 200
OVERDUE: Final = "OVERDUE"
REMINDER: Final = "REMINDER"
_FLAG: Final = {OVERDUE: "overdue_raised_at", REMINDER: "reminded_at"}
_JUST_BEFORE: Final = timedelta(microseconds=1)


def last_due_day(due_at: datetime) -> datetime:
    """The start (00:00, Vietnam) of the last day the request may still be answered on.

    A deadline given as a date ends at 24:00 that day, stored as 00:00 of the day
    after; that instant belongs to the day before it.
    """
    return datetime.combine(local_day(due_at - _JUST_BEFORE), time(), VIETNAM_TZ)


def reminder_from(due_at: datetime, working_days: int, calendar: WorkingCalendar) -> datetime:
    """When the reminder of a request due at ``due_at`` is due: the start of its last ``working_days`` working days."""
    if working_days < 1:
        raise ValueError(f"a reminder comes at least 1 working day before the due moment, not {working_days}")
    day = last_due_day(due_at).date()
    found = 0
    while True:  # every year has working days, so this ends within a few weeks of `day`
        if calendar.is_working_day(day):
            found += 1
            if found == working_days:
                return datetime.combine(day, time(), VIETNAM_TZ)
        day -= timedelta(days=1)


def reminder_horizon(now: datetime, working_days: int, calendar: WorkingCalendar) -> datetime:
    """A moment every request to remind by ``now`` is due before (requests due earlier are checked one by one).

    A request is reminded once its last ``working_days`` working days have
    begun, i.e. when fewer than ``working_days`` working days lie between
    today and its last day. Its last day then comes before the
    ``working_days``-th working day after today, so it is due by the start of
    that day, which is before the start of the working day after it.
    """
    day = calendar.add_working_days(local_day(now), working_days)
    return datetime.combine(calendar.next_working_day(day), time(), VIETNAM_TZ)


@dataclass(frozen=True, slots=True)
class SweepResult:
    overdue: int = 0
    reminded: int = 0

    def __bool__(self) -> bool:
        return bool(self.overdue or self.reminded)


class CoordinationMonitor(PeriodicSweep[SweepResult]):
    """Raises the REMINDER and OVERDUE events of coordination requests; run one per replica, or several."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        calendar: WorkingCalendar,
        signal: EventSignal,
        every_s: float = 60.0,
        reminder_working_days: int = 1,
        clock: Clock | None = None,
    ) -> None:
        if reminder_working_days < 1:
            raise ValueError(f"reminder_working_days must be at least 1, not {reminder_working_days}")
        super().__init__(every_s, clock, log)
        self.sessions = sessions
        self.calendar = calendar
        self.signal = signal
        self.reminder_working_days = reminder_working_days

    async def sweep(self, now: datetime | None = None) -> SweepResult:
        """Raise every OVERDUE, then every REMINDER, not raised yet; what this call raised."""
        moment = now or self.clock.now()
        result = SweepResult(overdue=await self._raise_overdue(moment), reminded=await self._raise_reminders(moment))
        if result:
            await self.signal.notify()  # after commit: live subscribers of this process read at once
        return result

    async def _raise_overdue(self, now: datetime) -> int:
        raised, seen = 0, set[str]()
        while True:
            async with self.sessions() as session:
                page = await CoordinationLedger(session).open_past_due(now, limit=PAGE)
            fresh = [r for r in page if r.id not in seen]
            for request in fresh:
                seen.add(request.id)
                raised += await self._raise(request.id, OVERDUE, now)
            if len(page) < PAGE or not fresh:
                return raised

    async def _raise_reminders(self, now: datetime) -> int:
        horizon = reminder_horizon(now, self.reminder_working_days, self.calendar)
        raised, seen = 0, set[str]()
        while True:
            async with self.sessions() as session:
                page = await CoordinationLedger(session).open_due_before(horizon, limit=PAGE)
            fresh = [r for r in page if r.id not in seen]
            for request in fresh:
                if not self._remind_now(request, now):
                    return raised  # ordered by due moment: every later one is further from its reminder
                seen.add(request.id)
                raised += await self._raise(request.id, REMINDER, now)
            if len(page) < PAGE or not fresh:
                return raised

    def _remind_now(self, request: CoordinationRequest, now: datetime) -> bool:
        return reminder_from(request.due_at, self.reminder_working_days, self.calendar) <= now

    async def _raise(self, request_id: str, kind: str, now: datetime) -> bool:
        """Raise ``kind`` for the request if it still calls for it and nobody raised it; True if this call did."""
        async with write_transaction(self.sessions) as session:
            ledger = CoordinationLedger(session)
            request = await ledger.get(request_id, for_update=True)
            if request is None or not request.status.is_open or not self._calls_for(request, kind, now):
                return False
            if not await ledger.flag(request_id, _FLAG[kind], now):
                return False  # another monitor raised it first
            await ledger.append_event(
                request_id,
                kind,
                request.status,
                actor_code=None,
                actor_person=None,
                note=None,
                payload={
                    "dueAt": request.due_at.astimezone(VIETNAM_TZ).isoformat(),
                    "dueOn": last_due_day(request.due_at).date().isoformat(),
                },
                at=now,
            )
        return True

    def _calls_for(self, request: CoordinationRequest, kind: str, now: datetime) -> bool:
        """Checked again under the request's lock: it may have been answered or given a new date since it was read."""
        if kind == OVERDUE:
            return request.due_at < now
        return request.overdue_raised_at is None and request.due_at >= now and self._remind_now(request, now)

    def describe(self, result: SweepResult) -> str | None:
        return f"coordination requests: {result.overdue} overdue, {result.reminded} reminded" if result else None
