"""The organisation the reference services are seeded from, read once from ``data/``.

Wraps :func:`domain.organisation.build_organisation` with the look-ups the
generators need (courts by kind, enforcement units, how to write a province's
name in an address), so that they never re-derive the organisation themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from domain.organisation import ProvinceRow, build_organisation, parse_provinces
from domain.types import Agency, AgencyKind, AgencyLevel

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class ReferenceData:
    """Every agency (current and dissolved) plus the province rows, immutable once built."""

    def __init__(self, provinces: Sequence[ProvinceRow], agencies: Sequence[Agency]) -> None:
        self.provinces: tuple[ProvinceRow, ...] = tuple(provinces)
        self.agencies: Mapping[str, Agency] = MappingProxyType({a.code: a for a in agencies})
        self._provinces_by_code = MappingProxyType({p.code: p for p in self.provinces})
        courts = [a for a in agencies if a.kind is AgencyKind.COURT]
        self.area_courts: tuple[Agency, ...] = tuple(a for a in courts if a.level is AgencyLevel.AREA)
        self.district_courts: tuple[Agency, ...] = tuple(a for a in courts if a.level is AgencyLevel.DISTRICT)
        self.provincial_courts: tuple[Agency, ...] = tuple(
            a for a in courts if a.level is AgencyLevel.PROVINCIAL and a.valid_to is None
        )
        # The provincial courts that existed before 1 July 2025: those of the
        # provinces merged away, and those whose province kept its code.
        self.former_provincial_courts: tuple[Agency, ...] = tuple(
            a
            for a in courts
            if a.level is AgencyLevel.PROVINCIAL and (a.valid_to is not None or self._kept_its_code(a.province_code))
        )
        self.enforcement_units: tuple[Agency, ...] = tuple(
            a
            for a in agencies
            if a.kind is AgencyKind.ENFORCEMENT
            and a.valid_to is None
            and a.level in (AgencyLevel.PROVINCIAL, AgencyLevel.AREA)
        )

    @classmethod
    def load(cls, data_dir: Path | None = None) -> ReferenceData:
        """Read ``provinces.csv`` and ``area_courts.csv`` from ``data_dir`` (default: the repo's ``data/``)."""
        folder = data_dir or DEFAULT_DATA_DIR
        provinces = parse_provinces(
            (folder / "provinces.csv").read_text(encoding="utf-8"),
            (folder / "area_courts.csv").read_text(encoding="utf-8"),
        )
        return cls(provinces, build_organisation(provinces))

    def province(self, code: str) -> ProvinceRow:
        return self._provinces_by_code[code]

    def province_label(self, agency: Agency) -> str:
        """How an address inside ``agency``'s territory ends, as valid when the agency was.

        A dissolved agency of a province merged away names the former province
        ("tỉnh Hà Giang"); everything else names today's province.
        """
        if agency.province_code is None:
            return "thành phố Hà Nội"
        province = self.province(agency.province_code)
        former = agency.former_province
        if agency.valid_to is not None and former is not None and former != province.name:
            return f"tỉnh {former}"
        return province.styled_name

    def former_provinces(self, agency: Agency) -> tuple[str, ...]:
        """Names of the pre-2025 provinces the agency's territory covers (for ID-number prefixes)."""
        if agency.former_province is not None:
            return (agency.former_province,)
        if agency.province_code is None:
            return ("Hà Nội",)
        return self.province(agency.province_code).merged_from

    def _kept_its_code(self, province_code: str | None) -> bool:
        if province_code is None:
            return False
        province = self._provinces_by_code.get(province_code)
        return province is not None and province.name in province.merged_from
