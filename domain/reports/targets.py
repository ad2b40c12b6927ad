"""Completion-rate targets (chỉ tiêu): per agency, province or nation and statistical year, and their TOML file.

Pure: :func:`load_report_targets_from_text` parses the text of
``data/report_targets.toml``; reading the file is ``gateway.policies.load_report_targets``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Final

from domain.reports.indicators import CENT
from domain.reports.period import FIRST_MONTH, Period


@dataclass(frozen=True, slots=True)
class Target:
    """Completion-rate targets (chỉ tiêu), per cent, and the decision that set them."""

    cases_rate: Decimal
    money_rate: Decimal
    decision: str  # e.g. "Quyết định số 1234/QĐ-BTP ngày 15/10/2025 của Bộ trưởng Bộ Tư pháp"
    scope: str  # "national", a province code or an agency code: where the target was set

    def __post_init__(self) -> None:
        for name, rate in (("cases_rate", self.cases_rate), ("money_rate", self.money_rate)):
            if not Decimal(0) <= rate <= Decimal(100):
                raise ValueError(f"{name} must be a percentage 0..100, not {rate}")
        if not self.decision.strip():
            raise ValueError("a target needs the decision that set it")


@dataclass(frozen=True, slots=True)
class ReportTargets:
    """Targets per statistical year: per agency, else its province's default, else the national default."""

    national: Mapping[int, Target] = field(default_factory=lambda: MappingProxyType({}))
    provinces: Mapping[tuple[int, str], Target] = field(default_factory=lambda: MappingProxyType({}))
    agencies: Mapping[tuple[int, str], Target] = field(default_factory=lambda: MappingProxyType({}))

    def for_unit(self, year: int | None, *, province_code: str | None, agency_code: str | None = None) -> Target | None:
        """The target that applies (``year``: the period's statistical year; ``None`` → no target)."""
        if year is None:
            return None
        if agency_code is not None and (year, agency_code) in self.agencies:
            return self.agencies[(year, agency_code)]
        if province_code is not None and (year, province_code) in self.provinces:
            return self.provinces[(year, province_code)]
        return self.national.get(year)


EMPTY_TARGETS: Final = ReportTargets()
# What a report says where a statistical year has no target (none decided yet, or not in data/report_targets.toml):
# an empty target column with no word why reads as a missing figure. Targets do not carry over from a year to the next.
NO_TARGET: Final = "Chưa giao chỉ tiêu"


def target_year(period: Period) -> int | None:
    """The statistical year whose targets apply: a cumulative period's year, or the year of an explicit range's end."""
    if period.statistical_year is not None:
        return period.statistical_year
    return period.end.year + (1 if period.end.month >= FIRST_MONTH else 0)


class TargetError(ValueError):
    """``report_targets.toml`` is not valid."""


def load_report_targets_from_text(text: str) -> ReportTargets:
    """Targets from the TOML of ``data/report_targets.toml`` (one ``[[target]]`` table each)::

    [[target]]
    statistical_year = 2026
    scope = "national"            # or: province = "ha-noi", or: agency = "enforcement.ha-noi"
    cases_rate = "83.00"          # per cent (a string or a number)
    money_rate = "45.00"
    decision = "Quyết định số …/QĐ-BTP ngày … của Bộ trưởng Bộ Tư pháp"
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(str(exc)) from exc
    national: dict[int, Target] = {}
    provinces: dict[tuple[int, str], Target] = {}
    agencies: dict[tuple[int, str], Target] = {}
    for number, entry in enumerate(document.get("target", ()), start=1):
        where = f"[[target]] #{number}"
        if not isinstance(entry, dict):
            raise TargetError(f"{where}: not a table")
        year = entry.get("statistical_year")
        if not isinstance(year, int) or isinstance(year, bool):
            raise TargetError(f"{where}: statistical_year must be an integer")
        places = [k for k in ("scope", "province", "agency") if k in entry]
        if len(places) != 1 or (places == ["scope"] and entry["scope"] != "national"):
            raise TargetError(f'{where}: give exactly one of scope = "national", province or agency')
        place = places[0]
        code = "national" if place == "scope" else entry[place]
        if not isinstance(code, str) or not code:
            raise TargetError(f"{where}: {place} must be a code")
        try:
            target = Target(
                _rate(entry.get("cases_rate")), _rate(entry.get("money_rate")), str(entry["decision"]), code
            )
        except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
            raise TargetError(f"{where}: {exc}") from exc
        table: dict[Any, Target] = national if place == "scope" else provinces if place == "province" else agencies
        key: Any = year if place == "scope" else (year, code)
        if key in table:
            raise TargetError(f"{where}: a second target for {code} in {year}")
        table[key] = target
    return ReportTargets(MappingProxyType(national), MappingProxyType(provinces), MappingProxyType(agencies))


def _rate(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError(f"a rate must be a number or a string, not {value!r}")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
