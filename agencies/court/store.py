"""The court system's store: the catalogue's judgments, ordered by (ma_toa_an, so_ban_an) for paging.

Only per-court counts are computed at start-up; a court's judgments are sorted
by number the first time a page reaches that court, so a million judgments
start fast and paging stays cheap.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import Any

from agencies.common.catalogue import Catalogue
from agencies.court.dialect import ban_an


class CourtStore:
    def __init__(self, catalogue: Catalogue, cache_size: int) -> None:
        self.catalogue = catalogue
        self._courts = catalogue.court_codes()
        self._starts = [0, *accumulate(catalogue.court_size(c) for c in self._courts)]
        self._ordered: dict[str, array[int]] = {}
        self._record = lru_cache(maxsize=cache_size)(self._render)

    @property
    def total(self) -> int:
        return self.catalogue.count

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` records starting at ``offset`` in (court code, number) order."""
        out: list[dict[str, Any]] = []
        position = bisect_right(self._starts, offset) - 1
        skip = offset - self._starts[position] if position < len(self._courts) else 0
        while len(out) < limit and position < len(self._courts):
            ordered = self._ordered_indices(self._courts[position])
            out.extend(self._record(i) for i in ordered[skip : skip + limit - len(out)])
            position, skip = position + 1, 0
        return out

    def get(self, court_code: str, number: str) -> dict[str, Any] | None:
        index = self.catalogue.index_of((court_code, number))
        return None if index is None else self._record(index)

    def _ordered_indices(self, court_code: str) -> array[int]:
        ordered = self._ordered.get(court_code)
        if ordered is None:
            indices = self.catalogue.court_indices(court_code)
            ordered = array("I", sorted(indices, key=lambda i: self.catalogue.key_at(i).number))
            self._ordered[court_code] = ordered
        return ordered

    def _render(self, index: int) -> dict[str, Any]:
        return ban_an(self.catalogue.judgment(index))
