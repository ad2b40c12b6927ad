"""The staff of every current unit of a personnel system, generated per unit from the seed.

Three personnel systems keep staff lists (docs/agency-interface.md): the
personnel database of the enforcement units, and the personnel endpoints of the
court and procuracy systems. One machinery builds all three; a
:class:`StaffPlan` says what differs (which units, leadership posts, titles,
headcounts, how staff codes are written)::

    StaffRoster(seed, reference)                      # enforcement (ENFORCEMENT_STAFF)
    StaffRoster(seed, reference, plan=COURT_STAFF)    # provincial and area courts
    StaffRoster(seed, reference, plan=PROCURACY_STAFF)

The enforcement roster is shared by the personnel database (which stores it)
and the enforcement service (whose decisions name an enforcement officer of the
unit), so the officer on a decision is a person the personnel system knows. Its
output for a seed must never change: each unit draws from its own generator
(seeded by the unit's code) in a fixed order, and a plan only supplies tables.

What the data exercises (DOMAIN.md §6): quotas above and below headcount,
vacant leadership posts, leaders near retirement age, leaders on a second
consecutive term, terms about to end, sensitive posts (chief accountant,
enforcement officers, judges, procurators) held for various lengths of time, a
few discipline records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from agencies.common import people
from agencies.common.catalogue import DATA_AS_OF
from agencies.common.dialect import format_date
from agencies.common.reference import ReferenceData
from domain.organisation import REORGANISED_ON
from domain.types import Agency, AgencyKind, AgencyLevel, Officer, Sex

TERM_YEARS = 5
ENFORCEMENT_OFFICER_TITLES = ("Chấp hành viên sơ cấp", "Chấp hành viên trung cấp", "Chấp hành viên cao cấp")
JUDGE_TITLES = ("Thẩm phán sơ cấp", "Thẩm phán trung cấp", "Thẩm phán cao cấp")
PROCURATOR_TITLES = ("Kiểm sát viên sơ cấp", "Kiểm sát viên trung cấp", "Kiểm sát viên cao cấp")
SENSITIVE_POSTS = ("Kế toán trưởng",)
PROVINCIAL_HEAD = "Trưởng Thi hành án dân sự tỉnh, thành phố"
PROVINCIAL_DEPUTY = "Phó Trưởng Thi hành án dân sự tỉnh, thành phố"
AREA_HEAD = "Chấp hành viên trưởng"

# A leadership post: (post, smallest and largest number of seats, chance a seat is vacant, title of its holder).
Post = tuple[str, int, int, float, str]
Shares = tuple[tuple[str, float], ...]

_TRAINING: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "law": ("Cử nhân Luật", "Cử nhân Luật", "Cử nhân Luật", "Thạc sĩ Luật", "Thạc sĩ Luật", "Tiến sĩ Luật"),
        "Kế toán": ("Cử nhân Kế toán", "Cử nhân Tài chính - Ngân hàng", "Thạc sĩ Kế toán"),
        "Chuyên viên": ("Cử nhân Luật", "Cử nhân Quản trị kinh doanh", "Cử nhân Công nghệ thông tin"),
    }
)


@dataclass(frozen=True, slots=True)
class StaffPlan:
    """What one personnel system's staff looks like, per level of its units.

    ``core_titles`` are the titles the unit exists for (enforcement officers,
    judges, procurators): every unit has at least two members holding one of the
    first two, and members holding any of them are in sensitive posts.
    """

    kind: AgencyKind
    code_prefix: str  # staff codes: "<prefix>.<agency code without its kind>.<serial>"
    posts: Mapping[AgencyLevel, tuple[Post, ...]]
    headcount: Mapping[AgencyLevel, tuple[int, int]]
    title_shares: Mapping[AgencyLevel, Shares]
    core_titles: tuple[str, ...]
    discipline_suffix: str  # of the disciplinary decision's number, "QĐ-THADS"

    @property
    def levels(self) -> tuple[AgencyLevel, ...]:
        return tuple(self.headcount)

    def units_of(self, reference: ReferenceData) -> tuple[Agency, ...]:
        """The current agencies of this plan's kind and levels, in the reference data's order."""
        return tuple(
            a
            for a in reference.agencies.values()
            if a.kind is self.kind and a.valid_to is None and a.level in self.headcount
        )


ENFORCEMENT_STAFF = StaffPlan(
    kind=AgencyKind.ENFORCEMENT,
    code_prefix="CB",
    posts=MappingProxyType(
        {
            # Posts since the 2025 reorganisation (Law 106/2025/QH15; data/personnel_rules.toml):
            # the area deputies' title was not found and stays "Phó Trưởng phòng".
            AgencyLevel.PROVINCIAL: (
                (PROVINCIAL_HEAD, 1, 1, 0.08, "Chấp hành viên cao cấp"),
                (PROVINCIAL_DEPUTY, 2, 3, 0.15, "Chấp hành viên cao cấp"),
                ("Kế toán trưởng", 1, 1, 0.06, "Kế toán"),
            ),
            AgencyLevel.AREA: (
                (AREA_HEAD, 1, 1, 0.08, "Chấp hành viên trung cấp"),
                ("Phó Trưởng phòng", 1, 2, 0.15, "Chấp hành viên trung cấp"),
            ),
        }
    ),
    headcount=MappingProxyType({AgencyLevel.PROVINCIAL: (20, 40), AgencyLevel.AREA: (5, 12)}),
    title_shares=MappingProxyType(
        {
            AgencyLevel.PROVINCIAL: (
                ("Chấp hành viên sơ cấp", 0.16),
                ("Chấp hành viên trung cấp", 0.17),
                ("Chấp hành viên cao cấp", 0.05),
                ("Thẩm tra viên", 0.10),
                ("Thẩm tra viên chính", 0.07),
                ("Thẩm tra viên cao cấp", 0.02),
                ("Thư ký thi hành án", 0.20),
                ("Kế toán", 0.08),
                ("Chuyên viên", 0.15),
            ),
            AgencyLevel.AREA: (
                ("Chấp hành viên sơ cấp", 0.30),
                ("Chấp hành viên trung cấp", 0.20),
                ("Chấp hành viên cao cấp", 0.02),
                ("Thẩm tra viên", 0.08),
                ("Thư ký thi hành án", 0.30),
                ("Chuyên viên", 0.10),
            ),
        }
    ),
    core_titles=ENFORCEMENT_OFFICER_TITLES,
    discipline_suffix="QĐ-THADS",
)

COURT_STAFF = StaffPlan(
    kind=AgencyKind.COURT,
    code_prefix="TA",
    posts=MappingProxyType(
        {
            AgencyLevel.PROVINCIAL: (
                ("Chánh án", 1, 1, 0.08, "Thẩm phán cao cấp"),
                ("Phó Chánh án", 2, 3, 0.15, "Thẩm phán cao cấp"),
                ("Chánh tòa", 2, 4, 0.12, "Thẩm phán trung cấp"),
                ("Kế toán trưởng", 1, 1, 0.06, "Kế toán"),
            ),
            AgencyLevel.AREA: (
                ("Chánh án", 1, 1, 0.08, "Thẩm phán trung cấp"),
                ("Phó Chánh án", 1, 2, 0.15, "Thẩm phán trung cấp"),
                ("Kế toán trưởng", 1, 1, 0.25, "Kế toán"),
            ),
        }
    ),
    headcount=MappingProxyType({AgencyLevel.PROVINCIAL: (30, 60), AgencyLevel.AREA: (10, 22)}),
    title_shares=MappingProxyType(
        {
            AgencyLevel.PROVINCIAL: (
                ("Thẩm phán sơ cấp", 0.04),
                ("Thẩm phán trung cấp", 0.18),
                ("Thẩm phán cao cấp", 0.10),
                ("Thẩm tra viên", 0.10),
                ("Thẩm tra viên chính", 0.04),
                ("Thư ký Tòa án", 0.30),
                ("Kế toán", 0.06),
                ("Chuyên viên", 0.14),
            ),
            AgencyLevel.AREA: (
                ("Thẩm phán sơ cấp", 0.25),
                ("Thẩm phán trung cấp", 0.12),
                ("Thẩm phán cao cấp", 0.01),
                ("Thẩm tra viên", 0.06),
                ("Thư ký Tòa án", 0.36),
                ("Kế toán", 0.05),
                ("Chuyên viên", 0.15),
            ),
        }
    ),
    core_titles=JUDGE_TITLES,
    discipline_suffix="QĐ-TA",
)

PROCURACY_STAFF = StaffPlan(
    kind=AgencyKind.PROCURACY,
    code_prefix="VKS",
    posts=MappingProxyType(
        {
            AgencyLevel.PROVINCIAL: (
                ("Viện trưởng", 1, 1, 0.08, "Kiểm sát viên cao cấp"),
                ("Phó Viện trưởng", 2, 3, 0.15, "Kiểm sát viên cao cấp"),
                ("Trưởng phòng", 3, 5, 0.12, "Kiểm sát viên trung cấp"),
                ("Kế toán trưởng", 1, 1, 0.06, "Kế toán"),
            ),
            AgencyLevel.AREA: (
                ("Viện trưởng", 1, 1, 0.08, "Kiểm sát viên trung cấp"),
                ("Phó Viện trưởng", 1, 2, 0.15, "Kiểm sát viên trung cấp"),
            ),
        }
    ),
    headcount=MappingProxyType({AgencyLevel.PROVINCIAL: (30, 55), AgencyLevel.AREA: (8, 18)}),
    title_shares=MappingProxyType(
        {
            AgencyLevel.PROVINCIAL: (
                ("Kiểm sát viên sơ cấp", 0.10),
                ("Kiểm sát viên trung cấp", 0.25),
                ("Kiểm sát viên cao cấp", 0.08),
                ("Kiểm tra viên", 0.12),
                ("Kiểm tra viên chính", 0.06),
                ("Kiểm tra viên cao cấp", 0.01),
                ("Kế toán", 0.06),
                ("Chuyên viên", 0.20),
            ),
            AgencyLevel.AREA: (
                ("Kiểm sát viên sơ cấp", 0.40),
                ("Kiểm sát viên trung cấp", 0.20),
                ("Kiểm sát viên cao cấp", 0.01),
                ("Kiểm tra viên", 0.20),
                ("Kế toán", 0.04),
                ("Chuyên viên", 0.15),
            ),
        }
    ),
    core_titles=PROCURATOR_TITLES,
    discipline_suffix="QĐ-VKS",
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit as its personnel system sees it."""

    agency: Agency
    quota: int  # biên chế
    officers: tuple[Officer, ...]
    plan: StaffPlan = field(default=ENFORCEMENT_STAFF, repr=False, compare=False)

    def core_officers(self) -> tuple[Officer, ...]:
        """Those holding one of the plan's core titles (enforcement officers, judges, procurators)."""
        return tuple(o for o in self.officers if o.title in self.plan.core_titles)

    def enforcement_officers(self) -> tuple[Officer, ...]:
        return tuple(o for o in self.officers if o.title in ENFORCEMENT_OFFICER_TITLES)


