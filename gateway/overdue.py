"""The overdue monitor: a periodic task that raises OVERDUE events for open transfers, once each.

Safe with several replicas: each raises through ``ledger.alerts.raise_once``,
whose alert row admits one winner. The sweep pages through open transfers, so
its memory stays flat however many there are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.deadlines import DeadlineState, local_day
from domain.transfer_deadlines import DeadlinePolicy, TransferFacts
from ledger.alerts import open_transfers, raise_once
from ledger.db import write_transaction
from resolvers.signals import EventSignal

log = logging.getLogger("lienthong.overdue")
PAGE = 200


class OverdueMonitor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        policy: DeadlinePolicy,
        signal: EventSignal,
        every_s: float = 60.0,
        clock: Clock | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock or Clock()
        self.policy = policy
        self.signal = signal
        self.every_s = every_s
        self._stop = asyncio.Event()

    async def sweep(self, now: datetime | None = None) -> int:
        """Raise every overdue deadline not raised yet; returns how many this call raised."""
        moment = now or self.clock.now()
        raised, after = 0, None
        while True:
            async with self.sessions() as session:
                page = await open_transfers(session, after_id=after, limit=PAGE)
            for transfer in page:
                facts = TransferFacts(
                    transfer.effective_on,
                    transfer.received_at,
                    transfer.interim_measure,
                    transfer.has_ex_officio,
                    transfer.decision_date,
                    transfer.decided_at,
                )
                for deadline in self.policy.for_transfer(facts, moment):
                    if deadline.state is not DeadlineState.OVERDUE:
                        continue
                    async with write_transaction(self.sessions) as session:
                        event = await raise_once(
                            session, transfer, deadline.key, moment, {"dueOn": local_day(deadline.due).isoformat()}
                        )
                    raised += event is not None
            if len(page) < PAGE:
                break
            after = page[-1].id
        if raised:
            await self.signal.notify()
        return raised

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                count = await self.sweep()
                if count:
                    log.info("raised %d overdue alert(s)", count)
            except Exception:  # the monitor must outlive a bad sweep (database restart, …); the next one retries
                log.exception("overdue sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every_s)

    def stop(self) -> None:
        self._stop.set()


class Monitor(Protocol):
    """A periodic task: ``run`` until ``stop`` (OverdueMonitor, gateway.coordination_monitor.CoordinationMonitor)."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...


@contextlib.asynccontextmanager
async def monitoring(monitor: Monitor | None) -> AsyncIterator[None]:
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
