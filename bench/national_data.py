"""A national ledger in bulk: judgments, their transfers and coordination requests for the national-report bench.

The rows are what the hub itself would have written over two statistical years
for the 34 provinces (``Generator``), made in Python from one seed and loaded
with PostgreSQL ``COPY`` (``load``): the registry (``judgments``), one transfer
per submitted judgment with the court's key (``court_keys``), the receipt
register counters, and coordination requests of every kind and status with
their audience. Shares follow DOMAIN.md and the ledger's lifecycles:

- about 3 % of judgments are only in the registry (synced, never submitted);
- transfers: ~8 % reach the hub after the 30-day ``court_transfer`` deadline; ~0.3 %
  are interim measures (same day); ~85 % carry an ex-officio obligation (the court
  fee), so their decision deadline (5 working days) is tracked, ~10 % of those late;
- ~0.8 % returned (UNCLEAR or MISSING_DOCUMENT) and still waiting, ~0.4 % UNCLEAR
  and explained by the court (national statistics speak of a few thousand judgments
  a year the courts must explain), ~0.8 % rerouted (WRONG_AGENCY); the rest
  acknowledged (register number gapless per office and statistical year) and mostly
  decided. Interim and explained transfers are the ones whose decision deadline the
  report evaluates row by row in Python, so their share matters to its speed;
- requests: every kind and every status, ~12 % of answers after their due moment,
  open ones past their due moment flagged overdue.

Judgments effective before 1 July 2025 come from the dissolved district and
provincial courts, routed to their successors as ``domain.jurisdiction`` does.
Transfer and request events, outbox rows and audit entries are not generated:
no report reads them, and they would triple the load time.

Plain secondary indexes are dropped while loading and rebuilt afterwards from
their own definitions (``pg_indexes``), so the schema ends exactly as migrated.
Primary keys and unique constraints stay in force during the load; foreign keys
are not checked row by row (``session_replication_role = replica``) but every one
of them is checked afterwards with one anti-join each (:func:`foreign_key_violations`),
and the load fails if a single row points nowhere. ``VACUUM ANALYZE`` at the end
gives the state autovacuum reaches on a live hub (statistics, visibility map).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, Final

import asyncpg
import orjson

from agencies.common import people
from domain.jurisdiction import Route, route_judgment
from domain.organisation import DISSOLVED_ON
from domain.registers import statistical_year
from domain.text import fold
from domain.types import Agency, AgencyKind, AgencyLevel, Sex

FIRST_DAY: Final = date(2024, 10, 1)  # statistical years 2025 and 2026
LAST_DAY: Final = date(2026, 9, 30)
NOW: Final = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # "now" for the generated world: nothing after it
LOCAL: Final = timedelta(hours=7)  # Việt Nam time; office hours 07:30–17:00 local = 00:30–10:00 UTC
HUB_KEY_ID: Final = "b3f1c0de5e1ec7ab1e5ca1ab1ed0c0de"

CASE_TYPES: Final = (("DS", 35), ("HS", 30), ("HNGĐ", 15), ("KDTM", 10), ("HC", 6), ("LĐ", 4))
OBLIGATION_KINDS: Final = ("payment", "fine", "confiscation", "return_of_assets", "other")
REQUEST_KINDS: Final = (
    ("periodic_report", 30),
    ("explanation", 20),
    ("enforcement_support", 17),
    ("procuracy_request", 15),
    ("procuracy_recommendation", 15),
    ("procuracy_protest", 3),
)
REQUEST_STATUSES: Final = (
    ("closed", 35),
    ("answered", 25),
    ("open", 13),
    ("received", 10),
    ("in_progress", 8),
    ("declined", 5),
    ("withdrawn", 4),
)
REQUEST_DUE_DAYS: Final = {  # calendar days near enough to each kind's rule for sample data
    "periodic_report": 5,
    "explanation": 15,
    "enforcement_support": 7,
    "procuracy_request": 15,
    "procuracy_recommendation": 15,
    "procuracy_protest": 15,
}

JUDGMENT_COLUMNS: Final = (
    "id",
    "court_code",
    "number",
    "case_type",
    "instance",
    "adjudicated_on",
    "effective_on",
    "current_court_code",
    "enforcement_agency_code",
    "enforcement_office_code",
    "procuracy_code",
    "province_code",
    "party_search",
    "document_sha256",
    "registered_at",
    "status",
)
TRANSFER_COLUMNS: Final = (
    "id",
    "idempotency_key",
    "judgment_id",
    "court_code",
    "enforcement_agency_code",
    "enforcement_office_code",
    "procuracy_code",
    "register_office_code",
    "status",
    "effective_on",
    "content_sha256",
    "document_sha256",
    "key_id",
    "signature",
    "submission",
    "received_at",
    "receipt",
    "receipt_signature",
    "acknowledged_at",
    "register_year",
    "register_number",
    "decision_number",
    "decision_date",
    "decision_kind",
    "officer",
    "decided_at",
    "returned_at",
    "return_reason",
    "return_note",
    "explained_at",
    "updated_at",
    "interim_measure",  # migration 0005
    "has_ex_officio",
)
KEY_COLUMNS: Final = ("key_id", "court_code", "public_key", "added_at", "revoked_at")
COUNTER_COLUMNS: Final = ("office_code", "statistical_year", "last_number")
REQUEST_COLUMNS: Final = (
    "id",
    "kind",
    "sender_code",
    "addressee_code",
    "agreement_id",
    "judgment_id",
    "transfer_id",
    "subject",
    "body",
    "details",
    "status",
    "opened_by",
    "opened_at",
    "due_at",
    "received_at",
    "answered_at",
    "closed_at",
    "answer",
    "overdue_raised_at",
    "reminded_at",
    "updated_at",
)
AUDIENCE_COLUMNS: Final = ("request_id", "agency_code", "role")
LOADED_TABLES: Final = (
    "judgments",
    "court_keys",
    "transfers",
    "register_counters",
    "coordination_requests",
    "coordination_audience",
)


def _cumulative(weighted: Sequence[tuple[Any, float]]) -> tuple[tuple[Any, ...], tuple[float, ...]]:
    total = sum(w for _, w in weighted)
    return tuple(v for v, _ in weighted), tuple(c / total for c in accumulate(w for _, w in weighted))


@dataclass(frozen=True, slots=True)
class CourtChoice:
    """A court that issues judgments, with where they go (its route, successors followed)."""

    code: str
    route: Route
    province: str
    appeal: bool  # a provincial court: also appeals (PT)


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    weight: float
    before: tuple[CourtChoice, ...]  # courts issuing judgments before the reorganisation
    after: tuple[CourtChoice, ...]
    offices: tuple[str, ...]  # area enforcement offices
    procuracies: tuple[str, ...]  # area procuracies, same order as offices


@dataclass
class Counts:
    judgments: int = 0
    transfers: int = 0
    court_keys: int = 0
    register_counters: int = 0
    coordination_requests: int = 0
    coordination_audience: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    late_transfers: int = 0
    late_decisions: int = 0

    @property
    def rows(self) -> int:
        return (
            self.judgments
            + self.transfers
            + self.court_keys
            + self.register_counters
            + self.coordination_requests
            + self.coordination_audience
        )


def _courts(agencies: dict[str, Agency], codes: Sequence[str]) -> tuple[CourtChoice, ...]:
    out = []
    for code in codes:
        agency = agencies[code]
        route = route_judgment(code, agencies)
        out.append(
            CourtChoice(
                code,
                route,
                route.enforcement_agency_code.split(".", 1)[1],
                agency.level is not AgencyLevel.DISTRICT and agency.level is not AgencyLevel.AREA,
            )
        )
    return tuple(out)


def build_provinces(agencies: Sequence[Agency]) -> tuple[Province, ...]:
    """The 34 provinces with their courts before and after 1 July 2025, weighted by their number of areas."""
    by_code = {a.code: a for a in agencies}
    out = []
    provinces = sorted(
        a.province_code
        for a in agencies
        if a.kind is AgencyKind.ENFORCEMENT
        and a.level is AgencyLevel.PROVINCIAL
        and a.valid_to is None
        and a.province_code
    )
    for p in provinces:
        mine = [a for a in agencies if a.province_code == p and a.kind is AgencyKind.COURT]
        areas = sorted(a.code for a in mine if a.level is AgencyLevel.AREA)
        districts = sorted(a.code for a in mine if a.level is AgencyLevel.DISTRICT)
        old_provincial = sorted(a.code for a in mine if a.level is AgencyLevel.PROVINCIAL and a.valid_to is not None)
        if f"enforcement.old.{p}" in by_code:  # the province kept its code: its court existed before too
            old_provincial.append(f"court.{p}")
        offices = tuple(f"enforcement.{p}.kv{n:02d}" for n in range(1, len(areas) + 1))
        out.append(
            Province(
                code=p,
                weight=float(len(areas)),
                before=_courts(by_code, districts + old_provincial),
                after=_courts(by_code, [*areas, f"court.{p}"]),
                offices=offices,
                procuracies=tuple(o.replace("enforcement.", "procuracy.") for o in offices),
            )
        )
    return tuple(out)


def _names(rng: random.Random, n: int) -> tuple[tuple[str, str, str], ...]:
    """A pool of parties: (name, folded name, kind); a quarter are companies."""
    pool = []
    for _ in range(n):
        if rng.random() < 0.25:
            name = people.company_name(rng)
            pool.append((name, fold(name), "organisation"))
        else:
            name = people.full_name(rng, rng.choice((Sex.MALE, Sex.FEMALE)))
            pool.append((name, fold(name), "individual"))
    return tuple(pool)


def _hex(rng: random.Random, bits: int) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")).decode("ascii")


def _office_time(rng: random.Random, day: date) -> datetime:
    """A moment during office hours of local ``day`` (07:30–17:00 local, in UTC)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=1800 + rng.randrange(34_200))


