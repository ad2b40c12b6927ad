"""Group commit for audit entries that have no transaction of their own to ride in (reads).

Every answer that shows personal data waits until its audit entries are
committed. Written one transaction per request, those commits queue on the
database's write lock (SQLite's file lock, PostgreSQL's lock on the audit
counter row) and, on SQLite, on the process's write lock
(:func:`ledger.db.write_transaction`), so finished requests wait in line
while the CPU idles. An :class:`AuditWriter` lets them share: while one
transaction is being written, new entries queue; when it commits, the next
transaction takes everything queued. No timer: a lone request is written at
once, and the busier the hub, the more requests each transaction carries::

    writer = AuditWriter(sessions)                   # one per process, owned by the app's lifespan
    seqs = await writer.append([entry_a, entry_b])   # returns once both are committed
    await writer.aclose()                            # after the server stops taking requests

A batch is appended in arrival order, each caller's entries together and in
the order given, with consecutive sequence numbers (:func:`ledger.audit.record_many`).
If a batch of several callers fails, each caller is retried in a transaction
of its own, so one unwritable entry withholds only its own request's answer;
if the database cannot be reached (:func:`ledger.db.is_unavailable`), every
caller of the batch fails at once rather than waiting for its own timeout.
A caller that gives up (its task is cancelled) before its batch is taken is
left out of it; once taken, its entries are written like the others'.

Writes made inside a mutation's transaction do not come here: they stay
atomic with what they record (:func:`ledger.audit.record`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.audit import AuditEntry, append
from ledger.db import is_unavailable

log = logging.getLogger("lienthong.audit")


class AuditWriteFailed(Exception):
    """The caller's entries were not written (the cause is attached); its answer must be withheld."""


class AuditWriterClosed(AuditWriteFailed):
    """The app is stopping and the writer takes no more entries."""


@dataclass(slots=True)
class AuditWriterStats:
    """What the writer has done since it started, for metrics and tests."""

    transactions: int = 0  # committed transactions, shared or retried one by one
    entries: int = 0  # entries committed
    split_batches: int = 0  # batches that failed and were retried caller by caller


@dataclass(frozen=True, eq=False, slots=True)
class _Waiting:
    """One caller's entries and the future its ``append`` awaits."""

    entries: tuple[AuditEntry, ...]
    outcome: asyncio.Future[list[int]] = field(repr=False)

    def settle(self, seqs: list[int]) -> None:
        if not self.outcome.done():  # a caller cancelled while its batch was written gets nothing
            self.outcome.set_result(seqs)

    def fail(self, error: BaseException) -> None:
        if not self.outcome.done():
            self.outcome.set_exception(error)


class AuditWriter:
    """Appends callers' audit entries, many callers per write transaction (see the module docstring)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._queue: list[_Waiting] = []
        self._batch: list[_Waiting] = []  # the callers of the transaction under way
        self._drainer: asyncio.Task[None] | None = None  # writing batches while anything is queued
        self._closed = False
        self.stats = AuditWriterStats()

    @property
    def writing(self) -> int:
        """Callers whose entries are in the transaction being written (or retried one by one)."""
        return len(self._batch)

    @property
    def backlog(self) -> int:
        """Callers whose entries wait for the next transaction."""
        return len(self._queue)

    async def append(self, entries: Sequence[AuditEntry]) -> list[int]:
        """Append ``entries`` (all or none) and return their sequence numbers once committed.

        AuditWriteFailed (its cause attached) if they could not be written,
        AuditWriterClosed once :meth:`aclose` has been called.
        """
        if not entries:
            return []
        if self._closed:
            raise AuditWriterClosed("the audit writer is closed: the hub is stopping")
        waiting = _Waiting(tuple(entries), asyncio.get_running_loop().create_future())
        self._queue.append(waiting)
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(), name="audit-writer")
        return await waiting.outcome

    async def aclose(self) -> None:
        """Take no more entries; return once everything queued is written (or has failed)."""
        self._closed = True
        if self._drainer is not None:
            await asyncio.shield(self._drainer)

    async def _drain(self) -> None:
        try:
            while self._queue:
                self._batch = [w for w in self._queue if not w.outcome.done()]
                self._queue = []
                await self._write(self._batch)
                self._batch = []
        finally:
            self._drainer = None
            # Only when the drainer itself is cancelled (the loop is shutting down): nobody may wait forever.
            stopped = AuditWriterClosed("the audit writer was stopped before these entries were written")
            for waiting in (*self._batch, *self._queue):
                waiting.fail(stopped)
            self._batch, self._queue = [], []

    async def _write(self, batch: list[_Waiting]) -> None:
        if not batch:
            return
        try:
            seqs = await self._commit([entry for waiting in batch for entry in waiting.entries])
        except Exception as exc:
            if len(batch) == 1 or is_unavailable(exc):
                for waiting in batch:
                    waiting.fail(_failed(exc))
                return
            log.warning("an audit batch of %d requests failed; writing them one by one", len(batch), exc_info=True)
            self.stats.split_batches += 1
            for waiting in batch:
                await self._write_alone(waiting)
            return
        start = 0
        for waiting in batch:
            waiting.settle(seqs[start : start + len(waiting.entries)])
            start += len(waiting.entries)

    async def _write_alone(self, waiting: _Waiting) -> None:
        if waiting.outcome.done():  # gave up while the batch was tried
            return
        try:
            seqs = await self._commit(waiting.entries)
        except Exception as exc:
            waiting.fail(_failed(exc))
        else:
            waiting.settle(seqs)

    async def _commit(self, entries: Sequence[AuditEntry]) -> list[int]:
        seqs = await append(self._sessions, entries)
        self.stats.transactions += 1
        self.stats.entries += len(entries)
        return seqs


def _failed(cause: Exception) -> AuditWriteFailed:
    """A fresh exception per caller (one instance raised in many tasks would share its traceback)."""
    error = AuditWriteFailed("the audit entries could not be written")
    error.__cause__ = cause
    return error
