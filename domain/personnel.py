"""Personnel oversight rules: retirement, leaders' terms, rotation of sensitive posts, staffing gaps.

Pure functions over :class:`~domain.types.Officer` and
:class:`~domain.types.StaffingUnit` records. Every figure, list and legal basis
comes from a :class:`PersonnelRules` table, built in as
:data:`DEFAULT_PERSONNEL_RULES` and mirrored in ``data/personnel_rules.toml``
(a test keeps the two equal), so an operator can correct a rule marked
``verified = false`` (DOMAIN.md §6 [U]) without a code change.

Retirement (Labour Code 2019 Art. 169(2); Decree 135/2020/NĐ-CP, Appendix I):
the age depends on the calendar year in which it is reached. Men: 60 before
2021, 60y3m in 2021, three months more each year, 62 from 2028. Women: 55
before 2021, 55y4m in 2021, four months more each year, 60 from 2035. A man
born in January 1961 would be 60 in January 2021, but 2021's age is 60y3m,
reached in April 2021: he retires at 60y3m. A man born in October 1961 would
reach 60y3m in January 2022, but 2022's age is 60y6m, reached in April 2022:
he retires at 60y6m (the decree's appendix lists exactly these rows). The age
applied is therefore the one for the first year in which the person reaches
that year's age. A month without the birth day counts to its last day (born
31 January + 60y3m: 30 April). By default retirement takes effect at the end
of the month in which the age is reached; ``effective`` in the table chooses
another reading (DOMAIN.md §6 marks this [U]).

An alert is listed when its date falls on or before ``as_of + horizon_days``,
past dates included (a retirement, reappointment or rotation that is overdue).
Quota gaps and vacant leadership seats are due ``as_of``.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from domain.types import AgencyKind, AgencyLevel, Officer, Sex, StaffingUnit

_KEY = re.compile(r"[a-z][a-z0-9_]*")
_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


class PersonnelRuleError(ValueError):
    """The personnel rules table is malformed; the message names the entry."""


class AlertKind(StrEnum):
    RETIREMENT = "retirement"
    TERM_ENDING = "term_ending"
    SECOND_TERM = "second_term"
    ROTATION_DUE = "rotation_due"
    QUOTA_GAP = "quota_gap"
    MISSING_LEADER = "missing_leader"


_KIND_ORDER: Mapping[AlertKind, int] = MappingProxyType({kind: n for n, kind in enumerate(AlertKind)})


class RetirementEffective(StrEnum):
    """The day retirement takes effect, relative to the day the retirement age is reached."""

    END_OF_MONTH = "end_of_month"  # last day of the month in which the age is reached
    FIRST_OF_NEXT_MONTH = "first_of_next_month"  # the first day of the following month
    ON_REACHING_AGE = "on_reaching_age"  # the day the age is reached


class Age(NamedTuple):
    """An age in whole years and months (a tuple ``(years, months)``)."""

    years: int
    months: int

    @property
    def in_months(self) -> int:
        return 12 * self.years + self.months

    @classmethod
    def from_months(cls, months: int) -> Age:
        years, rest = divmod(months, 12)
        return cls(years, rest)

    def __str__(self) -> str:
        return f"{self.years} tuổi" + (f" {self.months} tháng" if self.months else "")


@dataclass(frozen=True, slots=True)
class PersonnelAlert:
    kind: AlertKind
    agency_code: str
    officer_code: str | None
    rule: str  # the rule key in the rules table
    legal_basis: str
    due_on: date
    detail: str  # one Vietnamese sentence


@dataclass(frozen=True, slots=True)
class StaffingSummary:
    agency_code: str
    quota: int | None  # None: no staffing unit known
    in_post: int
    by_title: Mapping[str, int]  # chức danh → people, by title
    vacant_leader_posts: tuple[str, ...]  # one entry per vacant seat, in rules-table order


# ---- the rules ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetirementSchedule:
    """The retirement-age roadmap for one sex (Labour Code 2019 Art. 169(2))."""

    sex: Sex
    age_before: Age  # the age for anyone who reaches it before from_year
    from_year: int
    first_age: Age  # the age in from_year
    step_months: int  # added each following year …
    final_age: Age  # … until this age is reached

    def __post_init__(self) -> None:
        where = f"retirement schedule ({self.sex.value})"
        for name in ("age_before", "first_age", "final_age"):
            age = getattr(self, name)
            if age.years < 0 or not 0 <= age.months < 12:
                raise PersonnelRuleError(f"{where}: '{name}' must be [years, months] with 0 <= months < 12")
        if not self.age_before.in_months <= self.first_age.in_months <= self.final_age.in_months:
            raise PersonnelRuleError(f"{where}: ages must not decrease (age_before <= first_age <= final_age)")
        if not 1 <= self.step_months <= 12:
            # More than a year per year could skip someone past every year's age.
            raise PersonnelRuleError(f"{where}: 'step_months' must be between 1 and 12, not {self.step_months}")

    def age_in(self, year: int) -> Age:
        """The retirement age for someone who reaches it in ``year``."""
        if year < self.from_year:
            return self.age_before
        months = self.first_age.in_months + self.step_months * (year - self.from_year)
        return Age.from_months(min(months, self.final_age.in_months))

    def age_for(self, birth_date: date) -> Age:
        """The age that applies to someone born on ``birth_date``: that of the year in which they reach it."""
        if _add_months(birth_date, self.age_before.in_months).year < self.from_year:
            return self.age_before
        # Each year the age grows by at most 12 months, so the year the age is
        # reached lags the calendar year by at most one more each step and the
        # first year that catches up is the year the age is reached in.
        year = self.from_year
        while _add_months(birth_date, self.age_in(year).in_months).year > year:
            year += 1
        return self.age_in(year)


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
        _check_text(self.key, self.description_vi, self.legal_basis)
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
class TermRule:
    """Leaders are appointed for a term of ``years`` and must then be reappointed or replaced."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    years: int
    posts: tuple[str, ...]  # leadership posts (Officer.post) the term applies to

    def __post_init__(self) -> None:
        _check_text(self.key, self.description_vi, self.legal_basis)
        _check_at_least(self.key, "years", self.years, 1)
        _check_names(self.key, "posts", self.posts)


