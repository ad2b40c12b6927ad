"""The write side of coordination: agreements, opening requests, moving them along, marking them received.

Each write is one database transaction holding the change, its event (the
request's history) and its audit entry — or nothing at all. Expected refusals
come back as :class:`~domain.coordination.DraftError` values (field, code,
message), which the GraphQL layer turns into ``userErrors``.

Visibility follows one rule: a request is seen by its sender, its addressee and
its observers (and the ministry); anyone else is told NOT_FOUND, exactly as for
an id that does not exist. :func:`open_request_in` takes no request context so
that another use case (returning a transfer as UNCLEAR) can open a request
inside its own transaction.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from domain.coordination import (
    ACTOR,
    NOTE_REQUIRED,
    Action,
    DistributionRule,
    DraftError,
    RequestDraft,
    RequestKind,
    RequestStatus,
    Side,
    TransitionError,
    check_addressee,
    check_draft,
    observers,
    transition,
)
from domain.coordination_deadlines import earliest_planned_on, latest_send_day, reply_needed_by, request_due
from domain.deadlines import VIETNAM_TZ, Moment, RuleBook, local_day
from domain.errors import Invalid
from domain.messages import Text, msg
from domain.policy import AccessPolicy
from domain.types import Agency
from domain.workdays import WorkingCalendar
from ledger.audit import record
from ledger.coordination import Agreement, Clause, CoordinationLedger, CoordinationRequest
from ledger.db import write_transaction
from ledger.judgments import JudgmentRegistry
from ledger.paging import Page
from ledger.transfers import ReturnReason, TransferLedger, TransferStatus
from resolvers.context import Context
from resolvers.judgments import judgment_codes

MAX_TITLE: Final = 300
MAX_SCOPE: Final = 5_000
MAX_CLAUSES: Final = 50
MAX_PARTIES: Final = 50
MAX_NOTE: Final = 20_000
MAX_PLACE: Final = 500
RESPONSE_DAYS: Final = range(1, 366)
_SHA256: Final = re.compile(r"[0-9a-fA-F]{64}")

EVENT_OF: Final[Mapping[Action, str]] = {
    Action.START: "STARTED",
    Action.ANSWER: "ANSWERED",
    Action.DECLINE: "DECLINED",
    Action.CLOSE: "CLOSED",
    Action.WITHDRAW: "WITHDRAWN",
}


def _error(field: str, code: str, message: Text) -> list[DraftError]:
    return [DraftError(field, code, message)]


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in Việt Nam, as an aware UTC moment: a deadline given as a date ends then (BLDS Art. 148(6))."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=VIETNAM_TZ).astimezone(UTC)


def _due_moment(due: Moment) -> datetime:
    return due.astimezone(UTC) if isinstance(due, datetime) else end_of_day(due)


# --- agreements -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgreementDraft:
    title: str
    scope: str
    parties: tuple[str, ...]
    document_sha256: str
    signed_on: date
    valid_from: date
    valid_to: date | None
    clauses: tuple[Clause, ...]


def check_agreement(
    draft: AgreementDraft, registrant: str, agencies: Mapping[str, Agency], today: date
) -> list[DraftError]:
    """Everything wrong with an agreement ``registrant`` wants to register (empty when it may be)."""
    errors: list[DraftError] = []
    if not draft.title.strip() or len(draft.title) > MAX_TITLE:
        errors.append(DraftError("title", "INVALID", msg("a title of 1–{limit} characters", limit=MAX_TITLE)))
    if not draft.scope.strip() or len(draft.scope) > MAX_SCOPE:
        errors.append(DraftError("scope", "INVALID", msg("a scope of 1–{limit} characters", limit=MAX_SCOPE)))
    parties = set(draft.parties)
    if len(parties) < 2 or len(parties) > MAX_PARTIES:
        errors.append(
            DraftError(
                "parties", "TOO_FEW_PARTIES", msg("an agreement binds 2–{limit} distinct agencies", limit=MAX_PARTIES)
            )
        )
    unknown = sorted(code for code in parties if code not in agencies)
    if unknown:
        errors.append(
            DraftError(
                "parties", "UNKNOWN_AGENCY", msg("not agencies of the organisation: {codes}", codes=", ".join(unknown))
            )
        )
    dissolved = sorted(code for code in parties if code in agencies and not agencies[code].is_active(today))
    if dissolved:
        errors.append(DraftError("parties", "DISSOLVED", msg("no longer exist: {codes}", codes=", ".join(dissolved))))
    if registrant not in parties:
        errors.append(
            DraftError("parties", "NOT_A_PARTY", msg("your agency registers only agreements it is a party to"))
        )
    if not _SHA256.fullmatch(draft.document_sha256):
        errors.append(DraftError("documentSha256", "INVALID", msg("the SHA-256 of the signed document, 64 hex digits")))
    if draft.signed_on > today:
        errors.append(DraftError("signedOn", "IN_THE_FUTURE", msg("an agreement is registered once it is signed")))
    if draft.valid_from < draft.signed_on:
        errors.append(
            DraftError(
                "validFrom", "BEFORE_SIGNING", msg("an agreement comes into force on or after the day it is signed")
            )
        )
    if draft.valid_to is not None and draft.valid_to < draft.valid_from:
        errors.append(DraftError("validTo", "INVALID", msg("the agreement ends before it starts")))
    elif draft.valid_to is not None and draft.valid_to < draft.signed_on:
        errors.append(DraftError("validTo", "INVALID", msg("the agreement ends before it was signed")))
    if len(draft.clauses) > MAX_CLAUSES:
        errors.append(DraftError("clauses", "INVALID", msg("at most {limit} clauses", limit=MAX_CLAUSES)))
    for number, clause in enumerate(draft.clauses):
        if not clause.title.strip() or len(clause.title) > MAX_TITLE:
            errors.append(
                DraftError(
                    f"clauses.{number}.title", "INVALID", msg("a title of 1–{limit} characters", limit=MAX_TITLE)
                )
            )
        if clause.response_days not in RESPONSE_DAYS:
            errors.append(
                DraftError(f"clauses.{number}.responseDays", "INVALID", msg("a response time of 1–365 working days"))
            )
    errors.extend(_conflicting_clauses(draft.clauses))
    return errors


def _conflicting_clauses(clauses: Sequence[Clause]) -> list[DraftError]:
    """Two clauses for the same kind with different periods: which one the parties meant is not ours to choose."""
    first: dict[RequestKind, tuple[int, Clause]] = {}
    errors: list[DraftError] = []
    for number, clause in enumerate(clauses):
        if clause.kind is None:
            continue
        seen = first.setdefault(clause.kind, (number, clause))
        if seen[1].response_days != clause.response_days:
            errors.append(
                DraftError(
                    f"clauses.{number}.responseDays",
                    "CONFLICTING_CLAUSES",
                    msg(
                        "clause {first} already gives {days} working days for {kind}, this one {other}: "
                        "one period per kind of request",
                        first=seen[0],
                        days=seen[1].response_days,
                        kind=clause.kind.name,
                        other=clause.response_days,
                    ),
                )
            )
    return errors


def _same_agreement(stored: Agreement, new: Agreement) -> bool:
    """Whether ``new`` says what ``stored`` says (who registered it and when aside)."""
    fields = ("title", "scope", "parties", "clauses", "document_sha256", "signed_on", "valid_from", "valid_to")
    return all(getattr(stored, name) == getattr(new, name) for name in fields)


@dataclass(frozen=True, slots=True)
class Registered:
    """What :func:`register_agreement` did: the agreement (new, or the one first registered) or why not."""

    agreement: Agreement | None
    errors: list[DraftError]
    replayed: bool = False  # the same signed document was registered before: this is that agreement


async def register_agreement(ctx: Context, draft: AgreementDraft) -> Registered:
    """Register a signed agreement once: the same document again is the first registration (``replayed``).

    The same SHA-256 with other content is a CONFLICT, nothing written.
    """
    now = ctx.clock.now()
    errors = check_agreement(draft, ctx.principal.agency_code, ctx.agencies, local_day(now))
    if errors:
        return Registered(None, errors)
    agreement = Agreement(
        id=str(uuid.uuid4()),
        title=draft.title.strip(),
        scope=draft.scope.strip(),
        parties=tuple(sorted(set(draft.parties))),
        clauses=tuple(replace(c, title=c.title.strip()) for c in draft.clauses),
        document_sha256=draft.document_sha256.lower(),
        signed_on=draft.signed_on,
        valid_from=draft.valid_from,
        valid_to=draft.valid_to,
        registered_by=ctx.principal.agency_code,
        registered_at=now,
    )
    async with write_transaction(ctx.sessions) as session:
        ledger = CoordinationLedger(session)
        earlier = await ledger.agreement_by_document(agreement.document_sha256)
        if earlier is not None:
            if _same_agreement(earlier, agreement):
                return Registered(earlier, [], replayed=True)
            conflict = (
                msg(
                    "this signed document is already registered as agreement {agreement} with other content; "
                    "one signed document is one agreement",
                    agreement=earlier.id,
                )
                if ctx.principal.agency_code in earlier.parties
                else msg(
                    "this signed document is already registered with other content; one signed document is one agreement"
                )
            )
            return Registered(
                None,
                _error("documentSha256", "CONFLICT", conflict),
            )
        stored = await ledger.add_agreement(agreement)
        await record(session, ctx.audit_entry("registerAgreement", [stored.id, *stored.parties], now))
    return Registered(stored, [])


async def agreements_for(ctx: Context, party: str | None, active_on: date | None) -> list[Agreement]:
    """Agreements one of the caller's own agencies is a party to (the ministry: all), optionally of ``party``."""
    own = ctx.policy.records_in_reach(ctx.principal, "coordinationAgreements")
    async with ctx.sessions() as session:
        found = await CoordinationLedger(session).agreements(
            party_codes=sorted(own) if own is not None else ([party] if party else None), active_on=active_on
        )
    return [a for a in found if party is None or party in a.parties]


