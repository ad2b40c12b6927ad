"""Batch plumbing shared by the adapters: de-duplicate, chunk, run chunks concurrently.

A DataLoader may hand an adapter the same key twice, and a batch may exceed the
500 keys an agency accepts per call (docs/agency-interface.md). The adapters
look up each distinct key once, in chunks sent concurrently, then spread the
answers back over the keys as asked::

    distinct = unique(keys)
    answers = await gather_all(lookup(chunk) for chunk in chunks(distinct, 500))
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from domain.errors import AgencyError

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
V = TypeVar("V")

MAX_BATCH = 500


def unique(keys: Iterable[K]) -> list[K]:
    """Distinct keys in first-seen order."""
    return list(dict.fromkeys(keys))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def lookup_in_chunks(
    keys: Sequence[K],
    lookup: Callable[[Sequence[K]], Coroutine[Any, Any, Mapping[K, V]]],
    *,
    size: int = MAX_BATCH,
) -> list[V]:
    """Look each distinct key up once, ``size`` keys per call, calls concurrent; answer in ``keys`` order.

    ``lookup`` must answer every key of its chunk (a value, None, or AgencyBadData).
    """
    distinct = unique(keys)
    if not distinct:
        return []
    answers = await gather_all([lookup(chunk) for chunk in chunks(distinct, size)])
    merged = {key: value for answer in answers for key, value in answer.items()}
    return [merged[key] for key in keys]


async def gather_all(coroutines: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Run concurrently; on the first failure cancel the rest and raise that failure itself.

    ``asyncio.TaskGroup`` gives the cancel-the-rest behaviour but wraps errors in
    an ``ExceptionGroup``; callers of an adapter expect a plain ``AgencyError``
    (the interface promises it), so the group is unwrapped here. An agency error
    is preferred over anything else the group holds.
    """
    pending = list(coroutines)
    if len(pending) == 1:
        return [await pending[0]]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coroutine) for coroutine in pending]
    except BaseExceptionGroup as failures:
        # Re-raised as is: its __cause__ (the aiohttp or SQLAlchemy error) stays attached.
        raise _pick(failures)  # noqa: B904
    return [task.result() for task in tasks]


def _pick(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    leaves = list(_leaves(failures))
    return next((error for error in leaves if isinstance(error, AgencyError)), leaves[0])


def _leaves(error: BaseException) -> Iterator[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error
