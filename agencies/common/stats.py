"""Counts the API calls a service answered, so tests and benches can prove batching (no N+1)."""

from __future__ import annotations

from typing import Any


class CallCounter:
    """Calls per ``"METHOD path"`` and in total; one instance per app (kept on ``app.state``)."""

    def __init__(self) -> None:
        self._by_path: dict[str, int] = {}
        self._total = 0

    def record(self, route: str) -> None:
        self._by_path[route] = self._by_path.get(route, 0) + 1
        self._total += 1

    def reset(self) -> None:
        self._by_path.clear()
        self._total = 0

    def snapshot(self) -> dict[str, Any]:
        """The dialect's shape: ``{"tong": N, "theo_duong_dan": {"POST /api/ban-an/tra-cuu": n, …}}``."""
        return {"tong": self._total, "theo_duong_dan": dict(sorted(self._by_path.items()))}
