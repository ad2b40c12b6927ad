"""Start the demo's OpenID Connect provider as a local process (``node agencies/oidc_provider/index.js``).

It listens on a free loopback port, logs to files (never pipes), and prints its issuer URL once ready::

    with DemoProvider(accounts, client_id="lienthong", redirect_uris=[".../dang-nhap/xong"], password="…") as idp:
        idp.issuer   # http://127.0.0.1:PORT

``async with`` works the same inside an event loop. Requires ``node`` and ``make``'s ``npm ci`` of this folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

HERE = Path(__file__).resolve().parent
INSTALLED = HERE / "node_modules" / ".package-lock.json"  # what ``npm ci`` leaves (the Makefile's stamp)
START_TIMEOUT_S = 30.0


class ProviderError(RuntimeError):
    """The provider could not start (the message carries the tail of its stderr)."""


@dataclass(frozen=True, slots=True)
class Account:
    sub: str  # the person's id in the hub's registry
    name: str


def node() -> str | None:
    """The ``node`` executable, or None; the provider also needs ``make``'s ``npm ci`` (:data:`INSTALLED`)."""
    return shutil.which("node")


class DemoProvider:
    def __init__(
        self,
        accounts: Sequence[Account],
        *,
        client_id: str,
        redirect_uris: Sequence[str],
        password: str,
        client_secret: str | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self._env = {
            **os.environ,
            "OIDC_ACCOUNTS": json.dumps([{"sub": a.sub, "name": a.name} for a in accounts]),
            "OIDC_CLIENT_ID": client_id,
            "OIDC_CLIENT_SECRET": client_secret or "",
            "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
            "OIDC_DEMO_PASSWORD": password,
            "OIDC_HOST": "127.0.0.1",
            "OIDC_PORT": "0",
        }
        self._log_dir = log_dir
        self._process: subprocess.Popen[bytes] | None = None
        self.issuer = ""

    def __enter__(self) -> DemoProvider:
        executable = node()
        if executable is None or not INSTALLED.exists():
            raise ProviderError("the demo provider needs node and `make` (npm ci of agencies/oidc_provider)")
        log_dir = self._log_dir or Path(tempfile.mkdtemp(prefix="lienthong-oidc-"))
        log_dir.mkdir(parents=True, exist_ok=True)
        self._stdout, self._stderr = log_dir / "oidc-provider.out", log_dir / "oidc-provider.err"
        with self._stdout.open("wb") as out, self._stderr.open("wb") as err:
            self._process = subprocess.Popen(
                [executable, str(HERE / "index.js")], cwd=HERE, env=self._env, stdout=out, stderr=err
            )
        self.issuer = self._wait_for_issuer()
        return self

    def _wait_for_issuer(self) -> str:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in self._stdout.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith('{"issuer"'):
                    issuer: str = json.loads(line)["issuer"]
                    return issuer
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        tail = self._stderr.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ProviderError(f"the demo OpenID Connect provider did not start:\n{tail}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> DemoProvider:
        return await asyncio.to_thread(self.__enter__)

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)
