"""Examples drawn from a Hypothesis strategy outside a test: the same ones for the same seed (fuzz and differential tests)."""

from __future__ import annotations

from typing import TypeVar

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

T = TypeVar("T")


def generated(strategy: st.SearchStrategy[T], examples: int, seed: int) -> list[T]:
    """``examples`` values of ``strategy``, the same for the same seed: generated only (no shrinking, no database)."""
    values: list[T] = []

    @hypothesis.seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: T) -> None:
        values.append(value)

    collect()
    return values
