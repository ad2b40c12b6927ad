"""Agency: a court, procuracy, enforcement agency or other participant, valid over a period."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

import strawberry

from domain import supervision
from domain import types as d
from domain.jurisdiction import RoutingError, current_successor
from schema.context import FieldContext, Info
from schema.enums import AgencyKind, AgencyLevel

SUPERVISED_KINDS: Final = frozenset({d.AgencyKind.ENFORCEMENT, d.AgencyKind.PRIVATE_ENFORCEMENT})


@strawberry.type(description="An agency as registered with the hub; dissolved agencies name their successor.")
class Agency:
    code: strawberry.ID = strawberry.field(description="Stable code, e.g. court.ha-noi.kv01.")
    kind: AgencyKind
    level: AgencyLevel
    name: str = strawberry.field(description="Official Vietnamese name, as valid during the agency's period.")
    province_code: str | None = strawberry.field(description="Province (2025 organisation) the agency belongs to.")
    valid_from: date
    valid_to: date | None = strawberry.field(description="Last day of existence; null while the agency exists.")
    area_number: int | None
    former_province: str | None = strawberry.field(
        description="For dissolved agencies: the province before the 2025 merger."
    )
    administrative_unit_code: str | None = strawberry.field(
        description="Official administrative-unit code (mã đơn vị hành chính, two digits) of the agency's province, "
        "beside the slug in `code`, e.g. 79 for Thành phố Hồ Chí Minh; null for national and dissolved agencies."
    )

    @strawberry.field(description="True while the agency exists (no end date, or an end date in the future).")
    def active(self, info: Info) -> bool:
        return self.valid_to is None or self.valid_to >= info.context.clock.today()

    parent_code: strawberry.Private[str | None]
    successor_code: strawberry.Private[str | None]

    @classmethod
    def known(cls, agencies: Mapping[str, d.Agency], code: str | None) -> Agency | None:
        """The agency ``code`` names in ``agencies`` (the organisation), or None."""
        found = agencies.get(code) if code is not None else None
        return cls.from_domain(found) if found is not None else None

    @classmethod
    def from_domain(cls, a: d.Agency) -> Agency:
        return cls(
            code=strawberry.ID(a.code),
            kind=a.kind,
            level=a.level,
            name=a.name,
            province_code=a.province_code,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            area_number=a.area_number,
            former_province=a.former_province,
            administrative_unit_code=a.administrative_unit_code,
            parent_code=a.parent_code,
            successor_code=a.successor_code,
        )

    @strawberry.field(description="The agency this one reports to.")
    def parent(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.parent_code)

    @strawberry.field(description="The agency that took over this one's work when it was dissolved.")
    def successor(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.successor_code)

    @strawberry.field(
        description="The agency holding this one's work today: itself, or the end of its successor chain."
    )
    def current_successor(self, info: Info) -> Agency | None:
        try:
            return Agency.from_domain(current_successor(str(self.code), info.context.agencies))
        except RoutingError:
            return None

    @strawberry.field(
        description="For a procuracy: the enforcement agencies in force it supervises, by code — the only ones its "
        "requests, recommendations and protests may go to (the supervision map: same level and area; Law 63/2014/QH13 "
        "Art. 28, Law on Civil Judgment Enforcement Art. 12; see the API guide). Empty for other agencies."
    )
    def supervises(self, info: Info) -> list[Agency]:
        if self.kind is not d.AgencyKind.PROCURACY:
            return []
        today, agencies = info.context.clock.today(), info.context.agencies
        return [
            Agency.from_domain(a)
            for a in sorted(agencies.values(), key=lambda a: a.code)
            if a.kind in SUPERVISED_KINDS
            and a.successor_code is None
            and (a.valid_to is None or a.valid_to >= today)
            and supervision.supervises(str(self.code), a.code, agencies)
        ]


def agency_named(context: FieldContext, code: str | None) -> Agency | None:
    """The agency ``code`` names, from the organisation the hub loaded at start (no I/O; None when unknown).

    The same snapshot the access policy decides with (``HubState.agencies``): an agency
    added to the database later is known after a restart, for reads as for access.
    """
    return Agency.known(context.agencies, code)
