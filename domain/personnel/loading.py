"""Parsing the personnel rules table from TOML text (the layout of ``data/personnel_rules.toml``).

Pure: the text is given; reading the file is ``gateway.policies.load_personnel_rules``.
The file is a complete table: every section must be present, and a mistake
raises :class:`~domain.personnel.checks.PersonnelRuleError` naming the table
and entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any, TypeVar

from domain.personnel.checks import PersonnelRuleError
from domain.personnel.rules import (
    LeadershipRule,
    PersonnelRules,
    QuotaRule,
    RetirementExtensionRule,
    RetirementRule,
    RotationDeferralRule,
    RotationNearRetirementRule,
    RotationRule,
    SecondTermRule,
    TermRule,
)
from domain.personnel.schedule import Age, RetirementEffective, RetirementSchedule
from domain.types import AgencyKind, AgencyLevel, Sex

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")

_SECTIONS = (
    "retirement",
    "retirement_extension",
    "term",
    "second_term",
    "rotation",
    "rotation_near_retirement",
    "rotation_deferral",
    "quota",
    "leadership",
)


def load_personnel_rules_from_text(text: str) -> PersonnelRules:
    """A complete personnel rules table from TOML text (the layout of ``data/personnel_rules.toml``).

    Every table must be present; a mistake raises :class:`PersonnelRuleError`
    naming the table and entry (``rotation #2 ('rotation_enforcement_officer')``).
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PersonnelRuleError(f"personnel rules: invalid TOML: {exc}") from exc
    unknown = sorted(set(document) - set(_SECTIONS))
    if unknown:
        raise PersonnelRuleError(f"personnel rules: unknown table(s) {unknown}")
    missing = [name for name in _SECTIONS if name not in document]
    if missing:
        raise PersonnelRuleError(f"personnel rules: missing table(s) {missing}")
    try:
        return PersonnelRules(
            retirement=_retirement(_Entry("retirement", document["retirement"])),
            retirement_extension=_retirement_extension(
                _Entry("retirement_extension", document["retirement_extension"])
            ),
            term=_term(_Entry("term", document["term"])),
            second_term=_second_term(_Entry("second_term", document["second_term"])),
            rotation=tuple(_rotation_entry(e) for e in _entries("rotation", document["rotation"])),
            rotation_near_retirement=_near_retirement(
                _Entry("rotation_near_retirement", document["rotation_near_retirement"])
            ),
            rotation_deferral=tuple(_deferral(e) for e in _entries("rotation_deferral", document["rotation_deferral"])),
            quota=_quota(_Entry("quota", document["quota"])),
            leadership=tuple(_leadership(e) for e in _entries("leadership", document["leadership"])),
        )
    except PersonnelRuleError as exc:
        if str(exc).startswith("personnel rules"):
            raise
        raise PersonnelRuleError(f"personnel rules: {exc}") from exc


class _Entry:
    """One TOML table, read field by field with errors that name it."""

    def __init__(self, where: str, table: Any) -> None:
        if not isinstance(table, dict):
            raise PersonnelRuleError(f"{where}: must be a table")
        key = table.get("key")
        self.where = f"{where} ({key!r})" if isinstance(key, str) else where
        self.table = table
        self.used: set[str] = set()

    def error(self, message: str) -> PersonnelRuleError:
        return PersonnelRuleError(f"{self.where}: {message}")

    def _get(self, name: str) -> Any:
        self.used.add(name)
        if name not in self.table:
            raise self.error(f"missing field {name!r}")
        return self.table[name]

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self.error(f"{name!r} must be a string, not {value!r}")
        return value

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self.error(f"{name!r} must be true or false, not {value!r}")
        return value

    def number(self, name: str) -> int:
        value = self._get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(f"{name!r} must be a whole number, not {value!r}")
        return value

    def age(self, name: str) -> Age:
        value = self._get(name)
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            raise self.error(f"{name!r} must be [years, months], not {value!r}")
        return Age(value[0], value[1])

    def names(self, name: str) -> tuple[str, ...]:
        value = self._get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{name!r} must be a list of strings, not {value!r}")
        return tuple(value)

    def choice(self, name: str, enum: type[_E]) -> _E:
        value = self._get(name)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(repr(e.value) for e in enum)
            raise self.error(f"{name!r} must be one of {allowed}, not {value!r}") from None

    def subtable(self, name: str) -> Any:
        return self._get(name)

    def common(self) -> tuple[str, str, str, bool]:
        return self.text("key"), self.text("description_vi"), self.text("legal_basis"), self.flag("verified")

    def done(self, build: Callable[[], _T]) -> _T:
        """Build the rule, after checking that no field was left unread (a misspelt field is an error)."""
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.error(f"unknown field(s) {unknown}")
        try:
            return build()
        except PersonnelRuleError as exc:
            raise self.error(str(exc)) from exc


def _entries(section: str, value: Any) -> Iterator[_Entry]:
    if not isinstance(value, list):
        raise PersonnelRuleError(f"{section}: must be an array of tables ([[{section}]])")
    for number, table in enumerate(value, start=1):
        yield _Entry(f"{section} #{number}", table)


def _retirement(entry: _Entry) -> RetirementRule:
    key, description, basis, verified = entry.common()
    effective = entry.choice("effective", RetirementEffective)
    effective_basis = entry.text("effective_basis")
    effective_verified = entry.flag("effective_verified")
    schedules = tuple(_schedule(e) for e in _entries("retirement.schedule", entry.subtable("schedule")))
    return entry.done(
        lambda: RetirementRule(
            key, description, basis, verified, effective, effective_basis, effective_verified, schedules
        )
    )


def _schedule(entry: _Entry) -> RetirementSchedule:
    sex = entry.choice("sex", Sex)
    entry.where = f"{entry.where} ({sex.value})"
    values = (
        entry.age("age_before"),
        entry.number("from_year"),
        entry.age("first_age"),
        entry.number("step_months"),
        entry.age("final_age"),
    )
    return entry.done(lambda: RetirementSchedule(sex, *values))


def _retirement_extension(entry: _Entry) -> RetirementExtensionRule:
    common = entry.common()
    max_years = entry.number("max_years")
    return entry.done(lambda: RetirementExtensionRule(*common, max_years=max_years))


def _near_retirement(entry: _Entry) -> RotationNearRetirementRule:
    common = entry.common()
    months = entry.number("months")
    return entry.done(lambda: RotationNearRetirementRule(*common, months=months))


def _deferral(entry: _Entry) -> RotationDeferralRule:
    common = entry.common()
    reason = entry.text("reason")
    return entry.done(lambda: RotationDeferralRule(*common, reason=reason))


def _term(entry: _Entry) -> TermRule:
    common = entry.common()
    years, posts = entry.number("years"), entry.names("posts")
    return entry.done(lambda: TermRule(*common, years=years, posts=posts))


def _second_term(entry: _Entry) -> SecondTermRule:
    common = entry.common()
    terms = entry.number("terms")
    return entry.done(lambda: SecondTermRule(*common, terms=terms))


def _rotation_entry(entry: _Entry) -> RotationRule:
    common = entry.common()
    positions, years = entry.names("positions"), entry.number("years")
    return entry.done(lambda: RotationRule(*common, positions=positions, years=years))


def _quota(entry: _Entry) -> QuotaRule:
    common = entry.common()
    return entry.done(lambda: QuotaRule(*common))


def _leadership(entry: _Entry) -> LeadershipRule:
    common = entry.common()
    kind, level = entry.choice("kind", AgencyKind), entry.choice("level", AgencyLevel)
    seats = entry.subtable("seats")
    if not isinstance(seats, dict) or not all(isinstance(n, int) and not isinstance(n, bool) for n in seats.values()):
        raise entry.error(f"'seats' must be a table of post = number of seats, not {seats!r}")
    return entry.done(lambda: LeadershipRule(*common, kind=kind, level=level, seats=tuple(seats.items())))