def _working_after(day: date, n: int) -> date:
    """Roughly ``n`` working days after ``day`` (weekends skipped, holidays ignored: sample data)."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


class Generator:
    """Rows of the national ledger, deterministically from ``seed``, in the order they would have been written."""

    def __init__(self, agencies: Sequence[Agency], *, judgments: int, requests: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.judgments = judgments
        self.requests = requests
        self.provinces = build_provinces(agencies)
        self._province_values, self._province_cum = _cumulative([(p, p.weight) for p in self.provinces])
        self._case_values, self._case_cum = _cumulative(CASE_TYPES)
        self.parties = _names(self.rng, 4000)
        self.officers = tuple(people.full_name(self.rng, self.rng.choice((Sex.MALE, Sex.FEMALE))) for _ in range(600))
        self.days = tuple(FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1))
        court_codes = sorted({c.code for p in self.provinces for c in (*p.before, *p.after)})
        self.keys: dict[str, tuple[str, str]] = {}
        for code in court_codes:
            public = self.rng.getrandbits(256).to_bytes(32, "big")
            self.keys[code] = (hashlib.sha256(public).hexdigest()[:32], base64.b64encode(public).decode("ascii"))
        self.valid_to = {a.code: a.valid_to for a in agencies}
        self.serials: dict[tuple[str, int], int] = {}
        self.register: dict[tuple[str, int], int] = {}
        self.counts = Counts()
        # Samples the requests refer to: UNCLEAR returns (explanations), decided judgments (support, protests).
        self.unclear: list[tuple[str, str, str, str, datetime | None, datetime | None]] = []
        self.decided: list[tuple[str, str, str, str, str | None, datetime | None]] = []

    # --------------------------------------------------------------------------- court keys

    def court_keys(self) -> list[tuple[Any, ...]]:
        added = datetime(2024, 9, 1, 2, 0, tzinfo=UTC)
        rows = []
        for code, (key_id, public) in sorted(self.keys.items()):
            gone = self.valid_to.get(code)
            revoked = datetime(gone.year, gone.month, gone.day, 16, 59, 59, tzinfo=UTC) if gone else None
            rows.append((key_id, code, public, added, revoked))
        self.counts.court_keys = len(rows)
        return rows

    # --------------------------------------------------------------------------- judgments and transfers

    def judgment_batches(self, batch: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        """(judgment rows, transfer rows) about ``batch`` judgments at a time, day after day."""
        per_day = self.judgments / len(self.days)
        weekday_factor = (1.15, 1.15, 1.15, 1.15, 1.1, 0.4, 0.25)
        norm = sum(weekday_factor) / 7
        made, carry = 0, 0.0
        judgments: list[tuple[Any, ...]] = []
        transfers: list[tuple[Any, ...]] = []
        for index, day in enumerate(self.days):
            if index == len(self.days) - 1:
                today = self.judgments - made
            else:
                carry += per_day * weekday_factor[day.weekday()] / norm
                today = min(int(carry), self.judgments - made)
                carry -= today
            for _ in range(today):
                self._one(day, judgments, transfers)
            made += today
            if len(judgments) >= batch:
                yield judgments, transfers
                judgments, transfers = [], []
        if judgments:
            yield judgments, transfers

    def _one(self, day: date, judgments: list[tuple[Any, ...]], transfers: list[tuple[Any, ...]]) -> None:
        rng = self.rng
        rnd = rng.random
        province = self._province_values[bisect_right(self._province_cum, rnd())]
        courts = province.before if day <= DISSOLVED_ON else province.after
        court = courts[int(rnd() * len(courts))]
        case_type = self._case_values[bisect_right(self._case_cum, rnd())]
        instance = "PT" if court.appeal and rnd() < 0.35 else "ST"
        adjudicated = day - timedelta(days=0 if instance == "PT" else 15 + int(rnd() * 30))
        serial_key = (court.code, adjudicated.year)
        serial = self.serials.get(serial_key, 0) + 1
        self.serials[serial_key] = serial
        number = f"{serial}/{adjudicated.year}/{case_type}-{instance}"
        judgment_id = f"{court.code}:{number}"
        route = court.route
        office = route.enforcement_office_code
        parties = [self.parties[int(rnd() * 4000)] for _ in range(2 if rnd() < 0.8 else 3)]
        party_search = " | ".join(p[1] for p in parties)
        document = _hex(rng, 256)
        interim = rnd() < 0.003
        ex_officio = interim or rnd() < 0.85

        if rnd() < 0.03:  # in the registry only: synced from the court's system, sent on paper
            registered = _office_time(rng, day + timedelta(days=1 + int(rnd() * 20)))
            judgments.append(
                (judgment_id, court.code, number, case_type, instance, adjudicated, day, route.court_code,
                 route.enforcement_agency_code, office, route.procuracy_code, province.code, party_search, document,
                 min(registered, NOW), "registered")
            )  # fmt: skip
            self.counts.judgments += 1
            return

        late = rnd() < 0.08
        if interim:
            delay, late = (1, True) if late else (0, False)
        else:
            delay = 31 + int(rnd() * 45) if late else 1 + int(rnd() * 28)
        received = min(_office_time(rng, day + timedelta(days=delay)), NOW)
        received_day = received.date()
        amount = 1_000_000 * (1 + int(rnd() * 2000))
        obligations = [
            {
                "amount": amount,
                "beneficiary": parties[0][0],
                "description": "Trả tiền theo bản án",
                "exOfficio": False,
                "kind": OBLIGATION_KINDS[int(rnd() * 5)],
            }
        ]
        if ex_officio:
            obligations.append(
                {
                    "amount": 300_000 + int(rnd() * 20) * 100_000,
                    "beneficiary": None,
                    "description": "Án phí dân sự sơ thẩm",
                    "exOfficio": True,
                    "kind": "court_fee",
                }
            )
        submission = orjson.dumps(
            {
                "adjudicatedOn": adjudicated.isoformat(),
                "caseType": case_type,
                "court": court.code,
                "document": {"name": f"{number.replace('/', '-')}.pdf", "sha256": document},
                "effectiveOn": day.isoformat(),
                "instance": instance,
                "interimMeasure": interim,
                "number": number,
                "obligations": obligations,
                "parties": [
                    {
                        "address": None,
                        "citizenId": None,
                        "kind": kind,
                        "name": name,
                        "role": "creditor" if n == 0 else "debtor" if n == 1 else "related",
                        "taxCode": None,
                    }
                    for n, (name, _, kind) in enumerate(parties)
                ],
                "summary": f"Bản án {case_type} số {number}",
            }
        ).decode()
        content = hashlib.sha256(submission.encode()).hexdigest()
        transfer_id = _uuid(rng)
        receipt = orjson.dumps(
            {
                "contentSha256": content,
                "documentSha256": document,
                "enforcementAgency": route.enforcement_agency_code,
                "enforcementOffice": office,
                "form": "digital",
                "hubKeyId": HUB_KEY_ID,
                "judgment": {"court": court.code, "number": number},
                "procuracy": route.procuracy_code,
                "receivedAt": received.isoformat(),
                "transferId": transfer_id,
                "type": "lienthong.submission-receipt.v1",
            }
        ).decode()

        acknowledged = register_year = register_number = None
        decision_number = decision_date = decision_kind = officer = decided = None
        returned = return_reason = return_note = explained = None
        status = "SUBMITTED"
        last = received
        fate = rnd()
        recent = (NOW - received).days < 45
        if fate < 0.008:  # returned, still waiting for the court
            returned = min(_office_time(rng, _working_after(received_day, 1 + int(rnd() * 4))), NOW)
            return_reason = "UNCLEAR" if rnd() < 0.4 else "MISSING_DOCUMENT"
            return_note = "Bản án chưa rõ phần nghĩa vụ" if return_reason == "UNCLEAR" else "Thiếu bản án có chữ ký"
            status, last = "RETURNED", returned
        elif fate < 0.97 - (0.25 if recent else 0.0):
            if fate < 0.012:  # UNCLEAR, explained by the court, back with the agency
                returned = _office_time(rng, _working_after(received_day, 1 + int(rnd() * 3)))
                return_reason, return_note = "UNCLEAR", "Bản án chưa rõ phần nghĩa vụ"
                explained = _office_time(rng, returned.date() + timedelta(days=5 + int(rnd() * 10)))
                if explained > NOW:  # not explained yet: still returned
                    returned, explained = min(returned, NOW), None
                    status, last = "RETURNED", returned
            elif fate < 0.02:  # WRONG_AGENCY: rerouted here before acknowledgement
                returned = min(_office_time(rng, _working_after(received_day, 1)), NOW)
                return_reason, return_note = "WRONG_AGENCY", "Không thuộc thẩm quyền, chuyển đúng cơ quan"
            if status == "SUBMITTED":
                start = explained or returned or received
                last = start
                acknowledged = _office_time(rng, _working_after(start.date(), int(rnd() * 3)))
                if acknowledged <= start:
                    acknowledged = start + timedelta(minutes=5)
                if acknowledged > NOW:
                    acknowledged = None
            if acknowledged is not None:
                register_year = statistical_year(acknowledged.date())
                office_key = (office or route.enforcement_agency_code, register_year)
                register_number = self.register.get(office_key, 0) + 1
                self.register[office_key] = register_number
                status, last = "ACKNOWLEDGED", acknowledged
                if rnd() < (0.55 if recent else 0.92):
                    base = (explained or acknowledged).date()
                    late_decision = ex_officio and rnd() < 0.10
                    decision_day = _working_after(base, 6 + int(rnd() * 15) if late_decision else int(rnd() * 5))
                    decided = _office_time(rng, decision_day)
                    if decided <= acknowledged:
                        decided = acknowledged + timedelta(minutes=30)
                    if decided <= NOW:
                        self.counts.late_decisions += late_decision
                        decision_date = decided.date()
                        decision_number = f"{register_number}/QĐ-THADS"
                        decision_kind = "ex_officio" if ex_officio else "on_request"
                        officer = self.officers[int(rnd() * len(self.officers))]
                        status, last = "DECIDED", decided
                    else:
                        decided = None
        if late:
            self.counts.late_transfers += 1
        judgments.append(
            (judgment_id, court.code, number, case_type, instance, adjudicated, day, route.court_code,
             route.enforcement_agency_code, office, route.procuracy_code, province.code, party_search, document,
             received, status.lower())
        )  # fmt: skip
        transfers.append(
            (transfer_id, judgment_id, judgment_id, court.code, route.enforcement_agency_code, office,
             route.procuracy_code, office or route.enforcement_agency_code, status, day, content, document,
             self.keys[court.code][0], _b64(rng, 64), submission, received, receipt, _b64(rng, 64), acknowledged,
             register_year, register_number, decision_number, decision_date, decision_kind, officer, decided,
             returned, return_reason, return_note, explained, last, interim, ex_officio)
        )  # fmt: skip
        self.counts.judgments += 1
        self.counts.transfers += 1
        self.counts.by_status[status] = self.counts.by_status.get(status, 0) + 1
        if return_reason == "UNCLEAR":
            self.unclear.append(
                (
                    transfer_id,
                    judgment_id,
                    route.court_code,
                    office or route.enforcement_agency_code,
                    returned,
                    explained,
                )
            )
        elif status == "DECIDED" and rnd() < 0.05:
            self.decided.append(
                (transfer_id, judgment_id, province.code, route.enforcement_agency_code, office, decided)
            )

    def register_counters(self) -> list[tuple[Any, ...]]:
        rows = [(office, year, last) for (office, year), last in sorted(self.register.items())]
        self.counts.register_counters = len(rows)
        return rows

    # --------------------------------------------------------------------------- coordination

    def coordination(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Requests of every kind and status over the two years, and who sees each (sender, addressee, observers)."""
        rng = self.rng
        rnd = rng.random
        kinds, kind_cum = _cumulative(REQUEST_KINDS)
        statuses, status_cum = _cumulative(REQUEST_STATUSES)
        requests: list[tuple[Any, ...]] = []
        audience: list[tuple[Any, ...]] = []
        explanations = rng.sample(self.unclear, min(len(self.unclear), self.requests))
        used_explanations = 0
        for _ in range(self.requests):
            kind = kinds[bisect_right(kind_cum, rnd())]
            if kind == "explanation" and used_explanations >= len(explanations):
                kind = "periodic_report"
            province = self._province_values[bisect_right(self._province_cum, rnd())]
            area = int(rnd() * len(province.offices))
            office, procuracy = province.offices[area], province.procuracies[area]
            opened = _office_time(rng, self.days[int(rnd() * len(self.days))])
            judgment_id = transfer_id = None
            details: dict[str, Any] = {}
            observers: tuple[str, ...] = ()
            explained: datetime | None = None
            if kind == "explanation":
                transfer_id, judgment_id, court, sender, returned, explained = explanations[used_explanations]
                used_explanations += 1
                addressee, opened = court, (returned or opened) + timedelta(minutes=10)
                subject = f"Yêu cầu giải thích bản án {judgment_id.split(':', 1)[1]}"
            elif kind == "enforcement_support":
                if self.decided:
                    transfer_id, judgment_id, p, _, o, decided = self.decided[int(rnd() * len(self.decided))]
                    province = next(x for x in self.provinces if x.code == p)
                    office = o or f"enforcement.{p}"
                    opened = (decided or opened) + timedelta(days=10 + int(rnd() * 60))
                sender, addressee = office, f"police.{province.code}"
                details = {"plannedOn": (opened + timedelta(days=20)).date().isoformat(), "place": "Trụ sở UBND xã"}
                observers = (f"committee.{province.code}",)
                subject = "Đề nghị hỗ trợ cưỡng chế thi hành án"
            elif kind == "periodic_report":
                sender = office
                addressee = f"enforcement.{province.code}" if rnd() < 0.7 else f"committee.{province.code}"
                month_start = opened.date().replace(day=1)
                details = {"periodFrom": (month_start - timedelta(days=1)).replace(day=1).isoformat(),
                           "periodTo": (month_start - timedelta(days=1)).isoformat()}  # fmt: skip
                subject = "Báo cáo thống kê thi hành án dân sự tháng"
            else:
                provincial = rnd() < 0.3
                sender = f"procuracy.{province.code}" if provincial else procuracy
                addressee = f"enforcement.{province.code}" if provincial else office
                if kind == "procuracy_protest" and self.decided:
                    transfer_id, judgment_id, *_ = self.decided[int(rnd() * len(self.decided))]
                if rnd() < 0.3:
                    details = {"replyBy": (opened + timedelta(days=20)).date().isoformat()}
                subject = {
                    "procuracy_request": "Yêu cầu tự kiểm tra việc thi hành án",
                    "procuracy_recommendation": "Kiến nghị khắc phục vi phạm",
                    "procuracy_protest": "Kháng nghị quyết định thi hành án",
                }[kind]
            opened = min(opened, NOW - timedelta(days=1))
            due_day = opened.date() + timedelta(days=REQUEST_DUE_DAYS[kind])
            due = datetime(due_day.year, due_day.month, due_day.day, 16, 59, 59, tzinfo=UTC)
            status = statuses[bisect_right(status_cum, rnd())]
            if kind == "explanation":  # its status follows the transfer: answered once the court explained
                waiting = ("open", "received", "in_progress")
                status = ("closed" if rnd() < 0.8 else "answered") if explained else waiting[int(rnd() * 3)]
            received = answered = closed = answer = overdue = reminded = None
            last = opened
            if status != "open":
                received = opened + timedelta(hours=1 + int(rnd() * 48))
                last = received
            if status in ("answered", "closed"):
                late = rnd() < 0.12
                answered = (due + timedelta(days=1 + int(rnd() * 20))) if late else (
                    opened + (due - opened) * (0.2 + 0.75 * rnd()))  # fmt: skip
                answered = max(min(explained or answered, NOW), received or opened)
                answer, last = "Đã thực hiện, báo cáo kết quả kèm theo", answered
                if status == "closed":
                    closed = min(answered + timedelta(days=1 + int(rnd() * 5)), NOW)
                    last = closed
            elif status in ("declined", "withdrawn"):
                closed = max(min(opened + timedelta(days=1 + int(rnd() * 10)), NOW), received or opened)
                last = closed
            elif due < NOW:  # still open, past due: the monitor raised it (after a reminder)
                reminded = due - timedelta(days=1)
                overdue = due + timedelta(minutes=5)
                last = max(last, overdue)
            request_id = _uuid(rng)
            requests.append(
                (request_id, kind, sender, addressee, None, judgment_id, transfer_id, subject,
                 f"{subject}. Đề nghị quý cơ quan xem xét, trả lời theo quy định.", orjson.dumps(details).decode(),
                 status, None, opened, due, received, answered, closed, answer, overdue, reminded, last)
            )  # fmt: skip
            audience.append((request_id, sender, "sender"))
            audience.append((request_id, addressee, "addressee"))
            audience.extend((request_id, o, "observer") for o in observers if o not in (sender, addressee))
        self.counts.coordination_requests = len(requests)
        self.counts.coordination_audience = len(audience)
        return requests, audience


