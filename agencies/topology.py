"""Start the reference agency services as local processes: the topology of the demo, the tests and the benches.

Each HTTP service runs as its own subprocess (``python -m agencies.<name>``) on
a free loopback port, logging to files (never pipes, which fill up and stall
a chatty child); the personnel database is a SQLite file. The handle restarts,
stops or kills a single service (to test outages) and turns its fault knobs::

    with Topology(judgments=2_000, seed=7) as topo:
        topo.court.base_url, topo.court.api_key     # http://127.0.0.1:PORT, "court-demo-key"
        await topo.enforcement.set_knobs(latency_ms=200)
        topo.procuracy.stop(); topo.procuracy.start()  # same port
        topo.personnel_url                           # sqlite+aiosqlite:///…/personnel.db

``async with Topology(...)`` works the same inside an event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

import aiohttp
import orjson

from agencies.common.reference import ReferenceData
from agencies.personnel.database import create_personnel_database

SERVICES = ("court", "enforcement", "procuracy")
DEFAULT_API_KEYS: Mapping[str, str] = MappingProxyType({name: f"{name}-demo-key" for name in SERVICES})
REPO_ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
PORT_ATTEMPTS = 3


class TopologyError(RuntimeError):
    """A service did not come up (the message carries the tail of its stderr)."""


def free_port(host: str = LOOPBACK) -> int:
    """A port nobody listens on right now (another process may still take it: callers retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _kill_quietly(process: subprocess.Popen[bytes]) -> None:
    """Last-resort clean-up at garbage collection or interpreter exit: no orphaned services."""
    if process.poll() is None:
        process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


class ServiceProcess:
    """One reference service as a child process on a fixed loopback port."""

    def __init__(
        self,
        name: str,
        *,
        port: int,
        api_key: str,
        judgments: int,
        seed: int,
        log_dir: Path,
        latency_ms: int = 0,
        failure_rate: float = 0.0,
        data_dir: Path | None = None,
        host: str = LOOPBACK,
        startup_timeout: float = 60.0,
    ) -> None:
        if name not in SERVICES:
            raise ValueError(f"unknown service {name!r}; expected one of {SERVICES}")
        self.name = name
        self.host = host
        self.port = port
        self.api_key = api_key
        self.judgments = judgments
        self.seed = seed
        self.latency_ms = latency_ms
        self.failure_rate = failure_rate
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy

    def __repr__(self) -> str:
        return f"<ServiceProcess {self.name} {self.base_url} pid={self.pid}>"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def stdout_path(self) -> Path:
        return self.log_dir / f"{self.name}.stdout.log"

    @property
    def stderr_path(self) -> Path:
        return self.log_dir / f"{self.name}.stderr.log"

    # -- life cycle ------------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> None:
        """Start (or restart, on the same port) and wait until ``/health`` answers."""
        if self.running:
            return
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Spawn the process without waiting for it (see :meth:`wait_ready`)."""
        if self.running:
            return
        command = [
            sys.executable,
            "-m",
            f"agencies.{self.name}",
            *("--host", self.host, "--port", str(self.port), "--api-key", self.api_key),
            *("--judgments", str(self.judgments), "--seed", str(self.seed)),
            *("--latency-ms", str(self.latency_ms), "--failure-rate", str(self.failure_rate)),
            *(("--data-dir", str(self.data_dir)) if self.data_dir else ()),
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.stdout_path.open("ab") as out, self.stderr_path.open("ab") as err:
            err.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting on port {self.port}\n".encode())
            err.flush()
            self._process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=err)
        weakref.finalize(self, _kill_quietly, self._process)

    def wait_ready(self, timeout: float | None = None) -> None:
        """Poll ``/health`` until it answers 200; raise :class:`TopologyError` if the process dies or time runs out."""
        deadline = time.monotonic() + (timeout or self.startup_timeout)
        while True:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise TopologyError(f"{self.name} exited (code {code}) while starting:\n{self.stderr_tail()}")
            if self._healthy():
                return
            if time.monotonic() > deadline:
                self.kill()
                raise TopologyError(f"{self.name} did not answer /health in time:\n{self.stderr_tail()}")
            time.sleep(0.05)

    def terminate(self) -> None:
        """Send SIGTERM without waiting (see :meth:`stop`)."""
        if self.running and self._process is not None:
            self._process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait for a graceful exit, SIGKILL if it takes longer than ``timeout``."""
        if self._process is None:
            return
        self.terminate()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL (an abrupt outage) and reap the process."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)

    def stderr_tail(self, lines: int = 30) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no stderr log)"
        return "\n".join(text.splitlines()[-lines:])

    def _healthy(self) -> bool:
        try:
            with self._opener.open(f"{self.base_url}/health", timeout=1) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    # -- admin endpoints -------------------------------------------------------------------

    async def set_knobs(self, **knobs: Any) -> dict[str, Any]:
        """``latency_ms=…, failure_rate=…, hang=…``; returns the knobs now in force."""
        return await self._admin_async("POST", "/_admin/knobs", knobs)

    async def stats(self) -> dict[str, Any]:
        """``{"tong": N, "theo_duong_dan": {"METHOD path": n, …}}``."""
        return await self._admin_async("GET", "/_admin/stats")

    async def reset_stats(self) -> dict[str, Any]:
        return await self._admin_async("POST", "/_admin/stats/reset")

    def set_knobs_sync(self, **knobs: Any) -> dict[str, Any]:
        return self._admin_sync("POST", "/_admin/knobs", knobs)

    def stats_sync(self) -> dict[str, Any]:
        return self._admin_sync("GET", "/_admin/stats")

    def reset_stats_sync(self) -> dict[str, Any]:
        return self._admin_sync("POST", "/_admin/stats/reset")

    async def _admin_async(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"X-API-Key": self.api_key}
        timeout = aiohttp.ClientTimeout(total=10)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.request(method, self.base_url + path, json=body, headers=headers) as answer,
        ):
            payload = await answer.read()
            if answer.status != 200:
                raise TopologyError(
                    f"{self.name} {method} {path} → {answer.status}: {payload.decode(errors='replace')}"
                )
            result: dict[str, Any] = orjson.loads(payload)
            return result

    def _admin_sync(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if body is None else orjson.dumps(body)
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL we built)
            self.base_url + path,
            data=data,
            method=method,
            headers={"X-API-Key": self.api_key, "Content-Type": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=10) as answer:
                result: dict[str, Any] = orjson.loads(answer.read())
                return result
        except urllib.error.HTTPError as exc:
            raise TopologyError(f"{self.name} {method} {path} → {exc.code}: {exc.read().decode()}") from None


