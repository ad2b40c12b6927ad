"""HTTP load with wrk (https://github.com/wg/wrk, Debian's ``wrk`` 4.1.0), driven from Python.

:func:`drive_wrk` writes a Lua script to a temporary file, runs ``wrk`` on it as a
child process and turns the JSON line the script's ``done()`` prints into the same
summary as :meth:`bench.load.Run.summary`. Like ``bench.load.drive`` it is a closed
loop: ``concurrency`` keep-alive connections, each sending its next request when the
previous answer has arrived; the bodies are sent round-robin from ``start_at`` (POST,
``Content-Type: application/json`` plus ``headers``), pre-formatted once per thread.

Where it differs from the aiohttp generator, and why:

- **One wrk thread** by default (``threads``): wrk's event loop on one core sends far
  more requests per second than a Python server answers, and on a 2-core machine a
  second thread would only take CPU from the server being measured. ``concurrency`` must
  be a multiple of ``threads`` (wrk gives each thread ``concurrency // threads``
  connections).
- **Whole seconds**: wrk's ``-d`` and ``--timeout`` take whole seconds, so both are
  rounded up (at least 1 s). The reported elapsed time is wrk's own measure of the run.
- **No request cap**: wrk runs for its duration; ``thread:stop()`` would end a thread
  early but wrk's main thread still waits out the duration, so requests per second would
  be wrong. ``max_requests`` is therefore not applied and ``stopped_by`` is always
  ``"duration"``.
- **Requests in flight at the end** are abandoned, not waited for: they count neither as
  requests nor as errors (the aiohttp generator lets them finish), so against a saturated,
  slow target a run counts up to ``concurrency`` requests fewer; the target may still be
  working on them after wrk has exited (``in_flight_at_end`` says how many; the bench waits
  for the target to go idle before it goes on, ``bench.load.wait_until_idle``).
- **Checks are string finds**, kept cheap because wrk's own thread runs them for every
  answer: a status other than 200 is an error; so is a 200 whose body contains
  ``error_key`` (default ``"errors"``, GraphQL's top-level errors entry; an empty
  ``"errors": []`` counts too); with ``marker`` given, an answer without it is an error
  ("empty page") and its occurrences are counted — for judgment-360 one per judgment, which
  gives ``judgments_per_s`` and ``mean_judgments_per_answer`` (``None`` without a marker).
  The answers' JSON is not parsed.
- **Socket errors and timeouts** come from wrk (connect, read, write, timeout). They add to
  ``requests`` and ``errors``. wrk counts a timeout each time its 2-second check finds a
  request older than ``--timeout``, so under timeouts the figures are approximate; such
  requests are also left out of the latency statistics.
- **Latency** percentiles are wrk's (microsecond resolution), over completed requests.
- **CPU**: wrk is another process; the CPU time it used (user + system, from ``wait4``) is
  ``generator_cpu_s`` on the result, for the caller's accounting.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from bench.summary import answered, counted

WRK = "/usr/bin/wrk"
RESULT_PREFIX = "LIENTHONG-WRK "
DEFAULT_THREADS = 1
LATENCY_KEYS = ("min", "p50", "p90", "p95", "p99", "max", "mean")


def find_wrk() -> str | None:
    """The wrk executable (on PATH, else Debian's /usr/bin/wrk), or None."""
    found = shutil.which("wrk")
    if found:
        return found
    return WRK if os.access(WRK, os.X_OK) else None


@functools.cache
def wrk_version(executable: str) -> str | None:
    """``wrk -v``'s first line without the copyright, e.g. ``wrk debian/4.1.0-3+b2 [epoll]``."""
    try:
        done = subprocess.run([executable, "-v"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0].strip() if first else None


@dataclass
class WrkRun:
    """What one wrk run measured; :meth:`summary` has the shape of ``bench.load.Run.summary``."""

    requests: int = 0
    ok: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    answer_bytes: int = 0
    judgments_received: int | None = None
    latency_ms: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(LATENCY_KEYS))
    statuses: dict[str, int] = field(default_factory=dict)
    error_kinds: Counter[str] = field(default_factory=Counter)
    stopped_by: str = "duration"
    in_flight_at_end: int = 0
    """Requests sent but not answered when wrk stopped: the target may still be working on them."""
    generator_cpu_s: float | None = None
    wrk: dict[str, Any] = field(default_factory=dict)
    """wrk's own figures as its ``done()`` saw them (bytes with headers, socket errors…)."""

    def summary(self) -> dict[str, Any]:
        elapsed = self.elapsed_s or math.nan
        judgments = self.judgments_received
        return {
            **counted(self.requests, self.ok, self.errors, self.elapsed_s, self.stopped_by),
            "judgments_per_s": None if judgments is None else round(judgments / elapsed, 1),
            "latency_ms": dict(self.latency_ms),
            "mean_answer_bytes": round(self.answer_bytes / self.requests) if self.requests else None,
            "mean_judgments_per_answer": round(judgments / self.ok, 2) if judgments is not None and self.ok else None,
            **answered(self.statuses, self.error_kinds),
        }


def _lua_string(data: bytes) -> str:
    """A Lua string literal of any bytes: printable ASCII as is, everything else as ``\\ddd``."""
    return '"' + "".join(_LUA_BYTES[byte] for byte in data) + '"'


_LUA_BYTES = [chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in range(256)]

_SCRIPT = """\
-- Generated by bench/wrk.py for one run; see that module's docstring.
local bodies = {
%(bodies)s
}
local extra_headers = {
%(headers)s
}
local start_at = %(start_at)d
local step = %(threads)d
local error_key = %(error_key)s
local marker = %(marker)s
local find = string.find

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  prepared = {}
  for i, body in ipairs(bodies) do
    local headers = { ["Content-Type"] = "application/json" }
    for name, value in pairs(extra_headers) do headers[name] = value end
    prepared[i] = wrk.format("POST", nil, headers, body)
  end
  -- wrk calls the first thread's request() once more, before the run, to check the request: not sent.
  local checked = id == 0 and 1 or 0
  turn = start_at + id - checked * step
  sent = -checked
  answers, answer_bytes, marks, with_errors, without_marker, statuses = 0, 0, 0, 0, 0, {}
end

function request()
  local r = prepared[turn %% #prepared + 1]
  turn = turn + step
  sent = sent + 1
  return r
end

function response(status, headers, body)
  answers = answers + 1
  answer_bytes = answer_bytes + #body
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then return end
  if find(body, error_key, 1, true) then
    with_errors = with_errors + 1
  elseif marker then
    local n, at = 0, find(body, marker, 1, true)
    while at do
      n = n + 1
      at = find(body, marker, at + #marker, true)
    end
    if n == 0 then without_marker = without_marker + 1 else marks = marks + n end
  end
end

local function ms(us) return string.format("%%.3f", us / 1000) end

function done(summary, latency, requests)
  local totals = { sent = 0, answers = 0, answer_bytes = 0, marks = 0, with_errors = 0, without_marker = 0 }
  local statuses = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
    for status, n in pairs(thread:get("statuses") or {}) do statuses[status] = (statuses[status] or 0) + n end
  end
  local out = {}
  local function put(key, value) out[#out + 1] = string.format("%%q:%%s", key, value) end
  put("duration_us", string.format("%%.0f", summary.duration))
  put("requests", string.format("%%.0f", summary.requests))
  put("bytes", string.format("%%.0f", summary.bytes))
  local e = summary.errors
  put("socket_errors", string.format('{"connect":%%.0f,"read":%%.0f,"write":%%.0f,"status":%%.0f,"timeout":%%.0f}',
    e.connect, e.read, e.write, e.status, e.timeout))
  for name, n in pairs(totals) do put(name, string.format("%%.0f", n)) end
  local s = {}
  for status, n in pairs(statuses) do s[#s + 1] = string.format('"%%d":%%.0f', status, n) end
  put("statuses", "{" .. table.concat(s, ",") .. "}")
  if summary.requests > 0 and latency.min <= latency.max then
    put("latency_ms", string.format(
      '{"min":%%s,"p50":%%s,"p90":%%s,"p95":%%s,"p99":%%s,"max":%%s,"mean":%%s}',
      ms(latency.min), ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(95)),
      ms(latency:percentile(99)), ms(latency.max), ms(latency.mean)))
  else
    put("latency_ms", "null")
  end
  io.write("%(prefix)s{" .. table.concat(out, ",") .. "}\\n")
end
"""


def lua_script(
    bodies: Sequence[bytes],
    *,
    headers: dict[str, str],
    start_at: int,
    threads: int,
    error_key: bytes,
    marker: bytes | None,
) -> str:
    """The Lua script for one run (see the module docstring)."""
    return _SCRIPT % {
        "bodies": ",\n".join(f"  {_lua_string(body)}" for body in bodies),
        "headers": ",\n".join(
            f"  [{_lua_string(name.encode())}] = {_lua_string(value.encode())}" for name, value in headers.items()
        ),
        "start_at": start_at,
        "threads": threads,
        "error_key": _lua_string(error_key),
        "marker": _lua_string(marker) if marker else "nil",
        "prefix": RESULT_PREFIX,
    }


def parse_result(
    output: str, *, error_key: bytes, marker: bytes | None, generator_cpu_s: float | None = None
) -> WrkRun:
    """The run described by the script's JSON line in wrk's standard output."""
    line = next((line for line in output.splitlines() if line.startswith(RESULT_PREFIX)), None)
    if line is None:
        raise ValueError("no result line in wrk's output")
    raw: dict[str, Any] = orjson.loads(line[len(RESULT_PREFIX) :])
    sockets: dict[str, int] = raw["socket_errors"]
    completed = int(raw["requests"])
    failed = {
        "HTTP " + status: n for status, n in raw["statuses"].items() if status != "200"
    }  # wrk's "status" errors (> 399) are among these
    failed[f"GraphQL errors ({error_key.decode(errors='replace')} in a 200 answer)"] = raw["with_errors"]
    if marker:
        failed[f"no {marker.decode(errors='replace')} in the answer (empty page)"] = raw["without_marker"]
    lost = {f"wrk {kind} error": sockets[kind] for kind in ("connect", "read", "write", "timeout")}
    answer_errors = sum(failed.values())
    error_kinds = Counter({kind: n for kind, n in (failed | lost).items() if n})
    latency = raw["latency_ms"]
    resent = sockets["read"] + sockets["write"]  # wrk sends a new request after a broken connection
    return WrkRun(
        requests=completed + sum(lost.values()),
        ok=completed - answer_errors,
        errors=answer_errors + sum(lost.values()),
        elapsed_s=raw["duration_us"] / 1e6,
        answer_bytes=raw["answer_bytes"],
        judgments_received=raw["marks"] if marker else None,
        latency_ms={key: (round(latency[key], 2) if latency else None) for key in LATENCY_KEYS},
        statuses={status: int(n) for status, n in raw["statuses"].items()},
        error_kinds=error_kinds,
        in_flight_at_end=max(0, raw["sent"] - raw["answers"] - resent),
        generator_cpu_s=generator_cpu_s,
        wrk={key: raw[key] for key in ("duration_us", "requests", "bytes", "socket_errors", "sent", "answers")},
    )


async def drive_wrk(
    url: str,
    bodies: Sequence[bytes],
    *,
    headers: dict[str, str],
    concurrency: int,
    duration_s: float,
    timeout_s: float = 30.0,
    start_at: int = 0,
    marker: bytes | None = None,
    error_key: bytes = b'"errors"',
    threads: int = DEFAULT_THREADS,
    executable: str | None = None,
) -> WrkRun:
    """Send ``bodies`` round-robin (from index ``start_at``) as POSTs to ``url`` with wrk for ``duration_s``."""
    executable = executable or find_wrk()
    if executable is None:
        raise FileNotFoundError("wrk is not installed (make /usr/bin/wrk, or apt-get install wrk)")
    if threads < 1 or concurrency < threads or concurrency % threads or duration_s <= 0 or not bodies:
        raise ValueError("need threads ≥ 1, concurrency a multiple of threads, duration > 0 and at least one body")
    if urlsplit(url).scheme != "http":
        raise ValueError(f"wrk is driven over plain HTTP here, not {url!r}")
    with tempfile.TemporaryDirectory(prefix="lienthong-wrk-") as work:
        script = Path(work) / "load.lua"  # holds the Authorization header: the directory is private (0700)
        script.write_text(
            lua_script(bodies, headers=headers, start_at=start_at, threads=threads, error_key=error_key, marker=marker),
            encoding="ascii",
        )
        command = [
            executable,
            f"--threads={threads}",
            f"--connections={concurrency}",
            f"--duration={max(1, math.ceil(duration_s))}s",
            f"--timeout={max(1, math.ceil(timeout_s))}s",
            "--latency",
            f"--script={script}",
            url,
        ]
        out_path, err_path = Path(work) / "stdout", Path(work) / "stderr"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            status, cpu = await _run(command, out, err)
        output = out_path.read_text(errors="replace")
        errors = err_path.read_text(errors="replace")
    try:
        return parse_result(output, error_key=error_key, marker=marker, generator_cpu_s=cpu)
    except (ValueError, KeyError) as exc:
        tail = (errors or output).strip()[-500:]
        raise RuntimeError(f"wrk failed (exit status {status}): {exc}: {tail}") from None


async def _run(command: list[str], out: Any, err: Any) -> tuple[int, float | None]:
    """Run ``command`` to its end; answers (exit status, CPU seconds it used). Cancelled: wrk is killed.

    Waited for with ``os.wait4`` in a worker thread, which gives this child's own CPU time.
    """
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    waiter = asyncio.get_running_loop().run_in_executor(None, os.wait4, process.pid, 0)
    try:
        _, status, usage = await asyncio.shield(waiter)
    except ChildProcessError:  # reaped by someone else: the exit status and CPU time are lost
        process.returncode = 0
        return 0, None
    except BaseException:
        if not waiter.done():
            process.kill()
        with contextlib.suppress(BaseException):
            await waiter
        process.returncode = -9
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime
