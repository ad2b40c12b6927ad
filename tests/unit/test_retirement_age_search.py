"""``RetirementSchedule.age_for`` starts its search at the year ``age_before`` is reached and stops once the age
stops growing (issue 17: the committee report computes it for every officer): the same ages as walking every
year from ``from_year``, the decree's reading (domain/personnel/schedule.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from domain.personnel.months import add_months
from domain.personnel.schedule import Age, RetirementSchedule
from domain.types import Sex
from gateway.policies import load_personnel_rules

DATA = Path(__file__).resolve().parents[2] / "data"
RULES = load_personnel_rules(DATA)


def walking_every_year(schedule: RetirementSchedule, birth_date: date) -> Age:
    if add_months(birth_date, schedule.age_before.in_months).year < schedule.from_year:
        return schedule.age_before
    year = schedule.from_year
    while add_months(birth_date, schedule.age_in(year).in_months).year > year:
        year += 1
    return schedule.age_in(year)


@st.composite
def schedules(draw: st.DrawFn) -> RetirementSchedule:
    before = draw(st.integers(50 * 12, 62 * 12))
    first = before + draw(st.integers(0, 24))
    final = first + draw(st.integers(0, 60))
    return RetirementSchedule(
        Sex.MALE,
        Age.from_months(before),
        draw(st.integers(2000, 2040)),
        Age.from_months(first),
        draw(st.integers(1, 12)),
        Age.from_months(final),
    )


@given(st.dates(date(1920, 1, 1), date(2010, 12, 31)))
def test_the_configured_schedules_give_the_ages_of_the_year_by_year_reading(birth_date: date) -> None:
    for sex in Sex:
        schedule = RULES.retirement.schedule(sex)
        assert schedule.age_for(birth_date) == walking_every_year(schedule, birth_date)


@given(schedules(), st.dates(date(1920, 1, 1), date(2010, 12, 31)))
def test_any_schedule_gives_the_ages_of_the_year_by_year_reading(
    schedule: RetirementSchedule, birth_date: date
) -> None:
    assert schedule.age_for(birth_date) == walking_every_year(schedule, birth_date)
