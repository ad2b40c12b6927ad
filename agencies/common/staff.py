"""The staff of every current enforcement unit, generated per unit from the seed.

Shared by the personnel database (which stores it) and the enforcement service
(whose decisions name an enforcement officer of the unit), so the officer on a
decision is a person the personnel system knows.

What the data exercises (DOMAIN.md §6): quotas above and below headcount,
vacant leadership posts, leaders near retirement age, leaders on a second
consecutive term, terms about to end, sensitive posts (chief accountant,
enforcement officers) held for various lengths of time, a few discipline
records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from agencies.common import people
from agencies.common.catalogue import DATA_AS_OF
from agencies.common.dialect import format_date
from agencies.common.reference import ReferenceData
from domain.organisation import REORGANISED_ON
from domain.types import Agency, AgencyLevel, Officer, Sex

TERM_YEARS = 5
ENFORCEMENT_OFFICER_TITLES = ("Chấp hành viên sơ cấp", "Chấp hành viên trung cấp", "Chấp hành viên cao cấp")
SENSITIVE_POSTS = ("Kế toán trưởng",)

# Leadership posts per level: (post, smallest and largest number of seats, chance a seat is vacant, title).
_POSTS: Mapping[AgencyLevel, tuple[tuple[str, int, int, float, str], ...]] = MappingProxyType(
    {
        AgencyLevel.PROVINCIAL: (
            ("Cục trưởng", 1, 1, 0.08, "Chấp hành viên cao cấp"),
            ("Phó Cục trưởng", 2, 3, 0.15, "Chấp hành viên cao cấp"),
            ("Kế toán trưởng", 1, 1, 0.06, "Kế toán"),
        ),
        AgencyLevel.AREA: (
            ("Trưởng phòng", 1, 1, 0.08, "Chấp hành viên trung cấp"),
            ("Phó Trưởng phòng", 1, 2, 0.15, "Chấp hành viên trung cấp"),
        ),
    }
)
_HEADCOUNT: Mapping[AgencyLevel, tuple[int, int]] = MappingProxyType(
    {AgencyLevel.PROVINCIAL: (20, 40), AgencyLevel.AREA: (5, 12)}
)
_TITLE_SHARES: Mapping[AgencyLevel, tuple[tuple[str, float], ...]] = MappingProxyType(
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
)
_TRAINING: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "law": ("Cử nhân Luật", "Cử nhân Luật", "Cử nhân Luật", "Thạc sĩ Luật", "Thạc sĩ Luật", "Tiến sĩ Luật"),
        "Kế toán": ("Cử nhân Kế toán", "Cử nhân Tài chính - Ngân hàng", "Thạc sĩ Kế toán"),
        "Chuyên viên": ("Cử nhân Luật", "Cử nhân Quản trị kinh doanh", "Cử nhân Công nghệ thông tin"),
    }
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One enforcement unit as the personnel system sees it."""

    agency: Agency
    quota: int  # biên chế
    officers: tuple[Officer, ...]

    def enforcement_officers(self) -> tuple[Officer, ...]:
        return tuple(o for o in self.officers if o.title in ENFORCEMENT_OFFICER_TITLES)


class StaffRoster:
    """Staff of each current enforcement unit (34 provincial agencies, the area offices), built on demand."""

    def __init__(self, seed: int, reference: ReferenceData, *, as_of: date = DATA_AS_OF) -> None:
        self.seed = seed
        self.reference = reference
        self.as_of = as_of
        self._units: dict[str, Unit] = {}

    def units(self) -> Iterator[Unit]:
        return (self.unit(a.code) for a in self.reference.enforcement_units)

    def unit(self, code: str) -> Unit:
        cached = self._units.get(code)
        if cached is None:
            cached = self._units[code] = self._build(self.reference.agencies[code])
        return cached

    def _build(self, agency: Agency) -> Unit:
        rng = random.Random(f"{self.seed}:staff:{agency.code}")
        low, high = _HEADCOUNT[agency.level]
        headcount = people.between(rng, low, high)
        quota = max(1, headcount + people.between(rng, -3, 4))
        formers = self.reference.former_provinces(agency)
        prefix = f"CB.{agency.code.removeprefix('enforcement.')}"
        officers: list[Officer] = []
        for post, fewest, most, vacancy, title in _POSTS[agency.level]:
            for _ in range(people.between(rng, fewest, most)):
                if rng.random() >= vacancy:
                    officers.append(
                        self._leader(rng, f"{prefix}.{len(officers) + 1:03d}", agency, formers, post, title)
                    )
        while len(officers) < headcount:
            title = self._staff_title(rng, agency.level, officers)
            officers.append(self._member(rng, f"{prefix}.{len(officers) + 1:03d}", agency, formers, title))
        return Unit(agency, quota, tuple(officers))

    def _leader(
        self, rng: random.Random, code: str, agency: Agency, formers: tuple[str, ...], post: str, title: str
    ) -> Officer:
        sex, born = self._birth(rng, near_retirement=rng.random() < 0.15, youngest=1985)
        if agency.level is AgencyLevel.AREA and rng.random() < 0.35:
            appointed = REORGANISED_ON  # appointed when the area offices were set up
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
            sensitive_post=title in ENFORCEMENT_OFFICER_TITLES,
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

    @staticmethod
    def _staff_title(rng: random.Random, level: AgencyLevel, so_far: list[Officer]) -> str:
        if sum(o.title in ENFORCEMENT_OFFICER_TITLES for o in so_far if o.post is None) < 2:
            return people.pick(rng, ENFORCEMENT_OFFICER_TITLES[:2])  # every unit has officers to assign
        shares = _TITLE_SHARES[level]
        draw, acc = rng.random() * sum(w for _, w in shares), 0.0
        for title, weight in shares:
            acc += weight
            if draw < acc:
                return title
        return shares[-1][0]

    def _training(self, rng: random.Random, title: str) -> str:
        pool = _TRAINING.get(title, _TRAINING["law"])
        return people.pick(rng, pool)

    def _discipline(self, rng: random.Random) -> str | None:
        if rng.random() >= 0.02:
            return None
        penalty = people.pick(rng, ("Khiển trách", "Khiển trách", "Cảnh cáo"))
        issued = self.as_of - timedelta(days=people.between(rng, 60, 4 * 365))
        return f"{penalty} theo Quyết định số {people.between(rng, 5, 480)}/QĐ-THADS ngày {format_date(issued)}"


def _years_before(day: date, years: int) -> date:
    """``day`` moved back ``years`` years (forward when negative); 29 February becomes 28."""
    target = day.year - years
    return day.replace(year=target, day=min(day.day, 28)) if day.month == 2 else day.replace(year=target)