class StaffRoster:
    """Staff of each current unit of ``plan`` (by default the 34 provincial enforcement agencies and the area offices).

    Units are built on demand and kept: one roster per service or database, not per request.
    """

    def __init__(
        self,
        seed: int,
        reference: ReferenceData,
        *,
        as_of: date = DATA_AS_OF,
        plan: StaffPlan = ENFORCEMENT_STAFF,
    ) -> None:
        self.seed = seed
        self.reference = reference
        self.as_of = as_of
        self.plan = plan
        self.agencies: tuple[Agency, ...] = plan.units_of(reference)
        self._codes = frozenset(a.code for a in self.agencies)
        self._units: dict[str, Unit] = {}

    def units(self) -> Iterator[Unit]:
        return (self.unit(a.code) for a in self.agencies)

    def holds(self, code: str) -> bool:
        """Whether ``code`` is one of this roster's units (current, of the plan's kind and levels)."""
        return code in self._codes

    def get(self, code: str) -> Unit | None:
        """The unit, or ``None`` for a code that is not one of this roster's units."""
        return self.unit(code) if code in self._codes else None

    def unit(self, code: str) -> Unit:
        cached = self._units.get(code)
        if cached is None:
            cached = self._units[code] = self._build(self.reference.agencies[code])
        return cached

    def _build(self, agency: Agency) -> Unit:
        plan = self.plan
        rng = random.Random(f"{self.seed}:staff:{agency.code}")
        low, high = plan.headcount[agency.level]
        headcount = people.between(rng, low, high)
        quota = max(1, headcount + people.between(rng, -3, 4))
        formers = self.reference.former_provinces(agency)
        prefix = f"{plan.code_prefix}.{agency.code.removeprefix(f'{plan.kind.value}.')}"
        officers: list[Officer] = []
        for post, fewest, most, vacancy, title in plan.posts[agency.level]:
            for _ in range(people.between(rng, fewest, most)):
                if rng.random() >= vacancy:
                    officers.append(
                        self._leader(rng, f"{prefix}.{len(officers) + 1:03d}", agency, formers, post, title)
                    )
        while len(officers) < headcount:
            title = self._staff_title(rng, agency.level, officers)
            officers.append(self._member(rng, f"{prefix}.{len(officers) + 1:03d}", agency, formers, title))
        return Unit(agency, quota, tuple(officers), plan)

    def _leader(
        self, rng: random.Random, code: str, agency: Agency, formers: tuple[str, ...], post: str, title: str
    ) -> Officer:
        sex, born = self._birth(rng, near_retirement=rng.random() < 0.15, youngest=1985)
        if agency.level is AgencyLevel.AREA and rng.random() < 0.35:
            appointed = REORGANISED_ON  # appointed when the area units were set up
        else:
            appointed = self.as_of - timedelta(days=people.between(rng, 20, TERM_YEARS * 365 - 20))
        terms = 2 if rng.random() < 0.25 else 1
        since = appointed if terms == 1 else _years_before(appointed, TERM_YEARS)
        who = people.person(rng, people.pick(rng, formers), (born.year, born.year), sex)
        return Officer(
            code=code,
            name=who.name,
            sex=sex,
            birth_date=born,
            citizen_id=who.citizen_id,
            agency_code=agency.code,
            title=title,
            post=post,
            appointed_on=appointed,
            term_ends_on=_years_before(appointed, -TERM_YEARS) - timedelta(days=1),
            consecutive_terms=terms,
            sensitive_post=post in SENSITIVE_POSTS,
            position_since=since,
            training=self._training(rng, title),
            discipline=self._discipline(rng),
        )

    def _member(self, rng: random.Random, code: str, agency: Agency, formers: tuple[str, ...], title: str) -> Officer:
        sex, born = self._birth(rng, near_retirement=rng.random() < 0.05, youngest=2000)
        who = people.person(rng, people.pick(rng, formers), (born.year, born.year), sex)
        earliest = date(born.year + 23, 1, 1)
        since = self.as_of - timedelta(days=people.between(rng, 15, 9 * 365))
        return Officer(
            code=code,
            name=who.name,
            sex=sex,
            birth_date=born,
            citizen_id=who.citizen_id,
            agency_code=agency.code,
            title=title,
            sensitive_post=title in self.plan.core_titles,
            position_since=max(since, earliest),
            training=self._training(rng, title),
            discipline=self._discipline(rng),
        )

    def _birth(self, rng: random.Random, *, near_retirement: bool, youngest: int) -> tuple[Sex, date]:
        """Men born 1964–1966 and women 1969–1971 reach retirement age around now (DOMAIN.md §6)."""
        sex = people.random_sex(rng)
        if near_retirement:
            first = 1964 if sex is Sex.MALE else 1969
            year = people.between(rng, first, first + 2)
        else:
            year = people.between(rng, 1967 if sex is Sex.MALE else 1972, youngest)
        return sex, date(year, people.between(rng, 1, 12), people.between(rng, 1, 28))

    def _staff_title(self, rng: random.Random, level: AgencyLevel, so_far: list[Officer]) -> str:
        core = self.plan.core_titles
        if sum(o.title in core for o in so_far if o.post is None) < 2:
            return people.pick(rng, core[:2])  # every unit has members to assign
        return people.weighted(rng, self.plan.title_shares[level])

    def _training(self, rng: random.Random, title: str) -> str:
        pool = _TRAINING.get(title, _TRAINING["law"])
        return people.pick(rng, pool)

    def _discipline(self, rng: random.Random) -> str | None:
        if rng.random() >= 0.02:
            return None
        penalty = people.pick(rng, ("Khiển trách", "Khiển trách", "Cảnh cáo"))
        issued = self.as_of - timedelta(days=people.between(rng, 60, 4 * 365))
        number = people.between(rng, 5, 480)
        return f"{penalty} theo Quyết định số {number}/{self.plan.discipline_suffix} ngày {format_date(issued)}"


def _years_before(day: date, years: int) -> date:
    """``day`` moved back ``years`` years (forward when negative); 29 February becomes 28."""
    target = day.year - years
    return day.replace(year=target, day=min(day.day, 28)) if day.month == 2 else day.replace(year=target)
