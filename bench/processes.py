"""The limit app as a child process, and CPU time of child processes read from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from agencies.topology import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _own_cpu_seconds(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces; it ends with ')'
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat(5)


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux: /proc/<pid>/task/*/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds used so far by process ``pid`` and its live descendants (None if unknown).

    Descendants count because a server may be a supervisor with worker processes (``uvicorn
    --workers N``); all of them work for the same target.
    """
    if pid is None:
        return None
    own = _own_cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(cpu_seconds(child) or 0.0 for child in _children(pid))


class LimitProcess:
    """``python -m bench.limit_app`` on a free loopback port, logging to files."""

    def __init__(
        self, database: Path, endpoints: dict[str, tuple[str, str]], log_dir: Path, startup_timeout: float = 30.0
    ) -> None:
        self.database = database
        self.endpoints = endpoints
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def start(self) -> LimitProcess:
        command = [sys.executable, "-m", "bench.limit_app", "--port", str(self.port), "--database", str(self.database)]
        for name, (url, key) in self.endpoints.items():
            command += [f"--{name}", url, key]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (
            (self.log_dir / "limit.stdout.log").open("ab") as out,
            (self.log_dir / "limit.stderr.log").open("ab") as err,
        ):
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=out, stderr=err, start_new_session=True
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"limit app exited with {self.process.returncode}:\n{self.stderr_tail()}")
            try:
                with self._opener.open(f"{self.url}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"limit app did not answer /healthz within {self.startup_timeout}s:\n{self.stderr_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stderr_tail(self, lines: int = 30) -> str:
        path = self.log_dir / "limit.stderr.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def machine_cpu_seconds() -> dict[str, float] | None:
    """CPU seconds the whole machine has spent so far, summed over CPUs, by kind (from /proc/stat).

    ``processes``: user + nice + system (what processes ran, ours included); ``interrupts``: irq +
    softirq (loopback networking is largely handled there and charged to no process); ``steal``:
    time the hypervisor gave to other guests.
    """
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    except (OSError, IndexError, ValueError):
        return None
    return {
        "processes": (user + nice + system) / _CLOCK_TICKS,
        "interrupts": (irq + softirq) / _CLOCK_TICKS,
        "steal": steal / _CLOCK_TICKS,
    }
