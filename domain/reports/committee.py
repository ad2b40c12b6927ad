"""A committee's report: its rows (one per agency or province), their roll-up and the totals computed from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.reports.figures import Figures, Source, sum_figures
from domain.reports.period import Period
from domain.reports.targets import Target


class RowKind(StrEnum):
    AGENCY = "agency"  # a province's report: one row per enforcement agency / area office
    PROVINCE = "province"  # the national roll-up: one row per province
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class ReportRow:
    code: str  # agency code, or province code for a national row, or the scope for the totals
    name: str
    kind: RowKind
    province_code: str | None
    current: Figures
    previous: Figures  # same period of the previous year (personnel left empty: alerts are not historical)
    target: Target | None

    @property
    def cases_rate_change(self) -> Decimal | None:
        """Change of the completion rate in cases against the previous year, in percentage points."""
        return _change(self.current.enforcement.cases.completion_rate, self.previous.enforcement.cases.completion_rate)

    @property
    def money_rate_change(self) -> Decimal | None:
        return _change(self.current.enforcement.money.completion_rate, self.previous.enforcement.money.completion_rate)

    @property
    def cases_target_gap(self) -> Decimal | None:
        """Completion rate in cases minus its target, in percentage points (≥ 0: target met)."""
        if self.target is None:
            return None
        return _change(self.current.enforcement.cases.completion_rate, self.target.cases_rate)

    @property
    def money_target_gap(self) -> Decimal | None:
        if self.target is None:
            return None
        return _change(self.current.enforcement.money.completion_rate, self.target.money_rate)


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True, slots=True)
class CommitteeReport:
    """A steering committee's (``scope`` = province code) or the ministry's (``scope`` = None) report.

    ``totals`` is computed from ``rows``; ``target`` is the scope's own (province
    default or national), not a sum of the rows' targets.
    """

    scope: str | None
    scope_name: str
    period: Period
    rows: tuple[ReportRow, ...]
    target: Target | None
    generated_at: datetime

    @property
    def previous_period(self) -> Period:
        return self.period.previous_year()

    @property
    def totals(self) -> ReportRow:
        return ReportRow(
            code=self.scope or "national",
            name=self.scope_name,
            kind=RowKind.TOTAL,
            province_code=self.scope,
            current=sum_figures(r.current for r in self.rows),
            previous=sum_figures(r.previous for r in self.rows),
            target=self.target,
        )

    @property
    def missing(self) -> frozenset[Source]:
        return self.totals.current.missing | self.totals.previous.missing


def roll_up(rows: Iterable[ReportRow], *, code: str, name: str, kind: RowKind, target: Target | None) -> ReportRow:
    """One row summing ``rows`` (a province's agencies → that province's row of the national report)."""
    rows = tuple(rows)
    return ReportRow(
        code=code,
        name=name,
        kind=kind,
        province_code=code if kind is RowKind.PROVINCE else None,
        current=sum_figures(r.current for r in rows),
        previous=sum_figures(r.previous for r in rows),
        target=target,
    )
