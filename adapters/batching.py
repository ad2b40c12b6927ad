"""Batch plumbing shared by the adapters: de-duplicate, chunk, run chunks concurrently.

A DataLoader may hand an adapter the same key twice, and a batch may exceed the
500 keys an agency accepts per call (docs/agency-interface.md). The adapters
look up each distinct key once, in chunks sent concurrently, then spread the
answers back over the keys as asked::

    distinct = unique(keys)
    answers = await gather_all(lookup(chunk) for chunk in chunks(distinct, 500))

Each chunk's answer is a list of entries that name what they are about; the
first entry naming a key asked for is that key's (:func:`match_entries`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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


@dataclass(frozen=True, slots=True)
class Matched(Generic[K]):
    """An agency's answer to one chunk of keys, its entries matched to the keys asked for."""

    keys: Sequence[K]
    """The keys asked for, distinct, in order."""
    found: dict[K, object]
    """Each key asked for that an entry names, with the first entry that names it."""
    unanswered: list[K]
    """Keys no entry names and the answer does not list as not held (where the dialect has such a list)."""
    unreadable: int
    """Entries whose name cannot be read, so that they cannot be placed."""

    def answers(
        self, translate: Callable[[object, K], V], default: V, unanswered: Callable[[K], V] | None = None
    ) -> dict[K, V]:
        """One answer per key, in order: its entry translated, else what ``unanswered`` says of it, else ``default``.

        ``unanswered`` is for the keys of :attr:`unanswered`; without it they too get ``default``.
        """
        results = dict.fromkeys(self.keys, default)
        for key, entry in self.found.items():
            results[key] = translate(entry, key)
        if unanswered is not None:
            for key in self.unanswered:
                results[key] = unanswered(key)
        return results


def match_entries(
    chunk: Sequence[K],
    entries: Iterable[object],
    name_of: Callable[[object], Hashable | None],
    *,
    absent: Iterable[object] = (),
    key_name: Callable[[K], Hashable] | None = None,
) -> Matched[K]:
    """Match the entries of an answer to the distinct keys of ``chunk``; the first entry naming a key counts.

    ``name_of`` reads what an entry (or an entry of the ``absent`` list) is about, as
    ``key_name`` names a key (default: the key itself); None for an entry it cannot
    read. Entries about keys not asked for are passed over.
    """
    # Matched by name: for a judgment, a tuple of its two strings hashes fast where a JudgmentKey (a dataclass) does not.
    unsettled: dict[Hashable, K] = {key_name(key) if key_name else key: key for key in chunk}
    found: dict[K, object] = {}
    unreadable = 0
    for entry in entries:
        name = name_of(entry)
        if name is None:
            unreadable += 1
            continue
        key = unsettled.pop(name, None)
        if key is not None:  # asked for, and the first entry naming it counts
            found[key] = entry
    listed = {name_of(item) for item in absent} if unsettled else set()
    return Matched(chunk, found, [key for name, key in unsettled.items() if name not in listed], unreadable)


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
