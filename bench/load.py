"""A bounded, closed-loop HTTP load generator on aiohttp.

``concurrency`` workers share one connection pool (keep-alive, at most
``concurrency`` connections); each sends a request, waits for the whole answer,
checks it, and sends the next. A run stops issuing requests when its duration is
over or ``max_requests`` have been issued, whichever comes first; requests in
flight then finish (each bounded by ``timeout_s``) and count.

Closed loop means a slow server slows the generator down with it: latencies are
those of requests actually sent, not of a fixed arrival schedule (no correction
for coordinated omission). At a fixed concurrency that is what we want to
compare; it understates tail latency of an overloaded server.

The bench drives load with wrk (``bench.wrk``) when it is installed and with this
generator otherwise: :func:`generate` runs either, :func:`default_generator` picks one.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import aiohttp

from bench.summary import answered, counted
from bench.wrk import DEFAULT_THREADS, drive_wrk, find_wrk, wrk_version

Checker = Callable[[bytes], tuple[str | None, int]]
Generator = Literal["wrk", "aiohttp"]
GENERATORS: tuple[Generator, ...] = ("wrk", "aiohttp")


@dataclass
class Run:
    """What one run measured (latencies in milliseconds); ``item`` names what an answer carries."""

    item: str = "judgments"
    requests: int = 0
    ok: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    bytes_received: int = 0
    items_received: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    error_kinds: Counter[str] = field(default_factory=Counter)
    stopped_by: str = "duration"
    in_flight_at_end: int = 0
    """Always 0 here: requests in flight at the end finish and count (wrk abandons them)."""
    generator_cpu_s: float | None = 0.0
    """CPU seconds of a generator process other than this one: none here (it runs in this process)."""

    def record(self, status: str, latency_ms: float, size: int, items: int, error: str | None) -> None:
        """One answer: its status, latency, size, the items it carried and its error (None when good)."""
        self.requests += 1
        self.statuses[status] += 1
        self.latencies_ms.append(latency_ms)
        self.bytes_received += size
        if error is None:
            self.ok += 1
            self.items_received += items
        else:
            self.errors += 1
            self.error_kinds[error[:200]] += 1

    def summary(self) -> dict[str, Any]:
        elapsed = self.elapsed_s or math.nan
        return {
            **counted(self.requests, self.ok, self.errors, self.elapsed_s, self.stopped_by),
            f"{self.item}_per_s": round(self.items_received / elapsed, 1),
            "latency_ms": latency_ms(self.latencies_ms),
            "mean_answer_bytes": round(self.bytes_received / self.requests) if self.requests else None,
            f"mean_{self.item}_per_answer": round(self.items_received / self.ok, 2) if self.ok else None,
            **answered(self.statuses, self.error_kinds),
        }


def latency_ms(samples_ms: Sequence[float]) -> dict[str, float | int | None]:
    """n, min / p50 / p90 / p95 / p99 / max / mean in milliseconds (nearest rank)."""
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "min": _round(ordered[0] if ordered else None),
        "p50": _round(percentile(ordered, 50)),
        "p90": _round(percentile(ordered, 90)),
        "p95": _round(percentile(ordered, 95)),
        "p99": _round(percentile(ordered, 99)),
        "max": _round(ordered[-1] if ordered else None),
        "mean": _round(sum(ordered) / len(ordered) if ordered else None),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted sequence (``p`` in 0..100)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


async def drive(
    url: str,
    bodies: Sequence[bytes],
    *,
    headers: dict[str, str],
    check: Checker,
    concurrency: int,
    duration_s: float,
    max_requests: int,
    timeout_s: float = 30.0,
    start_at: int = 0,
) -> Run:
    """Send ``bodies`` round-robin (from index ``start_at``) as POSTs to ``url``; see the module docstring."""
    if concurrency < 1 or duration_s <= 0 or max_requests < 1 or not bodies:
        raise ValueError("need concurrency ≥ 1, duration > 0, max_requests ≥ 1 and at least one body")
    run = Run()
    turn = itertools.count(start_at)
    issued = 0
    all_headers = {"Content-Type": "application/json", **headers}
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=timeout_s)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        deadline = started + duration_s

        async def worker() -> None:
            nonlocal issued
            while True:
                if time.perf_counter() >= deadline:
                    return
                if issued >= max_requests:
                    run.stopped_by = "max_requests"
                    return
                issued += 1
                body = bodies[next(turn) % len(bodies)]
                await exchange(run, session, url, body, all_headers, check, timeout_s)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        run.elapsed_s = time.perf_counter() - started
    return run


async def exchange(
    run: Run,
    http: aiohttp.ClientSession,
    url: str,
    body: bytes,
    headers: dict[str, str],
    check: Checker,
    timeout_s: float,
) -> None:
    """POST ``body``, check the answer, record it in ``run`` (status, latency, size, items, error)."""
    sent = time.perf_counter()
    error: str | None
    size = items = 0
    try:
        async with http.post(url, data=body, headers=headers) as answer:
            payload = await answer.read()
            status = str(answer.status)
        size = len(payload)
        error, items = check(payload)
        if status != "200":
            error = f"HTTP {status}" + (f" ({error})" if error else "")
    except TimeoutError:
        status, error = "timeout", f"no answer within {timeout_s}s"
    except aiohttp.ClientError as exc:
        status, error = "connection", f"{type(exc).__name__}: {exc}"
    run.record(status, (time.perf_counter() - sent) * 1000, size, items, error)


class LoadRun(Protocol):
    """What :func:`generate` answers, whichever generator ran (``Run`` or ``bench.wrk.WrkRun``)."""

    requests: int
    errors: int
    elapsed_s: float
    in_flight_at_end: int
    generator_cpu_s: float | None

    def summary(self) -> dict[str, Any]: ...


def default_generator() -> Generator:
    """wrk when it is installed, else this module's aiohttp generator."""
    return "wrk" if find_wrk() else "aiohttp"


