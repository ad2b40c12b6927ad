"""Periodic sweeps that raise events by the clock (overdue transfers, coordination reminders and deadlines).

A sweep class says what one pass does (:meth:`PeriodicSweep.sweep`) and how to log what it did;
this module runs it every ``every_s`` seconds until stopped, outliving a pass that fails (a
database restart, …: the next pass retries; the database not answering is one WARNING line a
pass, anything else is logged whole at ERROR), and stops at once when asked::

    async with monitoring(OverdueMonitor(sessions, policy, signal, every_s=60, clock=clock)):
        ...   # the app serves; the monitor sweeps in the background
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Generic, TypeVar

from domain.clock import Clock
from ledger.db import is_unavailable

R = TypeVar("R")


class PeriodicSweep(ABC, Generic[R]):
    """Runs :meth:`sweep` every ``every_s`` seconds until :meth:`stop`; ``clock`` says when "now" is."""

    def __init__(self, every_s: float, clock: Clock | None, log: logging.Logger) -> None:
        self.every_s = every_s
        self.clock = clock or Clock()
        self._log = log
        self._stop = asyncio.Event()

    @abstractmethod
    async def sweep(self, now: datetime | None = None) -> R:
        """One pass (``now``: the clock's moment unless given); what it raised."""

    @abstractmethod
    def describe(self, result: R) -> str | None:
        """A line for the log about what a pass raised, or None when it raised nothing."""

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                line = self.describe(await self.sweep())
                if line:
                    self._log.info("%s", line)
            except Exception as exc:  # the monitor must outlive a bad sweep (database restart, …); the next one retries
                if is_unavailable(exc):  # an outage: one line a pass, not a traceback a second
                    self._log.warning(
                        "%s: database unavailable (%s); next pass in %gs", type(self).__name__, exc, self.every_s
                    )
                else:
                    self._log.exception("%s failed", type(self).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every_s)

    def stop(self) -> None:
        self._stop.set()


@contextlib.asynccontextmanager
async def monitoring(monitor: PeriodicSweep[Any] | None) -> AsyncIterator[None]:
    """Run the monitor in the background for the duration of the block."""
    if monitor is None:
        yield
        return
    task = asyncio.create_task(monitor.run(), name=type(monitor).__name__)
    try:
        yield
    finally:
        monitor.stop()
        await task
