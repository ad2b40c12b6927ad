"""DataLoaders over the agency adapters: one ``fetch_many`` call per system per tick.

``adapter_loader`` loads one key at a time (personnel: an agency's officers). ``page_loader``
loads a whole list of keys as one key — a page of judgments asks each system for its 50 records
with one future instead of 50 (``resolvers/stitching.py``); the lists asked in the same tick
still go to the system together, in one ``fetch_many`` of their keys without repeats.

Per-key ``AgencyBadData`` entries stay per key: ``adapter_loader``'s ``load()`` raises it for
that key only, ``page_loader`` returns it in that key's place. A whole-call failure
(unavailable, timeout) fails every key of the batch.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from adapters.base import AgencyAdapter
from adapters.batching import unique
from domain.errors import AgencyBadData, AgencyError

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def adapter_loader(adapter: AgencyAdapter[K, V | AgencyError]) -> DataLoader[K, V]:
    """``load(key)`` answers the key's value; an error in its place (bad data, a system's error) is raised."""

    async def load(keys: list[K]) -> Sequence[V | AgencyError | AgencyBadData]:
        return await adapter.fetch_many(keys)

    return DataLoader(load_fn=load)


def page_loader(adapter: AgencyAdapter[K, V]) -> DataLoader[tuple[K, ...], list[V | AgencyBadData]]:
    """``load(keys)`` answers every key's value (or its ``AgencyBadData``), in the order of ``keys``."""

    async def load(pages: list[tuple[K, ...]]) -> list[list[V | AgencyBadData]]:
        keys = unique(key for page in pages for key in page)
        found = dict(zip(keys, await adapter.fetch_many(keys), strict=True))
        return [[found[key] for key in page] for page in pages]

    return DataLoader(load_fn=load)
