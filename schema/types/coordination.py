"""Coordination: agreements between agencies and the requests tracked under them (or under the law)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import strawberry

from domain import coordination as dc
from domain.coordination_deadlines import latest_send_day, request_deadline_state
from domain.deadlines import local_day
from ledger.coordination import Agreement as LedgerAgreement
from ledger.coordination import CoordinationEvent as LedgerEvent
from ledger.coordination import CoordinationLedger
from ledger.coordination import CoordinationRequest as LedgerRequest
from schema.context import Info
from schema.types.agency import Agency, agency_named
from schema.types.pagination import PageInfo
from schema.types.transfer import DeadlineState, UserError

CoordinationRequestKind = dc.RequestKind
strawberry.enum(
    dc.RequestKind,
    name="CoordinationRequestKind",
    description="EXPLANATION (enforcement → court), ENFORCEMENT_SUPPORT (enforcement → police), PROCURACY_REQUEST, "
    "PROCURACY_RECOMMENDATION, PROCURACY_PROTEST (procuracy → enforcement), PERIODIC_REPORT (to any agency).",
)
CoordinationRequestSubKind = dc.RequestSubKind
strawberry.enum(
    dc.RequestSubKind,
    name="CoordinationRequestSubKind",
    description="What exactly a request asks, where the law gives it its own time. PROCURACY_REQUEST "
    "(Law 63/2014/QH13 Art. 28(6)): DECIDE_LAWFULLY (a), ENFORCE_LAWFULLY (b) and PROVIDE_RECORDS (d) are carried "
    "out at once, SELF_INSPECT (c: inspect and report) within 30 days. EXPLANATION: COMPLEX_EXPLANATION, up to "
    "30 days (Art. 179(2)). ENFORCEMENT_SUPPORT: PROVINCIAL_POLICE, a complex or multi-commune enforcement "
    "escalated to the provincial police, 5 working days (Decree 152/2026 Arts. 46–47; the commune police have 3).",
)
CoordinationRequestStatus = dc.RequestStatus
strawberry.enum(
    dc.RequestStatus,
    name="CoordinationRequestStatus",
    description="OPEN → RECEIVED (the addressee read it) → IN_PROGRESS → ANSWERED → CLOSED; or DECLINED, WITHDRAWN.",
)


@strawberry.enum(
    description="What a party does to a request: the addressee STARTs, ANSWERs or DECLINEs it; "
    "the sender CLOSEs it once answered or WITHDRAWs it while it waits."
)
class CoordinationAction(StrEnum):
    START = "start"
    ANSWER = "answer"
    DECLINE = "decline"
    CLOSE = "close"
    WITHDRAW = "withdraw"


@strawberry.enum(description="Your agency's part in a request: its sender, its addressee, or an observer with a copy.")
class CoordinationRole(StrEnum):
    SENT = "sender"
    RECEIVED = "addressee"
    OBSERVED = "observer"


@strawberry.type(description="A response time the parties agreed for one kind of request.")
class AgreementClause:
    title: str
    kind: CoordinationRequestKind | None = strawberry.field(
        description="The kind of request the clause sets a response time for; null: a general clause."
    )
    response_days: int = strawberry.field(description="Working days for the answer (1–365).")


@strawberry.type(description="A coordination agreement (quy chế phối hợp) between two or more agencies.")
class CoordinationAgreement:
    id: strawberry.ID
    title: str
    scope: str
    clauses: list[AgreementClause]
    document_sha256: str = strawberry.field(description="SHA-256 (lower-case hex) of the signed document.")
    signed_on: date
    valid_from: date
    valid_to: date | None = strawberry.field(description="Last day in force; null: until replaced.")
    registered_at: datetime
    party_codes: strawberry.Private[tuple[str, ...]]
    registered_by_code: strawberry.Private[str]

    @classmethod
    def from_ledger(cls, a: LedgerAgreement) -> CoordinationAgreement:
        return cls(
            id=strawberry.ID(a.id),
            title=a.title,
            scope=a.scope,
            clauses=[AgreementClause(title=c.title, kind=c.kind, response_days=c.response_days) for c in a.clauses],
            document_sha256=a.document_sha256,
            signed_on=a.signed_on,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            registered_at=a.registered_at,
            party_codes=a.parties,
            registered_by_code=a.registered_by,
        )

    @strawberry.field(description="The agencies bound by the agreement.")
    def parties(self, info: Info) -> list[Agency]:
        found = [agency_named(info.context, code) for code in self.party_codes]
        return [a for a in found if a is not None]

    @strawberry.field(description="The agency that registered it in the hub.")
    def registered_by(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.registered_by_code)

    @strawberry.field(description="True when today (Việt Nam time) lies within its validity period.")
    def in_force(self, info: Info) -> bool:
        today = info.context.clock.today()
        return self.valid_from <= today and (self.valid_to is None or today <= self.valid_to)


@strawberry.type(description="One change of a request: who did what, when, with what note.")
class CoordinationChange:
    at: datetime
    kind: str = strawberry.field(
        description="OPENED, RECEIVED, STARTED, ANSWERED, CLOSED, DECLINED, WITHDRAWN, OVERDUE or REMINDER."
    )
    status: CoordinationRequestStatus = strawberry.field(description="The request's status after the change.")
    agency_code: str | None = strawberry.field(description="The agency that made the change; null: the hub itself.")
    person: str | None
    note: str | None

    @classmethod
    def from_ledger(cls, e: LedgerEvent) -> CoordinationChange:
        return cls(
            at=e.occurred_at,
            kind=e.kind,
            status=e.status,
            agency_code=e.actor_code,
            person=e.actor_person,
            note=e.note,
        )


def due_day(due_at: datetime) -> date:
    """The last day on time of a due moment stored as 24:00 of that day (Việt Nam time)."""
    return local_day(due_at - timedelta(microseconds=1))


@strawberry.type(description="A request from one agency to another, tracked to its answer.")
class CoordinationRequest:
    id: strawberry.ID
    kind: CoordinationRequestKind
    status: CoordinationRequestStatus
    subject: str
    body: str
    judgment_id: strawberry.ID | None = strawberry.field(description="The judgment it is about (<court>:<number>).")
    transfer_id: strawberry.ID | None = strawberry.field(description="The transfer it belongs to, if any.")
    planned_on: date | None = strawberry.field(description="ENFORCEMENT_SUPPORT: the day of the forced enforcement.")
    place: str | None = strawberry.field(description="ENFORCEMENT_SUPPORT: where it takes place.")
    period_from: date | None = strawberry.field(description="PERIODIC_REPORT: first day of the period covered.")
    period_to: date | None = strawberry.field(description="PERIODIC_REPORT: last day of the period covered.")
    reply_by: date | None = strawberry.field(
        description="The reply date the procuracy set itself (it replaces the legal period)."
    )
    sub_kind: CoordinationRequestSubKind | None = strawberry.field(
        description="What exactly it asks, where the law times that apart; null: the kind's own period."
    )
    opened_at: datetime
    due_at: datetime = strawberry.field(
        description="The moment the answer is due: 24:00 (Việt Nam time) of `dueOn`, on the working-day calendar."
    )
    due_on: date = strawberry.field(description="The last day on which the answer is on time.")
    received_at: datetime | None = strawberry.field(description="When the addressee first read it.")
    answered_at: datetime | None
    closed_at: datetime | None = strawberry.field(description="When it was closed, declined or withdrawn.")
    answer: str | None
    sender_code: strawberry.Private[str]
    addressee_code: strawberry.Private[str]
    observer_codes: strawberry.Private[tuple[str, ...]]
    agreement_id: strawberry.Private[str | None]
    answered_or_declined_at: strawberry.Private[datetime | None]
    withdrawn: strawberry.Private[bool]

    @classmethod
    def from_ledger(cls, r: LedgerRequest) -> CoordinationRequest:
        details: dict[str, Any] = r.details
        declined = r.status is dc.RequestStatus.DECLINED
        return cls(
            id=strawberry.ID(r.id),
            kind=r.kind,
            status=r.status,
            subject=r.subject,
            body=r.body,
            judgment_id=strawberry.ID(r.judgment_id) if r.judgment_id else None,
            transfer_id=strawberry.ID(r.transfer_id) if r.transfer_id else None,
            planned_on=_day(details.get("plannedOn")),
            place=details.get("place"),
            period_from=_day(details.get("periodFrom")),
            period_to=_day(details.get("periodTo")),
            reply_by=_day(details.get("replyBy")),
            sub_kind=_sub_kind(details.get("subKind")),
            opened_at=r.opened_at,
            due_at=r.due_at,
            due_on=due_day(r.due_at),
            received_at=r.received_at,
            answered_at=r.answered_at,
            closed_at=r.closed_at,
            answer=r.answer,
            sender_code=r.sender_code,
            addressee_code=r.addressee_code,
            observer_codes=r.observers,
            agreement_id=r.agreement_id,
            answered_or_declined_at=r.closed_at if declined else r.answered_at,
            withdrawn=r.status is dc.RequestStatus.WITHDRAWN,
        )

    @strawberry.field
    def sender(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.sender_code)

    @strawberry.field
    def addressee(self, info: Info) -> Agency | None:
        return agency_named(info.context, self.addressee_code)

    @strawberry.field(description="Agencies that get a read-only copy under the distribution rules.")
    def observers(self, info: Info) -> list[Agency]:
        found = [agency_named(info.context, code) for code in self.observer_codes]
        return [a for a in found if a is not None]

    @strawberry.field(
        description="The agreement it was sent under (null: under the law, or you are not a party to it)."
    )
    async def agreement(self, info: Info) -> CoordinationAgreement | None:
        if self.agreement_id is None:
            return None
        ctx = info.context
        async with ctx.sessions() as session:
            found = await CoordinationLedger(session).agreement(self.agreement_id)
        if found is None:
            return None
        own = ctx.policy.records_in_reach(ctx.principal, "coordinationAgreements")
        if own is not None and own.isdisjoint(found.parties):
            return None
        return CoordinationAgreement.from_ledger(found)

    @strawberry.field(
        description="PENDING, MET, MET_LATE or OVERDUE: answered (or declined with reasons) by `dueAt`? "
        "Null once withdrawn."
    )
    def deadline_state(self, info: Info) -> DeadlineState | None:
        if self.withdrawn:
            return None
        return request_deadline_state(self.due_at, self.answered_or_declined_at, info.context.clock.now())

    @strawberry.field(
        description="ENFORCEMENT_SUPPORT: the last day the request could be sent for the police's legal reply to "
        "come before it must plan the protection (5 working days before `plannedOn`); null for other kinds."
    )
    def latest_send_on(self, info: Info) -> date | None:
        if self.kind is not dc.RequestKind.ENFORCEMENT_SUPPORT or self.planned_on is None:
            return None
        policy = info.context.deadlines
        opened_on = local_day(self.opened_at)
        return latest_send_day(self.planned_on, self.kind, self.sub_kind, opened_on, policy.rules, policy.calendar)

    @strawberry.field(description="Every change, oldest first: who, when, the status after it and the note.")
    async def history(self, info: Info) -> list[CoordinationChange]:
        events = await info.context.loaders.coordination_history.load(str(self.id))
        return [CoordinationChange.from_ledger(e) for e in events]


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _sub_kind(value: Any) -> dc.RequestSubKind | None:
    known = {k.value: k for k in dc.RequestSubKind}
    return known.get(value) if isinstance(value, str) else None


@strawberry.type
class CoordinationRequestEdge:
    cursor: str
    node: CoordinationRequest


@strawberry.type(description="A page of coordination requests, newest first.")
class CoordinationRequestConnection:
    edges: list[CoordinationRequestEdge]
    page_info: PageInfo
    count_criteria: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="Number of requests matching the filter that you may see (all pages).")
    async def total_count(self, info: Info) -> int:
        async with info.context.sessions() as session:
            return await CoordinationLedger(session).count(**self.count_criteria)


@strawberry.input(description="Filters for `coordinationRequests`; all given conditions must hold.")
class CoordinationRequestFilter:
    kind: CoordinationRequestKind | None = None
    status: CoordinationRequestStatus | None = None
    role: CoordinationRole | None = strawberry.field(
        default=None, description="Only requests your agency sent, received or observes."
    )
    transfer_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(
        default=None,
        description="true: still waiting for the addressee after the due moment (deadlineState OVERDUE); "
        "false: all others. A steering committee lists what is overdue in its province with "
        "`{role: OBSERVED, overdue: true}`.",
    )
    due_within_working_days: int | None = strawberry.field(
        default=None,
        description="Still waiting and due from now to the end of the N-th working day from today "
        "(0: today, or the next working day if today is off); 0–365, else BAD_USER_INPUT.",
    )


@strawberry.input
class AgreementClauseInput:
    title: str
    response_days: int = strawberry.field(description="Working days for the answer, 1–365.")
    kind: CoordinationRequestKind | None = strawberry.field(
        default=None,
        description="The kind of request it applies to; a shorter time than the law's gives the earlier due day.",
    )


@strawberry.input(description="A signed coordination agreement; your agency must be one of its parties.")
class RegisterAgreementInput:
    title: str
    scope: str
    parties: list[strawberry.ID] = strawberry.field(description="Codes of the agencies bound (at least two).")
    document_sha256: str = strawberry.field(description="SHA-256 of the signed document, hex.")
    signed_on: date
    valid_from: date
    valid_to: date | None = None
    clauses: list[AgreementClauseInput] = strawberry.field(default_factory=list)


@strawberry.type
class RegisterAgreementPayload:
    agreement: CoordinationAgreement | None
    user_errors: list[UserError]
    replayed: bool = strawberry.field(
        default=False,
        description="True when this signed document was registered before: `agreement` is that first registration.",
    )


@strawberry.input(
    description="A request from your agency. What it must carry depends on the kind: the judgment (EXPLANATION, "
    "ENFORCEMENT_SUPPORT, PROCURACY_PROTEST), the day and place (ENFORCEMENT_SUPPORT), the period "
    "(PERIODIC_REPORT); the procuracy may set its own reply date."
)
class OpenCoordinationRequestInput:
    kind: CoordinationRequestKind
    to: strawberry.ID = strawberry.field(description="The addressee's agency code.")
    subject: str
    body: str
    judgment: strawberry.ID | None = None
    transfer: strawberry.ID | None = None
    agreement: strawberry.ID | None = strawberry.field(
        default=None, description="The agreement it is sent under; null: under the law."
    )
    reply_by: date | None = None
    sub_kind: CoordinationRequestSubKind | None = strawberry.field(
        default=None,
        description="What exactly it asks (a sub-kind of `kind`); it sets the legal period. "
        "A sub-kind of another kind is refused (`subKind` `WRONG_KIND`).",
    )
    planned_on: date | None = None
    place: str | None = None
    period_from: date | None = None
    period_to: date | None = None


@strawberry.type(description="The request after the change, or why it was refused (nothing written).")
class CoordinationRequestPayload:
    request: CoordinationRequest | None
    user_errors: list[UserError]