# --- opening a request ----------------------------------------------------------------------------


async def open_request_in(
    session: AsyncSession,
    *,
    draft: RequestDraft,
    sender_code: str,
    addressee_code: str,
    actor_person: str | None,
    transfer_id: str | None,
    agreement: Agreement | None,
    at: datetime,
    rules: RuleBook,
    calendar: WorkingCalendar,
    distribution: tuple[DistributionRule, ...],
    agencies: Mapping[str, Agency],
    access: AccessPolicy,
    judgment_reach: frozenset[str] | None = None,
) -> tuple[CoordinationRequest | None, list[DraftError]]:
    """Open a request inside the caller's transaction: the request, its audience and its OPENED event.

    The kinds in ``draft`` are replaced by the two agencies' real kinds. With a
    ``transfer_id``, the transfer must concern the sender, and its judgment is
    the request's unless the draft names one. A judgment must exist and be in
    ``judgment_reach`` (default: the sender and its predecessors), else it is
    NOT_FOUND, as an agreement the sender is no party to. ``agreement`` may be
    passed already loaded; otherwise ``draft.agreement_id`` is looked up. The
    due moment is the law's (or the procuracy's reply date), or an agreement
    clause's for this kind when that comes earlier. The caller writes the audit
    entry and notifies subscribers after the commit. Nothing is written when
    errors are returned.
    """
    today = local_day(at)
    sender, addressee = agencies.get(sender_code), agencies.get(addressee_code)
    if sender is None or not sender.is_active(today):
        return None, _error(
            "from",
            "UNKNOWN_SENDER",
            msg("{agency} is not an agency in force that may send requests", agency=sender_code),
        )
    if addressee is None:
        return None, _error(
            "to", "NOT_FOUND", msg("{agency} is not an agency of the organisation", agency=addressee_code)
        )
    if not addressee.is_active(today):
        gone = (
            msg(
                "{agency} no longer exists; its work passed to {successor}",
                agency=addressee_code,
                successor=addressee.successor_code,
            )
            if addressee.successor_code
            else msg("{agency} no longer exists", agency=addressee_code)
        )
        return None, _error("to", "DISSOLVED", gone)
    if addressee_code == sender_code:
        return None, _error("to", "SAME_AGENCY", msg("a request goes to another agency"))
    own = access.lineage(sender_code)
    errors: list[DraftError] = []
    if transfer_id is not None:
        transfer = await TransferLedger(session).get(transfer_id)
        if transfer is None or own.isdisjoint(transfer.audience):
            errors += _error("transfer", "NOT_FOUND", msg("no such transfer concerning your agency"))
        elif draft.judgment_id is None:
            draft = replace(draft, judgment_id=transfer.judgment_id)
        elif draft.judgment_id != transfer.judgment_id:
            errors += _error(
                "judgment",
                "MISMATCH",
                msg("transfer {transfer} is about {judgment}", transfer=transfer_id, judgment=transfer.judgment_id),
            )
    draft = replace(draft, sender_kind=sender.kind, addressee_kind=addressee.kind)
    errors += check_draft(draft, today)
    errors += check_addressee(draft.kind, sender, addressee, agencies)
    if draft.judgment_id:
        entry = await JudgmentRegistry(session).get(draft.judgment_id)
        reach = judgment_reach if judgment_reach is not None else own
        if entry is None or reach.isdisjoint(judgment_codes(entry)):
            errors += _error("judgment", "NOT_FOUND", msg("no such judgment in your reach"))
        elif draft.kind is RequestKind.EXPLANATION and access.lineage(addressee_code).isdisjoint(
            {entry.court_code, entry.current_court_code}
        ):
            errors += _error(
                "to",
                "NOT_THE_COURT",
                msg("{judgment} is explained by the court that issued it", judgment=draft.judgment_id),
            )
    if draft.agreement_id:
        if agreement is None or agreement.id != draft.agreement_id:
            agreement = await CoordinationLedger(session).agreement(draft.agreement_id)
        if agreement is None or sender_code not in agreement.parties:
            errors += _error("agreement", "NOT_FOUND", msg("no such agreement your agency is a party to"))
        elif addressee_code not in agreement.parties:
            errors += _error(
                "agreement", "NOT_A_PARTY", msg("{agency} is not a party to this agreement", agency=addressee_code)
            )
        elif not agreement.in_force(today):
            errors += _error("agreement", "NOT_IN_FORCE", msg("the agreement is not in force today"))
    else:
        agreement = None
    if draft.place is not None and len(draft.place) > MAX_PLACE:
        errors += _error("place", "INVALID", msg("a place of at most {limit} characters", limit=MAX_PLACE))
    if errors:
        return None, errors
    due = _due(draft, at, agreement, rules, calendar)
    if draft.kind is RequestKind.ENFORCEMENT_SUPPORT and draft.planned_on is not None:
        late = _too_close(draft, draft.planned_on, today, local_day(due - timedelta(microseconds=1)), rules, calendar)
        if late:
            return None, late
    provinces = frozenset(p for p in (sender.province_code, addressee.province_code) if p)
    copies = observers(distribution, draft.kind, provinces, frozenset({sender_code, addressee_code}))
    request = CoordinationRequest(
        id=str(uuid.uuid4()),
        kind=draft.kind,
        sender_code=sender_code,
        addressee_code=addressee_code,
        subject=draft.subject.strip(),
        body=draft.body,
        status=RequestStatus.OPEN,
        opened_at=at,
        due_at=due,
        updated_at=at,
        details=_details(draft),
        agreement_id=agreement.id if agreement else None,
        judgment_id=draft.judgment_id,
        transfer_id=transfer_id,
        opened_by=actor_person,
        observers=tuple(sorted(code for code in copies if code in agencies)),
    )
    stored, _ = await CoordinationLedger(session).open(request, actor_person=actor_person, at=at)
    return stored, []


