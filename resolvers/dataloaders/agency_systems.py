"""A DataLoader over any agency adapter: one ``fetch_many`` call per batch of keys.

Per-key ``AgencyBadData`` entries are raised by ``load()`` for that key only;
a whole-call failure (unavailable, timeout) fails every key of the batch.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from adapters.base import AgencyAdapter
from domain.errors import AgencyBadData

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def adapter_loader(adapter: AgencyAdapter[K, V]) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> Sequence[V | AgencyBadData]:
        return await adapter.fetch_many(keys)

    return DataLoader(load_fn=load)
