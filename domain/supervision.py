"""Who may ask whom: the procuracy that supervises an enforcement agency, the police that supports it.

The supervision map is derived from the organisation (:mod:`domain.organisation`)
by the rows of :data:`SUPERVISION`, each with its legal basis:

- Law 63/2014/QH13 on the Organisation of the People's Procuracy, Art. 28 and the
  Law on Civil Judgment Enforcement (2008, amended 2014) Art. 12: the procuracy
  of each level supervises compliance with the law by the civil judgment
  enforcement agency *of the same level* — and only it receives its requests
  (yêu cầu), recommendations (kiến nghị) and protests (kháng nghị);
- the 2025 reorganisation (DOMAIN.md §2): an area procuracy (``procuracy.P.kvNN``)
  supervises the area enforcement office of its area (``enforcement.P.kvNN``), a
  provincial procuracy (``procuracy.P``) the provincial enforcement agency
  (``enforcement.P``); the Supreme People's Procuracy the national enforcement
  administration (``enforcement.national``) [U: same-level reading of Art. 12];
- the appellate prosecution institutes supervise no enforcement agency.

Dissolved agencies count as their successors (a Chi cục's work passed to an area
office, a Cục's to the provincial agency), so the map is the same for history.
A protest by the *superior* procuracy (Art. 160: 30 days) is not in this map;
a provincial procuracy protests through the decisions of its own agency.

Police support (Decree 152/2026/NĐ-CP Art. 46): the police competent for the place
of enforcement protects a forced enforcement — commune-level police, or the
provincial police for a complex or multi-commune case. The reference organisation
has no commune-level police agency, so the competent police is the provincial
police of the enforcing agency's province (``police.P``). An enforcement outside
that province is entrusted (ủy thác) to the enforcement agency of the province
where it takes place, which then asks its own police.

Pure rules: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from domain.jurisdiction import RoutingError, current_successor
from domain.types import Agency, AgencyKind, AgencyLevel


class Match(StrEnum):
    """How a procuracy and an enforcement agency of the levels named must correspond."""

    SAME_AREA = "same_area"  # same province and same area number
    SAME_PROVINCE = "same_province"
    NATIONAL = "national"  # both national


@dataclass(frozen=True, slots=True)
class SupervisionRule:
    """One row of the supervision map: a procuracy of ``procuracy_level`` supervises enforcement of ``enforcement_level``."""

    procuracy_level: AgencyLevel
    enforcement_level: AgencyLevel
    match: Match
    legal_basis: str


SUPERVISION: Final[tuple[SupervisionRule, ...]] = (
    SupervisionRule(
        AgencyLevel.AREA,
        AgencyLevel.AREA,
        Match.SAME_AREA,
        "Luật Tổ chức VKSND 63/2014/QH13 Điều 28; Luật THADS Điều 12 (cùng cấp); "
        "tổ chức lại từ 01/7/2025: VKSND khu vực kiểm sát Phòng THADS khu vực cùng khu vực",
    ),
    SupervisionRule(
        AgencyLevel.PROVINCIAL,
        AgencyLevel.PROVINCIAL,
        Match.SAME_PROVINCE,
        "Luật Tổ chức VKSND 63/2014/QH13 Điều 28; Luật THADS Điều 12 (cùng cấp): "
        "VKSND tỉnh, thành phố kiểm sát Thi hành án dân sự tỉnh, thành phố",
    ),
    SupervisionRule(
        AgencyLevel.NATIONAL,
        AgencyLevel.NATIONAL,
        Match.NATIONAL,
        "Luật Tổ chức VKSND 63/2014/QH13 Điều 28; Luật THADS Điều 12 (cùng cấp; chưa kiểm chứng): "
        "VKSND tối cao kiểm sát Cục Quản lý THADS",
    ),
)
"""The supervision map, row by row; :func:`supervises` applies it to the organisation."""

_ENFORCEMENT_KINDS: Final = frozenset({AgencyKind.ENFORCEMENT, AgencyKind.PRIVATE_ENFORCEMENT})


def _current(code: str, agencies: Mapping[str, Agency]) -> Agency | None:
    try:
        return current_successor(code, agencies)
    except RoutingError:
        return None


def _corresponds(rule: SupervisionRule, procuracy: Agency, agency: Agency) -> bool:
    if (procuracy.level, agency.level) != (rule.procuracy_level, rule.enforcement_level):
        return False
    if rule.match is Match.NATIONAL:
        return procuracy.province_code is None and agency.province_code is None
    if procuracy.province_code is None or procuracy.province_code != agency.province_code:
        return False
    return rule.match is Match.SAME_PROVINCE or procuracy.area_number == agency.area_number


def supervising_rule(procuracy_code: str, agency_code: str, agencies: Mapping[str, Agency]) -> SupervisionRule | None:
    """The row of the map by which ``procuracy_code`` supervises ``agency_code`` (successors followed), or None."""
    procuracy, agency = _current(procuracy_code, agencies), _current(agency_code, agencies)
    if procuracy is None or agency is None:
        return None
    if procuracy.kind is not AgencyKind.PROCURACY or agency.kind not in _ENFORCEMENT_KINDS:
        return None
    return next((rule for rule in SUPERVISION if _corresponds(rule, procuracy, agency)), None)


def supervises(procuracy_code: str, agency_code: str, agencies: Mapping[str, Agency]) -> bool:
    """Whether the procuracy may send requests, recommendations and protests to the enforcement agency."""
    return supervising_rule(procuracy_code, agency_code, agencies) is not None


def competent_procuracy(agency_code: str, agencies: Mapping[str, Agency]) -> Agency | None:
    """The procuracy in force that supervises ``agency_code`` (successors followed), or None."""
    agency = _current(agency_code, agencies)
    if agency is None:
        return None
    found = [
        candidate
        for candidate in agencies.values()
        if candidate.kind is AgencyKind.PROCURACY
        and candidate.successor_code is None
        and supervises(candidate.code, agency.code, agencies)
    ]
    return min(found, key=lambda a: a.code) if found else None


def competent_police(agency_code: str, agencies: Mapping[str, Agency]) -> Agency | None:
    """The police that supports forced enforcement by ``agency_code``: its province's police, or None."""
    agency = _current(agency_code, agencies)
    if agency is None or agency.province_code is None:
        return None
    police = agencies.get(f"police.{agency.province_code}")
    if police is None or police.kind is not AgencyKind.POLICE or police.successor_code is not None:
        return None
    return police
