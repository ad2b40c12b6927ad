"""The enforcement system's store: which judgments have a case, and under which agency and office.

Cases are held under the agencies that ``domain.jurisdiction.route_judgment``
names today, so a judgment of a dissolved district court sits with the
successor area office. A case's number is its serial in its provincial
agency's register (judgment order), which the per-agency index lists give
without storing anything per case.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from agencies.common.cases import CaseBook
from agencies.enforcement.dialect import ho_so


class CaseStore:
    def __init__(self, book: CaseBook, cache_size: int) -> None:
        self.book = book
        catalogue = book.catalogue
        self._all = array("I")
        self._by_unit: dict[str, array[int]] = {}
        for index in range(catalogue.count):
            if not book.has_case(index):
                continue
            self._all.append(index)
            route = catalogue.route_of(index)
            for unit in (route.enforcement_agency_code, route.enforcement_office_code):
                if unit is not None:
                    held = self._by_unit.get(unit)
                    if held is None:
                        held = self._by_unit[unit] = array("I")
                    held.append(index)
        self._record = lru_cache(maxsize=cache_size)(self._render)

    def indices(self) -> array[int]:
        """Catalogue indices of the judgments with a case, in judgment order."""
        return self._all

    def count(self, unit: str | None = None) -> int:
        return len(self._all) if unit is None else len(self._by_unit.get(unit, ()))

    def page(self, offset: int, limit: int, unit: str | None = None) -> list[dict[str, Any]]:
        """Cases in judgment order, all of them or those held by ``unit`` (agency or area office)."""
        indices = self._all if unit is None else self._by_unit.get(unit, array("I"))
        return [self._record(i) for i in indices[offset : offset + limit]]

    def get(self, court_code: str, number: str) -> dict[str, Any] | None:
        index = self.book.catalogue.index_of((court_code, number))
        if index is None or not self.book.has_case(index):
            return None
        return self._record(index)

    def _render(self, index: int) -> dict[str, Any]:
        agency = self.book.catalogue.route_of(index).enforcement_agency_code
        serial = bisect_left(self._by_unit[agency], index) + 1
        case = self.book.case(index, serial)
        if case is None:  # cannot happen: only indices with a case are stored
            raise LookupError(index)
        return ho_so(case)
