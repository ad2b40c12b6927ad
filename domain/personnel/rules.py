"""The personnel rules table: one type per rule and :class:`PersonnelRules`, the whole table checked as one.

The table is read from ``data/personnel_rules.toml`` (parsed by
:func:`domain.personnel.loading.load_personnel_rules_from_text`; the file is
read by ``gateway.policies.load_personnel_rules``), so an operator can correct
a rule marked ``verified = false`` (DOMAIN.md §6 [U]) without a code change.
Every figure, list and legal basis of the personnel alerts comes from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from domain.personnel.checks import PersonnelRuleError, check_at_least, check_names, check_text
from domain.personnel.schedule import RetirementEffective, RetirementSchedule
from domain.types import AgencyKind, AgencyLevel, Officer, Sex


@dataclass(frozen=True, slots=True)
class RetirementRule:
    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    effective: RetirementEffective
    effective_basis: str
    effective_verified: bool
    schedules: tuple[RetirementSchedule, ...]  # one per sex

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        if not self.effective_basis.strip():
            raise PersonnelRuleError(f"rule {self.key!r}: 'effective_basis' must not be empty")
        sexes = [s.sex for s in self.schedules]
        if sorted(sexes) != sorted(Sex):
            raise PersonnelRuleError(
                f"rule {self.key!r}: needs exactly one schedule for each of {[s.value for s in Sex]},"
                f" not {[s.value for s in sexes]}"
            )

    def schedule(self, sex: Sex) -> RetirementSchedule:
        return next(s for s in self.schedules if s.sex is sex)


@dataclass(frozen=True, slots=True)
class RetirementExtensionRule:
    """A later retirement recorded for an officer counts, up to ``max_years`` after the normal day.

    Labour Code 2019 Art. 169(4): highly qualified people and some special cases
    may retire later, by at most 5 years (a configurable exception).
    """

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    max_years: int

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_at_least(self.key, "max_years", self.max_years, 1)


@dataclass(frozen=True, slots=True)
class TermRule:
    """Leaders are appointed for a term of ``years`` and must then be reappointed or replaced."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    years: int
    posts: tuple[str, ...]  # leadership posts (Officer.post) the term applies to

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_at_least(self.key, "years", self.years, 1)
        check_names(self.key, "posts", self.posts)


@dataclass(frozen=True, slots=True)
class SecondTermRule:
    """The cap: no one holds a leadership post for more than ``terms`` consecutive terms.

    Decree 138/2020 Art. 41(2), continued by Decree 170/2025: a leader in the
    ``terms``-th consecutive term (or beyond) cannot be reappointed to the post
    when it ends.
    """

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    terms: int

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_at_least(self.key, "terms", self.terms, 2)


@dataclass(frozen=True, slots=True)
class RotationRule:
    """A sensitive post is rotated after ``years`` in it; empty ``positions``: any other sensitive post."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    positions: tuple[str, ...]  # matched against Officer.post, then Officer.title
    years: int

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_at_least(self.key, "years", self.years, 1)
        if self.positions:
            check_names(self.key, "positions", self.positions)


@dataclass(frozen=True, slots=True)
class RotationNearRetirementRule:
    """No periodic rotation with less than ``months`` of service left before retirement (Decree 59/2019)."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    months: int

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_at_least(self.key, "months", self.months, 1)


@dataclass(frozen=True, slots=True)
class RotationDeferralRule:
    """A rotation waits while the officer's recorded ``reason`` lasts (Decree 59/2019)."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    reason: str  # the code recorded as Officer.rotation_deferral

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_names(self.key, "reason", (self.reason,))


@dataclass(frozen=True, slots=True)
class QuotaRule:
    """People in post should match the staffing quota (biên chế) given to the agency."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)


@dataclass(frozen=True, slots=True)
class LeadershipRule:
    """The leadership seats an agency of ``kind`` and ``level`` must have filled (at least ``seats`` per post)."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    kind: AgencyKind
    level: AgencyLevel
    seats: tuple[tuple[str, int], ...]  # (post, minimum number of holders)

    def __post_init__(self) -> None:
        check_text(self.key, self.description_vi, self.legal_basis)
        check_names(self.key, "seats", tuple(post for post, _ in self.seats))
        for post, count in self.seats:
            check_at_least(self.key, f"seats for {post!r}", count, 1)


@dataclass(frozen=True, slots=True)
class PersonnelRules:
    """All personnel tables (``data/personnel_rules.toml``)."""

    retirement: RetirementRule
    retirement_extension: RetirementExtensionRule
    term: TermRule
    second_term: SecondTermRule
    rotation: tuple[RotationRule, ...]
    rotation_near_retirement: RotationNearRetirementRule
    rotation_deferral: tuple[RotationDeferralRule, ...]
    quota: QuotaRule
    leadership: tuple[LeadershipRule, ...]

    def __post_init__(self) -> None:
        keys = Counter(rule.key for rule in self.all_rules())
        repeated = sorted(key for key, n in keys.items() if n > 1)
        if repeated:
            raise PersonnelRuleError(f"personnel rules: rule key(s) {repeated} used more than once")
        defaults = [r.key for r in self.rotation if not r.positions]
        if len(defaults) != 1:
            raise PersonnelRuleError(
                f"personnel rules: exactly one rotation rule must have no positions (the default), not {defaults}"
            )
        positions = Counter(p for r in self.rotation for p in r.positions)
        repeated = sorted(p for p, n in positions.items() if n > 1)
        if repeated:
            raise PersonnelRuleError(f"personnel rules: position(s) {repeated} in more than one rotation rule")
        reasons = Counter(r.reason for r in self.rotation_deferral)
        repeated = sorted(reason for reason, n in reasons.items() if n > 1)
        if repeated:
            raise PersonnelRuleError(f"personnel rules: deferral reason(s) {repeated} in more than one rule")
        levels = Counter((r.kind, r.level) for r in self.leadership)
        repeated = sorted(f"{kind.value} {level.value}" for (kind, level), n in levels.items() if n > 1)
        if repeated:
            raise PersonnelRuleError(f"personnel rules: {repeated} in more than one leadership rule")

    def all_rules(
        self,
    ) -> Iterator[PersonnelRule]:
        yield self.retirement
        yield self.retirement_extension
        yield self.term
        yield self.second_term
        yield from self.rotation
        yield self.rotation_near_retirement
        yield from self.rotation_deferral
        yield self.quota
        yield from self.leadership

    def rotation_for(self, officer: Officer) -> RotationRule:
        """The rotation period for the officer's post, else their title, else the default."""
        for position in (officer.post, officer.title):
            for rule in self.rotation:
                if position in rule.positions:
                    return rule
        return next(r for r in self.rotation if not r.positions)

    def deferral_for(self, officer: Officer) -> RotationDeferralRule | None:
        """The deferral rule for the reason on the officer's record (None: no reason, or one the table lacks)."""
        return next((r for r in self.rotation_deferral if r.reason == officer.rotation_deferral), None)

    def leadership_for(self, kind: AgencyKind, level: AgencyLevel) -> LeadershipRule | None:
        return next((r for r in self.leadership if r.kind is kind and r.level is level), None)


PersonnelRule = (
    RetirementRule
    | RetirementExtensionRule
    | TermRule
    | SecondTermRule
    | RotationRule
    | RotationNearRetirementRule
    | RotationDeferralRule
    | QuotaRule
    | LeadershipRule
)
