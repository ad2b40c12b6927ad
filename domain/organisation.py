"""The organisation of courts, procuracies and enforcement agencies, built from reference data.

Input is the text of ``data/provinces.csv`` and ``data/area_courts.csv`` (read by
the caller). Output is every agency with its validity period and successor:
the 2025 organisation (valid from 1 July 2025) and the dissolved pre-2025
agencies whose work passed to it.

Sample data, said plainly: ``area_courts.csv`` verifies the area-court count for
some provinces; the remaining courts (355 in all, DOMAIN.md §2) are shared out
among the other provinces in proportion to how many former provinces merged
into each. Pre-2025 district agencies are sample data too (two per area, named
by number), since no list of former districts ships with the project.

Names: a province whose official name is not "thành phố X" / "tỉnh X" gives it
in ``official_name`` ("Thành phố Hồ Chí Minh"), used in full in every agency
name of that province ("Tòa án nhân dân khu vực 1 - Thành phố Hồ Chí Minh").
Current agencies of a province carry its administrative-unit code
(``administrative_unit_code``, mã đơn vị hành chính) beside their slug code;
national and dissolved agencies carry none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.text import fold
from domain.types import Agency, AgencyKind, AgencyLevel

REORGANISED_ON = date(2025, 7, 1)
DISSOLVED_ON = date(2025, 6, 30)
HISTORY_START = date(2008, 7, 1)
DEFAULT_AREA_TOTAL = 355
DISTRICTS_PER_AREA = 2

SUPREME_COURT = "court.supreme"
SUPREME_PROCURACY = "procuracy.supreme"
ENFORCEMENT_ADMINISTRATION = "enforcement.national"
MINISTRY_OF_JUSTICE = "ministry.justice"
APPELLATE_SEATS = (("1", "Hà Nội"), ("2", "Đà Nẵng"), ("3", "Thành phố Hồ Chí Minh"))


@dataclass(frozen=True, slots=True)
class ProvinceRow:
    code: str
    name: str
    kind: str  # "city" (thành phố) or "province" (tỉnh)
    merged_from: tuple[str, ...]
    effective_from: date
    legal_basis: str
    area_courts: int | None = None  # verified count, when known
    official_name: str | None = None  # the name in full where it is not "thành phố X" / "tỉnh X"
    administrative_unit_code: str | None = None  # mã đơn vị hành chính (two digits), when known

    @property
    def styled_name(self) -> str:
        """'thành phố Hà Nội' / 'tỉnh Sơn La' / 'Thành phố Hồ Chí Minh', as used inside agency names."""
        if self.official_name:
            return self.official_name
        return f"{'thành phố' if self.kind == 'city' else 'tỉnh'} {self.name}"

    @property
    def area_name(self) -> str:
        """How an area agency's name ends: 'Hà Nội', or the official name where there is one."""
        return self.official_name or self.name


def parse_provinces(provinces_csv: str, area_courts_csv: str = "") -> list[ProvinceRow]:
    """Parse the two reference files; unknown area-court counts stay None."""
    counts: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(area_courts_csv)):
        if row.get("area_courts", "").strip():
            counts[row["province_code"]] = int(row["area_courts"])
    rows = []
    for row in csv.DictReader(io.StringIO(provinces_csv)):
        rows.append(
            ProvinceRow(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                merged_from=tuple(p.strip() for p in row["merged_from"].split(";") if p.strip()),
                effective_from=date.fromisoformat(row["effective_from"]),
                legal_basis=row["legal_basis"],
                area_courts=counts.get(row["code"]),
                official_name=(row.get("official_name") or "").strip() or None,
                administrative_unit_code=(row.get("administrative_unit_code") or "").strip() or None,
            )
        )
    return rows


def allocate_area_courts(provinces: Sequence[ProvinceRow], total: int = DEFAULT_AREA_TOTAL) -> dict[str, int]:
    """Verified counts as given; the rest of ``total`` shared by largest remainder."""
    fixed = {p.code: p.area_courts for p in provinces if p.area_courts is not None}
    open_ = [p for p in provinces if p.area_courts is None]
    remaining = total - sum(fixed.values())
    if not open_:
        return dict(fixed)
    if remaining < len(open_):
        raise ValueError(f"{remaining} area courts cannot be shared by {len(open_)} provinces")
    weights = {p.code: len(p.merged_from) for p in open_}
    weight_sum = sum(weights.values())
    shares = {code: remaining * w / weight_sum for code, w in weights.items()}
    alloc = {code: max(1, int(share)) for code, share in shares.items()}
    order = sorted(open_, key=lambda p: (-(shares[p.code] - int(shares[p.code])), p.code))
    i = 0
    while sum(alloc.values()) < remaining:
        alloc[order[i % len(order)].code] += 1
        i += 1
    while sum(alloc.values()) > remaining:
        biggest = max(alloc, key=lambda c: (alloc[c], c))
        alloc[biggest] -= 1
    return {**fixed, **alloc}


