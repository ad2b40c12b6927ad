"""Circular 05/2024 indicators of one unit (cases or money), their completion rate, and the enforcement figures.

Rates are in per cent, rounded half-up to 2 decimals (:data:`CENT`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

CENT: Final = Decimal("0.01")  # the precision of every rate and target, in per cent


def completion_rate(completed: int, with_conditions: int) -> Decimal | None:
    """Completed ÷ with conditions, in per cent rounded half-up to 2 decimals; ``None`` when nothing had conditions."""
    if with_conditions <= 0:
        return None
    return (Decimal(completed) * 100 / Decimal(with_conditions)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Indicators:
    """Circular 05/2024 indicators of one unit over one period, all in cases or all in VND.

    ``with_conditions + without_conditions`` is the total to enforce; the
    enforcement system is trusted for the split (its own catalogue decides), and
    :meth:`check` says whether the figures are consistent.
    """

    carried_over: int = 0  # năm trước chuyển sang
    newly_accepted: int = 0  # thụ lý mới
    entrusted_out: int = 0  # ủy thác đi
    withdrawn: int = 0  # thu hồi, hủy quyết định
    with_conditions: int = 0  # có điều kiện thi hành
    without_conditions: int = 0  # chưa có điều kiện thi hành
    completed: int = 0  # thi hành xong

    @property
    def accepted(self) -> int:
        """Accepted (tổng số thụ lý) = carried over + newly accepted."""
        return self.carried_over + self.newly_accepted

    @property
    def total(self) -> int:
        """To enforce (phải thi hành) = accepted − entrusted out (ủy thác) − withdrawn (thu hồi, hủy quyết định)."""
        return self.accepted - self.entrusted_out - self.withdrawn

    @property
    def carried_to_next(self) -> int:
        """Carried to the next period (chuyển kỳ sau) = total − completed."""
        return self.total - self.completed

    @property
    def completion_rate(self) -> Decimal | None:
        """Completed ÷ with conditions (Circular 05/2024), per cent, 2 decimals; ``None`` when nothing had conditions."""
        return completion_rate(self.completed, self.with_conditions)

    def check(self) -> list[str]:
        """What does not add up (empty when consistent)."""
        problems = [f"{name} is negative" for name in _INDICATOR_FIELDS if getattr(self, name) < 0]
        if self.with_conditions + self.without_conditions != self.total:
            problems.append("with + without conditions differs from the total to enforce")
        if self.completed > self.with_conditions:
            problems.append("more completed than with conditions")
        return problems

    def __add__(self, other: Indicators) -> Indicators:
        return Indicators(*(getattr(self, n) + getattr(other, n) for n in _INDICATOR_FIELDS))


_INDICATOR_FIELDS = (
    "carried_over",
    "newly_accepted",
    "entrusted_out",
    "withdrawn",
    "with_conditions",
    "without_conditions",
    "completed",
)


@dataclass(frozen=True, slots=True)
class EnforcementFigures:
    """The enforcement agency's indicators of one unit, in cases (việc) and in money (VND)."""

    cases: Indicators = Indicators()
    money: Indicators = Indicators()

    def __add__(self, other: EnforcementFigures) -> EnforcementFigures:
        return EnforcementFigures(self.cases + other.cases, self.money + other.money)