# ------------------------------------------------------------------------------- loading


def asyncpg_dsn(database_url: str) -> str:
    """``postgresql+asyncpg://…`` (SQLAlchemy) as a plain libpq DSN for asyncpg."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _secondary_indexes(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """(name, definition) of the loaded tables' indexes that back no constraint."""
    rows = await conn.fetch(
        """
        SELECT i.indexname, i.indexdef
        FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.tablename, i.indexname
        """,
        list(LOADED_TABLES),
    )
    return [(r["indexname"], r["indexdef"]) for r in rows]


async def foreign_key_violations(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows of the loaded tables whose foreign key points nowhere, per constraint (all zero when the load is sound).

    The load runs with ``session_replication_role = replica`` (no per-row trigger checks, twice as
    fast), so every foreign key of the loaded tables is checked here afterwards, in one anti-join each.
    """
    constraints = await conn.fetch(
        """
        SELECT c.conname, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS child_cols,
               ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS parent_cols
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1::text[])
        ORDER BY c.conname
        """,
        list(LOADED_TABLES),
    )
    found = {}
    for c in constraints:
        join = " AND ".join(f'p."{pc}" = t."{cc}"' for cc, pc in zip(c["child_cols"], c["parent_cols"], strict=True))
        present = " AND ".join(f't."{cc}" IS NOT NULL' for cc in c["child_cols"])
        query = f'SELECT count(*) FROM "{c["child"]}" t WHERE {present} AND NOT EXISTS (SELECT 1 FROM "{c["parent"]}" p WHERE {join})'  # noqa: S608 (names from the catalogue)
        found[c["conname"]] = await conn.fetchval(query)
    return found


Progress = Callable[[str], None]


@dataclass
class LoadReport:
    counts: Counts
    seconds: dict[str, float]
    rows_per_s: float
    total_s: float
    table_sizes_mib: dict[str, float]
    foreign_key_violations: dict[str, int]

    def summary(self) -> dict[str, Any]:
        c = self.counts
        return {
            "rows": {
                "judgments": c.judgments,
                "transfers": c.transfers,
                "court_keys": c.court_keys,
                "register_counters": c.register_counters,
                "coordination_requests": c.coordination_requests,
                "coordination_audience": c.coordination_audience,
                "total": c.rows,
            },
            "transfers_by_status": dict(sorted(c.by_status.items())),
            "transfers_late_to_hub": c.late_transfers,
            "decisions_late": c.late_decisions,
            "seconds": self.seconds,
            "total_s": round(self.total_s, 1),
            "rows_per_s": round(self.rows_per_s),
            "table_sizes_mib": self.table_sizes_mib,
            "foreign_key_violations": sum(self.foreign_key_violations.values()),
            "foreign_keys_checked": len(self.foreign_key_violations),
        }


async def load(
    database_url: str, agencies: Sequence[Agency], *, judgments: int, requests: int, seed: int, progress: Progress
) -> LoadReport:
    """Generate and COPY the national ledger into a migrated, seeded database; rebuild indexes; check; VACUUM ANALYZE.

    The next batch is generated in a worker thread while PostgreSQL takes in the previous one.
    """
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    gen = Generator(agencies, judgments=judgments, requests=requests, seed=seed)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        # Session settings for a bulk load; none changes what is stored (foreign keys are checked afterwards).
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET maintenance_work_mem = '256MB'")
        indexes = await _secondary_indexes(conn)
        for name, _ in indexes:
            await conn.execute(f'DROP INDEX "{name}"')
        await conn.copy_records_to_table("court_keys", records=gen.court_keys(), columns=KEY_COLUMNS)

        t0 = time.perf_counter()
        batches = gen.judgment_batches(max(1000, min(25_000, judgments // 40 or 1000)))
        loaded = [0, 0]
        next_report = 0
        pending = asyncio.create_task(asyncio.to_thread(next, batches, None))
        while (batch := await pending) is not None:
            pending = asyncio.create_task(asyncio.to_thread(next, batches, None))
            judgment_rows, transfer_rows = batch
            async with conn.transaction():
                await conn.copy_records_to_table("judgments", records=judgment_rows, columns=JUDGMENT_COLUMNS)
                await conn.copy_records_to_table("transfers", records=transfer_rows, columns=TRANSFER_COLUMNS)
            loaded[0] += len(judgment_rows)
            loaded[1] += len(transfer_rows)
            if loaded[0] >= next_report or loaded[0] == judgments:
                rate = sum(loaded) / (time.perf_counter() - t0)
                progress(
                    f"  {loaded[0]:>9,} / {judgments:,} judgments ({100 * loaded[0] / judgments:5.1f} %), "
                    f"{loaded[1]:,} transfers — {rate:,.0f} rows/s"
                )
                next_report = loaded[0] + max(judgments // 10, 1)
        seconds["judgments_and_transfers"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        await conn.copy_records_to_table("register_counters", records=gen.register_counters(), columns=COUNTER_COLUMNS)
        request_rows, audience_rows = gen.coordination()
        async with conn.transaction():
            await conn.copy_records_to_table("coordination_requests", records=request_rows, columns=REQUEST_COLUMNS)
            await conn.copy_records_to_table("coordination_audience", records=audience_rows, columns=AUDIENCE_COLUMNS)
        seconds["coordination"] = time.perf_counter() - t0
        progress(
            f"  {gen.counts.coordination_requests:,} coordination requests, "
            f"{gen.counts.coordination_audience:,} audience rows"
        )

        t0 = time.perf_counter()
        for _name, definition in indexes:
            await conn.execute(definition)
        seconds["indexes"] = time.perf_counter() - t0
        progress(f"  {len(indexes)} secondary indexes rebuilt in {seconds['indexes']:.1f} s")

        t0 = time.perf_counter()
        violations = await foreign_key_violations(conn)
        seconds["foreign_key_check"] = time.perf_counter() - t0
        bad = {name: n for name, n in violations.items() if n}
        if bad:
            raise RuntimeError(f"the generated rows break foreign keys: {bad}")
        progress(f"  {len(violations)} foreign keys checked in {seconds['foreign_key_check']:.1f} s: no violation")

        t0 = time.perf_counter()
        for table in LOADED_TABLES:
            await conn.execute(f'VACUUM ANALYZE "{table}"')
        seconds["vacuum_analyze"] = time.perf_counter() - t0
        sizes = {
            r["relname"]: round(r["bytes"] / 2**20, 1)
            for r in await conn.fetch(
                "SELECT relname, pg_total_relation_size(oid) AS bytes FROM pg_class WHERE relname = ANY($1::text[])",
                list(LOADED_TABLES),
            )
        }
    finally:
        await conn.close()
    total = time.perf_counter() - started
    return LoadReport(
        gen.counts, {k: round(v, 2) for k, v in seconds.items()}, gen.counts.rows / total, total, sizes, violations
    )
