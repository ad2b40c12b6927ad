"""Where one enforcement case counts in a period's indicators (Circular 05/2024/TT-BTP), and the tally of many.

The enforcement system classifies its cases; the hub only reads its figures.
This module is that classification written once, so the reference
enforcement system (``agencies/enforcement/statistics.py``) and the tests share
it. Each rule sits in :data:`RULES` with its legal basis and whether its text
was seen (``verified``); "the Law" is the Law on Civil Judgment Enforcement
2008, amended 2014 (consolidated text). Over a period ``start`` .. ``end``:

- a case accepted after the period, or finished (completed, terminated,
  entrusted out, withdrawn) before it, does not count;
- otherwise it counts once as **năm trước chuyển sang** (accepted before the
  period) or **thụ lý mới** (accepted within it), so the table's
  carried over + newly accepted = tổng số thụ lý;
- and once in exactly one of: **ủy thác** (entrusted out in the period),
  **thu hồi, hủy quyết định** (its decision withdrawn in the period), **có
  điều kiện thi hành** or **chưa có điều kiện thi hành**, so tổng số thụ lý −
  ủy thác − thu hồi, hủy = tổng số phải thi hành = có + chưa có điều kiện;
- a case with conditions also counts as **thi hành xong** when completed or
  terminated (đình chỉ) in the period.

A system that keeps only a case's standing today (as the reference one does)
cannot say how a case finished after the period stood at its end: it counts as
being enforced, with conditions.

In money the same, each case weighing its amount (VND).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from domain.reports.indicators import EnforcementFigures, Indicators


class Standing(StrEnum):
    """How a case ended (on ``CaseHistory.finished_on``) or, while unfinished, how it stands."""

    IN_PROGRESS = "in_progress"  # đang thi hành (thụ lý, có điều kiện)
    WITHOUT_CONDITIONS = "without_conditions"  # chưa có điều kiện thi hành
    POSTPONED = "postponed"  # hoãn thi hành án; its Art. 48(1) ground decides the column
    SUSPENDED = "suspended"  # tạm đình chỉ thi hành án
    COMPLETED = "completed"  # thi hành xong
    TERMINATED = "terminated"  # đình chỉ thi hành án
    ENTRUSTED_OUT = "entrusted_out"  # ủy thác thi hành án (đi)
    WITHDRAWN = "withdrawn"  # thu hồi, hủy quyết định thi hành án


FINISHED: Final = frozenset({Standing.COMPLETED, Standing.TERMINATED, Standing.ENTRUSTED_OUT, Standing.WITHDRAWN})


class PostponementGround(StrEnum):
    """The point of the Law's Art. 48(1) a postponement rests on (only point c changes the count)."""

    DEBTOR_ILL = "a"  # the debtor is seriously ill or has lost capacity
    DEBTOR_UNREACHABLE = "b"  # the debtor's address is unknown, or another good reason he cannot act himself
    PARTIES_AGREED = "c"  # the parties agreed in writing to postpone
    OTHER = "other"  # any other point of Art. 48(1)


class Column(StrEnum):
    """The column a case lands in besides carried over / newly accepted (Indicators field names)."""

    ENTRUSTED_OUT = "entrusted_out"  # ủy thác
    WITHDRAWN = "withdrawn"  # thu hồi, hủy quyết định
    WITH_CONDITIONS = "with_conditions"  # có điều kiện thi hành
    WITHOUT_CONDITIONS = "without_conditions"  # chưa có điều kiện thi hành


