"""An officer's retirement age and the day retirement takes effect, from the rules' schedule.

The age is the one for the calendar year in which it is reached
(:class:`~domain.personnel.schedule.RetirementSchedule`). By default retirement
takes effect at the end of the month in which the age is reached; ``effective``
in the table chooses another reading (DOMAIN.md §6 marks this [U]).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.personnel.months import add_months, first_of_next_month
from domain.personnel.rules import PersonnelRules
from domain.personnel.schedule import Age, RetirementEffective
from domain.types import Sex


def retirement_age(sex: Sex, birth_date: date, rules: PersonnelRules) -> Age:
    """The retirement age (years, months) that applies to a person born on ``birth_date``."""
    return rules.retirement.schedule(sex).age_for(birth_date)


def retirement_date(sex: Sex, birth_date: date, rules: PersonnelRules) -> date:
    """The day retirement takes effect (by default the last day of the month in which the age is reached)."""
    reached = add_months(birth_date, retirement_age(sex, birth_date, rules).in_months)
    effective = rules.retirement.effective
    if effective is RetirementEffective.ON_REACHING_AGE:
        return reached
    following = first_of_next_month(reached)
    if effective is RetirementEffective.FIRST_OF_NEXT_MONTH:
        return following
    return following - timedelta(days=1)
