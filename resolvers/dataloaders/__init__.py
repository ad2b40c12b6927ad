"""Per-request DataLoaders, one per file, bundled by :class:`Loaders`.

Each agency is reached once per level of a query: every ``load(key)`` made
while resolving one level is gathered into one ``fetch_many`` batch. Agencies need
no loader: the organisation is in memory (``Context.agencies``, ``schema.types.agency.agency_named``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from adapters.registry import Adapters
from domain.errors import AgencyBadData
from domain.types import (
    CourtJudgment,
    EnforcementCase,
    JudgmentKey,
    Officer,
    StaffingUnit,
    SupervisionRecord,
)
from ledger.coordination import CoordinationEvent
from ledger.judgments import RegistryEntry
from ledger.signed_judgments import SignedJudgment
from ledger.transfers import Transfer
from resolvers.dataloaders.agency_systems import adapter_loader, page_loader
from resolvers.dataloaders.coordination import history_loader
from resolvers.dataloaders.judgments import registry_entry_loader
from resolvers.dataloaders.personnel import staffing_unit_loader
from resolvers.dataloaders.signed_judgments import signed_judgment_loader
from resolvers.dataloaders.transfers import judgment_transfer_loader


@dataclass(frozen=True, slots=True)
class Loaders:
    judgment: DataLoader[str, RegistryEntry | None]
    signed_judgment: DataLoader[str, SignedJudgment | None]  # what the court signed, for a transferred judgment
    judgment_transfer: DataLoader[str, Transfer | None]  # a judgment's latest transfer through the hub
    # a list of judgments' keys → each one's record (or its AgencyBadData), one future per list
    court_judgments: DataLoader[tuple[JudgmentKey, ...], list[CourtJudgment | AgencyBadData | None]]
    enforcement_cases: DataLoader[tuple[JudgmentKey, ...], list[EnforcementCase | AgencyBadData | None]]
    supervisions: DataLoader[tuple[JudgmentKey, ...], list[tuple[SupervisionRecord, ...] | AgencyBadData]]
    coordination_history: DataLoader[str, list[CoordinationEvent]]
    officers: DataLoader[str, tuple[Officer, ...]]  # agency code → its staff
    staffing_unit: DataLoader[str, StaffingUnit | None]  # agency code → its quota

    @classmethod
    def build(cls, sessions: async_sessionmaker[AsyncSession], adapters: Adapters) -> Loaders:
        return cls(
            judgment=registry_entry_loader(sessions),
            signed_judgment=signed_judgment_loader(sessions),
            judgment_transfer=judgment_transfer_loader(sessions),
            court_judgments=page_loader(adapters.court),
            enforcement_cases=page_loader(adapters.enforcement),
            supervisions=page_loader(adapters.procuracy),
            coordination_history=history_loader(sessions),
            officers=adapter_loader(adapters.personnel),
            staffing_unit=staffing_unit_loader(adapters.personnel),
        )
