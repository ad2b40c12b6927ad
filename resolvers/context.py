"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.registry import Adapters
from domain.access import Principal
from domain.receipts import ReceiptSigner
from domain.transfer_deadlines import DeadlinePolicy
from domain.types import Agency
from resolvers.dataloaders import Loaders
from resolvers.signals import EventSignal


@dataclass(slots=True)
class Context:
    principal: Principal
    sessions: async_sessionmaker[AsyncSession]
    adapters: Adapters
    loaders: Loaders
    signal: EventSignal
    receipts: ReceiptSigner
    deadlines: DeadlinePolicy
    agencies: Mapping[str, Agency]  # the organisation, for access scopes (read-only, shared)
    request_id: str
    request: Any = None  # starlette Request or WebSocket (Strawberry's view reads it)
    response: Any = None
    connection_params: dict[str, Any] | None = None  # graphql-transport-ws connection_init payload

    @classmethod
    def build(
        cls,
        *,
        principal: Principal,
        sessions: async_sessionmaker[AsyncSession],
        adapters: Adapters,
        signal: EventSignal,
        receipts: ReceiptSigner,
        deadlines: DeadlinePolicy,
        agencies: Mapping[str, Agency],
        request_id: str,
        request: Any = None,
        response: Any = None,
    ) -> Context:
        """A fresh context, with fresh loaders: a loader's cache must never outlive its request."""
        return cls(
            principal=principal,
            sessions=sessions,
            adapters=adapters,
            loaders=Loaders.build(sessions, adapters),
            signal=signal,
            receipts=receipts,
            deadlines=deadlines,
            agencies=agencies,
            request_id=request_id,
            request=request,
            response=response,
        )
