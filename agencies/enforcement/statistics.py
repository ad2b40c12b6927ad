"""Circular 05/2024 statistics of the reference enforcement system (``POST /thads/v1/thong-ke``).

Computed from the catalogue's cases, per unit that holds them (the area office,
or the provincial agency for a case without one: the unit whose register the
hub's transfers name), for a date range:

- năm trước chuyển sang (carried over): accepted before the range and not
  finished (completed or terminated) before it;
- thụ lý mới (newly accepted): accepted within the range;
- ủy thác đi (entrusted out): none in this catalogue;
- thu hồi, hủy (withdrawn): terminated (đình chỉ) within the range;
- có / chưa có điều kiện (with / without conditions): of the rest, the cases
  without conditions, postponed or suspended today (and not completed in the
  range) have no conditions; every other one has;
- thi hành xong (completed): completed within the range.

In money the same, each case weighing its amount due. A case's finishing day
is drawn once, deterministically, after its last decision (the catalogue
keeps only today's status). The table is built on the first request.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from agencies.common import people
from agencies.common.dialect import format_date, format_vnd
from agencies.enforcement.store import CaseStore
from domain.types import CaseStatus

FIELDS = (
    "nam_truoc_chuyen_sang",
    "thu_ly_moi",
    "uy_thac_di",
    "thu_hoi_huy",
    "co_dieu_kien",
    "chua_co_dieu_kien",
    "thi_hanh_xong",
)
_NO_CONDITIONS = frozenset({CaseStatus.WITHOUT_CONDITIONS, CaseStatus.POSTPONED, CaseStatus.SUSPENDED})


@dataclass(frozen=True, slots=True)
class CaseFacts:
    unit: str
    accepted_on: date
    status: CaseStatus
    finished_on: date | None  # completed or terminated on
    amount: int


class Statistics:
    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self._facts: list[CaseFacts] | None = None

    def facts(self) -> list[CaseFacts]:
        if self._facts is None:
            self._facts = [self._fact(i) for i in self.store.indices()]
        return self._facts

    def _fact(self, index: int) -> CaseFacts:
        book = self.store.book
        case = book.case(index)
        if case is None:  # cannot happen: the store lists indices with a case
            raise LookupError(index)
        finished: date | None = None
        if case.status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
            rng = random.Random(f"{book.catalogue.seed}:xong:{index}")
            last = max((d.issued_on for d in case.decisions), default=case.accepted_on)
            finished = min(book.catalogue.as_of, last + timedelta(days=people.between(rng, 5, 180)))
        return CaseFacts(case.office_code or case.agency_code, case.accepted_on, case.status, finished, case.amount_due)

    def report(self, units: list[str], start: date, end: date) -> dict[str, Any]:
        """The answer's shape: ``{"tu_ngay", "den_ngay", "don_vi": [{"ma_don_vi", "ve_viec", "ve_tien"}]}``."""
        wanted = dict.fromkeys(units)
        cases = {u: [0] * len(FIELDS) for u in wanted}
        money = {u: [0] * len(FIELDS) for u in wanted}
        for fact in self.facts():
            counts = cases.get(fact.unit)
            if counts is None:
                continue
            slots = _slots(fact, start, end)
            amounts = money[fact.unit]
            for slot in slots:
                counts[slot] += 1
                amounts[slot] += fact.amount
        return {
            "tu_ngay": format_date(start),
            "den_ngay": format_date(end),
            "don_vi": [
                {
                    "ma_don_vi": unit,
                    "ve_viec": dict(zip(FIELDS, cases[unit], strict=True)),
                    "ve_tien": {name: format_vnd(v) for name, v in zip(FIELDS, money[unit], strict=True)},
                }
                for unit in wanted
            ],
        }


def _slots(fact: CaseFacts, start: date, end: date) -> tuple[int, ...]:
    """Which indicators (indices into FIELDS) the case counts in over ``start`` .. ``end``."""
    if fact.accepted_on > end or (fact.finished_on is not None and fact.finished_on < start):
        return ()
    first = 0 if fact.accepted_on < start else 1
    finished_in = fact.finished_on is not None and fact.finished_on <= end
    if finished_in and fact.status is CaseStatus.TERMINATED:
        return (first, 3)
    if finished_in:  # completed within the range: it had conditions
        return (first, 4, 6)
    return (first, 5 if fact.status in _NO_CONDITIONS else 4)