def slug(name: str) -> str:
    return fold(name).replace(" - ", "-").replace(" ", "-")


def area_code(kind: AgencyKind, province: str, number: int) -> str:
    return f"{kind.value}.{province}.kv{number:02d}"


def build_organisation(provinces: Sequence[ProvinceRow], area_total: int = DEFAULT_AREA_TOTAL) -> list[Agency]:
    """Every agency of the 2025 organisation plus the dissolved ones, deterministically."""
    areas = allocate_area_courts(provinces, area_total)
    out: list[Agency] = [*_national_agencies()]
    for p in provinces:
        out.extend(_provincial_agencies(p, areas[p.code]))
    return out


def _national_agencies() -> Iterable[Agency]:
    yield Agency(
        MINISTRY_OF_JUSTICE, AgencyKind.MINISTRY, AgencyLevel.NATIONAL, "Bộ Tư pháp", None, None, HISTORY_START
    )
    yield Agency(
        SUPREME_COURT, AgencyKind.COURT, AgencyLevel.NATIONAL, "Tòa án nhân dân tối cao", None, None, HISTORY_START
    )
    yield Agency(
        SUPREME_PROCURACY,
        AgencyKind.PROCURACY,
        AgencyLevel.NATIONAL,
        "Viện kiểm sát nhân dân tối cao",
        None,
        None,
        HISTORY_START,
    )
    for n, seat in APPELLATE_SEATS:
        yield Agency(
            f"procuracy.appellate-{n}",
            AgencyKind.PROCURACY,
            AgencyLevel.APPELLATE,
            f"Viện Công tố và Kiểm sát xét xử phúc thẩm tại {seat}",
            None,
            SUPREME_PROCURACY,
            REORGANISED_ON,
        )
    yield Agency(
        ENFORCEMENT_ADMINISTRATION,
        AgencyKind.ENFORCEMENT,
        AgencyLevel.NATIONAL,
        "Cục Quản lý thi hành án dân sự",
        None,
        MINISTRY_OF_JUSTICE,
        REORGANISED_ON,
    )
    yield Agency(
        "enforcement.old.general",
        AgencyKind.ENFORCEMENT,
        AgencyLevel.NATIONAL,
        "Tổng cục Thi hành án dân sự",
        None,
        MINISTRY_OF_JUSTICE,
        HISTORY_START,
        DISSOLVED_ON,
        ENFORCEMENT_ADMINISTRATION,
    )


def _provincial_agencies(p: ProvinceRow, area_count: int) -> Iterable[Agency]:
    court, proc, enf = AgencyKind.COURT, AgencyKind.PROCURACY, AgencyKind.ENFORCEMENT
    prov_court, prov_proc, prov_enf = f"court.{p.code}", f"procuracy.{p.code}", f"enforcement.{p.code}"
    start = min(p.effective_from, REORGANISED_ON)
    unit_code = p.administrative_unit_code  # the province's; dissolved agencies' former codes are not in the data
    yield Agency(
        prov_court,
        court,
        AgencyLevel.PROVINCIAL,
        f"Tòa án nhân dân {p.styled_name}",
        p.code,
        SUPREME_COURT,
        HISTORY_START,
        administrative_unit_code=unit_code,
    )
    yield Agency(
        prov_proc,
        proc,
        AgencyLevel.PROVINCIAL,
        f"Viện kiểm sát nhân dân {p.styled_name}",
        p.code,
        SUPREME_PROCURACY,
        HISTORY_START,
        administrative_unit_code=unit_code,
    )
    yield Agency(
        prov_enf,
        enf,
        AgencyLevel.PROVINCIAL,
        f"Thi hành án dân sự {p.styled_name}",
        p.code,
        ENFORCEMENT_ADMINISTRATION,
        start,
        administrative_unit_code=unit_code,
    )
    yield Agency(
        f"police.{p.code}",
        AgencyKind.POLICE,
        AgencyLevel.PROVINCIAL,
        f"Công an {p.styled_name}",
        p.code,
        None,
        HISTORY_START,
        administrative_unit_code=unit_code,
    )
    yield Agency(
        f"committee.{p.code}",
        AgencyKind.COMMITTEE,
        AgencyLevel.PROVINCIAL,
        f"Ban Chỉ đạo thi hành án dân sự {p.styled_name}",
        p.code,
        None,
        HISTORY_START,
        administrative_unit_code=unit_code,
    )
    for n in range(1, area_count + 1):
        suffix = f"khu vực {n} - {p.area_name}"
        yield Agency(
            area_code(court, p.code, n),
            court,
            AgencyLevel.AREA,
            f"Tòa án nhân dân {suffix}",
            p.code,
            prov_court,
            start,
            area_number=n,
            administrative_unit_code=unit_code,
        )
        yield Agency(
            area_code(proc, p.code, n),
            proc,
            AgencyLevel.AREA,
            f"Viện kiểm sát nhân dân {suffix}",
            p.code,
            prov_proc,
            start,
            area_number=n,
            administrative_unit_code=unit_code,
        )
        yield Agency(
            area_code(enf, p.code, n),
            enf,
            AgencyLevel.AREA,
            f"Phòng Thi hành án dân sự {suffix}",
            p.code,
            prov_enf,
            start,
            area_number=n,
            administrative_unit_code=unit_code,
        )
    yield from _dissolved_agencies(p, area_count)


