"""A reply after the enforcement day is useless (issue 22): the days a support request must keep to.

On the shipped rules and calendar: the police replies in 3 working days (Decree 152/2026, from
1 July 2026) and plans the protection 5 working days before the enforcement; before that rule, the
reply is needed by the working day before the enforcement.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.coordination import RequestKind, RequestSubKind
from domain.coordination_deadlines import earliest_planned_on, latest_send_day, reply_needed_by
from gateway.policies import load_deadline_policy

DATA = Path(__file__).resolve().parents[2] / "data"
SUPPORT = RequestKind.ENFORCEMENT_SUPPORT


@pytest.fixture(scope="module")
def policy():
    return load_deadline_policy(DATA)


@pytest.mark.parametrize(
    ("planned_on", "opened_on", "needed"),
    [
        (date(2026, 12, 22), date(2026, 12, 11), date(2026, 12, 15)),  # Tue: 5 working days before, over a weekend
        (date(2027, 1, 11), date(2026, 12, 30), date(2027, 1, 4)),  # over New Year's Day
        (date(2026, 3, 10), date(2026, 3, 2), date(2026, 3, 9)),  # before Decree 152: the working day before
    ],
)
def test_the_reply_is_needed_by_the_day_the_police_plans_the_protection(policy, planned_on, opened_on, needed):
    assert reply_needed_by(planned_on, opened_on, policy.rules, policy.calendar) == needed


def test_the_latest_day_to_send_is_a_working_day_whose_reply_comes_in_time(policy):
    rules, calendar = policy.rules, policy.calendar
    assert latest_send_day(date(2026, 12, 22), SUPPORT, None, date(2026, 12, 1), rules, calendar) == date(2026, 12, 10)
    assert latest_send_day(date(2026, 12, 23), SUPPORT, None, date(2026, 12, 1), rules, calendar) == date(2026, 12, 11)
    assert latest_send_day(date(2027, 1, 11), SUPPORT, None, date(2026, 12, 1), rules, calendar) == date(2026, 12, 29)
    # escalated to the provincial police: 5 working days to reply, so two days earlier
    escalated = latest_send_day(
        date(2026, 12, 23), SUPPORT, RequestSubKind.PROVINCIAL_POLICE, date(2026, 12, 1), rules, calendar
    )
    assert escalated == date(2026, 12, 9)


@pytest.mark.parametrize(
    ("reply_due", "earliest"),
    [(date(2026, 12, 16), date(2026, 12, 23)), (date(2027, 1, 5), date(2027, 1, 12))],
)
def test_the_earliest_planned_day_leaves_the_plan_its_working_days_after_the_reply(policy, reply_due, earliest):
    found = earliest_planned_on(reply_due, date(2026, 12, 1), policy.rules, policy.calendar)
    assert found == earliest
    assert reply_needed_by(found, date(2026, 12, 1), policy.rules, policy.calendar) >= reply_due
    assert (
        reply_needed_by(date.fromordinal(found.toordinal() - 1), date(2026, 12, 1), policy.rules, policy.calendar)
        < reply_due
    )