def _due(
    draft: RequestDraft, at: datetime, agreement: Agreement | None, rules: RuleBook, calendar: WorkingCalendar
) -> datetime:
    due = _due_moment(request_due(draft.kind, at, draft.reply_by, rules, calendar, draft.sub_kind))
    if draft.reply_by is None and agreement is not None:
        agreed = [c.response_days for c in agreement.clauses if c.kind is draft.kind]
        if agreed:
            by_clause = end_of_day(calendar.add_working_days(local_day(at), min(agreed)))
            due = min(due, by_clause)
    return due


def _dates(day: date) -> str:
    return f"{day.strftime('%d/%m/%Y')} ({day.isoformat()})"


def _too_close(
    draft: RequestDraft, planned_on: date, today: date, due_day: date, rules: RuleBook, calendar: WorkingCalendar
) -> list[DraftError]:
    """``plannedOn`` ``TOO_CLOSE`` when the reply would be due after the police must have planned the protection."""
    needed = reply_needed_by(planned_on, today, rules, calendar)
    if due_day <= needed:
        return []
    send_by = latest_send_day(planned_on, draft.kind, draft.sub_kind, today, rules, calendar)
    earliest = earliest_planned_on(due_day, today, rules, calendar)
    too_close = msg(
        "an enforcement on {planned} is too close: a request sent today is answered by {due}, "
        "but the reply is needed by {needed} to plan the protection in time",
        planned=_dates(planned_on),
        due=_dates(due_day),
        needed=_dates(needed),
    )
    sent_by = "" if send_by is None else msg("; for that day the request had to be sent by {day}", day=_dates(send_by))
    soonest = (
        "" if earliest is None else msg("; the earliest day you can plan it on now is {day}", day=_dates(earliest))
    )
    told = msg(
        "{too_close}{send_by}{earliest} (Decree 152/2026 Arts. 46–47)",
        too_close=too_close,
        send_by=sent_by,
        earliest=soonest,
    )
    return _error("plannedOn", "TOO_CLOSE", told)