class Topology:
    """The three HTTP reference services plus the personnel database, started and stopped together."""

    def __init__(
        self,
        *,
        judgments: int = 2_000,
        seed: int = 1,
        latency_ms: int = 0,
        failure_rate: float = 0.0,
        api_keys: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
        personnel_db: Path | None = None,
        data_dir: Path | None = None,
        host: str = LOOPBACK,
        startup_timeout: float = 60.0,
    ) -> None:
        keys = {**DEFAULT_API_KEYS, **(api_keys or {})}
        self._own_dir = log_dir is None
        self.log_dir = Path(tempfile.mkdtemp(prefix="lienthong-agencies-")) if log_dir is None else Path(log_dir)
        self.personnel_path = (personnel_db or self.log_dir / "personnel.db").resolve()
        self.seed = seed
        self.judgments = judgments
        self.data_dir = data_dir
        self.services: dict[str, ServiceProcess] = {
            name: ServiceProcess(
                name,
                port=0,
                api_key=keys[name],
                judgments=judgments,
                seed=seed,
                latency_ms=latency_ms,
                failure_rate=failure_rate,
                data_dir=data_dir,
                log_dir=self.log_dir,
                host=host,
                startup_timeout=startup_timeout,
            )
            for name in SERVICES
        }

    @property
    def court(self) -> ServiceProcess:
        return self.services["court"]

    @property
    def enforcement(self) -> ServiceProcess:
        return self.services["enforcement"]

    @property
    def procuracy(self) -> ServiceProcess:
        return self.services["procuracy"]

    def __iter__(self) -> Iterator[ServiceProcess]:
        return iter(self.services.values())

    @property
    def personnel_url(self) -> str:
        """SQLAlchemy async URL of the personnel database (what the hub's personnel adapter reads)."""
        return f"sqlite+aiosqlite:///{self.personnel_path}"

    @property
    def personnel_sync_url(self) -> str:
        return f"sqlite:///{self.personnel_path}"

    def start(self) -> Topology:
        """Launch all services, seed the personnel database meanwhile, then wait for every ``/health``."""
        try:
            pending = list(self.services.values())
            for service in pending:
                service.port = free_port(service.host)
                service.launch()
            create_personnel_database(self.personnel_sync_url, self.seed, ReferenceData.load(self.data_dir))
            for service in pending:
                self._wait_or_retry(service)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every service (SIGTERM together, then wait; SIGKILL stragglers) and remove owned temp files."""
        for service in self.services.values():
            service.terminate()
        for service in self.services.values():
            service.stop()
        if self._own_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def kill(self) -> None:
        for service in self.services.values():
            service.kill()

    def __enter__(self) -> Topology:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Topology:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    @staticmethod
    def _wait_or_retry(service: ServiceProcess) -> None:
        """Wait for ``service``; if another process grabbed its port first, retry on a new one."""
        for attempt in range(PORT_ATTEMPTS):
            try:
                service.wait_ready()
                return
            except TopologyError as exc:
                if "address already in use" not in str(exc).lower() or attempt == PORT_ATTEMPTS - 1:
                    raise
                service.port = free_port(service.host)
                service.launch()


def start_topology(**options: Any) -> Topology:
    """``Topology(**options).start()``: remember to ``stop()`` it (or use ``with Topology(...)``)."""
    return Topology(**options).start()
