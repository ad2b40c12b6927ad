"""A DataLoader over the personnel systems' staffing units: one ``staffing_units`` call per batch of agency codes.

The officers of each agency come through the generic
:func:`resolvers.dataloaders.agency_systems.adapter_loader` over the same
``PersonnelAdapter`` (its ``fetch_many``), so any adapter behind that interface
— the personnel database, another agency's personnel service — plugs in as is.
An entry that is an ``AgencyError`` (its personnel system failed) is raised by
``load()`` for that code only.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from adapters.base import PersonnelAdapter
from domain.errors import AgencyError
from domain.types import StaffingUnit


def staffing_unit_loader(adapter: PersonnelAdapter) -> DataLoader[str, StaffingUnit | None]:
    async def load(codes: list[str]) -> Sequence[StaffingUnit | AgencyError | None]:
        return await adapter.staffing_units(codes)

    return DataLoader(load_fn=load)
