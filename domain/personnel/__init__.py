"""Personnel oversight rules: retirement, leaders' terms, rotation of sensitive posts, staffing gaps.

Pure functions over :class:`~domain.types.Officer` and
:class:`~domain.types.StaffingUnit` records. Every figure, list and legal basis
comes from a :class:`PersonnelRules` table, read from
``data/personnel_rules.toml`` (DOMAIN.md §6). One module per concern:

- :mod:`~domain.personnel.rules`: the rule types and the whole table;
  :mod:`~domain.personnel.checks`: their shared checks and the error;
  :mod:`~domain.personnel.loading`: the table parsed from TOML text;
- :mod:`~domain.personnel.schedule`: the retirement-age roadmap;
  :mod:`~domain.personnel.retirement`: retirement age and date;
  :mod:`~domain.personnel.months`: the month arithmetic they share;
- :mod:`~domain.personnel.terms`: term ends and rotation due dates;
- :mod:`~domain.personnel.staffing`: quota, titles and vacant leadership seats;
- :mod:`~domain.personnel.alerts`: one agency's alerts, assembled and sorted.

The names below are re-exported so ``from domain import personnel`` reads as before.
"""

from domain.personnel.alerts import AlertKind, PersonnelAlert, personnel_alerts
from domain.personnel.checks import PersonnelRuleError
from domain.personnel.loading import load_personnel_rules_from_text
from domain.personnel.retirement import retirement_age, retirement_date
from domain.personnel.rules import (
    LeadershipRule,
    PersonnelRules,
    QuotaRule,
    RetirementRule,
    RotationRule,
    SecondTermRule,
    TermRule,
)
from domain.personnel.schedule import Age, RetirementEffective, RetirementSchedule
from domain.personnel.staffing import StaffingSummary, staffing_summary
from domain.personnel.terms import rotation_due, term_end

__all__ = [
    "Age",
    "AlertKind",
    "LeadershipRule",
    "PersonnelAlert",
    "PersonnelRuleError",
    "PersonnelRules",
    "QuotaRule",
    "RetirementEffective",
    "RetirementRule",
    "RetirementSchedule",
    "RotationRule",
    "SecondTermRule",
    "StaffingSummary",
    "TermRule",
    "load_personnel_rules_from_text",
    "personnel_alerts",
    "retirement_age",
    "retirement_date",
    "rotation_due",
    "staffing_summary",
    "term_end",
]
