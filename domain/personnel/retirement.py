"""An officer's retirement age and the day retirement takes effect, from the rules' schedule.

The age is the one for the calendar year in which it is reached
(:class:`~domain.personnel.schedule.RetirementSchedule`). By default retirement
takes effect at the end of the month in which the age is reached (Decree
135/2020 Art. 3(1)); ``effective`` in the table chooses another reading. A later
retirement recorded for an officer (Labour Code Art. 169(4)) moves the day, up
to the table's bound (:func:`officer_retirement`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.personnel.months import add_months, first_of_next_month
from domain.personnel.rules import PersonnelRules
from domain.personnel.schedule import Age, RetirementEffective
from domain.types import Officer, Sex


def retirement_age(sex: Sex, birth_date: date, rules: PersonnelRules) -> Age:
    """The retirement age (years, months) that applies to a person born on ``birth_date``."""
    return rules.retirement.schedule(sex).age_for(birth_date)


def retirement_date(sex: Sex, birth_date: date, rules: PersonnelRules) -> date:
    """The day retirement takes effect (by default the last day of the month in which the age is reached)."""
    return _effective(add_months(birth_date, retirement_age(sex, birth_date, rules).in_months), rules)


def _effective(reached: date, rules: PersonnelRules) -> date:
    effective = rules.retirement.effective
    if effective is RetirementEffective.ON_REACHING_AGE:
        return reached
    following = first_of_next_month(reached)
    if effective is RetirementEffective.FIRST_OF_NEXT_MONTH:
        return following
    return following - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OfficerRetirement:
    """When an officer retires: the normal day, or a later one recorded for them (within the bound)."""

    on: date  # the day retirement takes effect for this officer
    normal: date  # the day under the roadmap alone
    extended: bool  # a later retirement recorded for the officer applies
    capped: bool  # the recorded day lay beyond the bound; ``on`` is the bound
    age: Age  # the retirement age under the roadmap (that of ``normal``)


def officer_retirement(officer: Officer, rules: PersonnelRules) -> OfficerRetirement:
    """The officer's retirement day, with a later retirement (Labour Code Art. 169(4)) when one is recorded.

    A recorded day after the normal one counts up to ``max_years`` later (the
    day, read as the table's ``effective`` says, on which the age plus
    ``max_years`` is reached); one on or before the normal day changes nothing. The age is looked up once
    and kept in the answer (the alerts name it).
    """
    age = retirement_age(officer.sex, officer.birth_date, rules)
    normal = _effective(add_months(officer.birth_date, age.in_months), rules)
    later = officer.retirement_extended_to
    if later is None or later <= normal:
        return OfficerRetirement(normal, normal, extended=False, capped=False, age=age)
    bound = _effective(add_months(officer.birth_date, age.in_months + 12 * rules.retirement_extension.max_years), rules)
    if later > bound:
        return OfficerRetirement(bound, normal, extended=True, capped=True, age=age)
    return OfficerRetirement(later, normal, extended=True, capped=False, age=age)
