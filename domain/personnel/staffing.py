"""One agency's staffing: people in post against its quota, by title, and its vacant leadership seats.

Also which agency (and which kind of agency) a set of officers belongs to,
which the alerts share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from domain.personnel.rules import PersonnelRules
from domain.types import AgencyKind, AgencyLevel, Officer, StaffingUnit


@dataclass(frozen=True, slots=True)
class StaffingSummary:
    agency_code: str
    quota: int | None  # None: no staffing unit known
    in_post: int
    by_title: Mapping[str, int]  # chức danh → people, by title
    vacant_leader_posts: tuple[str, ...]  # one entry per vacant seat, in rules-table order


def staffing_summary(
    unit: StaffingUnit | None,
    officers: Sequence[Officer],
    level: AgencyLevel,
    rules: PersonnelRules,
    *,
    agency_code: str | None = None,
    kind: AgencyKind | None = None,
) -> StaffingSummary:
    """Quota, people in post by title and vacant leadership seats of one agency.

    ``officers`` are the agency's people in post. The agency is ``agency_code``,
    else the unit's, else the officers'; officers of another agency are an
    error. Its ``kind`` (which leadership seats it needs) is read from its code
    (``court.…``, ``procuracy.…``, ``enforcement.…``) unless given.
    """
    code = agency_code_of(unit, officers, agency_code)
    seats = vacant_seats(officers, agency_kind_of(code, kind), level, rules)
    titles = Counter(o.title for o in officers)
    return StaffingSummary(
        agency_code=code,
        quota=None if unit is None else unit.quota,
        in_post=len(officers),
        by_title=MappingProxyType(dict(sorted(titles.items()))),
        vacant_leader_posts=tuple(post for post, missing in seats for _ in range(missing)),
    )


def agency_code_of(unit: StaffingUnit | None, officers: Sequence[Officer], given: str | None) -> str:
    """The agency: ``given``, else the unit's, else the officers' one agency (officers of another are an error)."""
    codes = {o.agency_code for o in officers}
    if given is None and unit is not None:
        given = unit.agency_code
    if given is None:
        if len(codes) != 1:
            raise ValueError("the agency is unknown: pass a staffing unit, agency_code or the officers of one agency")
        return codes.pop()
    if unit is not None and unit.agency_code != given:
        raise ValueError(f"the staffing unit is of {unit.agency_code}, not {given}")
    strangers = sorted(codes - {given})
    if strangers:
        raise ValueError(f"officers of {strangers} given for agency {given}")
    return given


def agency_kind_of(code: str, given: AgencyKind | None) -> AgencyKind:
    """The kind of agency: ``given``, else the first part of its code."""
    if given is not None:
        return given
    try:
        return AgencyKind(code.partition(".")[0])
    except ValueError:
        raise ValueError(f"the kind of agency {code!r} is not in its code: pass kind") from None


def vacant_seats(
    officers: Sequence[Officer], kind: AgencyKind, level: AgencyLevel, rules: PersonnelRules
) -> Iterator[tuple[str, int]]:
    """(post, seats missing) for each leadership post held by fewer officers than the rules ask for."""
    rule = rules.leadership_for(kind, level)
    if rule is None:
        return
    held = Counter(o.post for o in officers if o.post is not None)
    for post, seats in rule.seats:
        if held[post] < seats:
            yield post, seats - held[post]
