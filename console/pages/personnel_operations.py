"""The GraphQL documents the personnel page runs, as the signed-in person (checked against the schema by a test).

``staffing`` and ``personnelAlerts`` answer for the units in the person's reach (``domain/policy.py``): a
personnel department its agency and those below it, the ministry every unit. The page asks by province
(a personnel department its own agency's, the ministry the one it picks); units out of reach are simply
not in the answer.
"""

from __future__ import annotations

from typing import Final

STAFFING: Final = """
query PersonnelStaffing($province: String!) {
  staffing(province: $province) {
    quota inPost gap
    byTitle { title count }
    vacantLeaderPosts { post agency { name } }
    units { quota inPost gap vacantLeaderPosts agency { code name } byTitle { title count } }
    unavailable { code agency { name } }
  }
}
"""

ALERTS: Final = """
query PersonnelAlerts($province: String!, $horizon: Int!) {
  personnelAlerts(province: $province, horizonDays: $horizon) {
    kind rule legalBasis dueOn detail
    officer { code name }
    agency { code name }
  }
}
"""
"""Apart from ``STAFFING``: the alerts fail as a whole when a unit's personnel system does not answer (an empty
list would read as "nothing to do"), while staffing still answers for the other units."""

LEADERS: Final = """
query PersonnelLeaders($province: String!, $first: Int!) {
  officers(filter: {province: $province, leadersOnly: true}, first: $first) {
    totalCount
    edges { node { code name title post appointedOn termEndsOn consecutiveTerms retirementOn agency { code name } } }
  }
}
"""
"""Leaders and managers whose terms the alerts count, without restricted fields (birth date, citizen ID,
discipline are not asked for); every officer listed is recorded in the audit trail, as for any reader."""

PROVINCES: Final = """
query PersonnelProvinces {
  me { agency { provinceCode } }
  agencies(kind: ENFORCEMENT, level: PROVINCIAL) { provinceCode name active }
}
"""

ALL: Final = (STAFFING, ALERTS, LEADERS, PROVINCES)
