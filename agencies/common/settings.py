"""Settings of one reference service, read once (from the command line or a test) and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_LATENCY_MS = 600_000


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """Everything a reference service needs to build its data and serve it.

    Services built with the same ``judgments`` and ``seed`` (and data directory)
    agree on which judgments exist.
    """

    api_key: str
    judgments: int = 1_000
    seed: int = 1
    latency_ms: int = 0
    failure_rate: float = 0.0
    data_dir: Path | None = None  # None: the repository's data/
    cache_size: int = 20_000  # rendered records kept per service (LRU)

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("api_key must not be empty")
        if self.judgments < 0:
            raise ValueError("judgments must be >= 0")
        if not 0 <= self.latency_ms <= MAX_LATENCY_MS:
            raise ValueError(f"latency_ms must be within 0..{MAX_LATENCY_MS}")
        if not 0.0 <= self.failure_rate <= 1.0:
            raise ValueError("failure_rate must be within 0..1")
        if self.cache_size < 0:
            raise ValueError("cache_size must be >= 0")
