"""Circular 05/2024/TT-BTP statistics of the reference enforcement system (``POST /thads/v1/thong-ke``).

Computed from the catalogue's cases, per unit that holds them (the area office,
or the provincial agency for a case without one: the unit whose register the
hub's transfers name), for a date range, by ``domain.reports.classification``
(each rule with its legal basis there): đình chỉ counts as thi hành xong; a
postponement under Art. 48(1)(c) as có điều kiện, under any other ground as
chưa có điều kiện; tạm đình chỉ as chưa có điều kiện. This catalogue has no
entrusted-out (ủy thác) or withdrawn (thu hồi, hủy) cases, so those columns
are zero here.

In money the same, each case weighing its amount due. A case's finishing day
is drawn once, deterministically, after its last decision (the catalogue
keeps only today's status), and so is a postponed case's ground. The table is
built on the first request.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from agencies.common import people
from agencies.common.dialect import format_date, format_vnd
from agencies.enforcement.store import CaseStore
from domain.reports.classification import CaseHistory, PostponementGround, Standing, tally
from domain.types import CaseStatus

FIELDS: Final = (  # the dialect's name of each Indicators field, in field order
    ("carried_over", "nam_truoc_chuyen_sang"),
    ("newly_accepted", "thu_ly_moi"),
    ("entrusted_out", "uy_thac_di"),
    ("withdrawn", "thu_hoi_huy"),
    ("with_conditions", "co_dieu_kien"),
    ("without_conditions", "chua_co_dieu_kien"),
    ("completed", "thi_hanh_xong"),
)
STANDINGS: Final = {
    CaseStatus.ACCEPTED: Standing.IN_PROGRESS,
    CaseStatus.WITH_CONDITIONS: Standing.IN_PROGRESS,
    CaseStatus.WITHOUT_CONDITIONS: Standing.WITHOUT_CONDITIONS,
    CaseStatus.POSTPONED: Standing.POSTPONED,
    CaseStatus.SUSPENDED: Standing.SUSPENDED,
    CaseStatus.TERMINATED: Standing.TERMINATED,
    CaseStatus.COMPLETED: Standing.COMPLETED,
}
GROUNDS: Final = tuple(PostponementGround)  # a postponed case's ground is drawn evenly among these


@dataclass(frozen=True, slots=True)
class CaseFacts:
    unit: str
    history: CaseHistory

    @property
    def accepted_on(self) -> date:
        return self.history.accepted_on

    @property
    def finished_on(self) -> date | None:
        """Completed or terminated on (``None`` while unfinished)."""
        return self.history.finished_on


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
        standing = STANDINGS[case.status]
        finished: date | None = None
        ground: PostponementGround | None = None
        if case.status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
            rng = random.Random(f"{book.catalogue.seed}:xong:{index}")
            last = max((d.issued_on for d in case.decisions), default=case.accepted_on)
            finished = min(book.catalogue.as_of, last + timedelta(days=people.between(rng, 5, 180)))
        elif standing is Standing.POSTPONED:
            ground = random.Random(f"{book.catalogue.seed}:hoan:{index}").choice(GROUNDS)
        history = CaseHistory(case.accepted_on, standing, case.amount_due, finished, ground)
        return CaseFacts(case.office_code or case.agency_code, history)

    def report(self, units: list[str], start: date, end: date) -> dict[str, Any]:
        """The answer's shape: ``{"tu_ngay", "den_ngay", "don_vi": [{"ma_don_vi", "ve_viec", "ve_tien"}]}``."""
        held: dict[str, list[CaseHistory]] = {u: [] for u in units}
        for fact in self.facts():
            histories = held.get(fact.unit)
            if histories is not None:
                histories.append(fact.history)
        rows = []
        for unit, histories in held.items():
            figures = tally(histories, start, end)
            rows.append(
                {
                    "ma_don_vi": unit,
                    "ve_viec": {name: getattr(figures.cases, field) for field, name in FIELDS},
                    "ve_tien": {name: format_vnd(getattr(figures.money, field)) for field, name in FIELDS},
                }
            )
        return {"tu_ngay": format_date(start), "den_ngay": format_date(end), "don_vi": rows}
