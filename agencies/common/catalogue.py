"""Which judgments exist, and what each one says, derived from (seed, count, organisation).

The catalogue is the shared ground truth of the reference services: the court
serves its judgments, the enforcement agency opens cases for them, the
procuracy supervises them. It must scale to a million judgments without
holding a million records, so it keeps only a few bytes per judgment (which
court and year it falls in, its case type and its serial number) and renders
the full record on demand from ``random.Random(f"{seed}:{index}")``.

Shape of the data (sample data, not statistics):

- ~75 % first-instance judgments of area courts, adjudicated from 1 July 2025;
- ~15 % appeal judgments of provincial courts, 2023 to October 2026 (before
  1 July 2025 from the pre-2025 provincial courts, some since dissolved);
- ~10 % first-instance judgments of district courts dissolved on 1 July 2025.

Numbers are ``{serial}/{year}/{type}-{instance}`` (``125/2026/DS-ST``), serials
counting from 1 per court, year and case type in order of adjudication.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from agencies.common import people
from agencies.common.reference import ReferenceData
from domain.jurisdiction import Route, route_judgment
from domain.organisation import REORGANISED_ON
from domain.types import (
    Agency,
    CaseType,
    CourtJudgment,
    Instance,
    JudgmentKey,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Sex,
)

DATA_AS_OF = date(2026, 11, 20)
"""The day the generated world is a snapshot of: nothing happens after it."""

CATALOGUE_END = date(2026, 10, 31)
CATALOGUE_START = date(2023, 1, 1)
APPEAL_WAIT_DAYS = (16, 35)  # first-instance judgments take effect after the appeal period
JUDGES_PER_COURT: Mapping[str, int] = MappingProxyType({"area": 6, "district": 4, "provincial": 10})


class Origin(StrEnum):
    """Where a judgment of the catalogue comes from."""

    AREA = "area"  # first instance, area court (2025 organisation)
    APPEAL = "appeal"  # appeal, provincial court (some dissolved on 1 July 2025)
    DISSOLVED_DISTRICT = "dissolved_district"  # first instance, district court dissolved on 1 July 2025


ORIGIN_SHARES: tuple[tuple[Origin, float], ...] = (
    (Origin.AREA, 0.75),
    (Origin.APPEAL, 0.15),
    (Origin.DISSOLVED_DISTRICT, 0.10),
)
CASE_TYPE_SHARES: tuple[tuple[CaseType, float], ...] = (
    (CaseType.DS, 0.38),
    (CaseType.HS, 0.28),
    (CaseType.HNGD, 0.15),
    (CaseType.KDTM, 0.10),
    (CaseType.LD, 0.05),
    (CaseType.HC, 0.04),
)
_CASE_TYPES = tuple(t for t, _ in CASE_TYPE_SHARES)
_TYPE_IDS: Mapping[str, int] = MappingProxyType({t.value: n for n, t in enumerate(_CASE_TYPES)})
_NUMBER = re.compile(r"([1-9][0-9]*)/([0-9]{4})/([^/-]+)-(ST|PT)")


@dataclass(frozen=True, slots=True)
class Slot:
    """A court and a calendar year a judgment can be adjudicated in, with the open window of days."""

    court: Agency
    year: int
    origin: Origin
    instance: Instance
    first_day: date
    days: int


class Catalogue:
    """The judgments a topology of reference services agrees on.

    >>> cat = Catalogue(seed=7, count=1000, reference=ReferenceData.load())
    >>> key = cat.key_at(0)
    >>> cat.index_of(key)
    0
    >>> cat.judgment(0).key == key
    True
    """

    def __init__(self, seed: int, count: int, reference: ReferenceData, *, as_of: date = DATA_AS_OF) -> None:
        if count < 0:
            raise ValueError("count must be >= 0")
        self.seed = seed
        self.count = count
        self.reference = reference
        self.as_of = as_of
        self.slots: tuple[Slot, ...] = tuple(_slots(reference))
        self._slot_ids = {(s.court.code, s.year): n for n, s in enumerate(self.slots)}
        self._routes = {s.court.code: route_judgment(s.court.code, reference.agencies) for s in self.slots}
        self._slot_of, self._type_of, self._seq_of, self._groups = self._assign(count)
        self._court_groups: dict[str, list[int]] = {}
        for group in sorted(self._groups):
            self._court_groups.setdefault(self.slots[group // len(_CASE_TYPES)].court.code, []).append(group)
        self._judge = lru_cache(maxsize=4096)(self._judge_name)

    # -- which judgments exist -------------------------------------------------------------

    def __len__(self) -> int:
        return self.count

    def key_at(self, index: int) -> JudgmentKey:
        slot = self.slots[self._slot_of[index]]
        case_type = _CASE_TYPES[self._type_of[index]]
        number = f"{self._seq_of[index]}/{slot.year}/{case_type.value}-{slot.instance.value}"
        return JudgmentKey(slot.court.code, number)

    def keys(self) -> Iterator[JudgmentKey]:
        """Every judgment key, in index order (also what iterating the catalogue gives)."""
        return (self.key_at(i) for i in range(self.count))

    def __iter__(self) -> Iterator[JudgmentKey]:
        return self.keys()

    def index_of(self, key: JudgmentKey | tuple[str, str]) -> int | None:
        """The index of a judgment given as a key or ``(court_code, number)``; None if it does not exist."""
        court, number = (key.court_code, key.number) if isinstance(key, JudgmentKey) else key
        match = _NUMBER.fullmatch(number)
        if match is None:
            return None
        slot_id = self._slot_ids.get((court, int(match[2])))
        type_id = _TYPE_IDS.get(match[3])
        if slot_id is None or type_id is None or self.slots[slot_id].instance.value != match[4]:
            return None
        members = self._groups.get(slot_id * len(_CASE_TYPES) + type_id)
        serial = int(match[1])
        if members is None or serial > len(members):
            return None
        return members[serial - 1]

    def origin_of(self, index: int) -> Origin:
        return self.slots[self._slot_of[index]].origin

    def court_of(self, index: int) -> Agency:
        return self.slots[self._slot_of[index]].court

    def route_of(self, index: int) -> Route:
        """Today's competent enforcement agency, office and procuracy (successors followed)."""
        return self._routes[self.court_of(index).code]

    def indices(self, origin: Origin | None = None) -> Iterator[int]:
        """Indices of all judgments, or of those from one origin, ascending."""
        if origin is None:
            return iter(range(self.count))
        wanted = {n for n, s in enumerate(self.slots) if s.origin is origin}
        return (i for i, s in enumerate(self._slot_of) if s in wanted)

    def first(self, origin: Origin) -> int:
        """The lowest index of a judgment from ``origin`` (e.g. a dissolved district court)."""
        for index in self.indices(origin):
            return index
        raise LookupError(f"no judgment from {origin.value} among {self.count}")

    def court_codes(self) -> list[str]:
        """Codes of the courts that issued at least one judgment, sorted."""
        return sorted(self._court_groups)

    def court_size(self, court_code: str) -> int:
        """How many judgments ``court_code`` issued."""
        return sum(len(self._groups[g]) for g in self._court_groups.get(court_code, ()))

    def court_indices(self, court_code: str) -> list[int]:
        """Indices of one court's judgments (grouped by year and type, serials ascending)."""
        out: list[int] = []
        for group in self._court_groups.get(court_code, ()):
            out.extend(self._groups[group])
        return out

    def fate(self, index: int, topic: str) -> float:
        """A cheap uniform draw in [0, 1) for ``index`` and ``topic``, stable across processes.

        Services use it to decide set membership (has an enforcement case, has
        supervision records) for every judgment at start-up, where seeding a
        full ``random.Random`` per judgment would be too slow.
        """
        digest = hashlib.blake2b(f"{self.seed}:{topic}:{index}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    # -- what each judgment says -----------------------------------------------------------

    def judgment(self, index: int) -> CourtJudgment:
        """The full judgment at ``index``, rendered deterministically from the seed."""
        if not 0 <= index < self.count:
            raise IndexError(index)
        slot = self.slots[self._slot_of[index]]
        case_type = _CASE_TYPES[self._type_of[index]]
        serial = self._seq_of[index]
        group_size = len(self._groups[self._slot_of[index] * len(_CASE_TYPES) + self._type_of[index]])
        rng = random.Random(f"{self.seed}:{index}")
        offset = int((serial - 1 + rng.random()) * slot.days / group_size)
        adjudicated = _working_day(slot.first_day + timedelta(days=offset), slot.first_day, slot.days)
        effective = adjudicated
        if slot.instance is Instance.ST:
            effective += timedelta(days=people.between(rng, APPEAL_WAIT_DAYS[0], APPEAL_WAIT_DAYS[1]))
        key = JudgmentKey(slot.court.code, f"{serial}/{slot.year}/{case_type.value}-{slot.instance.value}")
        label = self.reference.province_label(slot.court)
        formers = self.reference.former_provinces(slot.court)
        judges = JUDGES_PER_COURT[slot.court.level.value]
        judge = self._judge(slot.court.code, people.between(rng, 0, judges - 1))
        summary = people.pick(rng, _SUMMARIES[case_type])
        parties = _parties(rng, case_type, label, formers)
        obligations = _obligations(rng, case_type, slot.instance, parties)
        document = _document_text(key, slot.court.name, adjudicated, judge, summary, parties, obligations)
        return CourtJudgment(
            key=key,
            court_name=slot.court.name,
            case_type=case_type,
            instance=slot.instance,
            adjudicated_on=adjudicated,
            effective_on=effective,
            judge=judge,
            summary=summary,
            document_sha256=hashlib.sha256(document.encode()).hexdigest(),
            document_name=key.number.replace("/", "-") + ".pdf",
            parties=parties,
            obligations=obligations,
        )

    # -- construction ----------------------------------------------------------------------

    def _assign(self, count: int) -> tuple[array[int], array[int], array[int], dict[int, array[int]]]:
        """Pick a slot and case type for every index; serials count per (slot, type) in index order."""
        rng = random.Random(f"{self.seed}:catalogue")
        shares = dict(ORIGIN_SHARES)
        days_per_origin: dict[Origin, int] = {}
        for slot in self.slots:
            days_per_origin[slot.origin] = days_per_origin.get(slot.origin, 0) + slot.days
        cum, total = [], 0.0
        for slot in self.slots:
            total += shares[slot.origin] * slot.days / days_per_origin[slot.origin]
            cum.append(total)
        slot_picks = rng.choices(range(len(self.slots)), cum_weights=cum, k=count)
        type_cum = [sum(w for _, w in CASE_TYPE_SHARES[: n + 1]) for n in range(len(CASE_TYPE_SHARES))]
        type_picks = rng.choices(range(len(_CASE_TYPES)), cum_weights=type_cum, k=count)
        width = len(_CASE_TYPES)
        members: dict[int, list[int]] = {}
        serials = array("I", bytes(4 * count))
        for i, (s, t) in enumerate(zip(slot_picks, type_picks, strict=True)):
            group = members.get(s * width + t)
            if group is None:
                group = members[s * width + t] = []
            group.append(i)
            serials[i] = len(group)
        groups = {g: array("I", m) for g, m in members.items()}
        return array("H", slot_picks), array("B", type_picks), serials, groups

    def _judge_name(self, court_code: str, number: int) -> str:
        rng = random.Random(f"{self.seed}:judge:{court_code}:{number}")
        return people.full_name(rng, people.random_sex(rng))


def _slots(reference: ReferenceData) -> Iterator[Slot]:
    """Every (court, year) window, in a fixed order, with the days it is open for adjudication."""
    st, pt = Instance.ST, Instance.PT
    last_st = CATALOGUE_END - timedelta(days=APPEAL_WAIT_DAYS[1])
    dissolved_end = REORGANISED_ON - timedelta(days=1 + APPEAL_WAIT_DAYS[1])
    dissolved_start = CATALOGUE_START - timedelta(days=APPEAL_WAIT_DAYS[0])
    former = {c.code for c in reference.former_provincial_courts}
    for court in reference.area_courts:
        yield from _yearly(court, Origin.AREA, st, REORGANISED_ON, last_st)
    for court in sorted({*reference.provincial_courts, *reference.former_provincial_courts}, key=lambda c: c.code):
        start = CATALOGUE_START if court.code in former else REORGANISED_ON
        end = court.valid_to or CATALOGUE_END
        yield from _yearly(court, Origin.APPEAL, pt, start, end)
    for court in reference.district_courts:
        yield from _yearly(court, Origin.DISSOLVED_DISTRICT, st, dissolved_start, dissolved_end)


def _yearly(court: Agency, origin: Origin, instance: Instance, start: date, end: date) -> Iterator[Slot]:
    for year in range(start.year, end.year + 1):
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        if first <= last:
            yield Slot(court, year, origin, instance, first, (last - first).days + 1)


def _working_day(day: date, first: date, days: int) -> date:
    """Move a weekend day back to Friday (forward to Monday at the window's start) — courts sit on weekdays."""
    moved = day
    while moved.weekday() >= 5:
        moved -= timedelta(days=1)
    if moved >= first:
        return moved
    moved = first
    while moved.weekday() >= 5 and (moved - first).days + 1 < days:
        moved += timedelta(days=1)
    return moved


# -- parties and obligations ---------------------------------------------------------------

_SUMMARIES: Mapping[CaseType, tuple[str, ...]] = MappingProxyType(
    {
        CaseType.DS: (
            "Tranh chấp hợp đồng vay tài sản",
            "Tranh chấp hợp đồng mua bán tài sản",
            "Tranh chấp quyền sử dụng đất",
            "Tranh chấp hợp đồng đặt cọc",
            "Đòi tài sản",
            "Yêu cầu bồi thường thiệt hại ngoài hợp đồng",
            "Tranh chấp hợp đồng chuyển nhượng quyền sử dụng đất",
        ),
        CaseType.HNGD: (
            "Ly hôn, tranh chấp nuôi con và chia tài sản chung khi ly hôn",
            "Tranh chấp chia tài sản chung sau khi ly hôn",
            "Ly hôn và tranh chấp cấp dưỡng nuôi con",
        ),
        CaseType.KDTM: (
            "Tranh chấp hợp đồng tín dụng",
            "Tranh chấp hợp đồng mua bán hàng hóa",
            "Tranh chấp hợp đồng cung ứng dịch vụ",
            "Tranh chấp hợp đồng thuê tài sản",
            "Tranh chấp hợp đồng thi công xây dựng",
        ),
        CaseType.LD: (
            "Tranh chấp về đơn phương chấm dứt hợp đồng lao động",
            "Tranh chấp về tiền lương",
            "Tranh chấp về bảo hiểm xã hội",
        ),
        CaseType.HC: (
            "Khiếu kiện quyết định hành chính trong lĩnh vực quản lý đất đai",
            "Khiếu kiện quyết định thu hồi đất, bồi thường, hỗ trợ, tái định cư",
            "Khiếu kiện quyết định xử phạt vi phạm hành chính",
        ),
        CaseType.HS: (
            "Lừa đảo chiếm đoạt tài sản (Điều 174 Bộ luật Hình sự)",
            "Trộm cắp tài sản (Điều 173 Bộ luật Hình sự)",
            "Lạm dụng tín nhiệm chiếm đoạt tài sản (Điều 175 Bộ luật Hình sự)",
            "Cố ý gây thương tích (Điều 134 Bộ luật Hình sự)",
            "Tổ chức đánh bạc (Điều 322 Bộ luật Hình sự)",
            "Vi phạm quy định về tham gia giao thông đường bộ (Điều 260 Bộ luật Hình sự)",
            "Tàng trữ trái phép chất ma túy (Điều 249 Bộ luật Hình sự)",
        ),
    }
)

# (share of organisations among creditors, share among debtors, chance of a second creditor,
#  chance of a second debtor, chance of a related party)
_PARTY_SHAPE: Mapping[CaseType, tuple[float, float, float, float, float]] = MappingProxyType(
    {
        CaseType.DS: (0.15, 0.10, 0.20, 0.20, 0.20),
        CaseType.HNGD: (0.0, 0.0, 0.0, 0.0, 0.10),
        CaseType.KDTM: (0.85, 0.75, 0.10, 0.30, 0.25),
        CaseType.LD: (0.0, 0.95, 0.25, 0.0, 0.05),
        CaseType.HC: (0.0, 1.0, 0.10, 0.0, 0.15),
        CaseType.HS: (0.15, 0.0, 0.20, 0.30, 0.15),
    }
)
# (chance of a payment to each creditor, smallest, largest amount)
_PAYMENTS: Mapping[CaseType, tuple[float, int, int]] = MappingProxyType(
    {
        CaseType.DS: (0.90, 5_000_000, 2_000_000_000),
        CaseType.HNGD: (0.65, 5_000_000, 3_000_000_000),
        CaseType.KDTM: (0.95, 50_000_000, 5_000_000_000),
        CaseType.LD: (0.90, 5_000_000, 500_000_000),
        CaseType.HC: (0.0, 0, 0),
        CaseType.HS: (0.80, 5_000_000, 1_000_000_000),
    }
)
_PAYMENT_TEXTS: Mapping[CaseType, tuple[str, ...]] = MappingProxyType(
    {
        CaseType.DS: (
            "Trả nợ gốc và lãi",
            "Bồi thường thiệt hại",
            "Hoàn trả tiền đặt cọc",
            "Thanh toán tiền mua bán tài sản",
        ),
        CaseType.HNGD: ("Thanh toán giá trị tài sản chung được chia", "Cấp dưỡng nuôi con một lần"),
        CaseType.KDTM: ("Thanh toán nợ gốc và lãi theo hợp đồng tín dụng", "Thanh toán tiền hàng còn nợ"),
        CaseType.LD: ("Trả tiền lương và trợ cấp thôi việc", "Bồi thường do đơn phương chấm dứt hợp đồng lao động"),
        CaseType.HC: ("Bồi thường thiệt hại",),
        CaseType.HS: ("Bồi thường thiệt hại cho bị hại", "Trả lại số tiền đã chiếm đoạt"),
    }
)
_FEE_TEXTS: Mapping[CaseType, str] = MappingProxyType(
    {
        CaseType.DS: "Án phí dân sự",
        CaseType.HNGD: "Án phí dân sự",
        CaseType.KDTM: "Án phí kinh doanh, thương mại",
        CaseType.LD: "Án phí lao động",
        CaseType.HC: "Án phí hành chính",
        CaseType.HS: "Án phí hình sự",
    }
)
_ASSETS = (
    "Trả lại quyền sử dụng thửa đất số {n}, tờ bản đồ số {m}, diện tích {a} m²",
    "Trả lại 01 xe ô tô biển kiểm soát {p}",
    "Trả lại 01 xe mô tô biển kiểm soát {p}",
)
_LOCAL_BODIES = tuple(f"phường {w}" for w in people.WARDS[:8]) + tuple(f"xã {c}" for c in people.COMMUNES[:6])
_CONFISCATED_ITEMS = ("01 điện thoại di động", "01 xe mô tô", "số tiền thu lợi bất chính")


def _party(
    rng: random.Random,
    role: PartyRole,
    kind: str,
    label: str,
    formers: tuple[str, ...],
    sex: Sex | None = None,
) -> Party:
    """One party; ``kind`` is "person", "company", "bank" or "public body"."""
    address = people.address(rng, label)
    if kind == "person":
        who = people.person(rng, people.pick(rng, formers), born_between=(1950, 2005), sex=sex)
        return Party(who.name, role, PartyKind.INDIVIDUAL, address, citizen_id=who.citizen_id)
    if kind == "bank":
        name = people.bank_name(rng)
    elif kind == "public body":
        name = f"Ủy ban nhân dân {people.pick(rng, _LOCAL_BODIES)}"
    else:
        name = people.company_name(rng)
    return Party(name, role, PartyKind.ORGANISATION, address, tax_code=people.tax_code(rng))


def _parties(rng: random.Random, case_type: CaseType, label: str, formers: tuple[str, ...]) -> tuple[Party, ...]:
    org_creditor, org_debtor, two_creditors, two_debtors, related = _PARTY_SHAPE[case_type]
    if case_type is CaseType.HNGD:  # former spouses
        sex = people.random_sex(rng)
        other = Sex.FEMALE if sex is Sex.MALE else Sex.MALE
        out = [
            _party(rng, PartyRole.CREDITOR, "person", label, formers, sex),
            _party(rng, PartyRole.DEBTOR, "person", label, formers, other),
        ]
    else:
        out = []
        for _ in range(2 if rng.random() < two_creditors else 1):
            kind = "person"
            if rng.random() < org_creditor:
                kind = "bank" if case_type is CaseType.KDTM and rng.random() < 0.55 else "company"
            out.append(_party(rng, PartyRole.CREDITOR, kind, label, formers))
        for n in range(2 if rng.random() < two_debtors else 1):
            kind = "person"
            if n == 0 and rng.random() < org_debtor:
                kind = "public body" if case_type is CaseType.HC else "company"
            out.append(_party(rng, PartyRole.DEBTOR, kind, label, formers))
    if rng.random() < related:
        out.append(_party(rng, PartyRole.RELATED, "person", label, formers))
    return tuple(out)


def _amount(rng: random.Random, low: int, high: int) -> int:
    """Log-uniform between ``low`` and ``high``, rounded like amounts in judgments are (multiples of 1.000)."""
    raw = math.exp(rng.uniform(math.log(low), math.log(high)))
    unit = 1_000_000 if raw >= 50_000_000 else 100_000 if rng.random() < 0.6 else 1_000
    return max(low, min(high, round(raw / unit) * unit))


def court_fee(claim: int) -> int:
    """Court fee on a monetary claim, by the brackets of Resolution 326/2016/UBTVQH14 (sample data).

    Kept within 300.000–50.000.000 đồng, the range the reference data promises.
    """
    if claim <= 6_000_000:
        fee = 300_000
    elif claim <= 400_000_000:
        fee = claim * 5 // 100
    elif claim <= 800_000_000:
        fee = 20_000_000 + (claim - 400_000_000) * 4 // 100
    elif claim <= 2_000_000_000:
        fee = 36_000_000 + (claim - 800_000_000) * 3 // 100
    elif claim <= 4_000_000_000:
        fee = 72_000_000 + (claim - 2_000_000_000) * 2 // 100
    else:
        fee = 112_000_000 + (claim - 4_000_000_000) // 1_000
    return max(300_000, min(50_000_000, round(fee / 1_000) * 1_000))


def _obligations(
    rng: random.Random, case_type: CaseType, instance: Instance, parties: tuple[Party, ...]
) -> tuple[Obligation, ...]:
    creditors = [p for p in parties if p.role is PartyRole.CREDITOR]
    chance, low, high = _PAYMENTS[case_type]
    items: list[Obligation] = []
    for creditor in creditors:
        if rng.random() < chance:
            text = people.pick(rng, _PAYMENT_TEXTS[case_type])
            items.append(
                Obligation(ObligationKind.PAYMENT, text, False, _amount(rng, low, high), beneficiary=creditor.name)
            )
    if case_type in (CaseType.DS, CaseType.HNGD) and rng.random() < 0.10:
        asset = people.pick(rng, _ASSETS).format(
            n=people.between(rng, 10, 999),
            m=people.between(rng, 1, 60),
            a=people.between(rng, 40, 900),
            p=f"{people.between(rng, 11, 99)}A-{people.between(rng, 100, 999)}.{people.between(rng, 10, 99)}",
        )
        items.append(Obligation(ObligationKind.RETURN_OF_ASSETS, asset, False, None, beneficiary=creditors[0].name))
    if case_type is CaseType.HS:
        if rng.random() < 0.45:
            text = people.pick(rng, ("Hình phạt tiền", "Phạt tiền bổ sung"))
            items.append(Obligation(ObligationKind.FINE, text, True, _amount(rng, 5_000_000, 200_000_000)))
        if rng.random() < 0.30:
            item = people.pick(rng, _CONFISCATED_ITEMS)
            amount = _amount(rng, 5_000_000, 500_000_000) if item.startswith("số tiền") else None
            items.append(Obligation(ObligationKind.CONFISCATION, f"Tịch thu sung quỹ Nhà nước {item}", True, amount))
    claim = sum(o.amount or 0 for o in items if o.kind is ObligationKind.PAYMENT)
    fee = court_fee(claim)
    stage = "sơ thẩm"
    if instance is Instance.PT:
        fee = min(50_000_000, fee + 300_000)
        stage = "sơ thẩm và phúc thẩm"
    fee_text = f"{_FEE_TEXTS[case_type]} {stage}"
    return (Obligation(ObligationKind.COURT_FEE, fee_text, True, fee), *items)


def _document_text(
    key: JudgmentKey,
    court_name: str,
    adjudicated: date,
    judge: str,
    summary: str,
    parties: tuple[Party, ...],
    obligations: tuple[Obligation, ...],
) -> str:
    """The stand-in for the judgment's signed document: its SHA-256 is what the court publishes."""
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        court_name.upper(),
        f"Bản án số: {key.number}",
        f"Ngày: {adjudicated.isoformat()}",
        f"V/v: {summary}",
        f"Thẩm phán - Chủ tọa phiên tòa: {judge}",
        *(f"{p.role.value}: {p.name}, {p.citizen_id or p.tax_code}, {p.address}" for p in parties),
        *(f"{o.kind.value}: {o.description}, {o.amount}, {o.beneficiary}" for o in obligations),
    ]
    return "\n".join(lines)
