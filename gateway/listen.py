"""The event listener: one PostgreSQL connection per replica, LISTENing for other replicas' commits.

Writers announce new events with ``NOTIFY lienthong_events`` in their own
transaction (``ledger.notify``). Each hub process on PostgreSQL runs one
:class:`EventListener`, which holds a dedicated asyncpg connection (outside the
SQLAlchemy pool: a pooled connection would drop its LISTEN when returned) and
turns every notification into ``EventSignal.notify()``, so the subscriptions' event feeds and the
delivery worker of *this* process wake as soon as *any* replica commits.

It only shortens waits. Readers keep their bounded poll, so a listener that is
reconnecting (database restart, network cut) costs latency, never an event;
after each (re)connection it wakes the readers once to cover what was
committed while it was not listening. A dropped connection is noticed at once
(asyncpg's termination callback) or by a periodic ``SELECT 1``; it is retried
with exponential back-off and logged. SQLite has no channel: no listener runs.

Example (the app's lifespan does this)::

    listener = listener_for(settings.database_url, hub.signal, registry)
    async with listening(listener):
        ...  # serve
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy.engine import URL

from ledger.db import normalise_url
from ledger.notify import CHANNEL
from resolvers.signals import EventSignal

log = logging.getLogger("lienthong.listen")


class EventListener:
    """``await run()`` until ``stop()``; keeps LISTENing on ``channel`` and wakes ``signal``."""

    def __init__(
        self,
        dsn: str,
        signal: EventSignal,
        *,
        channel: str = CHANNEL,
        registry: CollectorRegistry | None = None,
        connect_timeout_s: float = 10.0,
        keepalive_s: float = 30.0,
        min_backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
    ) -> None:
        if min(connect_timeout_s, keepalive_s, min_backoff_s, max_backoff_s) <= 0:
            raise ValueError("timeouts and back-off delays must be positive")
        self.dsn = dsn
        self.signal = signal
        self.channel = channel
        self.connect_timeout_s = connect_timeout_s
        self.keepalive_s = keepalive_s
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.connected = asyncio.Event()  # set while LISTENing (the lifespan waits for the first time)
        self._poke = asyncio.Event()  # a notification, a lost connection or stop()
        self._notified = False
        self._stopping = False
        registry = registry if registry is not None else CollectorRegistry()
        self._up = Gauge(
            "lienthong_event_listener_connected",
            "1 while this replica LISTENs for other replicas' events (0: it relies on its poll)",
            registry=registry,
        )
        self._reconnects = Counter(
            "lienthong_event_listener_reconnects",
            "Times the LISTEN connection was lost or could not be opened",
            registry=registry,
        )

    async def run(self) -> None:
        delay = self.min_backoff_s
        while not self._stopping:
            try:
                await self._listen()
            except Exception as exc:  # the listener must outlive any database trouble; the poll covers the gap
                if self.connected.is_set():  # it was up: retry quickly, then back off again
                    delay = self.min_backoff_s
                self._reconnects.inc()
                log.warning("event listener: %s; reconnecting in %.1fs", _describe(exc), delay)
            finally:
                self.connected.clear()
                self._up.set(0)
            if self._stopping:
                return
            await self._pause(delay * random.uniform(0.8, 1.2))  # jitter: replicas do not retry in step
            delay = min(delay * 2, self.max_backoff_s)

    def stop(self) -> None:
        self._stopping = True
        self._poke.set()

    async def _listen(self) -> None:
        """One connection's life: LISTEN, wake the signal on every notification, return when it is lost."""
        connection = await asyncpg.connect(
            self.dsn,
            timeout=self.connect_timeout_s,
            server_settings={"application_name": "lienthong-listen"},
        )
        try:
            connection.add_termination_listener(self._on_lost)
            async with asyncio.timeout(self.connect_timeout_s):
                await connection.add_listener(self.channel, self._on_notification)
            await self.signal.notify()  # whatever was committed while nobody here was listening
            self.connected.set()
            self._up.set(1)
            log.info("event listener: listening on %s", self.channel)
            while not self._stopping:
                try:
                    async with asyncio.timeout(self.keepalive_s):
                        await self._poke.wait()
                except TimeoutError:  # quiet for a while: make sure the connection is still there
                    async with asyncio.timeout(self.connect_timeout_s):
                        await connection.execute("SELECT 1")
                    continue
                self._poke.clear()
                if self._notified:
                    self._notified = False
                    await self.signal.notify()
                if connection.is_closed():
                    raise ConnectionError("the LISTEN connection was closed")
        finally:
            self._notified = False
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), self.connect_timeout_s)
            if not connection.is_closed():  # it would not close in time: drop it
                connection.terminate()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not self._stopping:
                    self._poke.clear()
                    await self._poke.wait()

    def _on_notification(self, _connection: Any, _pid: int, _channel: str, _payload: str) -> None:
        self._notified = True
        self._poke.set()

    def _on_lost(self, _connection: Any) -> None:
        self._poke.set()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def asyncpg_dsn(database_url: str | URL) -> str | None:
    """The plain ``postgresql://`` DSN asyncpg takes for a hub database URL; None for SQLite."""
    url = normalise_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def listener_for(
    database_url: str | URL, signal: EventSignal, registry: CollectorRegistry | None = None
) -> EventListener | None:
    """A listener for a PostgreSQL database; None for SQLite (its readers rely on their poll)."""
    dsn = asyncpg_dsn(database_url)
    return None if dsn is None else EventListener(dsn, signal, registry=registry)


@contextlib.asynccontextmanager
async def listening(listener: EventListener | None, first_connect_s: float = 5.0) -> AsyncIterator[None]:
    """Run the listener for the duration of the block.

    Waits (at most ``first_connect_s``) for the first connection, so a replica
    that reports healthy already hears the others; if the database is slow to
    answer, it starts anyway and the listener keeps trying in the background.
    """
    if listener is None:
        yield
        return
    task = asyncio.create_task(listener.run(), name="EventListener")
    try:
        try:
            async with asyncio.timeout(first_connect_s):
                await listener.connected.wait()
        except TimeoutError:
            log.warning("event listener not connected after %.0fs; relying on the poll meanwhile", first_connect_s)
        yield
    finally:
        listener.stop()
        await task
