"""Canonical domain types: what every adapter translates its agency's dialect into.

Amounts are integer Vietnamese đồng (VND has no minor unit). Dates are
``datetime.date``. Texts are NFC-normalised by the adapters before they get here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class AgencyKind(StrEnum):
    COURT = "court"
    PROCURACY = "procuracy"
    ENFORCEMENT = "enforcement"
    PRIVATE_ENFORCEMENT = "private_enforcement"
    POLICE = "police"
    COMMITTEE = "committee"
    MINISTRY = "ministry"


class AgencyLevel(StrEnum):
    NATIONAL = "national"
    APPELLATE = "appellate"
    PROVINCIAL = "provincial"
    AREA = "area"
    DISTRICT = "district"  # dissolved on 1 July 2025


@dataclass(frozen=True, slots=True)
class Agency:
    """An agency as valid over a period; dissolved ones point to their successor."""

    code: str
    kind: AgencyKind
    level: AgencyLevel
    name: str
    province_code: str | None
    parent_code: str | None
    valid_from: date
    valid_to: date | None = None
    successor_code: str | None = None
    area_number: int | None = None
    former_province: str | None = None
    administrative_unit_code: str | None = None  # mã đơn vị hành chính of its province (current agencies)

    def is_active(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True, slots=True, order=True)
class JudgmentKey:
    """A judgment is identified by its issuing court and its number (e.g. 125/2026/DS-ST)."""

    court_code: str
    number: str

    def __str__(self) -> str:
        return f"{self.court_code}:{self.number}"

    @classmethod
    def parse(cls, text: str) -> JudgmentKey:
        court, sep, number = text.partition(":")
        if not sep or not court or not number:
            raise ValueError(f"not a judgment id: {text!r}")
        return cls(court, number)


class CaseType(StrEnum):
    """Kind of case, as in the judgment number (125/2026/DS-ST)."""

    DS = "DS"  # civil
    HNGD = "HNGĐ"  # marriage and family
    KDTM = "KDTM"  # business and commerce
    LD = "LĐ"  # labour
    HC = "HC"  # administrative
    HS = "HS"  # criminal, with civil parts, fines or confiscation


class Instance(StrEnum):
    ST = "ST"  # first instance
    PT = "PT"  # appeal


class PartyRole(StrEnum):
    CREDITOR = "creditor"  # người được thi hành án
    DEBTOR = "debtor"  # người phải thi hành án
    RELATED = "related"  # người có quyền lợi, nghĩa vụ liên quan


class PartyKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    role: PartyRole
    kind: PartyKind
    address: str
    citizen_id: str | None = None  # 12-digit CCCD, individuals only
    tax_code: str | None = None  # organisations only


class ObligationKind(StrEnum):
    COURT_FEE = "court_fee"  # án phí
    FINE = "fine"  # tiền phạt
    CONFISCATION = "confiscation"  # tịch thu
    PAYMENT = "payment"  # trả tiền
    RETURN_OF_ASSETS = "return_of_assets"  # trả tài sản
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Obligation:
    kind: ObligationKind
    description: str
    ex_officio: bool
    amount: int | None = None  # VND
    beneficiary: str | None = None


@dataclass(frozen=True, slots=True)
class CourtJudgment:
    """What the court's system says about a judgment."""

    key: JudgmentKey
    court_name: str
    case_type: CaseType
    instance: Instance
    adjudicated_on: date
    effective_on: date
    judge: str
    summary: str
    document_sha256: str
    document_name: str
    parties: tuple[Party, ...] = field(default_factory=tuple)
    obligations: tuple[Obligation, ...] = field(default_factory=tuple)


class CaseStatus(StrEnum):
    ACCEPTED = "accepted"  # thụ lý
    WITH_CONDITIONS = "with_conditions"  # có điều kiện
    WITHOUT_CONDITIONS = "without_conditions"  # chưa có điều kiện
    POSTPONED = "postponed"  # hoãn
    SUSPENDED = "suspended"  # tạm đình chỉ
    TERMINATED = "terminated"  # đình chỉ
    COMPLETED = "completed"  # thi hành xong


class DecisionKind(StrEnum):
    EX_OFFICIO = "ex_officio"  # chủ động
    ON_REQUEST = "on_request"  # theo đơn yêu cầu


@dataclass(frozen=True, slots=True)
class EnforcementDecision:
    number: str
    issued_on: date
    kind: DecisionKind
    officer: str


@dataclass(frozen=True, slots=True)
class EnforcementCase:
    """What the enforcement agency's system says about the case opened for a judgment."""

    judgment: JudgmentKey
    case_number: str
    agency_code: str
    office_code: str | None
    accepted_on: date
    status: CaseStatus
    amount_due: int
    amount_collected: int
    decisions: tuple[EnforcementDecision, ...] = field(default_factory=tuple)


class SupervisionKind(StrEnum):
    REQUEST = "request"  # yêu cầu
    RECOMMENDATION = "recommendation"  # kiến nghị
    PROTEST = "protest"  # kháng nghị


@dataclass(frozen=True, slots=True)
class SupervisionRecord:
    """A procuracy document issued while supervising the enforcement of a judgment."""

    judgment: JudgmentKey
    procuracy_code: str
    number: str
    kind: SupervisionKind
    issued_on: date
    summary: str
    reply_due: date | None = None
    replied_on: date | None = None


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True, slots=True)
class Officer:
    """A person on an agency's staff, as the personnel system records them."""

    code: str
    name: str
    sex: Sex
    birth_date: date
    citizen_id: str
    agency_code: str
    title: str  # chức danh, e.g. "Chấp hành viên trung cấp"
    post: str | None = None  # chức vụ (leadership post), e.g. "Trưởng phòng"
    appointed_on: date | None = None
    term_ends_on: date | None = None
    consecutive_terms: int = 1
    sensitive_post: bool = False
    position_since: date | None = None
    training: str | None = None
    discipline: str | None = None  # restricted
    # Recorded decisions the personnel rules read (data/personnel_rules.toml):
    rotation_deferral: str | None = None  # why a due rotation waits: a reason of [[rotation_deferral]]
    retirement_extended_to: date | None = None  # a later retirement decided for this person ([retirement_extension])


@dataclass(frozen=True, slots=True)
class StaffingUnit:
    agency_code: str
    name: str
    quota: int  # biên chế
