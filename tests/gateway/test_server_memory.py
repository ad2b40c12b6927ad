"""A server process hands back the memory its threads freed, once a minute (gateway/server_memory.py).

No test asserts a timing; one shows on glibc what ``malloc_trim`` buys: memory a thread freed,
kept resident by its arena, is handed back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from gateway.server_memory import limit_arenas, malloc_trim, trimmed_while_running

MIB = 1 << 20


def app_with_lifespan(events: list[str]) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        events.append("started")
        yield {"state": "kept"}
        events.append("stopped")

    return Starlette(lifespan=lifespan)


async def test_the_arenas_are_trimmed_while_the_app_runs_and_no_more_once_it_stopped() -> None:
    events: list[str] = []
    trimmed = asyncio.Event()

    def trim() -> bool:
        events.append("trimmed")
        if events.count("trimmed") == 2:
            trimmed.set()
        return True

    app = trimmed_while_running(app_with_lifespan(events), every_s=0.001, trim=trim)
    async with app.router.lifespan_context(app) as state:
        assert state == {"state": "kept"}
        await asyncio.wait_for(trimmed.wait(), timeout=30)
    assert events[0] == "started"
    assert events[-1] == "stopped"
    assert events.count("trimmed") >= 2
    trims = events.count("trimmed")
    await asyncio.sleep(0.01)
    assert events.count("trimmed") == trims  # the task ended with the app


def test_no_interval_leaves_the_app_as_it_is() -> None:
    app = app_with_lifespan([])
    lifespan = app.router.lifespan_context

    assert trimmed_while_running(app, every_s=0, trim=lambda: True).router.lifespan_context is lifespan


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(malloc_trim() is None, reason="glibc's malloc_trim only")
def test_memory_a_thread_freed_is_handed_back_by_malloc_trim() -> None:
    """64 MiB allocated in a thread (its own arena, as aiosqlite's threads), every 64th block kept alive so the
    arena cannot shrink from its top: freed, it stays resident until trimmed."""
    trim = malloc_trim()
    assert trim is not None
    kept: list[bytes] = []

    def fill_and_free() -> None:
        blocks = [bytes(4096) for _ in range(64 * MIB // 4096)]  # past obmalloc's 512 bytes: malloc's
        kept.extend(blocks[63::64])
        del blocks

    worker = threading.Thread(target=fill_and_free)
    worker.start()
    worker.join()
    before = rss_mib()

    trim()

    assert before - rss_mib() > 32, f"RSS {before:.0f} → {rss_mib():.0f} MiB"
    assert len(kept) == 64 * MIB // 4096 // 64


@pytest.mark.skipif(malloc_trim() is None, reason="glibc's mallopt only")
def test_the_arenas_are_capped_unless_the_operator_chose_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    glibc_default = 8 * (os.cpu_count() or 1)  # the test process keeps its behaviour
    assert limit_arenas(glibc_default) is True

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_arenas(glibc_default) is False
