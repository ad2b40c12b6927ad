"""GraphQL enums, taken from the domain's enums so the two never drift apart.

Each name is the domain's enum itself (``strawberry.enum`` registers the class in place
and returns it), so ``kind: AgencyKind`` is the domain type to mypy and to Strawberry.
"""

from __future__ import annotations

import strawberry

from domain import access, personnel, types

AgencyKind = types.AgencyKind
strawberry.enum(types.AgencyKind, name="AgencyKind", description="What an agency is.")
AgencyLevel = types.AgencyLevel
strawberry.enum(
    types.AgencyLevel, name="AgencyLevel", description="Where it sits; DISTRICT agencies were dissolved on 1 July 2025."
)
CaseType = types.CaseType
strawberry.enum(
    types.CaseType, name="CaseType", description="Kind of case, as in the judgment number (DS, HNGĐ, KDTM, LĐ, HC, HS)."
)
Instance = types.Instance
strawberry.enum(types.Instance, name="Instance", description="ST = first instance, PT = appeal.")
PartyRole = types.PartyRole
strawberry.enum(types.PartyRole, name="PartyRole")
PartyKind = types.PartyKind
strawberry.enum(types.PartyKind, name="PartyKind")
ObligationKind = types.ObligationKind
strawberry.enum(types.ObligationKind, name="ObligationKind")
CaseStatus = types.CaseStatus
strawberry.enum(types.CaseStatus, name="CaseStatus", description="State of an enforcement case (DOMAIN.md §4).")
DecisionKind = types.DecisionKind
strawberry.enum(types.DecisionKind, name="DecisionKind")
SupervisionKind = types.SupervisionKind
strawberry.enum(types.SupervisionKind, name="SupervisionKind")
Role = access.Role
strawberry.enum(access.Role, name="Role")
Sex = types.Sex
strawberry.enum(types.Sex, name="Sex")
PersonnelAlertKind = personnel.AlertKind
strawberry.enum(
    personnel.AlertKind,
    name="PersonnelAlertKind",
    description="What needs attention: retirement, a term ending, a second consecutive term, a sensitive post "
    "past its rotation period, a quota gap, a missing leader.",
)