@dataclass(frozen=True, slots=True)
class SecondTermRule:
    """A leader in at least the ``terms``-th consecutive term in one post is reviewed for rotation at its end."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool
    terms: int

    def __post_init__(self) -> None:
        _check_text(self.key, self.description_vi, self.legal_basis)
        _check_at_least(self.key, "terms", self.terms, 2)


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
        _check_text(self.key, self.description_vi, self.legal_basis)
        _check_at_least(self.key, "years", self.years, 1)
        if self.positions:
            _check_names(self.key, "positions", self.positions)


@dataclass(frozen=True, slots=True)
class QuotaRule:
    """People in post should match the staffing quota (biên chế) given to the agency."""

    key: str
    description_vi: str
    legal_basis: str
    verified: bool

    def __post_init__(self) -> None:
        _check_text(self.key, self.description_vi, self.legal_basis)


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
        _check_text(self.key, self.description_vi, self.legal_basis)
        _check_names(self.key, "seats", tuple(post for post, _ in self.seats))
        for post, count in self.seats:
            _check_at_least(self.key, f"seats for {post!r}", count, 1)


@dataclass(frozen=True, slots=True)
class PersonnelRules:
    """All personnel tables (``data/personnel_rules.toml``)."""

    retirement: RetirementRule
    term: TermRule
    second_term: SecondTermRule
    rotation: tuple[RotationRule, ...]
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
        levels = Counter((r.kind, r.level) for r in self.leadership)
        repeated = sorted(f"{kind.value} {level.value}" for (kind, level), n in levels.items() if n > 1)
        if repeated:
            raise PersonnelRuleError(f"personnel rules: {repeated} in more than one leadership rule")

    def all_rules(
        self,
    ) -> Iterator[RetirementRule | TermRule | SecondTermRule | RotationRule | QuotaRule | LeadershipRule]:
        yield self.retirement
        yield self.term
        yield self.second_term
        yield from self.rotation
        yield self.quota
        yield from self.leadership

    def rotation_for(self, officer: Officer) -> RotationRule:
        """The rotation period for the officer's post, else their title, else the default."""
        for position in (officer.post, officer.title):
            for rule in self.rotation:
                if position in rule.positions:
                    return rule
        return next(r for r in self.rotation if not r.positions)

    def leadership_for(self, kind: AgencyKind, level: AgencyLevel) -> LeadershipRule | None:
        return next((r for r in self.leadership if r.kind is kind and r.level is level), None)


