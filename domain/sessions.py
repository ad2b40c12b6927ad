"""A person's signed-in session on the console (``console/sessions.py``; stored by ``ledger/console_sessions.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    id: str  # what the cookie holds; the store keeps only its SHA-256
    person: str  # the person's id in the registry (the OpenID Connect ``sub``)
    csrf: str  # the token every form of this session carries
    expires_at: datetime