def describe_generator(generator: Generator) -> dict[str, Any]:
    """For the results: which generator, its version and how it runs."""
    if generator == "wrk":
        executable = find_wrk()
        return {
            "generator": "wrk",
            "generator_version": wrk_version(executable) if executable else None,
            "generator_detail": f"bench/wrk.py: wrk, {DEFAULT_THREADS} thread(s), closed loop, keep-alive, "
            "Lua script rotating the bodies",
        }
    return {
        "generator": "aiohttp",
        "generator_version": aiohttp.__version__,
        "generator_detail": "bench/load.py: aiohttp, closed loop, keep-alive",
    }


async def generate(
    generator: Generator,
    url: str,
    bodies: Sequence[bytes],
    *,
    headers: dict[str, str],
    check: Checker,
    marker: bytes | None,
    concurrency: int,
    duration_s: float,
    max_requests: int,
    timeout_s: float = 30.0,
    start_at: int = 0,
) -> LoadRun:
    """One run with ``generator``: ``check`` is the aiohttp generator's, ``marker`` wrk's (``bench.wrk``).

    wrk applies no ``max_requests`` cap and runs whole seconds (see ``bench.wrk``).
    """
    if generator == "wrk":
        return await drive_wrk(
            url,
            bodies,
            headers=headers,
            concurrency=concurrency,
            duration_s=duration_s,
            timeout_s=timeout_s,
            start_at=start_at,
            marker=marker,
        )
    return await drive(
        url,
        bodies,
        headers=headers,
        check=check,
        concurrency=concurrency,
        duration_s=duration_s,
        max_requests=max_requests,
        timeout_s=timeout_s,
        start_at=start_at,
    )


async def wait_until_idle(
    cpu_seconds: Callable[[], float], *, limit_s: float, sample_s: float = 0.25, idle_cores: float = 0.05
) -> float:
    """Wait (at most ``limit_s``) until processes whose CPU seconds ``cpu_seconds`` sums go idle.

    wrk abandons the requests in flight when its duration is over, and the servers go on
    answering them: the next run (or a count of agency calls) should not start before they
    are done. Answers the seconds waited.
    """
    started = time.monotonic()
    while True:
        before = cpu_seconds()
        await asyncio.sleep(sample_s)
        waited = time.monotonic() - started
        if cpu_seconds() - before < idle_cores * sample_s or waited >= limit_s:
            return waited