def _check_text(key: str, description_vi: str, legal_basis: str) -> None:
    if not _KEY.fullmatch(key):
        raise PersonnelRuleError(f"rule key {key!r} must be lower-case letters, digits and underscores")
    if not description_vi.strip() or not legal_basis.strip():
        raise PersonnelRuleError(f"rule {key!r}: description_vi and legal_basis must not be empty")


def _check_at_least(key: str, name: str, value: int, least: int) -> None:
    if value < least:
        raise PersonnelRuleError(f"rule {key!r}: {name} must be at least {least}, not {value}")


def _check_names(key: str, name: str, names: tuple[str, ...]) -> None:
    if not names or any(not n.strip() for n in names):
        raise PersonnelRuleError(f"rule {key!r}: '{name}' must list at least one non-empty name")
    if len(set(names)) != len(names):
        raise PersonnelRuleError(f"rule {key!r}: '{name}' lists a name twice")


_ROTATION_BASIS = "Luật Phòng, chống tham nhũng 2018, Điều 25; Nghị định 59/2019/NĐ-CP, Điều 36"
_UNSET_PERIOD = "thời hạn cụ thể chưa xác định; tạm lấy mức tối đa 05 năm"
_UNSET_SEATS = "số lãnh đạo tối thiểu chưa xác định"
_ENFORCEMENT_BASIS = "Luật THADS 106/2025/QH15 và văn bản quy định cơ cấu tổ chức cơ quan THADS"
_COURT_BASIS = "Luật Tổ chức Tòa án nhân dân 2024"
_PROCURACY_BASIS = "Luật Tổ chức Viện kiểm sát nhân dân 2014 và các luật sửa đổi, bổ sung"


def _rotation(key: str, positions: tuple[str, ...], who: str) -> RotationRule:
    return RotationRule(
        key=key,
        description_vi=f"Định kỳ chuyển đổi vị trí công tác {who}",
        legal_basis=f"{_ROTATION_BASIS} ({_UNSET_PERIOD})",
        verified=False,
        positions=positions,
        years=5,
    )


def _seats(kind: AgencyKind, level: AgencyLevel, agency: str, basis: str, *seats: tuple[str, int]) -> LeadershipRule:
    return LeadershipRule(
        key=f"leadership_{kind.value}_{level.value}",
        description_vi=f"Lãnh đạo tối thiểu của {agency}",
        legal_basis=f"{basis} ({_UNSET_SEATS})",
        verified=False,
        kind=kind,
        level=level,
        seats=seats,
    )


