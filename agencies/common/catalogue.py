"""Which judgments exist, and what each one says, derived from (seed, count, organisation).

The catalogue is the shared ground truth of the reference services: the court
serves its judgments, the enforcement agency opens cases for them, the
procuracy supervises them. It must scale to a million judgments without
holding a million records, so it keeps only a few bytes per judgment (which
court and year it falls in, its case type and its serial number) and renders
the full record on demand from ``random.Random(f"{seed}:{index}")`` (what a
record says is drawn in :mod:`agencies.common.judgment_content`).

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
import random
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from agencies.common import judgment_content, people
from agencies.common.reference import ReferenceData
from domain.jurisdiction import Route, route_judgment
from domain.organisation import REORGANISED_ON
from domain.types import (
    Agency,
    CaseType,
    CourtJudgment,
    Instance,
    JudgmentKey,
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
        summary = judgment_content.summary(rng, case_type)
        parties = judgment_content.parties(rng, case_type, label, formers)
        obligations = judgment_content.obligations(rng, case_type, slot.instance, parties)
        document = judgment_content.document_text(
            key, slot.court.name, adjudicated, judge, summary, parties, obligations
        )
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
