"""What the console asks of the hub: run a GraphQL document as a person, and who that person may be.

The gateway implements :class:`HubPort` over the running hub (``gateway/console_port.py``); the
console never touches the ledger or the resolvers itself.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.requests import Request

from domain.access import Principal


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one GraphQL document: ``data`` and the errors' codes and messages."""

    data: dict[str, Any] | None
    errors: tuple[tuple[str, str], ...] = field(default=())  # (extensions.code, message)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.errors)

    @property
    def forbidden(self) -> bool:
        return "FORBIDDEN" in self.codes


class HubPort(Protocol):
    async def execute(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> Outcome:
        """Run ``document`` through the hub's schema as ``principal`` (policy, masking and audit included)."""
        ...

    async def principal_of(self, person: str) -> Principal | None:
        """The principal a registered, active person acts as now (their agency, their granted roles), or None."""
        ...

    def subscribe(
        self, request: Request, principal: Principal, document: str, variables: Mapping[str, Any] | None = None
    ) -> AsyncGenerator[Outcome, None]:
        """Run a ``subscription`` document as ``principal``: one Outcome per event, without end.

        A refusal (FORBIDDEN, a bad cursor) is one Outcome with errors, then the end. Close the
        generator to leave (``contextlib.aclosing``).
        """
        ...

    async def transfer_events_head(self) -> str:
        """The cursor of the last transfer event committed: ``transferEvents(after: <it>)`` brings only later ones."""
        ...