DEFAULT_PERSONNEL_RULES = PersonnelRules(
    retirement=RetirementRule(
        key="retirement_age",
        description_vi="Tuổi nghỉ hưu trong điều kiện lao động bình thường theo lộ trình điều chỉnh từ năm 2021",
        legal_basis="Bộ luật Lao động 2019, Điều 169(2); Nghị định 135/2020/NĐ-CP, Phụ lục I",
        verified=True,
        effective=RetirementEffective.END_OF_MONTH,
        effective_basis="Nghị định 135/2020/NĐ-CP: thời điểm nghỉ hưu là kết thúc ngày cuối cùng của tháng đủ tuổi nghỉ hưu (điều khoản chưa đối chiếu)",
        effective_verified=False,
        schedules=(
            RetirementSchedule(Sex.MALE, Age(60, 0), 2021, Age(60, 3), 3, Age(62, 0)),
            RetirementSchedule(Sex.FEMALE, Age(55, 0), 2021, Age(55, 4), 4, Age(60, 0)),
        ),
    ),
    term=TermRule(
        key="leader_term",
        description_vi="Thời hạn giữ chức vụ lãnh đạo, quản lý mỗi lần bổ nhiệm; hết thời hạn phải xem xét bổ nhiệm lại hoặc thay thế",
        legal_basis="Nghị định 170/2025/NĐ-CP (thời hạn bổ nhiệm 05 năm; điều khoản chưa xác định); Tòa án, Viện kiểm sát: luật tổ chức của ngành",
        verified=False,
        years=5,
        posts=("Cục trưởng", "Phó Cục trưởng", "Trưởng phòng", "Phó Trưởng phòng", "Kế toán trưởng",
               "Chánh án", "Phó Chánh án", "Chánh tòa", "Viện trưởng", "Phó Viện trưởng"),
    ),
    second_term=SecondTermRule(
        key="second_consecutive_term",
        description_vi="Giữ cùng một chức vụ hai nhiệm kỳ liên tiếp: xem xét luân chuyển, chuyển đổi vị trí khi hết nhiệm kỳ",
        legal_basis="Chưa xác định căn cứ (quy định về luân chuyển cán bộ lãnh đạo, quản lý)",
        verified=False,
        terms=2,
    ),
    rotation=(
        _rotation("rotation_chief_accountant", ("Kế toán trưởng",), "Kế toán trưởng"),
        _rotation("rotation_enforcement_officer",
                  ("Chấp hành viên sơ cấp", "Chấp hành viên trung cấp", "Chấp hành viên cao cấp"), "Chấp hành viên"),
        _rotation("rotation_judge", ("Thẩm phán sơ cấp", "Thẩm phán trung cấp", "Thẩm phán cao cấp"), "Thẩm phán"),
        _rotation("rotation_procurator",
                  ("Kiểm sát viên sơ cấp", "Kiểm sát viên trung cấp", "Kiểm sát viên cao cấp"), "Kiểm sát viên"),
        _rotation("rotation_sensitive_post", (), "đối với vị trí nhạy cảm khác"),
    ),
    quota=QuotaRule(
        key="staffing_quota",
        description_vi="Số người đang công tác so với biên chế được giao",
        legal_basis="Nghị định 62/2020/NĐ-CP về vị trí việc làm và biên chế công chức; quyết định giao biên chế hằng năm",
        verified=False,
    ),
    leadership=(
        _seats(AgencyKind.ENFORCEMENT, AgencyLevel.PROVINCIAL, "cơ quan THADS cấp tỉnh", _ENFORCEMENT_BASIS,
               ("Cục trưởng", 1), ("Phó Cục trưởng", 1), ("Kế toán trưởng", 1)),
        _seats(AgencyKind.ENFORCEMENT, AgencyLevel.AREA, "Phòng THADS khu vực", _ENFORCEMENT_BASIS,
               ("Trưởng phòng", 1)),
        _seats(AgencyKind.COURT, AgencyLevel.PROVINCIAL, "Tòa án nhân dân cấp tỉnh", _COURT_BASIS,
               ("Chánh án", 1), ("Phó Chánh án", 1), ("Kế toán trưởng", 1)),
        _seats(AgencyKind.COURT, AgencyLevel.AREA, "Tòa án nhân dân khu vực", _COURT_BASIS,
               ("Chánh án", 1)),
        _seats(AgencyKind.PROCURACY, AgencyLevel.PROVINCIAL, "Viện kiểm sát nhân dân cấp tỉnh", _PROCURACY_BASIS,
               ("Viện trưởng", 1), ("Phó Viện trưởng", 1), ("Kế toán trưởng", 1)),
        _seats(AgencyKind.PROCURACY, AgencyLevel.AREA, "Viện kiểm sát nhân dân khu vực", _PROCURACY_BASIS,
               ("Viện trưởng", 1)),
    ),
)  # fmt: skip


# ---- reading the table ----------------------------------------------------------

_COMMON = ("key", "description_vi", "legal_basis", "verified")
_SECTIONS = ("retirement", "term", "second_term", "rotation", "quota", "leadership")


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
            term=_term(_Entry("term", document["term"])),
            second_term=_second_term(_Entry("second_term", document["second_term"])),
            rotation=tuple(_rotation_entry(e) for e in _entries("rotation", document["rotation"])),
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


# ---- retirement -----------------------------------------------------------------


def retirement_age(sex: Sex, birth_date: date, rules: PersonnelRules) -> Age:
    """The retirement age (years, months) that applies to a person born on ``birth_date``."""
    return rules.retirement.schedule(sex).age_for(birth_date)


def retirement_date(sex: Sex, birth_date: date, rules: PersonnelRules) -> date:
    """The day retirement takes effect (by default the last day of the month in which the age is reached)."""
    reached = _add_months(birth_date, retirement_age(sex, birth_date, rules).in_months)
    effective = rules.retirement.effective
    if effective is RetirementEffective.ON_REACHING_AGE:
        return reached
    following = _first_of_next_month(reached)
    if effective is RetirementEffective.FIRST_OF_NEXT_MONTH:
        return following
    return following - timedelta(days=1)


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``; a month without that day gives its last day (31 Jan + 3 months: 30 Apr)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    start = date(year, month + 1, 1)
    last = (_first_of_next_month(start) - timedelta(days=1)).day
    return start.replace(day=min(day.day, last))


