"""Waiting for a process (``lienthong demo``) to print a line, reading the file its output goes to."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path


def printed(path: Path, pattern: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> str:
    """What ``process`` has written to ``path`` once it matches ``pattern``; fails if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if re.search(pattern, text):
            return text
        if process.poll() is not None:
            raise AssertionError(f"demo exited with {process.returncode}:\n{text}")
        time.sleep(0.2)
    raise AssertionError(f"demo did not print {pattern!r} in {timeout}s:\n{text}")
