"""Judgment: the hub's registry entry, stitched with what each agency system says about it.

Registry fields come from the hub's own database. ``parties``, ``obligations`` and
``courtDetails`` come from the court's system — except ``parties`` and ``obligations``
of a judgment transferred through the hub, which are what its court signed —,
``enforcementCase`` from the enforcement agency's, ``supervision`` from the procuracy's. The resolver that
returns judgments fetches, once for all of them, what the selection asks of each
system (``resolvers/stitching.py``: one call per agency for a page, through the
request's DataLoaders) and hands every judgment its :class:`AgencyRecords`; the
fields below then read them without I/O. When an agency cannot answer, its fields
are null and ``errors`` names it (``extensions.code`` AGENCY_UNAVAILABLE /
AGENCY_TIMEOUT / AGENCY_BAD_DATA), as when it answers it holds nothing the hub knows
it should (AGENCY_NO_RECORD).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import types as d
from domain.access import Role
from domain.policy import mask_citizen_id
from schema.context import Info

if TYPE_CHECKING:
    from schema.types.transfer import Transfer

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
        return agency_named(info.context, self.agency_code)

    @strawberry.field
    def office(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.office_code)


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
    procuracy: Agency | None

    @classmethod
    def from_domain(cls, r: d.SupervisionRecord, agencies: Mapping[str, d.Agency]) -> SupervisionRecord:
        return cls(
            number=r.number,
            kind=r.kind,
            issued_on=r.issued_on,
            summary=r.summary,
            reply_due=r.reply_due,
            replied_on=r.replied_on,
            procuracy=Agency.known(agencies, r.procuracy_code),
        )


@strawberry.type(
    description="An enforceable judgment or decision known to the hub, stitched from every agency's system."
)
class Judgment:
    """Built by ``resolvers.stitching.stitch`` with every field the selection asks for already filled in.

    The stitched fields hold their value, or the exception that explains its absence (an
    agency's failure): graphql-core reports an exception value as that field's error, at its
    path, and the field is null — exactly as a resolver raising it would have.
    """

    id: strawberry.ID = strawberry.field(description="<court code>:<number>, e.g. court.ha-noi.kv01:125/2026/DS-ST.")
    number: str
    case_type: CaseType
    instance: Instance
    effective_on: date = strawberry.field(description="Date the judgment took legal effect.")
    registered_at: datetime
    status: str
    court: Agency | None = strawberry.field(
        description="The court that issued the judgment (possibly dissolved since)."
    )
    enforcement_agency: Agency | None = strawberry.field(
        description="The competent enforcement agency today (successors of dissolved agencies followed)."
    )
    enforcement_office: Agency | None = strawberry.field(
        description="The area office that executes the judgment, if any."
    )
    procuracy: Agency | None = strawberry.field(description="The procuracy that supervises the enforcement.")
    parties: list[Party] | None = strawberry.field(
        description=(
            "As the court signed them for a judgment transferred through the hub (submitJudgment), else from the"
            " court's system. Personal data: every read is recorded in the audit trail."
        )
    )
    obligations: list[Obligation] | None = strawberry.field(
        description=(
            "As the court signed them for a judgment transferred through the hub (submitJudgment), else from the"
            " court's system."
        )
    )
    court_details: CourtDetails | None = strawberry.field(
        description="From the court's system; null with AGENCY_NO_RECORD in errors when it does not hold the judgment."
    )
    enforcement_case: EnforcementCase | None = strawberry.field(
        description=(
            "From the enforcement agency's system; null when no case is open. Once the agency has accepted a"
            " judgment transferred through the hub (acknowledgeTransfer), a system with no case for it gives null"
            " with AGENCY_NO_RECORD in errors."
        )
    )
    supervision: list[SupervisionRecord] | None = strawberry.field(
        description="From the procuracy's system: its documents about this judgment (empty when none)."
    )

    @strawberry.field(
        description="The hub's latest transfer of this judgment (submitJudgment): its status, register number and "
        "receipt; null when no court sent it through the hub, or the transfer is out of your reach (as `transfer`)."
    )
    async def transfer(self, info: Info) -> Annotated[Transfer, strawberry.lazy("schema.types.transfer")] | None:
        from schema.types.transfer import Transfer

        found = await info.context.loaders.judgment_transfer.load(str(self.id))
        if found is None or not info.context.policy.reaches(info.context.principal, "transfer", found.audience):
            return None
        return Transfer.from_ledger(found)