# ---- staffing and alerts --------------------------------------------------------


def staffing_summary(
    unit: StaffingUnit | None,
    officers: Sequence[Officer],
    level: AgencyLevel,
    rules: PersonnelRules,
    *,
    agency_code: str | None = None,
    kind: AgencyKind | None = None,
) -> StaffingSummary:
    """Quota, people in post by title and vacant leadership seats of one agency.

    ``officers`` are the agency's people in post. The agency is ``agency_code``,
    else the unit's, else the officers'; officers of another agency are an
    error. Its ``kind`` (which leadership seats it needs) is read from its code
    (``court.…``, ``procuracy.…``, ``enforcement.…``) unless given.
    """
    code = _agency_code(unit, officers, agency_code)
    seats = _vacant_seats(officers, _agency_kind(code, kind), level, rules)
    titles = Counter(o.title for o in officers)
    return StaffingSummary(
        agency_code=code,
        quota=None if unit is None else unit.quota,
        in_post=len(officers),
        by_title=MappingProxyType(dict(sorted(titles.items()))),
        vacant_leader_posts=tuple(post for post, missing in seats for _ in range(missing)),
    )


def personnel_alerts(
    unit: StaffingUnit | None,
    officers: Sequence[Officer],
    *,
    level: AgencyLevel,
    as_of: date,
    horizon_days: int,
    rules: PersonnelRules,
    agency_code: str | None = None,
    kind: AgencyKind | None = None,
) -> list[PersonnelAlert]:
    """Alerts of one agency due on or before ``as_of + horizon_days`` (overdue ones included).

    Sorted by due date, agency, officer (agency-wide alerts first) and kind.
    The agency and its kind are found as for :func:`staffing_summary`.
    """
    if horizon_days < 0:
        raise ValueError(f"horizon_days must not be negative, not {horizon_days}")
    code = _agency_code(unit, officers, agency_code)
    until = as_of + timedelta(days=horizon_days)
    alerts = [
        *_agency_alerts(code, unit, officers, _agency_kind(code, kind), level, as_of, rules),
        *(alert for officer in officers for alert in _officer_alerts(code, officer, as_of, rules)),
    ]
    return sorted(
        (a for a in alerts if a.due_on <= until),
        key=lambda a: (a.due_on, a.agency_code, a.officer_code or "", _KIND_ORDER[a.kind], a.rule),
    )


def _agency_code(unit: StaffingUnit | None, officers: Sequence[Officer], given: str | None) -> str:
    codes = {o.agency_code for o in officers}
    if given is None and unit is not None:
        given = unit.agency_code
    if given is None:
        if len(codes) != 1:
            raise ValueError("the agency is unknown: pass a staffing unit, agency_code or the officers of one agency")
        return codes.pop()
    if unit is not None and unit.agency_code != given:
        raise ValueError(f"the staffing unit is of {unit.agency_code}, not {given}")
    strangers = sorted(codes - {given})
    if strangers:
        raise ValueError(f"officers of {strangers} given for agency {given}")
    return given


def _agency_kind(code: str, given: AgencyKind | None) -> AgencyKind:
    if given is not None:
        return given
    try:
        return AgencyKind(code.partition(".")[0])
    except ValueError:
        raise ValueError(f"the kind of agency {code!r} is not in its code: pass kind") from None


def _vacant_seats(
    officers: Sequence[Officer], kind: AgencyKind, level: AgencyLevel, rules: PersonnelRules
) -> Iterator[tuple[str, int]]:
    rule = rules.leadership_for(kind, level)
    if rule is None:
        return
    held = Counter(o.post for o in officers if o.post is not None)
    for post, seats in rule.seats:
        if held[post] < seats:
            yield post, seats - held[post]


def _agency_alerts(
    code: str,
    unit: StaffingUnit | None,
    officers: Sequence[Officer],
    kind: AgencyKind,
    level: AgencyLevel,
    as_of: date,
    rules: PersonnelRules,
) -> Iterator[PersonnelAlert]:
    if unit is not None and len(officers) != unit.quota:
        gap = len(officers) - unit.quota
        state = f"còn thiếu {-gap} biên chế" if gap < 0 else f"vượt {gap} người so với biên chế"
        rule = rules.quota
        yield PersonnelAlert(
            AlertKind.QUOTA_GAP, code, None, rule.key, rule.legal_basis, as_of,
            f"{unit.name} có {len(officers)} người đang công tác trên {unit.quota} biên chế được giao, {state}.",
        )  # fmt: skip
    leadership = rules.leadership_for(kind, level)
    for post, missing in _vacant_seats(officers, kind, level, rules):
        assert leadership is not None  # vacancies come from the level's rule
        where = unit.name if unit is not None else code
        yield PersonnelAlert(
            AlertKind.MISSING_LEADER, code, None, leadership.key, leadership.legal_basis, as_of,
            f"{where} còn trống {missing} vị trí {post}.",
        )  # fmt: skip


