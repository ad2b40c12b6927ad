"""A per-app wake-up signal for new events.

Writers call :meth:`EventSignal.notify` after committing an event; readers
(the app's event feeds, one reader per kind of event for every subscription,
see :mod:`resolvers.event_feed`; the delivery worker) ``await wait(timeout)``
and then read the database from their last cursor. The database stays the only
source of truth: the signal only shortens the wait, and the timeout bounds it for events
committed by another process (another replica, or this one before a restart).
On PostgreSQL, ``gateway.listen`` also notifies the signal when another replica
commits events (LISTEN/NOTIFY), so the timeout is only the safety net there.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Final

DEFAULT_POLL_S: Final = 1.0


class EventSignal:
    """``poll_s``: how long a live reader waits on this signal at most before reading anyway
    (``LIENTHONG_LIVE_POLL_S``): the latency bound for events no notification announced."""

    def __init__(self, poll_s: float = DEFAULT_POLL_S) -> None:
        if poll_s <= 0:
            raise ValueError("poll_s must be positive")
        self.poll_s = poll_s
        self._changed = asyncio.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        return self._generation

    async def notify(self) -> None:
        async with self._changed:
            self._generation += 1
            self._changed.notify_all()

    async def wait(self, seen: int, at_most_s: float) -> int:
        """Wait until something newer than generation ``seen`` is signalled, or ``at_most_s`` passes."""
        async with self._changed:
            if self._generation == seen:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: self._generation != seen), at_most_s)
            return self._generation