def _details(draft: RequestDraft) -> dict[str, Any]:
    values = {
        "plannedOn": draft.planned_on.isoformat() if draft.planned_on else None,
        "place": draft.place.strip() if draft.place else None,
        "periodFrom": draft.period_from.isoformat() if draft.period_from else None,
        "periodTo": draft.period_to.isoformat() if draft.period_to else None,
        "replyBy": draft.reply_by.isoformat() if draft.reply_by else None,
        "subKind": draft.sub_kind.value if draft.sub_kind else None,
    }
    return {key: value for key, value in values.items() if value is not None}


async def open_request(
    ctx: Context, draft: RequestDraft, addressee_code: str, transfer_id: str | None
) -> tuple[CoordinationRequest | None, list[DraftError]]:
    """The caller's agency opens a request: checked, stored with its audit entry, subscribers notified."""
    now = ctx.clock.now()
    p = ctx.principal
    async with write_transaction(ctx.sessions) as session:
        request, errors = await open_request_in(
            session,
            draft=draft,
            sender_code=p.agency_code,
            addressee_code=addressee_code,
            actor_person=p.person,
            transfer_id=transfer_id,
            agreement=None,
            at=now,
            rules=ctx.deadlines.rules,
            calendar=ctx.deadlines.calendar,
            distribution=ctx.distribution,
            agencies=ctx.agencies,
            access=ctx.policy,
            judgment_reach=ctx.policy.jurisdiction(p),
        )
        if request is None:
            return None, errors
        objects = [request.id, *(i for i in (request.judgment_id, request.transfer_id) if i)]
        await record(session, ctx.audit_entry(f"openCoordinationRequest:{request.kind.value}", objects, now))
    await ctx.signal.notify()
    return request, []


