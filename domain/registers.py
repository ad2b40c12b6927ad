"""The receipt register's statistical year (Circular 05/2024/TT-BTP: 1 October – 30 September)."""

from __future__ import annotations

from datetime import date


def statistical_year(day: date) -> int:
    """The year a statistical period ends in: 1 Oct 2025 – 30 Sep 2026 is statistical year 2026."""
    return day.year + 1 if day.month >= 10 else day.year
