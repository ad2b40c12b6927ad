"""`registerAgreement`, `coordinationAgreements`, `openCoordinationRequest`, `respondToCoordinationRequest`,
`coordinationRequests`, `coordinationRequest`.

Who sees what: an agreement, its parties; a request, its sender, its addressee
and its observers (the distribution rules' copies); the ministry, everything.
Anything else reads as absent — null, not listed, not counted, NOT_FOUND —
exactly like an id that does not exist. Reading a request as its addressee
records its receipt (OPEN → RECEIVED), which the sender then sees.
"""

from __future__ import annotations

from datetime import date

import strawberry

from domain.coordination import Action, DraftError, RequestDraft, RequestKind, RequestStatus
from domain.errors import BadInput
from domain.types import AgencyKind
from ledger.coordination import Clause
from resolvers.context import Context
from resolvers.coordination_use_cases import (
    AgreementDraft,
    RequestCriteria,
    agreements_for,
    criteria_for,
    open_request,
    read_request,
    read_requests,
    register_agreement,
    respond,
)
from schema.types.coordination import (
    CoordinationAction,
    CoordinationAgreement,
    CoordinationRequest,
    CoordinationRequestConnection,
    CoordinationRequestEdge,
    CoordinationRequestFilter,
    CoordinationRequestPayload,
    OpenCoordinationRequestInput,
    RegisterAgreementInput,
    RegisterAgreementPayload,
)
from schema.types.pagination import PageInfo, check_first
from schema.types.transfer import UserError

Info = strawberry.Info[Context, None]
MAX_PAGE = 200


def _user_errors(errors: list[DraftError]) -> list[UserError]:
    return [UserError(field=e.field or None, code=e.code, message=e.message) for e in errors]


def _draft(i: OpenCoordinationRequestInput) -> RequestDraft:
    # The kinds are placeholders: the use case puts in the two agencies' real kinds.
    return RequestDraft(
        kind=RequestKind(i.kind),
        sender_kind=AgencyKind.COURT,
        addressee_kind=AgencyKind.COURT,
        subject=i.subject,
        body=i.body,
        judgment_id=str(i.judgment) if i.judgment else None,
        agreement_id=str(i.agreement) if i.agreement else None,
        reply_by=i.reply_by,
        sub_kind=i.sub_kind,
        planned_on=i.planned_on,
        place=i.place,
        period_from=i.period_from,
        period_to=i.period_to,
    )


@strawberry.type
class CoordinationQueries:
    @strawberry.field(
        description="Coordination agreements your agency (or one it succeeded) is a party to; the ministry sees all."
    )
    async def coordination_agreements(
        self, info: Info, party: strawberry.ID | None = None, active_on: date | None = None
    ) -> list[CoordinationAgreement]:
        found = await agreements_for(info.context, str(party) if party else None, active_on)
        return [CoordinationAgreement.from_ledger(a) for a in found]

    @strawberry.field(
        description="Requests your agency sent, received or observes, newest first (the ministry sees all). "
        f"At most {MAX_PAGE} a page. Reading a request addressed to you records its receipt."
    )
    async def coordination_requests(
        self, info: Info, filter: CoordinationRequestFilter | None = None, first: int = 50, after: str | None = None
    ) -> CoordinationRequestConnection:
        check_first(first, MAX_PAGE)
        f = filter or CoordinationRequestFilter()
        try:
            criteria = criteria_for(
                info.context,
                RequestCriteria(
                    kind=RequestKind(f.kind) if f.kind else None,
                    status=RequestStatus(f.status) if f.status else None,
                    role=f.role.value if f.role else None,
                    transfer_id=str(f.transfer_id) if f.transfer_id else None,
                    overdue=f.overdue,
                    due_within_working_days=f.due_within_working_days,
                ),
            )
        except ValueError as exc:
            raise BadInput.of(exc) from exc
        try:
            page = await read_requests(info.context, criteria, first, after)
        except ValueError as exc:
            raise BadInput.of(exc) from exc
        edges = [
            CoordinationRequestEdge(cursor=c, node=CoordinationRequest.from_ledger(r))
            for r, c in zip(page.items, page.cursors, strict=True)
        ]
        return CoordinationRequestConnection(
            edges=edges,
            page_info=PageInfo.of(page, after),
            count_criteria=criteria,
        )

    @strawberry.field(
        description="One request, if your agency is its sender, addressee or an observer (else null). "
        "Its addressee's first read records the receipt."
    )
    async def coordination_request(self, info: Info, id: strawberry.ID) -> CoordinationRequest | None:
        found = await read_request(info.context, str(id))
        return CoordinationRequest.from_ledger(found) if found else None


@strawberry.type
class CoordinationMutations:
    @strawberry.mutation(
        description="Register a signed coordination agreement between two or more agencies, yours among them. "
        "The same signed document (SHA-256) again answers the first registration (`replayed`); with other content "
        "it is refused (`documentSha256` `CONFLICT`)."
    )
    async def register_agreement(self, info: Info, input: RegisterAgreementInput) -> RegisterAgreementPayload:
        draft = AgreementDraft(
            title=input.title,
            scope=input.scope,
            parties=tuple(str(p).strip() for p in input.parties),
            document_sha256=input.document_sha256.strip(),
            signed_on=input.signed_on,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
            clauses=tuple(
                Clause(title=c.title, response_days=c.response_days, kind=RequestKind(c.kind) if c.kind else None)
                for c in input.clauses
            ),
        )
        done = await register_agreement(info.context, draft)
        return RegisterAgreementPayload(
            agreement=CoordinationAgreement.from_ledger(done.agreement) if done.agreement else None,
            user_errors=_user_errors(done.errors),
            replayed=done.replayed,
        )

    @strawberry.mutation(
        description="Your agency sends a coordination request; its due moment follows the law (or the procuracy's "
        "reply date, or an agreement's shorter clause) on the working-day calendar."
    )
    async def open_coordination_request(
        self, info: Info, input: OpenCoordinationRequestInput
    ) -> CoordinationRequestPayload:
        request, errors = await open_request(
            info.context, _draft(input), str(input.to).strip(), str(input.transfer) if input.transfer else None
        )
        return CoordinationRequestPayload(
            request=CoordinationRequest.from_ledger(request) if request else None, user_errors=_user_errors(errors)
        )

    @strawberry.mutation(
        description="Move a request along: the addressee STARTs, ANSWERs (the note is the answer) or DECLINEs "
        "(with reasons); the sender CLOSEs it once answered or WITHDRAWs it (with reasons)."
    )
    async def respond_to_coordination_request(
        self, info: Info, id: strawberry.ID, action: CoordinationAction, note: str | None = None
    ) -> CoordinationRequestPayload:
        request, errors = await respond(info.context, str(id), Action(action.value), note)
        return CoordinationRequestPayload(
            request=CoordinationRequest.from_ledger(request) if request else None, user_errors=_user_errors(errors)
        )
