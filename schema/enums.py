"""GraphQL enums, taken from the domain's enums so the two never drift apart.

Each name is the domain's enum itself (``strawberry.enum`` registers the class in place
and returns it), so ``kind: AgencyKind`` is the domain type to mypy and to Strawberry.
"""

from __future__ import annotations

import strawberry

from domain.access import Role
from domain.personnel.alerts import AlertKind as PersonnelAlertKind
from domain.types import (
    AgencyKind,
    AgencyLevel,
    CaseStatus,
    CaseType,
    DecisionKind,
    Instance,
    ObligationKind,
    PartyKind,
    PartyRole,
    Sex,
    SupervisionKind,
)

__all__ = [
    "AgencyKind",
    "AgencyLevel",
    "CaseStatus",
    "CaseType",
    "DecisionKind",
    "Instance",
    "ObligationKind",
    "PartyKind",
    "PartyRole",
    "PersonnelAlertKind",
    "Role",
    "Sex",
    "SupervisionKind",
]

for _enum, _name, _description in (  # (the class, its GraphQL name, its description)
    (AgencyKind, "AgencyKind", "What an agency is."),
    (AgencyLevel, "AgencyLevel", "Where it sits; DISTRICT agencies were dissolved on 1 July 2025."),
    (CaseType, "CaseType", "Kind of case, as in the judgment number (DS, HNGĐ, KDTM, LĐ, HC, HS)."),
    (Instance, "Instance", "ST = first instance, PT = appeal."),
    (PartyRole, "PartyRole", None),
    (PartyKind, "PartyKind", None),
    (ObligationKind, "ObligationKind", None),
    (CaseStatus, "CaseStatus", "State of an enforcement case (DOMAIN.md §4)."),
    (DecisionKind, "DecisionKind", None),
    (SupervisionKind, "SupervisionKind", None),
    (Role, "Role", None),
    (Sex, "Sex", None),
    (
        PersonnelAlertKind,
        "PersonnelAlertKind",
        "What needs attention: retirement, a term ending, a second consecutive term, a sensitive post "
        "past its rotation period, a quota gap, a missing leader.",
    ),
):
    strawberry.enum(_enum, name=_name, description=_description)
