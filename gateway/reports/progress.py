"""A small text progress bar on stderr for ``lienthong report`` (no dependency for forty lines).

On a terminal the bar redraws in place (``\\r``); into a file or a CI log it
writes a line per step of at least ``every_percent``, so a large export leaves
a readable trail instead of thousands of carriage returns.

>>> import io
>>> out = io.StringIO()
>>> bar = ProgressBar(4, "đơn vị", out, width=8)
>>> for _ in range(4):
...     bar.advance()
>>> bar.close()
>>> out.getvalue().splitlines()[-1]
'[########] 4/4 đơn vị'
"""

from __future__ import annotations

from typing import TextIO


class ProgressBar:
    """``[####----] 12/40 đơn vị``: advanced once per unit of work, closed once at the end."""

    def __init__(self, total: int, unit: str, out: TextIO, *, width: int = 30, every_percent: int = 10) -> None:
        self.total = max(total, 0)
        self.unit = unit
        self.out = out
        self.width = width
        self.every_percent = every_percent
        self.done = 0
        self._tty = out.isatty()
        self._last_percent = -1

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        percent = 100 * self.done // self.total if self.total else 100
        if self._tty:
            self.out.write("\r" + self._line())
            self.out.flush()
        elif percent == 100 or percent >= self._last_percent + self.every_percent:
            self.out.write(self._line() + "\n")
            self._last_percent = percent

    def close(self) -> None:
        if self._tty:
            self.out.write("\n")
        elif self._last_percent < 100:
            self.out.write(self._line() + "\n")
        self.out.flush()

    def _line(self) -> str:
        filled = self.width * self.done // self.total if self.total else self.width
        return f"[{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} {self.unit}"
