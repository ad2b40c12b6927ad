"""What a type's field may ask of the request: the contract ``resolvers.context.Context`` fulfils.

Imports run one way, ``resolvers`` → ``schema``: types are plain data with a few
thin fields that read the request context, and the resolvers that build them attach
behaviour. A field therefore names what it needs here, as a protocol, instead of
importing the resolvers' ``Context``::

    @strawberry.field
    def in_force(self, info: Info) -> bool:
        return self.valid_from <= info.context.clock.today()

The kinds of personal-data reads a field records (``personal_reads``) are named here
too, so that a type and the audit extension (``resolvers/personal_data.py``) agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from domain.access import Principal
from domain.clock import Clock
from domain.policy import AccessPolicy
from domain.transfer_deadlines import DeadlinePolicy
from domain.types import Agency
from ledger.coordination import CoordinationEvent
from ledger.judgments import RegistryEntry
from ledger.transfers import Transfer as LedgerTransfer

if TYPE_CHECKING:
    from schema.types.judgment import Judgment

PARTIES_READ: Final = "read:judgment.parties"  # a judgment's parties: names, addresses, citizen IDs
OFFICERS_READ: Final = "read:officers"  # officers' personal details
ALERTS_READ: Final = "read:personnelAlerts"  # officers named by personnel alerts


class FieldLoaders(Protocol):
    """The request's DataLoaders a field reads through (one batch per level of a query)."""

    @property
    def judgment(self) -> DataLoader[str, RegistryEntry | None]: ...

    @property
    def coordination_history(self) -> DataLoader[str, list[CoordinationEvent]]: ...

    @property
    def judgment_transfer(self) -> DataLoader[str, LedgerTransfer | None]: ...


class FieldContext(Protocol):
    """The per-request context as the types' fields see it."""

    principal: Principal
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    language: str  # the messages' language (domain.messages)
    deadlines: DeadlinePolicy
    agencies: Mapping[str, Agency]
    policy: AccessPolicy
    personal_reads: set[tuple[str, str]]

    @property
    def loaders(self) -> FieldLoaders: ...

    async def judgments(self, info: strawberry.Info[Any, None], entries: Sequence[RegistryEntry]) -> list[Judgment]:
        """``entries`` as judgments, stitched with the agency systems for what ``info``'s selection asks."""
        ...


Info = strawberry.Info[FieldContext, None]
