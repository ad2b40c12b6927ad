"""Which enforcement agency, office and procuracy are competent for a court's judgment.

Routing goes by the issuing court, following successors: a judgment of a court
dissolved on 1 July 2025 is routed as if it came from the court that took over
its work, so it lands at today's agencies, never at a dissolved one.

Rules (Law on Civil Judgment Enforcement; 2025 organisation, DOMAIN.md §2):
- area court ``court.P.kvNN`` → provincial agency ``enforcement.P`` (issues the
  decision), area office ``enforcement.P.kvNN`` (executes), procuracy ``procuracy.P.kvNN``;
- provincial court ``court.P`` → ``enforcement.P``, no area office, ``procuracy.P``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import Invalid
from domain.messages import msg
from domain.types import Agency, AgencyKind, AgencyLevel

MAX_SUCCESSION_DEPTH = 16


class RoutingError(Invalid):
    """The court is unknown, not a court, or has no competent enforcement agency."""


@dataclass(frozen=True, slots=True)
class Route:
    court_code: str  # the current court (the issuing court itself, or its successor)
    enforcement_agency_code: str
    enforcement_office_code: str | None
    procuracy_code: str


def current_successor(code: str, agencies: Mapping[str, Agency]) -> Agency:
    """Follow successor links from ``code`` to the agency that holds its work today."""
    agency = agencies.get(code)
    if agency is None:
        raise RoutingError(msg("unknown agency {code}", code=repr(code)))
    seen = {code}
    while agency.successor_code is not None:
        nxt = agencies.get(agency.successor_code)
        if nxt is None:
            raise RoutingError(
                msg(
                    "{agency} names an unknown successor {successor}",
                    agency=agency.code,
                    successor=repr(agency.successor_code),
                )
            )
        if nxt.code in seen or len(seen) > MAX_SUCCESSION_DEPTH:
            raise RoutingError(msg("succession of {code} loops", code=repr(code)))
        seen.add(nxt.code)
        agency = nxt
    return agency


def route_judgment(court_code: str, agencies: Mapping[str, Agency]) -> Route:
    """The competent agencies for a judgment of ``court_code``, successors followed."""
    court = current_successor(court_code, agencies)
    if court.kind is not AgencyKind.COURT:
        raise RoutingError(msg("{court} is not a court", court=repr(court_code)))
    if court.province_code is None:
        raise RoutingError(msg("{court} has no enforcement agency of its own", court=court.name))
    province = court.province_code
    agency = f"enforcement.{province}"
    if court.level is AgencyLevel.AREA and court.area_number is not None:
        office: str | None = f"enforcement.{province}.kv{court.area_number:02d}"
        procuracy = f"procuracy.{province}.kv{court.area_number:02d}"
    else:
        office, procuracy = None, f"procuracy.{province}"
    for needed in (agency, procuracy, office):
        if needed is not None and needed not in agencies:
            raise RoutingError(
                msg("no agency {needed} for judgments of {court}", needed=repr(needed), court=court.name)
            )
    return Route(court.code, agency, office, procuracy)


def route_to_enforcement(court_code: str, target_code: str, agencies: Mapping[str, Agency]) -> Route:
    """The route when an agency names the competent enforcement agency or area office itself (a return as WRONG_AGENCY)."""
    target = agencies.get(target_code)
    if target is None or target.kind is not AgencyKind.ENFORCEMENT or target.valid_to is not None:
        raise RoutingError(msg("{target} is not an existing enforcement agency", target=repr(target_code)))
    if target.province_code is None:
        raise RoutingError(msg("{target} does not receive judgments", target=target.name))
    province = target.province_code
    if target.level is AgencyLevel.AREA and target.area_number is not None:
        procuracy = f"procuracy.{province}.kv{target.area_number:02d}"
        route = Route(court_code, f"enforcement.{province}", target.code, procuracy)
    else:
        route = Route(court_code, target.code, None, f"procuracy.{province}")
    if route.procuracy_code not in agencies:
        raise RoutingError(
            msg(
                "no procuracy {procuracy} supervises {target}", procuracy=repr(route.procuracy_code), target=target.name
            )
        )
    return route
