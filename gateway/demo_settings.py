"""The running demo's settings, where the other ``lienthong`` commands find them.

``lienthong demo`` starts the reference agency services on ports of its choosing with fresh API
keys, so a command run next to it (``lienthong report``, ``token``, ``people``, ``audit verify``)
could not reach them: ``report`` exited 2 asking for seven variables the demo never printed. The
demo now writes its settings (``Settings.to_env``) to ``<var>/demo.env`` while it runs (owner-only,
shell syntax: ``set -a; . var/demo.env`` works too) and removes the file when it stops.

A command reads that file only when its environment sets no ``LIENTHONG_`` variable at all: a
configured hub (production, a test bench) is never mixed with a demo's leftovers. The file is
``var/demo.env`` under the working directory, as the demo's database is, or ``LIENTHONG_DEMO_ENV``.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from gateway.settings import Settings

FILE_NAME: Final = "demo.env"
DEFAULT_PATH: Final = Path("var") / FILE_NAME
PREFIX: Final = "LIENTHONG_"
OVERRIDE: Final = "LIENTHONG_DEMO_ENV"  # names another file; itself not a setting


def write(path: Path, settings: Settings) -> None:
    """Write ``settings`` as ``NAME=value`` lines, readable by the owner only (it holds the agencies' API keys)."""
    lines = [f"{name}={shlex.quote(value)}" for name, value in sorted(settings.to_env().items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("# written by `lienthong demo` while it runs; removed when it stops\n")
        file.write("\n".join(lines) + "\n")


def read(path: Path) -> dict[str, str]:
    """The ``NAME=value`` lines of ``path`` (comments and blank lines skipped)."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        parts = shlex.split(value)
        found[name.strip()] = parts[0] if parts else ""
    return found


def command_environment(environ: Mapping[str, str]) -> tuple[Mapping[str, str], Path | None]:
    """The environment a command's settings come from, and the demo file used (None: ``environ`` as it is)."""
    configured = [name for name in environ if name.startswith(PREFIX) and name != OVERRIDE]
    path = Path(environ.get(OVERRIDE) or DEFAULT_PATH)
    if configured or not path.is_file():
        return environ, None
    return {**environ, **read(path)}, path
