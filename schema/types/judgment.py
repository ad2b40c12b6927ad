"""Judgment: the hub's registry entry, stitched with what each agency system says about it.

Registry fields come from the hub's own database. ``parties``, ``obligations`` and
``courtDetails`` come from the court's system, ``enforcementCase`` from the
enforcement agency's, ``supervision`` from the procuracy's. The resolver that
returns judgments fetches, once for all of them, what the selection asks of each
system (``resolvers/stitching.py``: one call per agency for a page, through the
request's DataLoaders) and hands every judgment its :class:`AgencyRecords`; the
fields below then read them without I/O. When an agency cannot answer, its fields
are null and ``errors`` names it (``extensions.code`` AGENCY_UNAVAILABLE /
AGENCY_TIMEOUT / AGENCY_BAD_DATA).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

import strawberry

from domain import types as d
from domain.access import Role
from domain.policy import mask_citizen_id
from ledger.judgments import RegistryEntry
from resolvers.context import Context
from resolvers.personal_data import PARTIES_READ
from schema.enums import (
    CaseStatus,
    CaseType,
    DecisionKind,
    Instance,
    ObligationKind,
    PartyKind,
    PartyRole,
    SupervisionKind,
)
from schema.scalars import VND
from schema.types.agency import Agency, agency_named

Info = strawberry.Info[Context, None]
T = TypeVar("T")


class NotFetched:
    """Marks a system's record that the selection did not ask for, so it was not fetched."""


NOT_FETCHED = NotFetched()


def _ready(value: T | BaseException | NotFetched, system: str) -> T:
    """The record; the system's failure raised (its fields null, the error named); never an unfetched one."""
    if isinstance(value, BaseException):
        raise value
    if isinstance(value, NotFetched):
        raise RuntimeError(f"the {system} record of a judgment was read but not fetched with its page")
    return value


@dataclass(frozen=True, slots=True)
class AgencyRecords:
    """What each agency's system answered for one judgment: the record, None (it has none) or its error."""

    court: d.CourtJudgment | BaseException | NotFetched | None = NOT_FETCHED
    case: d.EnforcementCase | BaseException | NotFetched | None = NOT_FETCHED
    supervision: tuple[d.SupervisionRecord, ...] | BaseException | NotFetched = NOT_FETCHED

    def court_judgment(self) -> d.CourtJudgment | None:
        return _ready(self.court, "court")

    def enforcement_case(self) -> d.EnforcementCase | None:
        return _ready(self.case, "enforcement")

    def supervision_records(self) -> tuple[d.SupervisionRecord, ...]:
        return _ready(self.supervision, "procuracy")


@strawberry.type(description="A party to the judgment, as the court recorded it.")
class Party:
    name: str
    role: PartyRole
    kind: PartyKind
    address: str
    citizen_id: str | None = strawberry.field(
        description="12-digit citizen ID (CCCD) of an individual; shown as ********1234 to roles that do not need it."
    )
    tax_code: str | None = strawberry.field(description="Tax code of an organisation.")

    @classmethod
    def from_domain(cls, p: d.Party, roles: Iterable[Role]) -> Party:
        """The party as ``roles`` may see it: the citizen ID masked unless the role needs it (domain/policy.py)."""
        citizen_id = mask_citizen_id(p.citizen_id, roles)
        return cls(name=p.name, role=p.role, kind=p.kind, address=p.address, citizen_id=citizen_id, tax_code=p.tax_code)


@strawberry.type(description="Something the judgment orders: a court fee, a fine, a payment, a return of assets…")
class Obligation:
    kind: ObligationKind
    description: str
    ex_officio: bool = strawberry.field(description="Enforced without a request (court fees, fines, confiscation).")
    amount: VND | None
    beneficiary: str | None

    @classmethod
    def from_domain(cls, o: d.Obligation) -> Obligation:
        amount = VND(o.amount) if o.amount is not None else None
        return cls(
            kind=o.kind, description=o.description, ex_officio=o.ex_officio, amount=amount, beneficiary=o.beneficiary
        )


@strawberry.type(description="The judgment's document, as the court holds it.")
class Document:
    name: str
    sha256: str


@strawberry.type(description="What the court's system says about the judgment beyond parties and obligations.")
class CourtDetails:
    court_name: str
    judge: str
    summary: str
    adjudicated_on: date
    document: Document

    @classmethod
    def from_domain(cls, j: d.CourtJudgment) -> CourtDetails:
        return cls(
            court_name=j.court_name,
            judge=j.judge,
            summary=j.summary,
            adjudicated_on=j.adjudicated_on,
            document=Document(name=j.document_name, sha256=j.document_sha256),
        )


@strawberry.type(description="An enforcement decision (quyết định thi hành án).")
class EnforcementDecision:
    number: str
    issued_on: date
    kind: DecisionKind
    officer: str = strawberry.field(description="Enforcement officer (chấp hành viên) assigned.")

    @classmethod
    def from_domain(cls, x: d.EnforcementDecision) -> EnforcementDecision:
        return cls(number=x.number, issued_on=x.issued_on, kind=x.kind, officer=x.officer)


