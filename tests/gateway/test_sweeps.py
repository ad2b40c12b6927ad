"""A periodic sweep outlives a failing pass; the database not answering is one WARNING line, not a traceback."""

from __future__ import annotations

import asyncio
import errno
import logging
from datetime import datetime

import pytest

from gateway.sweeps import PeriodicSweep, monitoring

log = logging.getLogger("tests.sweeps")


class FailingSweep(PeriodicSweep[int]):
    """Fails its first ``failures`` passes with ``error``, then succeeds."""

    def __init__(self, error: Exception, failures: int) -> None:
        super().__init__(every_s=0.01, clock=None, log=log)
        self.error = error
        self.failures = failures
        self.passes = 0
        self.succeeded = asyncio.Event()

    async def sweep(self, now: datetime | None = None) -> int:
        self.passes += 1
        if self.passes <= self.failures:
            raise self.error
        self.succeeded.set()
        return self.passes

    def describe(self, result: int) -> str | None:
        return None


async def _run_until_it_succeeds(sweep: FailingSweep) -> None:
    async with monitoring(sweep):
        await asyncio.wait_for(sweep.succeeded.wait(), timeout=5)


async def test_a_pass_the_database_refused_is_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=log.name)
    sweep = FailingSweep(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), failures=3)
    await _run_until_it_succeeds(sweep)
    records = [r for r in caplog.records if r.name == log.name]
    assert [r.levelno for r in records] == [logging.WARNING] * 3
    assert not any(r.exc_info for r in records)
    assert "FailingSweep: database unavailable" in records[0].getMessage()


async def test_any_other_failure_is_logged_whole_at_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=log.name)
    await _run_until_it_succeeds(FailingSweep(ValueError("a bug"), failures=1))
    records = [r for r in caplog.records if r.name == log.name]
    assert [r.levelno for r in records] == [logging.ERROR]
    assert records[0].exc_info
