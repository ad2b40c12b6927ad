"""A server process's malloc arenas: at most two, and what its threads freed handed back once a minute (glibc).

On SQLite every pooled connection runs in a thread of its own (aiosqlite: up to
``pool_size + max_overflow`` = 30 a worker, about 20 busy under the soak's load). glibc gives
threads malloc arenas of their own, up to 8 per CPU, and keeps what is freed in an arena for
reuse; it hands back to the system only free memory at the top of a heap. Rows are read in
those threads, so each arena grows to its own busiest moment and its freed pages stay resident.
Measured in issue 17's soak on SQLite (``python -m bench soak``, a worker's ``mallinfo2`` from
100 to 300 s): malloc's memory in use flat at ~51 MiB and free memory kept in the arenas
13 → 24 MiB, while the Python heap (obmalloc, gc objects) and SQLite's own memory
(``sqlite3_memory_used``, ~10 MiB) stayed flat; on PostgreSQL (no such threads) the workers
stayed flat. So a server process, on glibc:

- caps its arenas at ``ARENAS`` (``mallopt(M_ARENA_MAX)``, before any thread starts; an
  operator's ``MALLOC_ARENA_MAX`` wins). Soak, 10 minutes: the workers at 186 and 183 MiB
  instead of 199 and 200;
- calls ``malloc_trim(0)`` every ``TRIM_EVERY_S``, which releases the free pages inside every
  arena (``madvise``), not only the top of the main heap; the chunks stay free for reuse.
  Soak, 5 minutes: 3–6 MiB less per worker. A call takes a few milliseconds.

Elsewhere (musl, macOS, Windows) nothing is done. ``gateway.asgi.app_from_env`` (what ``lienthong
serve`` and the container run) applies both; tests and tools that build apps with ``create_app``
are not affected.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Final

from starlette.applications import Starlette

log = logging.getLogger("lienthong.memory")

TRIM_EVERY_S: Final = 60.0
ARENAS: Final = 2
_M_ARENA_MAX: Final = -8  # glibc's malloc.h


def _libc() -> ctypes.CDLL | None:
    """The process's own C library on Linux (glibc or musl), None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` malloc arenas in this process (glibc; before threads start); False when not set
    (another C library, or ``MALLOC_ARENA_MAX`` set by the operator, which glibc has applied)."""
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))


def malloc_trim() -> Callable[[], bool] | None:
    """glibc's ``malloc_trim(0)`` (True: memory was released), None where the C library has none."""
    trim = getattr(_libc(), "malloc_trim", None)  # musl has none
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: bool(trim(0))


async def trim_every(every_s: float, trim: Callable[[], bool]) -> None:
    """``trim()`` every ``every_s`` seconds until cancelled."""
    while True:
        await asyncio.sleep(every_s)
        started = time.perf_counter()
        released = trim()
        log.debug("malloc_trim: released %s in %.1f ms", released, 1000 * (time.perf_counter() - started))


def trimmed_while_running(
    app: Starlette, every_s: float = TRIM_EVERY_S, trim: Callable[[], bool] | None = None
) -> Starlette:
    """``app`` whose lifespan trims the process's malloc arenas every ``every_s`` seconds (see the module);
    ``trim`` is :func:`malloc_trim`'s unless given."""
    trim = trim or malloc_trim()
    if trim is None or every_s <= 0:
        return app
    trimming = trim
    started: Callable[[Any], contextlib.AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(owner: Any) -> AsyncIterator[Any]:
        async with started(owner) as state:
            task = asyncio.create_task(trim_every(every_s, trimming), name="malloc-trim")
            try:
                yield state
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
    return app