@dataclass(frozen=True, slots=True)
class Rule:
    """One classification rule with its legal basis (``verified``: the text was seen, not only cited)."""

    standing: Standing
    column: Column
    completed: bool  # also counts as thi hành xong (when it finished within the period)
    legal_basis: str
    verified: bool
    ground: PostponementGround | None = None  # for POSTPONED: the rule of this ground only


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        Standing.COMPLETED,
        Column.WITH_CONDITIONS,
        True,
        "Circular 05/2024/TT-BTP: completion rate = thi hành xong ÷ có điều kiện thi hành; the Law Art. 52(1)",
        False,
    ),
    Rule(
        Standing.TERMINATED,
        Column.WITH_CONDITIONS,
        True,
        "The Law Art. 52(2): a termination decision (đình chỉ, Art. 50) ends enforcement; Circular 05/2024/TT-BTP "
        "counts it among thi hành xong (with conditions), not among thu hồi, hủy quyết định",
        False,
    ),
    Rule(
        Standing.ENTRUSTED_OUT,
        Column.ENTRUSTED_OUT,
        False,
        "The Law Art. 55 (ủy thác): the receiving agency accepts the case; Circular 05/2024/TT-BTP subtracts it "
        "from tổng số thụ lý in its own column",
        False,
    ),
    Rule(
        Standing.WITHDRAWN,
        Column.WITHDRAWN,
        False,
        "The Law Art. 37 (thu hồi, hủy quyết định về thi hành án); Circular 05/2024/TT-BTP subtracts it from "
        "tổng số thụ lý in its own column",
        False,
    ),
    Rule(
        Standing.POSTPONED,
        Column.WITH_CONDITIONS,
        False,
        "The Law Art. 48(1)(c): postponed because the parties agreed; the debtor can pay, so Circular "
        "05/2024/TT-BTP counts the case as có điều kiện thi hành",
        False,
        PostponementGround.PARTIES_AGREED,
    ),
    Rule(
        Standing.POSTPONED,
        Column.WITHOUT_CONDITIONS,
        False,
        "The Law Art. 48(1), any point but c: the case cannot be enforced for now (chưa có điều kiện thi hành)",
        False,
    ),
    Rule(
        Standing.SUSPENDED,
        Column.WITHOUT_CONDITIONS,
        False,
        "The Law Art. 49 (tạm đình chỉ): the hub's earlier rule, kept; its column in the forms is not checked",
        False,
    ),
    Rule(
        Standing.WITHOUT_CONDITIONS,
        Column.WITHOUT_CONDITIONS,
        False,
        "The Law Art. 44a (xác định việc chưa có điều kiện thi hành án)",
        False,
    ),
    Rule(Standing.IN_PROGRESS, Column.WITH_CONDITIONS, False, "Circular 05/2024/TT-BTP: đang thi hành", False),
)


_RULE_OF: Final = MappingProxyType({(rule.standing, rule.ground): rule for rule in reversed(RULES)})


def rule_for(standing: Standing, ground: PostponementGround | None = None) -> Rule:
    """The rule of a standing (for a postponement, of its ground; without a rule for the ground, the general one)."""
    return _RULE_OF.get((standing, ground)) or _RULE_OF[(standing, None)]


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """What a classification needs of one case."""

    accepted_on: date
    standing: Standing
    amount: int = 0  # VND
    finished_on: date | None = None  # for a finished standing: the day it finished
    ground: PostponementGround | None = None  # for a postponement: the point of Art. 48(1)

    def __post_init__(self) -> None:
        if (self.finished_on is not None) != (self.standing in FINISHED):
            raise ValueError(
                f"a {self.standing} case {'needs' if self.finished_on is None else 'has no'} finishing day"
            )


def columns_of(case: CaseHistory, start: date, end: date) -> tuple[str, ...]:
    """The Indicators fields the case counts in over ``start`` .. ``end`` (both included); () when none."""
    if case.accepted_on > end or (case.finished_on is not None and case.finished_on < start):
        return ()
    first = "carried_over" if case.accepted_on < start else "newly_accepted"
    if case.finished_on is not None and case.finished_on > end:
        return (first, Column.WITH_CONDITIONS.value)  # finished later: being enforced at the period's end
    rule = rule_for(case.standing, case.ground)
    return (first, rule.column.value, "completed") if rule.completed else (first, rule.column.value)


def tally(cases: Iterable[CaseHistory], start: date, end: date) -> EnforcementFigures:
    """The indicators of ``cases`` over ``start`` .. ``end``, in cases and in money."""
    counts: dict[str, int] = {}
    money: dict[str, int] = {}
    for case in cases:
        for name in columns_of(case, start, end):
            counts[name] = counts.get(name, 0) + 1
            money[name] = money.get(name, 0) + case.amount
    return EnforcementFigures(Indicators(**counts), Indicators(**money))