@strawberry.type(description="The enforcement case opened for the judgment, as the enforcement agency's system has it.")
class EnforcementCase:
    case_number: str
    accepted_on: date
    status: CaseStatus
    amount_due: VND
    amount_collected: VND
    decisions: list[EnforcementDecision]
    agency_code: strawberry.Private[str]
    office_code: strawberry.Private[str | None]

    @classmethod
    def from_domain(cls, c: d.EnforcementCase) -> EnforcementCase:
        return cls(
            case_number=c.case_number,
            accepted_on=c.accepted_on,
            status=c.status,
            amount_due=VND(c.amount_due),
            amount_collected=VND(c.amount_collected),
            decisions=[EnforcementDecision.from_domain(x) for x in c.decisions],
            agency_code=c.agency_code,
            office_code=c.office_code,
        )

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info, self.agency_code)

    @strawberry.field
    def office(self, info: Info) -> Agency | None:
        return agency_named(info, self.office_code)


@strawberry.type(
    description="A procuracy document (request, recommendation or protest) about the judgment's enforcement."
)
class SupervisionRecord:
    number: str
    kind: SupervisionKind
    issued_on: date
    summary: str
    reply_due: date | None
    replied_on: date | None
    procuracy_code: strawberry.Private[str]

    @classmethod
    def from_domain(cls, r: d.SupervisionRecord) -> SupervisionRecord:
        return cls(
            number=r.number,
            kind=r.kind,
            issued_on=r.issued_on,
            summary=r.summary,
            reply_due=r.reply_due,
            replied_on=r.replied_on,
            procuracy_code=r.procuracy_code,
        )

    @strawberry.field
    def procuracy(self, info: Info) -> Agency | None:
        return agency_named(info, self.procuracy_code)


@strawberry.type(
    description="An enforceable judgment or decision known to the hub, stitched from every agency's system."
)
class Judgment:
    id: strawberry.ID = strawberry.field(description="<court code>:<number>, e.g. court.ha-noi.kv01:125/2026/DS-ST.")
    number: str
    case_type: CaseType
    instance: Instance
    effective_on: date = strawberry.field(description="Date the judgment took legal effect.")
    registered_at: datetime
    status: str
    court_code: strawberry.Private[str]
    enforcement_agency_code: strawberry.Private[str]
    enforcement_office_code: strawberry.Private[str | None]
    procuracy_code: strawberry.Private[str]
    records: strawberry.Private[AgencyRecords]

    @classmethod
    def from_entry(cls, e: RegistryEntry, records: AgencyRecords) -> Judgment:
        """Use ``resolvers.stitching.stitch``, which fetches the records the selection needs."""
        return cls(
            id=strawberry.ID(e.id),
            number=e.number,
            case_type=d.CaseType(e.case_type),
            instance=d.Instance(e.instance),
            effective_on=e.effective_on,
            registered_at=e.registered_at,
            status=e.status,
            court_code=e.court_code,
            enforcement_agency_code=e.enforcement_agency_code,
            enforcement_office_code=e.enforcement_office_code,
            procuracy_code=e.procuracy_code,
            records=records,
        )

    @property
    def key(self) -> d.JudgmentKey:
        return d.JudgmentKey(self.court_code, self.number)

    @strawberry.field(description="The court that issued the judgment (possibly dissolved since).")
    def court(self, info: Info) -> Agency | None:
        return agency_named(info, self.court_code)

    @strawberry.field(description="The competent enforcement agency today (successors of dissolved agencies followed).")
    def enforcement_agency(self, info: Info) -> Agency | None:
        return agency_named(info, self.enforcement_agency_code)

    @strawberry.field(description="The area office that executes the judgment, if any.")
    def enforcement_office(self, info: Info) -> Agency | None:
        return agency_named(info, self.enforcement_office_code)

    @strawberry.field(description="The procuracy that supervises the enforcement.")
    def procuracy(self, info: Info) -> Agency | None:
        return agency_named(info, self.procuracy_code)

    @strawberry.field(description="From the court's system. Personal data: every read is recorded in the audit trail.")
    def parties(self, info: Info) -> list[Party] | None:
        found = self.records.court_judgment()
        if found is None:
            return None
        info.context.personal_reads.add((PARTIES_READ, str(self.id)))  # audited once per operation
        roles = info.context.principal.roles
        return [Party.from_domain(p, roles) for p in found.parties]

    @strawberry.field(description="From the court's system.")
    def obligations(self) -> list[Obligation] | None:
        found = self.records.court_judgment()
        return [Obligation.from_domain(o) for o in found.obligations] if found else None

    @strawberry.field(description="From the court's system.")
    def court_details(self) -> CourtDetails | None:
        found = self.records.court_judgment()
        return CourtDetails.from_domain(found) if found else None

    @strawberry.field(description="From the enforcement agency's system; null when no case is open.")
    def enforcement_case(self) -> EnforcementCase | None:
        found = self.records.enforcement_case()
        return EnforcementCase.from_domain(found) if found else None

    @strawberry.field(description="From the procuracy's system: its documents about this judgment (empty when none).")
    def supervision(self) -> list[SupervisionRecord] | None:
        return [SupervisionRecord.from_domain(r) for r in self.records.supervision_records()]