def _officer_alerts(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> Iterator[PersonnelAlert]:
    yield _retirement_alert(code, officer, as_of, rules)
    yield from _term_alerts(code, officer, as_of, rules)
    rotation = _rotation_alert(code, officer, as_of, rules)
    if rotation is not None:
        yield rotation


def _who(officer: Officer) -> str:
    return f"{officer.name} ({officer.post or officer.title})"


def _vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _retirement_alert(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> PersonnelAlert:
    age = retirement_age(officer.sex, officer.birth_date, rules)
    effective = retirement_date(officer.sex, officer.birth_date, rules)
    if effective < as_of:
        detail = f"{_who(officer)} đã đến thời điểm nghỉ hưu ngày {_vn(effective)} ({age}) nhưng vẫn đang công tác."
    else:
        detail = f"{_who(officer)} đủ tuổi nghỉ hưu ({age}), thời điểm nghỉ hưu ngày {_vn(effective)}."
    rule = rules.retirement
    return PersonnelAlert(AlertKind.RETIREMENT, code, officer.code, rule.key, rule.legal_basis, effective, detail)


def term_end(officer: Officer, rules: PersonnelRules) -> date | None:
    """The last day of a leader's current term: as recorded, else appointment + term years − 1 day."""
    if officer.post not in rules.term.posts:
        return None
    if officer.term_ends_on is not None:
        return officer.term_ends_on
    if officer.appointed_on is None:
        return None
    return _add_months(officer.appointed_on, 12 * rules.term.years) - timedelta(days=1)


def _term_alerts(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> Iterator[PersonnelAlert]:
    end = term_end(officer, rules)
    if end is None:
        return
    term = rules.term
    if end < as_of:
        detail = f"Nhiệm kỳ của {_who(officer)} đã hết ngày {_vn(end)} nhưng chưa được bổ nhiệm lại hoặc thay thế."
    else:
        detail = f"Nhiệm kỳ của {_who(officer)} hết ngày {_vn(end)}, cần xem xét bổ nhiệm lại hoặc thay thế."
    yield PersonnelAlert(AlertKind.TERM_ENDING, code, officer.code, term.key, term.legal_basis, end, detail)
    second = rules.second_term
    if officer.consecutive_terms >= second.terms:
        yield PersonnelAlert(
            AlertKind.SECOND_TERM, code, officer.code, second.key, second.legal_basis, end,
            f"{_who(officer)} giữ chức vụ {officer.post} nhiệm kỳ thứ {officer.consecutive_terms} liên tiếp"
            f" đến ngày {_vn(end)}, cần xem xét luân chuyển, chuyển đổi vị trí công tác.",
        )  # fmt: skip


def rotation_due(officer: Officer, rules: PersonnelRules) -> date | None:
    """The day a sensitive post has been held for its rotation period (None: not sensitive or start unknown)."""
    since = officer.position_since or officer.appointed_on
    if not officer.sensitive_post or since is None:
        return None
    return _add_months(since, 12 * rules.rotation_for(officer).years)


def _rotation_alert(code: str, officer: Officer, as_of: date, rules: PersonnelRules) -> PersonnelAlert | None:
    due = rotation_due(officer, rules)
    if due is None:
        return None
    rule = rules.rotation_for(officer)
    since = officer.position_since or officer.appointed_on
    assert since is not None  # rotation_due found a start
    when = f"đã quá hạn từ ngày {_vn(due)}" if due < as_of else f"đến hạn ngày {_vn(due)}"
    detail = (
        f"{_who(officer)} giữ vị trí từ ngày {_vn(since)}, {when} phải định kỳ chuyển đổi vị trí công tác"
        f" ({rule.years} năm)."
    )
    return PersonnelAlert(AlertKind.ROTATION_DUE, code, officer.code, rule.key, rule.legal_basis, due, detail)
