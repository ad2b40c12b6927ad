"""The hub as a separate process (`lienthong serve`), as production runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from agencies.topology import free_port
from gateway.settings import Settings


class HubProcess:
    def __init__(self, settings: Settings, log_dir: Path, startup_timeout: float = 60.0, workers: int = 1) -> None:
        self.settings = replace(settings, host="127.0.0.1", port=settings.port or free_port())
        self.workers = workers
        self.log_dir = log_dir
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def start(self) -> HubProcess:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.settings.to_env()}
        with (self.log_dir / "hub.stdout.log").open("ab") as out, (self.log_dir / "hub.stderr.log").open("ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gateway.cli", "serve", "--workers", str(self.workers)],
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited with {self.process.returncode}:\n{self.stderr_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"hub did not answer /healthz within {self.startup_timeout}s:\n{self.stderr_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stderr_tail(self, lines: int = 40) -> str:
        path = self.log_dir / "hub.stderr.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
