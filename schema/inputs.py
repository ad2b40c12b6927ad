"""Input types."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.enums import CaseType


@strawberry.input(description="Filters for `judgments`; all given conditions must hold.")
class JudgmentFilter:
    court: strawberry.ID | None = strawberry.field(default=None, description="Issuing court code.")
    enforcement_agency: strawberry.ID | None = strawberry.field(
        default=None, description="Enforcement agency or area office code the judgment is addressed to."
    )
    procuracy: strawberry.ID | None = None
    province: str | None = strawberry.field(default=None, description="Province code, e.g. ha-noi.")
    case_type: CaseType | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    party: str | None = strawberry.field(
        default=None,
        description="Words of a party's name; case and Vietnamese diacritics are ignored ('nguyen van an').",
    )
