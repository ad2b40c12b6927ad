"""The write side of transfers: submit and acknowledge, each one database transaction.

Kept out of the GraphQL classes so the rules read top to bottom: check the
input, check who is asking, then write the transfer, its event (with outbox
rows) and its audit entry together — or nothing at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.coordination import RequestDraft, RequestKind
from domain.deadlines import local_day
from domain.jurisdiction import Route, RoutingError, current_successor, route_judgment, route_to_enforcement
from domain.messages import Text, msg
from domain.receipts import build_receipt
from domain.signatures import KeyFormatError, public_key_from_b64, verify
from domain.submission import MAX_DOCUMENT_BYTES, Submission, SubmissionErrorCode, UserError, validate
from domain.types import Agency, AgencyKind, DecisionKind
from ledger.agencies import AgencyRepository
from ledger.audit import record
from ledger.db import write_transaction
from ledger.keys import CourtKeys
from ledger.transfers import ReturnReason, Transfer, TransferLedger, TransferStatus, idempotency_key, new_transfer_id
from resolvers.context import Context
from resolvers.coordination_use_cases import open_request_in


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    transfer: Transfer | None = None
    replayed: bool = False
    errors: tuple[UserError, ...] = ()


def _error(field: str | None, code: SubmissionErrorCode, message: Text) -> SubmitOutcome:
    return SubmitOutcome(errors=(UserError(field or "", code, message),))


@dataclass(frozen=True, slots=True)
class DocumentContent:
    """A document's declared hash and, when the court sends it, its content; ``field`` names it in errors."""

    field: str
    sha256: str
    content_base64: str | None = None


