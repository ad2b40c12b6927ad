"""`submitJudgment`, `acknowledgeTransfer`, `transfer`, `inbox`."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.errors import BadInput, Forbidden
from domain.messages import msg
from domain.submission import Submission, SubmissionErrorCode, SubmittedDocument, arrange_documents
from domain.submission import UserError as SubmissionError
from domain.types import CaseType, DecisionKind, Instance, Obligation, ObligationKind, Party, PartyKind, PartyRole
from ledger.transfers import ReturnReason as LedgerReturnReason
from ledger.transfers import TransferLedger
from ledger.transfers import TransferStatus as LedgerStatus
from resolvers.context import Context
from resolvers.transfer_use_cases import (
    ChangeOutcome,
    DocumentContent,
    acknowledge_transfer,
    record_enforcement_decision,
    return_transfer,
    submit_judgment,
)
from schema.enums import DecisionKind as DecisionKindEnum
from schema.types.pagination import PageInfo, check_first
from schema.types.transfer import (
    ReturnReason,
    SubmitJudgmentInput,
    SubmitJudgmentPayload,
    Transfer,
    TransferConnection,
    TransferEdge,
    TransferErrorCode,
    TransferPayload,
    TransferStatus,
    UserError,
)

Info = strawberry.Info[Context, None]
MAX_INBOX_PAGE = 200


def submitted_documents(i: SubmitJudgmentInput) -> list[tuple[str, SubmittedDocument, str | None]]:
    """The documents as sent, each with its field: ``documents[i]``, or the deprecated ``document`` (the JUDGMENT)."""
    if i.documents is None:
        given = [("document", i.document)] if i.document is not None else []
    else:
        given = [(f"documents[{n}]", d) for n, d in enumerate(i.documents)]
    return [(where, SubmittedDocument(d.kind, d.name, d.sha256), d.content_base64) for where, d in given]


def to_submission(i: SubmitJudgmentInput) -> tuple[Submission | None, list[DocumentContent], list[SubmissionError]]:
    """The submission the court signed, the documents' contents to check, or what is wrong with its documents."""
    if i.documents is not None and i.document is not None:
        both = SubmissionError("document", SubmissionErrorCode.INVALID, msg("send `documents` or `document`, not both"))
        return None, [], [both]
    documents = submitted_documents(i)
    judgment, attachments, errors = arrange_documents([(where, d) for where, d, _ in documents])
    if judgment is None or errors:
        return None, [], errors
    contents = [DocumentContent(where, d.sha256, content) for where, d, content in documents]
    return _submission(i, judgment, attachments), contents, []


def _submission(
    i: SubmitJudgmentInput, judgment: SubmittedDocument, attachments: tuple[SubmittedDocument, ...]
) -> Submission:
    return Submission(
        court_code=str(i.court),
        number=i.number.strip(),
        case_type=CaseType(i.case_type),
        instance=Instance(i.instance),
        adjudicated_on=i.adjudicated_on,
        effective_on=i.effective_on,
        summary=i.summary,
        document_name=judgment.name,
        document_sha256=judgment.sha256,
        attachments=attachments,
        interim_measure=i.interim_measure,
        enforced_immediately=i.enforced_immediately,
        bankruptcy=i.bankruptcy,
        parties=tuple(
            Party(
                name=p.name,
                role=PartyRole(p.role),
                kind=PartyKind(p.kind),
                address=p.address,
                citizen_id=p.citizen_id,
                tax_code=p.tax_code,
            )
            for p in i.parties
        ),
        obligations=tuple(
            Obligation(
                kind=ObligationKind(o.kind),
                description=o.description,
                ex_officio=o.ex_officio,
                amount=int(o.amount) if o.amount is not None else None,
                beneficiary=o.beneficiary,
            )
            for o in i.obligations
        ),
    )


