"""Settings of the adapters: where each agency system is, with what key, how long to wait.

Plain frozen dataclasses, validated on construction so a bad value fails at
start-up, not on the first request. The gateway reads its environment once and
builds these; nothing here reads the environment or holds module state::

    court = HttpAgencyConfig("http://127.0.0.1:8101", api_key=secret, timeout_s=2.0)
    personnel = PersonnelConfig("sqlite:///var/personnel.db")
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

# Synchronous drivers named in agency URLs (the spec says ``sqlite:///var/personnel.db``)
# and the asyncio driver the adapter reads them with.
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


@dataclass(frozen=True, slots=True)
class HttpAgencyConfig:
    """One agency's HTTP service.

    ``retries`` applies to safe reads only; ``circuit_failures`` consecutive
    failures open the circuit breaker for ``circuit_reset_s`` (on by default;
    0 disables it).
    """

    base_url: str
    api_key: str = field(repr=False)
    timeout_s: float = 2.0
    retries: int = 1
    circuit_failures: int = 5
    circuit_reset_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {self.base_url!r}")
        if not self.api_key:
            raise ValueError(f"api_key is empty for {self.base_url}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")
        if self.retries < 0:
            raise ValueError(f"retries must be zero or more, got {self.retries}")
        if self.circuit_failures < 0 or self.circuit_reset_s <= 0:
            raise ValueError("circuit_failures must be >= 0 and circuit_reset_s positive")


@dataclass(frozen=True, slots=True)
class PersonnelConfig:
    """The personnel database: any SQLAlchemy URL; ``schema`` if its tables are not in the default one."""

    database_url: str = field(repr=False)  # may carry a password
    timeout_s: float = 2.0
    schema: str | None = None

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")
        self.async_url()  # fail now on an unparseable URL

    def async_url(self) -> URL:
        """The URL with an asyncio driver: ``sqlite:///x.db`` → ``sqlite+aiosqlite:///x.db``."""
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            raise ValueError("database_url is not a database URL") from None
        driver = _ASYNC_DRIVERS.get(url.drivername)
        return url.set(drivername=driver) if driver else url