# --- moving a request along -----------------------------------------------------------------------


def _visible(ctx: Context, request: CoordinationRequest, operation: str) -> bool:
    codes = ctx.policy.records_in_reach(ctx.principal, operation)
    return codes is None or not codes.isdisjoint(request.audience)


def _side(own: frozenset[str], request: CoordinationRequest, action: Action) -> Side | None:
    """The caller's side for ``action``: the side the action belongs to if it is the caller's, else its other side."""
    sides = {Side.SENDER: request.sender_code in own, Side.ADDRESSEE: request.addressee_code in own}
    if sides[ACTOR[action]]:
        return ACTOR[action]
    return next((side for side, mine in sides.items() if mine), None)


async def respond(
    ctx: Context, request_id: str, action: Action, note: str | None
) -> tuple[CoordinationRequest | None, list[DraftError]]:
    """The addressee starts, answers or declines; the sender closes or withdraws. One transaction."""
    text = (note or "").strip()
    if action in NOTE_REQUIRED and not text:
        return None, _error(
            "note", "NOTE_REQUIRED", msg("say why (or give the answer) to {action} a request", action=action.value)
        )
    if len(text) > MAX_NOTE:
        return None, _error("note", "INVALID", msg("a note of at most {limit} characters", limit=MAX_NOTE))
    now = ctx.clock.now()
    p = ctx.principal
    own = ctx.policy.own(p)
    async with write_transaction(ctx.sessions) as session:
        ledger = CoordinationLedger(session)
        current = await ledger.get(request_id, for_update=True)
        if current is None or not _visible(ctx, current, "respondToCoordinationRequest"):
            return None, _error("id", "NOT_FOUND", msg("no such coordination request"))
        side = _side(own, current, action)
        if side is None:
            return None, _error("id", "NOT_A_PARTY", msg("observers follow a request; only its parties act on it"))
        try:
            after = transition(current.status, action, side)
        except TransitionError as exc:
            return None, _error("action", "INVALID_TRANSITION", exc.message)
        objects = [current.id]
        if current.status is RequestStatus.OPEN and side is Side.ADDRESSEE:  # acting on it is proof it arrived
            await ledger.mark_received(current.id, actor_code=p.agency_code, actor_person=p.person, at=now)
        payload: dict[str, Any] = {"action": action.value}
        if after is RequestStatus.ANSWERED and current.kind is RequestKind.EXPLANATION and current.transfer_id:
            resumed = await _resume_transfer(session, current.transfer_id, now)
            if resumed:
                payload["transferResumed"] = current.transfer_id
                objects.append(current.transfer_id)
        request, _ = await ledger.change(
            current.id,
            status=after,
            event_kind=EVENT_OF[action],
            actor_code=p.agency_code,
            actor_person=p.person,
            note=text or None,
            at=now,
            answer=text if after is RequestStatus.ANSWERED else None,
            payload=payload,
        )
        await record(session, ctx.audit_entry(f"respondToCoordinationRequest:{action.value}", objects, now))
    await ctx.signal.notify()
    return request, []


