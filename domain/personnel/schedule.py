"""The retirement-age roadmap: :class:`Age`, :class:`RetirementSchedule` and when retirement takes effect.

Labour Code 2019 Art. 169(2); Decree 135/2020/NĐ-CP, Appendix I: the age
depends on the calendar year in which it is reached. Men: 60 before 2021,
60y3m in 2021, three months more each year, 62 from 2028. Women: 55 before
2021, 55y4m in 2021, four months more each year, 60 from 2035. A man born in
January 1961 would be 60 in January 2021, but 2021's age is 60y3m, reached in
April 2021: he retires at 60y3m. A man born in October 1961 would reach 60y3m
in January 2022, but 2022's age is 60y6m, reached in April 2022: he retires at
60y6m (the decree's appendix lists exactly these rows). The age applied is
therefore the one for the first year in which the person reaches that year's
age. A month without the birth day counts to its last day (born 31 January +
60y3m: 30 April).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from domain.personnel.checks import PersonnelRuleError
from domain.personnel.months import add_months
from domain.types import Sex


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
        """The age that applies to someone born on ``birth_date``: that of the year in which they reach it.

        Remembered per (schedule, birth date): a national report asks it for ten thousand officers, two or
        three times each.
        """
        return _age_for(self, birth_date)

    def _search_age(self, birth_date: date) -> Age:
        if add_months(birth_date, self.age_before.in_months).year < self.from_year:
            return self.age_before
        # Each year the age grows by at most 12 months, so the year the age is
        # reached lags the calendar year by at most one more each step and the
        # first year that catches up is the year the age is reached in. No year
        # before the one ``age_before`` is reached in can catch up (every age is
        # at least that), and once the age stops growing it is the answer: the
        # search starts and stops there instead of walking every year between.
        year = max(self.from_year, add_months(birth_date, self.age_before.in_months).year)
        while add_months(birth_date, (age := self.age_in(year)).in_months).year > year:
            if age == self.final_age:
                return age
            year += 1
        return self.age_in(year)


@lru_cache(maxsize=1 << 16)
def _age_for(schedule: RetirementSchedule, birth_date: date) -> Age:
    return schedule._search_age(birth_date)
