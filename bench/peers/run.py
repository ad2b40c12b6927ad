"""Start the peer gateways of judgment-360 and their subgraphs, bounded, on loopback.

:func:`start_peers` starts the four subgraphs (``bench.peers.subgraphs``, one uvicorn process
each), composes their supergraph once (``compose.mjs``, @apollo/composition), then each
requested gateway over that file: Apollo Gateway (``apollo.mjs``), Hive Gateway (its
``hive-gateway supergraph`` CLI) and Hive Gateway with its Rust query planner (the same CLI with
``hive-rust.config.mjs``: ``@graphql-hive/router-runtime``). Every process runs in its own
session and is stopped with its whole process group through the caller's ``ExitStack`` — also
on an error, Ctrl-C or SIGTERM. The Node.js packages come from ``package-lock.json`` (``npm ci``,
done by ``make bench``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from agencies.topology import free_port

PEERS_DIR = Path(__file__).resolve().parent
REPO_ROOT = PEERS_DIR.parents[1]
GATEWAYS = ("apollo", "hive", "hive-rust")
SUBGRAPHS = ("registry", "court", "enforcement", "procuracy")
HIVE_RUST_CONFIG = "hive-rust.config.mjs"
PROBE = b'{"query":"{ __typename }"}'


class ChildProcess:
    """One server process on a loopback port, ready when it answers ``{ __typename }`` at ``url``."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        url: str,
        log_dir: Path,
        *,
        cwd: Path = REPO_ROOT,
        timeout: float = 60.0,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.url = url
        self.log_dir = log_dir
        self.cwd = cwd
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def start(self) -> ChildProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NODE_ENV": "production"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (
            (self.log_dir / f"{self.name}.stdout.log").open("ab") as out,
            (self.log_dir / f"{self.name}.stderr.log").open("ab") as err,
        ):
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=env, stdout=out, stderr=err, start_new_session=True
            )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.stderr_tail()}")
            if self._answers():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {self.timeout:g} s:\n{self.stderr_tail()}")

    def _answers(self) -> bool:
        probe = urllib.request.Request(self.url, data=PROBE, headers={"Content-Type": "application/json"})  # noqa: S310 (http://127.0.0.1 only)
        try:
            with self._opener.open(probe, timeout=2) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to the process group (a gateway's workers included), SIGKILL after ``timeout``."""
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stderr_tail(self, lines: int = 30) -> str:
        path = self.log_dir / f"{self.name}.stderr.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def check_node() -> str:
    """The ``node`` executable; fails loudly when Node.js or the locked packages are missing."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the peers need Node.js (node not found); run with --targets hub,limit")
    if not (PEERS_DIR / "node_modules" / ".package-lock.json").exists():
        raise RuntimeError("bench/peers/node_modules is missing: `make bench` runs `npm ci` there first")
    return node


def _loopback(port: int) -> str:
    return f"http://127.0.0.1:{port}/graphql"


def start_peers(
    stack: contextlib.ExitStack,
    gateways: Sequence[str],
    *,
    database: Path,
    endpoints: dict[str, tuple[str, str]],
    adapter_timeout_s: float,
    work: Path,
    log_dir: Path,
) -> tuple[dict[str, ChildProcess], dict[str, ChildProcess]]:
    """Start the subgraphs and ``gateways``; answers (gateways, subgraphs) by name, all already stopping on exit."""
    node = check_node()
    if "hive-rust" in gateways and not (PEERS_DIR / "node_modules" / "@graphql-hive" / "router-runtime").is_dir():
        raise RuntimeError("bench/peers/node_modules predates hive-rust: run `npm ci` in bench/peers")
    subgraphs: dict[str, ChildProcess] = {}
    for name in SUBGRAPHS:
        port = free_port()
        command = [sys.executable, "-m", "bench.peers.subgraphs", name, "--port", str(port)]
        if name == "registry":
            command += ["--database", str(database)]
        else:
            command += ["--agency", *endpoints[name], "--timeout", str(adapter_timeout_s)]
        child = ChildProcess(f"subgraph.{name}", command, _loopback(port), log_dir)
        stack.callback(child.stop)
        subgraphs[name] = child.start()

    supergraph = work / "supergraph.graphql"
    compose = [node, "compose.mjs", str(supergraph), *(f"{n}={c.url}" for n, c in subgraphs.items())]
    with (log_dir / "compose.stderr.log").open("ab") as err:
        subprocess.run(compose, cwd=PEERS_DIR, stdout=err, stderr=err, check=True, timeout=120)

    started: dict[str, ChildProcess] = {}
    for name in gateways:
        port = free_port()
        if name == "apollo":
            command = [node, "apollo.mjs", "--supergraph", str(supergraph), "--port", str(port)]
        elif name in ("hive", "hive-rust"):
            hive = str(PEERS_DIR / "node_modules" / ".bin" / "hive-gateway")
            command = [hive, "supergraph", str(supergraph), "--host", "127.0.0.1", "--port", str(port), "--fork", "1"]
            if name == "hive-rust":  # the Rust query planner (@graphql-hive/router-runtime), see the config file
                command += ["--config-path", str(PEERS_DIR / HIVE_RUST_CONFIG)]
        else:
            raise ValueError(f"unknown gateway {name!r}; choose from {', '.join(GATEWAYS)}")
        child = ChildProcess(name, command, _loopback(port), log_dir, cwd=PEERS_DIR)
        stack.callback(child.stop)
        started[name] = child.start()
    return started, subgraphs


def peer_versions() -> dict[str, str | None]:
    """Node.js and the installed gateway packages' versions, for the results (None when absent)."""
    versions: dict[str, str | None] = {"node": None}
    node = shutil.which("node")
    if node is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            versions["node"] = subprocess.run(
                [node, "--version"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
    packages = (
        "@apollo/gateway",
        "@apollo/server",
        "@apollo/composition",
        "@graphql-hive/gateway",
        "@graphql-hive/router-runtime",
        "@graphql-hive/router-query-planner",
        "graphql",
    )
    for package in packages:
        manifest = PEERS_DIR / "node_modules" / package / "package.json"
        try:
            versions[package] = json.loads(manifest.read_text())["version"]
        except (OSError, ValueError, KeyError):
            versions[package] = None
    return versions