async def _resume_transfer(session: AsyncSession, transfer_id: str, at: datetime) -> bool:
    """The court answered: a transfer RETURNED as UNCLEAR is back with the agency and its deadlines restart."""
    ledger = TransferLedger(session)
    transfer = await ledger.get(transfer_id)
    if transfer is None or transfer.status is not TransferStatus.RETURNED:
        return False
    if transfer.return_reason != ReturnReason.UNCLEAR.value:
        return False
    await ledger.resume_after_explanation(transfer_id, at)
    return True


# --- reading (and the receipt it records) ---------------------------------------------------------


async def read_request(ctx: Context, request_id: str) -> CoordinationRequest | None:
    """One request the caller may see, else None; the addressee's first read records its receipt."""
    async with ctx.sessions() as session:
        found = await CoordinationLedger(session).get(request_id)
    if found is None or not _visible(ctx, found, "coordinationRequest"):
        return None
    return (await _mark_received(ctx, [found]))[0]


@dataclass(frozen=True, slots=True)
class RequestCriteria:
    kind: RequestKind | None = None
    status: RequestStatus | None = None
    role: str | None = None  # sender, addressee, observer (the caller's part)
    transfer_id: str | None = None
    overdue: bool | None = None  # True: still waiting past the due moment; False: all others
    due_within_working_days: int | None = None  # still waiting, due from now to the end of the N-th working day