def _dissolved_agencies(p: ProvinceRow, area_count: int) -> Iterable[Agency]:
    """Pre-2025 agencies of every former province merged into ``p``, with successors."""
    court, proc, enf = AgencyKind.COURT, AgencyKind.PROCURACY, AgencyKind.ENFORCEMENT
    districts = area_count * DISTRICTS_PER_AREA
    per_old = [
        districts // len(p.merged_from) + (1 if i < districts % len(p.merged_from) else 0)
        for i in range(len(p.merged_from))
    ]
    district_index = 0
    for old_name, count in zip(p.merged_from, per_old, strict=True):
        old = slug(old_name)
        styled = f"tỉnh {old_name}" if old_name != p.name else p.styled_name
        named = old_name if old_name != p.name else p.area_name
        old_enf = f"enforcement.old.{old}"
        yield Agency(
            old_enf,
            enf,
            AgencyLevel.PROVINCIAL,
            f"Cục Thi hành án dân sự {styled}",
            p.code,
            "enforcement.old.general",
            HISTORY_START,
            DISSOLVED_ON,
            f"enforcement.{p.code}",
            former_province=old_name,
        )
        if old != p.code:  # a merged-away province's court and procuracy passed to the new province's
            yield Agency(
                f"court.old.{old}",
                court,
                AgencyLevel.PROVINCIAL,
                f"Tòa án nhân dân {styled}",
                p.code,
                SUPREME_COURT,
                HISTORY_START,
                DISSOLVED_ON,
                f"court.{p.code}",
                former_province=old_name,
            )
            yield Agency(
                f"procuracy.old.{old}",
                proc,
                AgencyLevel.PROVINCIAL,
                f"Viện kiểm sát nhân dân {styled}",
                p.code,
                SUPREME_PROCURACY,
                HISTORY_START,
                DISSOLVED_ON,
                f"procuracy.{p.code}",
                former_province=old_name,
            )
        for d in range(1, count + 1):
            area = district_index // DISTRICTS_PER_AREA % area_count + 1
            district_index += 1
            label = f"cấp huyện số {d} - {named}"
            common = {
                "province_code": p.code,
                "valid_from": HISTORY_START,
                "valid_to": DISSOLVED_ON,
                "former_province": old_name,
            }
            yield Agency(
                f"court.old.{old}.h{d:02d}",
                court,
                AgencyLevel.DISTRICT,
                f"Tòa án nhân dân {label}",
                parent_code=f"court.old.{old}" if old != p.code else f"court.{p.code}",
                successor_code=area_code(court, p.code, area),
                **common,  # type: ignore[arg-type]
            )
            yield Agency(
                f"procuracy.old.{old}.h{d:02d}",
                proc,
                AgencyLevel.DISTRICT,
                f"Viện kiểm sát nhân dân {label}",
                parent_code=f"procuracy.old.{old}" if old != p.code else f"procuracy.{p.code}",
                successor_code=area_code(proc, p.code, area),
                **common,  # type: ignore[arg-type]
            )
            yield Agency(
                f"enforcement.old.{old}.h{d:02d}",
                enf,
                AgencyLevel.DISTRICT,
                f"Chi cục Thi hành án dân sự {label}",
                parent_code=old_enf,
                successor_code=area_code(enf, p.code, area),
                **common,  # type: ignore[arg-type]
            )
