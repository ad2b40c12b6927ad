"""Debian's Chromium for the browser tests, driven by Playwright for Python: never a browser it downloads.

``make test`` installs Chromium (``make browser``: ``apt-get install chromium`` when root) and the
``playwright`` package (the dev extra); ``npx playwright install`` is never run. Without Chromium
a test skips, except in CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from typing import Final

import pytest

LAUNCH_ARGS: Final = (
    "--no-sandbox",  # root in a container: the sandbox needs user namespaces it may not have
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # nothing but the page's own requests leave the browser
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)


def chromium() -> str:
    """The path of Debian's Chromium, or a skip (a failure in CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI: `make test` installs it (make browser) when run as root")
        pytest.skip("no chromium: `make browser` (as root) or `sudo apt-get install --no-install-recommends chromium`")
    return found