MAX_DUE_WITHIN: Final = 365


def criteria_for(ctx: Context, wanted: RequestCriteria) -> dict[str, Any]:
    """Ledger criteria (``requests`` / ``count``): what ``wanted`` asks for, within what the caller may see.

    The deadline conditions are fixed at the moment of the call, so every page and
    ``totalCount`` of one answer agree. ValueError for ``due_within_working_days`` out of 0–365.
    """
    reach = ctx.policy.records_in_reach(ctx.principal, "coordinationRequests")
    visible = ctx.policy.own(ctx.principal) if wanted.role is not None else reach
    if reach is not None and visible is not None:
        visible = visible & reach
    now = ctx.clock.now()
    window: tuple[datetime, datetime] | None = None
    if wanted.due_within_working_days is not None:
        if not 0 <= wanted.due_within_working_days <= MAX_DUE_WITHIN:
            raise Invalid(msg("dueWithinWorkingDays must be between 0 and {limit}", limit=MAX_DUE_WITHIN))
        last = ctx.deadlines.calendar.add_working_days(local_day(now), wanted.due_within_working_days)
        window = (now, end_of_day(last) + timedelta(microseconds=1))  # a due day's moment is its 24:00
    return {
        "visible_to": sorted(visible) if visible is not None else None,
        "kind": wanted.kind,
        "status": wanted.status,
        "transfer_id": wanted.transfer_id,
        "role": wanted.role,
        "overdue_at": now if wanted.overdue is True else None,
        "not_overdue_at": now if wanted.overdue is False else None,
        "due_within": window,
    }


async def read_requests(
    ctx: Context, criteria: Mapping[str, Any], first: int, after: str | None
) -> Page[CoordinationRequest]:
    """A page of requests (ValueError for a bad page size or cursor); receipts recorded for the addressee's."""
    async with ctx.sessions() as session:
        page = await CoordinationLedger(session).requests(first=first, after=after, **criteria)
    items = await _mark_received(ctx, page.items)
    return dataclasses.replace(page, items=tuple(items))


async def _mark_received(ctx: Context, requests: Sequence[CoordinationRequest]) -> list[CoordinationRequest]:
    own = ctx.policy.own(ctx.principal)
    unread = [r for r in requests if r.status is RequestStatus.OPEN and r.addressee_code in own]
    if not unread:
        return list(requests)
    now = ctx.clock.now()
    p = ctx.principal
    received: set[str] = set()
    async with write_transaction(ctx.sessions) as session:
        ledger = CoordinationLedger(session)
        for request in unread:
            if await ledger.mark_received(request.id, actor_code=p.agency_code, actor_person=p.person, at=now):
                received.add(request.id)
        if received:
            await record(session, ctx.audit_entry("receiveCoordinationRequest", sorted(received), now))
    if received:
        await ctx.signal.notify()
    fresh = {r.id: replace(r, status=RequestStatus.RECEIVED, received_at=now, updated_at=now) for r in unread}
    raced = [r.id for r in unread if r.id not in received]  # another reader (or the addressee's action) came first
    if raced:
        async with ctx.sessions() as session:
            ledger = CoordinationLedger(session)
            for rid in raced:
                again = await ledger.get(rid)
                if again is not None:
                    fresh[rid] = again
    return [fresh.get(r.id, r) for r in requests]