@strawberry.type
class TransferQueries:
    @strawberry.field(
        description="One transfer, if it concerns your agency (court, enforcement agency or office, procuracy)."
    )
    async def transfer(self, info: Info, id: strawberry.ID) -> Transfer | None:
        async with info.context.sessions() as session:
            found = await TransferLedger(session).get(str(id))
        if found is None or not info.context.policy.reaches(info.context.principal, "transfer", found.audience):
            return None  # out of reach reads as absent: existence is not revealed
        return Transfer.from_ledger(found)

    @strawberry.field(
        description="Transfers addressed to an enforcement agency or office, oldest first (pull delivery)."
    )
    async def inbox(
        self,
        info: Info,
        office: strawberry.ID,
        status: TransferStatus | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> TransferConnection:
        if not info.context.policy.may_act_for(info.context.principal, "inbox", str(office)):
            raise Forbidden(msg("an inbox is read by its own agency"))
        check_first(first, MAX_INBOX_PAGE)
        wanted = LedgerStatus(status) if status else None
        async with info.context.sessions() as session:
            try:
                page = await TransferLedger(session).inbox([str(office)], status=wanted, first=first, after=after)
            except ValueError as exc:
                raise BadInput.of(exc) from exc
        edges = [
            TransferEdge(cursor=c, node=Transfer.from_ledger(t)) for t, c in zip(page.items, page.cursors, strict=True)
        ]
        return TransferConnection(
            edges=edges,
            page_info=PageInfo.of(page, after),
            has_next_page=page.has_next_page,
            end_cursor=page.end_cursor,
            office_codes=(str(office),),
            status=wanted,
        )


@strawberry.type
class TransferMutations:
    @strawberry.mutation(
        description="A court transfers an enforceable judgment. Repeating an identical submission returns the same "
        "transfer and receipt; the same court and number with different content is a CONFLICT."
    )
    async def submit_judgment(self, info: Info, input: SubmitJudgmentInput) -> SubmitJudgmentPayload:
        submission, contents, refused = to_submission(input)
        if submission is None:
            errors = [UserError(field=e.field or None, code=e.code.value, message=e.message) for e in refused]
            return SubmitJudgmentPayload(transfer=None, replayed=False, user_errors=errors)
        outcome = await submit_judgment(info.context, submission, input.signature, input.key_id, contents)
        return SubmitJudgmentPayload(
            transfer=Transfer.from_ledger(outcome.transfer) if outcome.transfer else None,
            replayed=outcome.replayed,
            user_errors=[
                UserError(field=e.field or None, code=e.code.value, message=e.message) for e in outcome.errors
            ],
        )

    @strawberry.mutation(
        description="The addressed agency enters the transfer in its receipt register and gets the next number of the "
        "statistical year the transfer was received in (Decree 152/2026 Art. 7(2): when the hub recorded the "
        "complete submission for the agency, or moved it there), not the day it is entered; acknowledging again "
        "returns the same number."
    )
    async def acknowledge_transfer(self, info: Info, id: strawberry.ID) -> TransferPayload:
        transfer = await acknowledge_transfer(info.context, str(id))
        if transfer is None:
            error = UserError(
                field="id",
                code=TransferErrorCode.NOT_FOUND.value,
                message=msg("no such transfer addressed to your agency"),
            )
            return TransferPayload(transfer=None, user_errors=[error])
        return TransferPayload(transfer=Transfer.from_ledger(transfer), user_errors=[])

    @strawberry.mutation(
        description="The addressed agency sends the transfer back: WRONG_AGENCY (before registering; it moves to the "
        "agency named in redirectTo, and both are told), UNCLEAR (waits for the court's explanation) or MISSING_DOCUMENT."
    )
    async def return_transfer(
        self, info: Info, id: strawberry.ID, reason: ReturnReason, note: str, redirect_to: strawberry.ID | None = None
    ) -> TransferPayload:
        outcome = await return_transfer(
            info.context, str(id), LedgerReturnReason(reason), note, str(redirect_to) if redirect_to else None
        )
        return _payload(outcome)

    @strawberry.mutation(
        description="Record the enforcement decision (number, date, ex officio or on request, officer)."
    )
    async def record_enforcement_decision(
        self, info: Info, id: strawberry.ID, number: str, issued_on: date, kind: DecisionKindEnum, officer: str
    ) -> TransferPayload:
        outcome = await record_enforcement_decision(
            info.context, str(id), number=number, issued_on=issued_on, kind=DecisionKind(kind), officer=officer
        )
        return _payload(outcome)


def _payload(outcome: ChangeOutcome) -> TransferPayload:
    if outcome.error is not None:
        field, code, message = outcome.error
        return TransferPayload(transfer=None, user_errors=[UserError(field=field, code=code, message=message)])
    assert outcome.transfer is not None
    return TransferPayload(transfer=Transfer.from_ledger(outcome.transfer), user_errors=[])
