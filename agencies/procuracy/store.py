"""The procuracy system's store: supervised judgments in order, numbered per procuracy.

Records of one judgment are rendered together (1–2 of them); a page may end
between them, which the cursor (position, document) remembers.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from agencies.common.cases import CaseBook
from agencies.procuracy.dialect import van_ban


class SupervisionStore:
    def __init__(self, book: CaseBook, cache_size: int) -> None:
        self.book = book
        catalogue = book.catalogue
        self._supervised = array("I")
        self._by_procuracy: dict[str, array[int]] = {}
        for index in range(catalogue.count):
            if book.has_supervision(index):
                self._supervised.append(index)
                procuracy = catalogue.route_of(index).procuracy_code
                held = self._by_procuracy.get(procuracy)
                if held is None:
                    held = self._by_procuracy[procuracy] = array("I")
                held.append(index)
        self._records = lru_cache(maxsize=cache_size)(self._render)

    def page(self, position: int, document: int, limit: int) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
        """Up to ``limit`` records from (``position``, ``document``) and where the next page starts (None: done)."""
        out: list[dict[str, Any]] = []
        while position < len(self._supervised) and len(out) < limit:
            records = self._records(self._supervised[position])
            taken = records[document : document + limit - len(out)]
            out.extend(taken)
            document += len(taken)
            if document >= len(records):
                position, document = position + 1, 0
        return out, ((position, document) if position < len(self._supervised) else None)

    def for_judgment(self, court_code: str, number: str) -> list[dict[str, Any]]:
        index = self.book.catalogue.index_of((court_code, number))
        if index is None or not self.book.has_supervision(index):
            return []
        return list(self._records(index))

    def _render(self, index: int) -> tuple[dict[str, Any], ...]:
        procuracy = self.book.catalogue.route_of(index).procuracy_code
        serial = bisect_left(self._by_procuracy[procuracy], index) + 1
        return tuple(van_ban(r) for r in self.book.supervision(index, serial))