def check_document(document: DocumentContent) -> UserError | None:
    """When the document itself is sent, it must fit and match its declared hash."""
    if document.content_base64 is None:
        return None
    where = document.field
    too_large = UserError(
        f"{where}.contentBase64",
        SubmissionErrorCode.PAYLOAD_TOO_LARGE,
        msg("{field} is larger than 2 MiB", field=where),
    )
    if len(document.content_base64) > -(-MAX_DOCUMENT_BYTES // 3) * 4:  # longer than any base64 of MAX bytes
        return too_large
    try:
        content = base64.b64decode(document.content_base64, validate=True)
    except (binascii.Error, ValueError):
        return UserError(
            f"{where}.contentBase64", SubmissionErrorCode.INVALID, msg("{field} is not valid base64", field=where)
        )
    if len(content) > MAX_DOCUMENT_BYTES:
        return too_large
    if hashlib.sha256(content).hexdigest() != document.sha256:
        return UserError(
            f"{where}.sha256",
            SubmissionErrorCode.DOCUMENT_HASH_MISMATCH,
            msg("{field} does not match its SHA-256", field=where),
        )
    return None


async def route_for(session: AsyncSession, court_code: str) -> tuple[Agency | None, Route | None]:
    """The court (as submitted) and its route, loading only its succession chain and its province."""
    repo = AgencyRepository(session)
    known: dict[str, Agency] = {}
    code: str | None = court_code
    while code is not None and code not in known:
        (found,) = await repo.get_many([code])
        if found is None:
            break
        known[found.code] = found
        code = found.successor_code
    court = known.get(court_code)
    if court is None or court.kind is not AgencyKind.COURT:
        return court, None
    provinces = {a.province_code for a in known.values() if a.province_code}
    for province in provinces:
        known.update({a.code: a for a in await repo.list(province_code=province)})
    try:
        return court, route_judgment(court_code, known)
    except RoutingError:
        return court, None


async def submit_judgment(
    ctx: Context, submission: Submission, signature: str, key_id: str | None, documents: Sequence[DocumentContent]
) -> SubmitOutcome:
    p = ctx.principal
    if submission.court_code != p.agency_code:
        return _error(
            "court",
            SubmissionErrorCode.NOT_YOUR_COURT,
            msg("your token is for {agency}; a court submits only its own judgments", agency=p.agency_code),
        )
    now = ctx.clock.now()
    errors = validate(submission, local_day(now), ctx.earliest_judgment)
    errors.extend(e for e in map(check_document, documents) if e is not None)
    if errors:
        return SubmitOutcome(errors=tuple(errors))
    try:
        outcome = await _write_submission(ctx, submission, signature, key_id, now)
    except IntegrityError:
        outcome = await _replay(ctx, submission)  # a concurrent identical submission won the race
    if outcome.transfer is not None and not outcome.replayed:
        await ctx.signal.notify()
    return outcome


async def _replay(ctx: Context, submission: Submission) -> SubmitOutcome:
    async with ctx.sessions() as session:
        existing = await TransferLedger(session).by_idempotency_key(
            idempotency_key(submission.court_code, submission.number)
        )
    if existing is None:
        raise RuntimeError("integrity error without an existing transfer")  # a real fault: masked and logged
    return _same_or_conflict(existing, submission)


def _same_or_conflict(existing: Transfer, submission: Submission) -> SubmitOutcome:
    if existing.content_sha256 == submission.content_sha256():
        return SubmitOutcome(transfer=existing, replayed=True)
    return _error(
        "number",
        SubmissionErrorCode.CONFLICT,
        msg(
            "{number} was already submitted by {court} with different content (transfer {transfer})",
            number=submission.number,
            court=submission.court_code,
            transfer=existing.id,
        ),
    )


async def _write_submission(
    ctx: Context, submission: Submission, signature: str, key_id: str | None, now: datetime
) -> SubmitOutcome:
    async with write_transaction(ctx.sessions) as session:
        court, route = await route_for(session, submission.court_code)
        if court is None or court.kind is not AgencyKind.COURT:
            return _error(
                "court",
                SubmissionErrorCode.UNKNOWN_COURT,
                msg("{court} is not a court known to the hub", court=submission.court_code),
            )
        ledger = TransferLedger(session)
        existing = await ledger.by_idempotency_key(idempotency_key(submission.court_code, submission.number))
        if existing is not None:
            return _same_or_conflict(existing, submission)
        keys = CourtKeys(session)
        candidates = [await keys.get(key_id)] if key_id else await keys.for_court(submission.court_code)
        active = [k for k in candidates if k is not None and k.court_code == submission.court_code and k.valid_at(now)]
        if not active:
            return _error(
                "keyId",
                SubmissionErrorCode.UNKNOWN_KEY,
                msg("no active key is registered for this court (lienthong keys add)"),
            )
        message = submission.signed_bytes()
        try:
            signer = next((k for k in active if verify(public_key_from_b64(k.public_key), message, signature)), None)
        except KeyFormatError:
            signer = None
        if signer is None:
            return _error(
                "signature",
                SubmissionErrorCode.BAD_SIGNATURE,
                msg("the signature does not verify against the court's registered key"),
            )
        if route is None:
            return _error(
                "court",
                SubmissionErrorCode.UNROUTABLE,
                msg("no competent enforcement agency could be found for this court"),
            )
        transfer_id = new_transfer_id()
        receipt = build_receipt(
            transfer_id=transfer_id, submission=submission, route=route, received_at=now, hub_key_id=ctx.receipts.key_id
        )
        receipt_json, receipt_signature = ctx.receipts.sign(receipt)
        transfer, _ = await ledger.create(
            transfer_id=transfer_id,
            submission=submission,
            route=route,
            key_id=signer.key_id,
            signature=signature,
            receipt=receipt,
            receipt_json=receipt_json,
            receipt_signature=receipt_signature,
            received_at=now,
        )
        await record(
            session,
            ctx.audit_entry("submitJudgment", [transfer.id, transfer.judgment_id], now),
        )
        return SubmitOutcome(transfer=transfer)


async def acknowledge_transfer(ctx: Context, transfer_id: str) -> Transfer | None:
    """Enter the transfer in the caller's receipt register; None when it is not addressed to the caller."""
    now = ctx.clock.now()
    async with write_transaction(ctx.sessions) as session:
        ledger = TransferLedger(session)
        current = await _addressed_transfer(session, ctx, transfer_id)
        if current is None:
            return None
        transfer, event = await ledger.acknowledge(transfer_id, now)
        if event is not None:
            await record(session, ctx.audit_entry("acknowledgeTransfer", [transfer.id], now))
    if event is not None:
        await ctx.signal.notify()
    return transfer


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    transfer: Transfer | None = None
    error: tuple[str, str, Text] | None = None  # field, code, message


def _refused(field: str, code: str, message: Text) -> ChangeOutcome:
    return ChangeOutcome(error=(field, code, message))


async def _addressed_transfer(session: AsyncSession, ctx: Context, transfer_id: str) -> Transfer | None:
    """The transfer if it is addressed to the caller's agency (or one it succeeded); None otherwise."""
    current = await TransferLedger(session).get(transfer_id)
    if current is None or not ctx.policy.own(ctx.principal) & {
        current.register_office_code,
        current.enforcement_agency_code,
    }:
        return None
    return current


async def return_transfer(
    ctx: Context, transfer_id: str, reason: ReturnReason, note: str, redirect_to: str | None
) -> ChangeOutcome:
    if not note.strip() or len(note) > 2000:
        return _refused("note", "INVALID", msg("say why, in 1–2000 characters"))
    now = ctx.clock.now()
    async with write_transaction(ctx.sessions) as session:
        current = await _addressed_transfer(session, ctx, transfer_id)
        if current is None:
            return _refused("id", "NOT_FOUND", msg("no such transfer addressed to your agency"))
        if current.status in {TransferStatus.DECIDED, TransferStatus.RETURNED}:
            return _refused(
                "id",
                "INVALID_STATE",
                msg("a {status} transfer cannot be returned", status=current.status.value.lower()),
            )
        ledger = TransferLedger(session)
        if reason is ReturnReason.WRONG_AGENCY:
            if current.status is not TransferStatus.SUBMITTED:
                return _refused(
                    "reason",
                    "INVALID_STATE",
                    msg("competence is checked before registering: this transfer is already registered"),
                )
            if not redirect_to:
                return _refused("redirectTo", "REQUIRED", msg("name the competent enforcement agency or area office"))
            province_agencies = await AgencyRepository(session).list(province_code=_province_of(redirect_to))
            try:
                route = route_to_enforcement(current.court_code, redirect_to, {a.code: a for a in province_agencies})
            except RoutingError as exc:
                return _refused("redirectTo", "UNROUTABLE", exc.message)
            if (
                route.enforcement_office_code == current.enforcement_office_code
                and route.enforcement_agency_code == current.enforcement_agency_code
            ):
                return _refused("redirectTo", "INVALID", msg("that is where the transfer already is"))
            transfer, _ = await ledger.reroute(transfer_id, route, note, now)
        else:
            transfer, _ = await ledger.return_to_court(transfer_id, reason, note, now)
        objects = [transfer.id]
        if reason is ReturnReason.UNCLEAR:
            objects.append(await _ask_the_court_to_explain(session, ctx, transfer, note, now))
        await record(session, ctx.audit_entry(f"returnTransfer:{reason.value}", objects, now))
    await ctx.signal.notify()
    return ChangeOutcome(transfer=transfer)


async def _ask_the_court_to_explain(
    session: AsyncSession, ctx: Context, transfer: Transfer, note: str, at: datetime
) -> str:
    """An UNCLEAR return opens an explanation request to the court, in the same transaction; its id.

    The court's answer (``respondToCoordinationRequest``) puts the transfer back with the agency and
    restarts its decision deadline (``resume_after_explanation``).
    """
    court = ctx.agencies.get(transfer.court_code)
    court_code = current_successor(transfer.court_code, ctx.agencies).code if court else transfer.court_code
    sender = ctx.agencies[ctx.principal.agency_code]
    draft = RequestDraft(
        kind=RequestKind.EXPLANATION,
        sender_kind=sender.kind,
        addressee_kind=AgencyKind.COURT,
        subject=f"Yêu cầu giải thích bản án, quyết định {transfer.judgment_id.partition(':')[2]}",
        body=note,
        judgment_id=transfer.judgment_id,
    )
    request, errors = await open_request_in(
        session,
        draft=draft,
        sender_code=sender.code,
        addressee_code=court_code,
        actor_person=ctx.principal.person,
        transfer_id=transfer.id,
        agreement=None,
        at=at,
        rules=ctx.deadlines.rules,
        calendar=ctx.deadlines.calendar,
        distribution=ctx.distribution,
        agencies=ctx.agencies,
        access=ctx.policy,
    )
    if request is None:  # the draft is ours: an error here is a defect, and the return is rolled back with it
        raise RuntimeError(f"could not open the explanation request for transfer {transfer.id}: {errors}")
    return request.id


def _province_of(agency_code: str) -> str | None:
    parts = agency_code.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "enforcement" else None


async def record_enforcement_decision(
    ctx: Context, transfer_id: str, *, number: str, issued_on: date, kind: DecisionKind, officer: str
) -> ChangeOutcome:
    now = ctx.clock.now()
    if not number.strip() or len(number) > 64:
        return _refused("number", "INVALID", msg("decision number must be 1–64 characters"))
    if not officer.strip() or len(officer) > 255:
        return _refused("officer", "INVALID", msg("name the assigned enforcement officer"))
    if issued_on > local_day(now):
        return _refused("issuedOn", "INVALID", msg("a decision cannot be issued in the future"))
    async with write_transaction(ctx.sessions) as session:
        current = await _addressed_transfer(session, ctx, transfer_id)
        if current is None:
            return _refused("id", "NOT_FOUND", msg("no such transfer addressed to your agency"))
        if current.status is not TransferStatus.ACKNOWLEDGED:
            return _refused(
                "id", "INVALID_STATE", msg("a decision is recorded for a registered (acknowledged) transfer")
            )
        if issued_on < local_day(current.received_at):
            return _refused("issuedOn", "INVALID", msg("the decision is dated before the judgment was received"))
        transfer, _ = await TransferLedger(session).record_decision(
            transfer_id, number=number.strip(), issued_on=issued_on, kind=kind.value, officer=officer.strip(), at=now
        )
        await record(session, ctx.audit_entry("recordEnforcementDecision", [transfer.id], now))
    await ctx.signal.notify()
    return ChangeOutcome(transfer=transfer)
