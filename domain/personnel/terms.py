"""When a leader's term ends and when an officer in a sensitive post is due for rotation."""

from __future__ import annotations

from datetime import date, timedelta

from domain.personnel.months import add_months
from domain.personnel.rules import PersonnelRules
from domain.types import Officer


def term_end(officer: Officer, rules: PersonnelRules) -> date | None:
    """The last day of a leader's current term: as recorded, else appointment + term years − 1 day."""
    if officer.post not in rules.term.posts:
        return None
    if officer.term_ends_on is not None:
        return officer.term_ends_on
    if officer.appointed_on is None:
        return None
    return add_months(officer.appointed_on, 12 * rules.term.years) - timedelta(days=1)


def rotation_due(officer: Officer, rules: PersonnelRules) -> date | None:
    """The day a sensitive post has been held for its rotation period (None: not sensitive or start unknown)."""
    since = officer.position_since or officer.appointed_on
    if not officer.sensitive_post or since is None:
        return None
    return add_months(since, 12 * rules.rotation_for(officer).years)
