"""The overdue monitor: a periodic task that raises OVERDUE events for open transfers, once each.

Safe with several replicas: each raises through ``ledger.alerts.raise_once``,
whose alert row admits one winner. The sweep pages through open transfers, so
its memory stays flat however many there are.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.deadlines import DeadlineState, local_day
from domain.transfer_deadlines import DeadlinePolicy
from gateway.sweeps import PeriodicSweep
from ledger.alerts import open_transfers, raise_once
from ledger.db import write_transaction
from resolvers.signals import EventSignal

log = logging.getLogger("lienthong.overdue")
PAGE = 200


class OverdueMonitor(PeriodicSweep[int]):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        policy: DeadlinePolicy,
        signal: EventSignal,
        every_s: float = 60.0,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(every_s, clock, log)
        self.sessions = sessions
        self.policy = policy
        self.signal = signal

    async def sweep(self, now: datetime | None = None) -> int:
        """Raise every overdue deadline not raised yet; returns how many this call raised."""
        moment = now or self.clock.now()
        raised, after = 0, None
        while True:
            async with self.sessions() as session:
                page = await open_transfers(session, after_id=after, limit=PAGE)
            for transfer in page:
                for deadline in self.policy.for_transfer(transfer.deadline_facts, moment):
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

    def describe(self, result: int) -> str | None:
        return f"raised {result} overdue alert(s)" if result else None
