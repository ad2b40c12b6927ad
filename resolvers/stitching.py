"""Judgments stitched with the agencies' systems: one fetch per system for a whole list.

Every resolver that returns judgments builds them here. The selection below it
says which systems are needed (``resolvers/lookahead.py``): the court's for
``parties`` / ``obligations`` / ``courtDetails``, the enforcement agency's for
``enforcementCase``, the procuracy's for ``supervision``. Those are fetched
concurrently, each for every judgment at once, through the request's DataLoaders
(one ``fetch_many`` per system, shared with any other list resolved in the same
tick), and each judgment gets its :class:`~schema.types.judgment.AgencyRecords`.
A system's failure is kept per judgment and raised by the fields that need it,
so the rest of the answer stands.

Fetching before the fields run, instead of in each field, spares one coroutine
and one future per judgment and field: on a page of 50 judgments, hundreds of
tasks (bench/README.md has the measurements).
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from domain.types import JudgmentKey
from ledger.judgments import RegistryEntry
from resolvers.context import Context
from resolvers.lookahead import selected_below
from schema.types.judgment import NOT_FETCHED, AgencyRecords, Judgment, NotFetched

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

COURT_FIELDS = frozenset({"parties", "obligations", "courtDetails"})
ENFORCEMENT_FIELDS = frozenset({"enforcementCase"})
PROCURACY_FIELDS = frozenset({"supervision"})


async def _each(loader: DataLoader[K, V], keys: Sequence[K]) -> list[V | BaseException]:
    """Every key's value or its own error (one bad record does not fail the others)."""
    return await asyncio.gather(*(loader.load(key) for key in keys), return_exceptions=True)


async def _skipped(keys: Sequence[Any]) -> list[NotFetched]:
    return [NOT_FETCHED] * len(keys)


async def stitch(info: strawberry.Info[Context, None], entries: Sequence[RegistryEntry], *path: str) -> list[Judgment]:
    """``entries`` as judgments carrying what the selection at ``path`` asks of each agency system."""
    if not entries:
        return []
    wanted = selected_below(info, *path)
    keys = [JudgmentKey(e.court_code, e.number) for e in entries]
    loaders = info.context.loaders
    court, case, supervision = await asyncio.gather(
        _each(loaders.court_judgment, keys) if wanted & COURT_FIELDS else _skipped(keys),
        _each(loaders.enforcement_case, keys) if wanted & ENFORCEMENT_FIELDS else _skipped(keys),
        _each(loaders.supervision, keys) if wanted & PROCURACY_FIELDS else _skipped(keys),
    )
    return [
        Judgment.from_entry(entry, AgencyRecords(court=c, case=k, supervision=s))
        for entry, c, k, s in zip(entries, court, case, supervision, strict=True)
    ]
