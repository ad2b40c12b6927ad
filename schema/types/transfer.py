"""Transfer: a judgment's electronic journey from court to enforcement agency."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import strawberry

from domain.deadlines import DeadlineState as DomainDeadlineState
from domain.deadlines import local_day
from domain.messages import Text, tell
from domain.submission import MAX_DOCUMENTS, SubmittedDocument
from domain.submission import DocumentKind as DomainDocumentKind
from domain.submission import SubmissionErrorCode as DomainSubmissionErrorCode
from domain.transfer_deadlines import TrackedDeadline, TransferFacts
from domain.types import DecisionKind as DomainDecisionKind
from ledger.transfers import ReturnReason as DomainReturnReason
from ledger.transfers import Transfer as LedgerTransfer
from ledger.transfers import TransferLedger
from ledger.transfers import TransferStatus as DomainTransferStatus
from schema.context import Info
from schema.enums import CaseType, DecisionKind, Instance, ObligationKind, PartyKind, PartyRole
from schema.scalars import VND
from schema.types.agency import Agency, agency_named
from schema.types.judgment import Judgment
from schema.types.pagination import PageInfo

TransferStatus = DomainTransferStatus
strawberry.enum(DomainTransferStatus, name="TransferStatus")
ReturnReason = DomainReturnReason
strawberry.enum(DomainReturnReason, name="ReturnReason")
SubmissionErrorCode = DomainSubmissionErrorCode
strawberry.enum(DomainSubmissionErrorCode, name="SubmissionErrorCode")
DocumentKind = DomainDocumentKind
strawberry.enum(
    DomainDocumentKind,
    name="DocumentKind",
    description="JUDGMENT: the judgment or decision itself (exactly one per submission); SEIZURE_RECORD: a record "
    "of seized or held assets or papers sent with it (biên bản kê biên, tạm giữ tài sản, giấy tờ; Law on civil "
    "judgment enforcement Art. 28(4)); OTHER.",
)


@strawberry.enum(description="Why a transfer operation was refused.")
class TransferErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    NOT_ADDRESSEE = "NOT_ADDRESSEE"


@strawberry.type(description="What was wrong with the input; nothing was written.")
class UserError:
    field: str | None
    code: str
    message: strawberry.Private[Text]  # English, from the catalogue; told in the request's language

    @strawberry.field(name="message")
    def told(self, info: Info) -> str:
        return tell(self.message, info.context.language)


@strawberry.type(description="The hub's signed receipt: verify `json` against `signature` with the hub's public key.")
class Receipt:
    json: str = strawberry.field(
        description="Canonical JSON of the receipt: sign and verify exactly these bytes (UTF-8)."
    )
    signature: str = strawberry.field(description="Ed25519 signature of `json`, base64.")
    key_id: str = strawberry.field(description="Id of the hub key that signed.")
    received_at: datetime = strawberry.field(
        description="When the hub recorded complete and valid receipt (Decree 152 Art. 7)."
    )


DeadlineState = DomainDeadlineState
strawberry.enum(
    DomainDeadlineState,
    name="DeadlineState",
    description="PENDING, MET, MET_LATE (done after the due day) or OVERDUE (open and late).",
)


@strawberry.type(description="A legal deadline of the transfer, with its rule, legal basis and state.")
class TransferDeadline:
    key: str = strawberry.field(description="Rule key in the rules table, e.g. decision_ex_officio.")
    description: str = strawberry.field(description="The rule, in Vietnamese.")
    legal_basis: str
    verified: bool = strawberry.field(
        description="False while the rule's legal basis awaits confirmation (DOMAIN.md §3)."
    )
    due_on: date = strawberry.field(description="Last day (Việt Nam time) on which the step is on time.")
    due_at: datetime | None = strawberry.field(description="Exact due moment, for rules counted in hours.")
    state: DeadlineState

    @classmethod
    def from_domain(cls, d: TrackedDeadline) -> TransferDeadline:
        due_at = d.due if isinstance(d.due, datetime) else None
        return cls(
            key=d.key,
            description=d.rule.description_vi,
            legal_basis=d.rule.legal_basis,
            verified=d.rule.verified,
            due_on=local_day(d.due),
            due_at=due_at,
            state=d.state,
        )


@strawberry.type(description="The enforcement decision recorded for a transfer.")
class TransferDecision:
    number: str
    issued_on: date
    kind: DecisionKind
    officer: str = strawberry.field(description="The enforcement officer (chấp hành viên) assigned.")
    recorded_at: datetime


@strawberry.type(description="Why and when the agency sent the transfer back.")
class TransferReturn:
    reason: ReturnReason
    note: str
    returned_at: datetime


@strawberry.type(description="A document the court sent with the transfer, as it signed it.")
class TransferDocument:
    kind: DocumentKind
    name: str
    sha256: str = strawberry.field(description="SHA-256 of the document, lower-case hex (covered by the signature).")

    @classmethod
    def from_domain(cls, d: SubmittedDocument) -> TransferDocument:
        return cls(kind=d.kind, name=d.name, sha256=d.sha256)


@strawberry.type(description="An electronic transfer of a judgment from a court to the competent enforcement agency.")
class Transfer:
    id: strawberry.ID
    status: TransferStatus
    effective_on: date
    received_at: datetime
    acknowledged_at: datetime | None
    register_year: int | None = strawberry.field(
        description="Statistical year (1 Oct – 30 Sep) of the receipt register entry."
    )
    register_number: int | None = strawberry.field(
        description="Number in the office's receipt register; gapless per year."
    )
    document_sha256: str = strawberry.field(description="SHA-256 of the judgment document.")
    documents: list[TransferDocument] = strawberry.field(
        description="Every document the court sent: the judgment first, then the others in the court's order."
    )
    receipt: Receipt
    decision: TransferDecision | None
    last_return: TransferReturn | None = strawberry.field(description="The latest return (kept after a reroute).")
    facts: strawberry.Private[TransferFacts]
    judgment_id: strawberry.Private[str]
    court_code: strawberry.Private[str]
    enforcement_agency_code: strawberry.Private[str]
    enforcement_office_code: strawberry.Private[str | None]
    register_office_code: strawberry.Private[str]
    procuracy_code: strawberry.Private[str]

    @classmethod
    def from_ledger(cls, t: LedgerTransfer) -> Transfer:
        return cls(
            id=strawberry.ID(t.id),
            status=t.status,
            effective_on=t.effective_on,
            received_at=t.received_at,
            acknowledged_at=t.acknowledged_at,
            register_year=t.register_year,
            register_number=t.register_number,
            document_sha256=t.document_sha256,
            documents=[TransferDocument.from_domain(d) for d in t.documents],
            receipt=Receipt(
                json=t.receipt_json,
                signature=t.receipt_signature,
                key_id=str(t.receipt["hubKeyId"]),
                received_at=t.received_at,
            ),
            decision=TransferDecision(
                number=t.decision_number,
                issued_on=t.decision_date,
                kind=DomainDecisionKind(t.decision_kind),
                officer=t.officer or "",
                recorded_at=t.decided_at,
            )
            if t.decision_number and t.decision_date and t.decision_kind and t.decided_at
            else None,
            last_return=TransferReturn(
                reason=DomainReturnReason(t.return_reason), note=t.return_note or "", returned_at=t.returned_at
            )
            if t.return_reason and t.returned_at
            else None,
            facts=t.deadline_facts,
            judgment_id=t.judgment_id,
            court_code=t.court_code,
            enforcement_agency_code=t.enforcement_agency_code,
            enforcement_office_code=t.enforcement_office_code,
            register_office_code=t.register_office_code,
            procuracy_code=t.procuracy_code,
        )

    @strawberry.field(
        description="The transfer's legal deadlines (DOMAIN.md §3), computed on the working-day calendar."
    )
    def deadlines(self, info: Info) -> list[TransferDeadline]:
        policy = info.context.deadlines
        return [TransferDeadline.from_domain(d) for d in policy.for_transfer(self.facts, info.context.clock.now())]

    @strawberry.field
    async def judgment(self, info: Info) -> Judgment | None:
        entry = await info.context.loaders.judgment.load(self.judgment_id)
        if entry is None:
            return None
        (found,) = await info.context.judgments(info, [entry])
        return found

    @strawberry.field
    def court(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.court_code)

    @strawberry.field
    def enforcement_agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.enforcement_agency_code)

    @strawberry.field
    def enforcement_office(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.enforcement_office_code)

    @strawberry.field(description="The office whose receipt register holds the judgment.")
    def register_office(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.register_office_code)

    @strawberry.field
    def procuracy(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.procuracy_code)


@strawberry.input
class PartyInput:
    name: str
    role: PartyRole
    kind: PartyKind
    address: str
    citizen_id: str | None = None
    tax_code: str | None = None


@strawberry.input
class ObligationInput:
    kind: ObligationKind
    description: str
    ex_officio: bool
    amount: VND | None = None
    beneficiary: str | None = None


@strawberry.input
class DocumentInput:
    name: str
    kind: DocumentKind = strawberry.field(
        default=DomainDocumentKind.JUDGMENT,
        description="What the document is; in `documents` exactly one is the JUDGMENT.",
    )
    sha256: str = strawberry.field(description="SHA-256 of the document, lower-case hex.")
    content_base64: str | None = strawberry.field(
        default=None, description="The document itself (at most 2 MiB); when sent, its hash is checked."
    )


@strawberry.input(
    description="A judgment as the court signs it. `signature` is the court's Ed25519 signature (base64) "
    "over the canonical JSON of everything else (see docs/api-guide.md)."
)
class SubmitJudgmentInput:
    court: strawberry.ID
    number: str
    case_type: CaseType
    instance: Instance
    adjudicated_on: date
    effective_on: date
    summary: str
    parties: list[PartyInput]
    obligations: list[ObligationInput]
    signature: str
    documents: list[DocumentInput] | None = strawberry.field(
        default=None,
        description="The judgment (kind JUDGMENT, exactly one) and the documents sent with it, such as the records "
        f"of seized assets (SEIZURE_RECORD, Art. 28(4)); at most {MAX_DOCUMENTS}, each hash checked against its "
        "content when sent.",
    )
    document: DocumentInput | None = strawberry.field(
        default=None,
        description="The judgment document alone (its kind is JUDGMENT).",
        deprecation_reason="Use `documents`, which also carries the records sent with the judgment; "
        "`document` is accepted until the next release.",
    )
    interim_measure: bool = False
    enforced_immediately: bool = strawberry.field(
        default=False,
        description="A judgment enforced immediately although it may be appealed (Law on civil judgment "
        "enforcement Art. 2(2)(a)): the court transfers it within 15 days of the day it is given (Art. 28(2)), "
        "deadline `court_transfer_immediate`. Not with `interimMeasure` (Art. 2(2)(b)). Signed only when true.",
    )
    bankruptcy: bool = strawberry.field(
        default=False,
        description="A court's bankruptcy decision: the enforcement decision is due within 3 working days of "
        "receipt (Art. 36(2)(e)), deadline `decision_bankruptcy`. Signed only when true.",
    )
    key_id: str | None = strawberry.field(
        default=None, description="Which registered court key signed; default: try each active key."
    )


@strawberry.type
class SubmitJudgmentPayload:
    transfer: Transfer | None
    replayed: bool = strawberry.field(
        description="True when this repeats an earlier identical submission: same transfer, same receipt."
    )
    user_errors: list[UserError]


@strawberry.type(description="The transfer after the change, or why the change was refused (nothing written).")
class TransferPayload:
    transfer: Transfer | None
    user_errors: list[UserError]


@strawberry.type
class TransferEdge:
    cursor: str
    node: Transfer


@strawberry.type(description="A page of an inbox's transfers, oldest first.")
class TransferConnection:
    edges: list[TransferEdge]
    page_info: PageInfo
    has_next_page: bool = strawberry.field(
        deprecation_reason="Use `pageInfo { hasNextPage }`, as on every other connection; "
        "answered until the next release."
    )
    end_cursor: str | None = strawberry.field(
        deprecation_reason="Use `pageInfo { endCursor }`, as on every other connection; answered until the next release."
    )
    office_codes: strawberry.Private[tuple[str, ...]]
    status: strawberry.Private[DomainTransferStatus | None]

    @strawberry.field(description="Number of the inbox's transfers with the status asked for (all pages).")
    async def total_count(self, info: Info) -> int:
        async with info.context.sessions() as session:
            return await TransferLedger(session).count_inbox(self.office_codes, status=self.status)
