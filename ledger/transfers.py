"""Transfers of judgments from courts to enforcement agencies: the hub's own record.

Every state change happens in one write transaction with its event (and the
event's outbox rows) and its audit entry, so what the database holds and what
subscribers, webhooks and auditors see can never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

import orjson
from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.deadlines import local_day
from domain.jurisdiction import Route
from domain.registers import statistical_year
from domain.submission import DocumentKind, Submission, SubmittedDocument
from domain.transfer_deadlines import TransferFacts
from domain.types import CourtJudgment
from ledger.events import TransferEvent, append_event
from ledger.judgments import JudgmentRegistry, entry_from
from ledger.models import JudgmentRow, TransferEventRow, TransferRow
from ledger.paging import Page, check_page_size, decode_cursor, encode_cursor
from ledger.sequences import next_register_number

CURSOR_TAG: Final = "inbox"


class ReturnReason(StrEnum):
    WRONG_AGENCY = "WRONG_AGENCY"  # not ours: rerouted to the competent agency
    UNCLEAR = "UNCLEAR"  # the judgment needs the court's explanation
    MISSING_DOCUMENT = "MISSING_DOCUMENT"  # the court must send what is missing


class TransferStatus(StrEnum):
    SUBMITTED = "SUBMITTED"  # received by the hub, waiting for the agency
    ACKNOWLEDGED = "ACKNOWLEDGED"  # entered in the agency's receipt register
    DECIDED = "DECIDED"  # enforcement decision recorded
    RETURNED = "RETURNED"  # sent back by the agency


@dataclass(frozen=True, slots=True)
class Transfer:
    id: str
    judgment_id: str
    court_code: str
    enforcement_agency_code: str
    enforcement_office_code: str | None
    procuracy_code: str
    register_office_code: str
    status: TransferStatus
    effective_on: date
    content_sha256: str
    document_sha256: str
    key_id: str
    received_at: datetime
    receipt: dict[str, Any]
    receipt_json: str
    receipt_signature: str
    acknowledged_at: datetime | None
    register_year: int | None
    register_number: int | None
    decision_number: str | None
    decision_date: date | None
    decision_kind: str | None
    officer: str | None
    decided_at: datetime | None
    returned_at: datetime | None
    return_reason: str | None
    return_note: str | None
    updated_at: datetime
    interim_measure: bool
    has_ex_officio: bool
    explained_at: datetime | None = None
    enforced_immediately: bool = False
    """Art. 2(2)(a): the court's transfer is due 15 days from ``adjudicated_on`` (Art. 28(2))."""
    bankruptcy: bool = False
    """A bankruptcy decision: the enforcement decision is due 3 working days from receipt (Art. 36(2)(e))."""
    adjudicated_on: date | None = None
    """The day the judgment was given (``adjudicatedOn`` of the signed submission)."""
    documents: tuple[SubmittedDocument, ...] = ()
    """Every document the court signed for: the judgment first, then the others in its order (Art. 28(4))."""

    @property
    def deadline_facts(self) -> TransferFacts:
        """What the legal deadlines of this transfer are computed from (``domain.transfer_deadlines``)."""
        return TransferFacts(
            effective_on=self.effective_on,
            received_at=self.received_at,
            interim_measure=self.interim_measure,
            has_ex_officio=self.has_ex_officio,
            decision_date=self.decision_date,
            decided_at=self.decided_at,
            explained_at=self.explained_at,
            enforced_immediately=self.enforced_immediately,
            judgment_date=self.adjudicated_on,
            bankruptcy=self.bankruptcy,
        )

    @property
    def audience(self) -> frozenset[str]:
        return frozenset(
            {self.court_code, self.enforcement_agency_code, self.register_office_code, self.procuracy_code}
        )


def transfer_from_row(row: TransferRow) -> Transfer:
    submitted = orjson.loads(row.submission)
    return Transfer(
        id=row.id,
        judgment_id=row.judgment_id,
        court_code=row.court_code,
        enforcement_agency_code=row.enforcement_agency_code,
        enforcement_office_code=row.enforcement_office_code,
        procuracy_code=row.procuracy_code,
        register_office_code=row.register_office_code,
        status=TransferStatus(row.status),
        effective_on=row.effective_on,
        content_sha256=row.content_sha256,
        document_sha256=row.document_sha256,
        key_id=row.key_id,
        received_at=row.received_at,
        receipt=orjson.loads(row.receipt),
        receipt_json=row.receipt,
        receipt_signature=row.receipt_signature,
        acknowledged_at=row.acknowledged_at,
        register_year=row.register_year,
        register_number=row.register_number,
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        decision_kind=row.decision_kind,
        officer=row.officer,
        decided_at=row.decided_at,
        returned_at=row.returned_at,
        return_reason=row.return_reason,
        return_note=row.return_note,
        explained_at=row.explained_at,
        updated_at=row.updated_at,
        interim_measure=bool(submitted.get("interimMeasure")),
        has_ex_officio=any(o.get("exOfficio") for o in submitted.get("obligations", ())),
        enforced_immediately=bool(submitted.get("enforcedImmediately")),
        bankruptcy=bool(submitted.get("bankruptcy")),
        adjudicated_on=date.fromisoformat(submitted["adjudicatedOn"]) if "adjudicatedOn" in submitted else None,
        documents=signed_documents(submitted),
    )


def signed_documents(submitted: dict[str, Any]) -> tuple[SubmittedDocument, ...]:
    """The documents of a stored submission (its signed content, where they are kept with the transfer)."""
    judgment = submitted["document"]
    return (
        SubmittedDocument(DocumentKind.JUDGMENT, judgment["name"], judgment["sha256"]),
        *(SubmittedDocument(DocumentKind(d["kind"]), d["name"], d["sha256"]) for d in submitted.get("attachments", ())),
    )


def _inbox_filters(office_codes: Sequence[str], status: TransferStatus | None) -> list[ColumnElement[bool]]:
    """The inbox's conditions, shared by the page and its count so the two cannot disagree."""
    codes = sorted(set(office_codes))
    where: list[ColumnElement[bool]] = [
        or_(TransferRow.register_office_code.in_(codes), TransferRow.enforcement_agency_code.in_(codes))
    ]
    if status is not None:
        where.append(TransferRow.status == status.value)
    return where


def idempotency_key(court_code: str, number: str) -> str:
    return f"{court_code}:{number}"


def new_transfer_id() -> str:
    return str(uuid.uuid4())


class TransferLedger:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_idempotency_key(self, key: str) -> Transfer | None:
        row = await self.session.scalar(select(TransferRow).where(TransferRow.idempotency_key == key))
        return transfer_from_row(row) if row is not None else None

    async def get(self, transfer_id: str) -> Transfer | None:
        row = await self.session.get(TransferRow, transfer_id)
        return transfer_from_row(row) if row is not None else None

    async def get_many(self, ids: Sequence[str]) -> list[Transfer | None]:
        rows = await self.session.scalars(select(TransferRow).where(TransferRow.id.in_(set(ids))))
        found = {r.id: transfer_from_row(r) for r in rows}
        return [found.get(i) for i in ids]

    async def latest_for_judgments(self, judgment_ids: Sequence[str]) -> list[Transfer | None]:
        rows = await self.session.scalars(
            select(TransferRow).where(TransferRow.judgment_id.in_(set(judgment_ids))).order_by(TransferRow.received_at)
        )
        found = {r.judgment_id: transfer_from_row(r) for r in rows}  # later rows win: the latest transfer
        return [found.get(i) for i in judgment_ids]

    async def create(
        self,
        *,
        transfer_id: str,
        submission: Submission,
        route: Route,
        key_id: str,
        signature: str,
        receipt: dict[str, Any],
        receipt_json: str,
        receipt_signature: str,
        received_at: datetime,
    ) -> tuple[Transfer, TransferEvent]:
        """Record a new transfer, register its judgment, and append its SUBMITTED event."""
        judgment = CourtJudgment(
            key=submission.key,
            court_name="",
            case_type=submission.case_type,
            instance=submission.instance,
            adjudicated_on=submission.adjudicated_on,
            effective_on=submission.effective_on,
            judge="",
            summary=submission.summary,
            document_sha256=submission.document_sha256,
            document_name=submission.document_name,
            parties=submission.parties,
            obligations=submission.obligations,
        )
        await JudgmentRegistry(self.session).upsert_many([entry_from(judgment, route, received_at)])
        office = route.enforcement_office_code or route.enforcement_agency_code
        row = TransferRow(
            id=transfer_id,
            idempotency_key=idempotency_key(submission.court_code, submission.number),
            judgment_id=str(submission.key),
            court_code=submission.court_code,
            enforcement_agency_code=route.enforcement_agency_code,
            enforcement_office_code=route.enforcement_office_code,
            procuracy_code=route.procuracy_code,
            register_office_code=office,
            status=TransferStatus.SUBMITTED.value,
            effective_on=submission.effective_on,
            content_sha256=submission.content_sha256(),
            document_sha256=submission.document_sha256,
            key_id=key_id,
            signature=signature,
            submission=submission.signed_bytes().decode("utf-8"),
            received_at=received_at,
            receipt=receipt_json,
            receipt_signature=receipt_signature,
            updated_at=received_at,
            interim_measure=submission.interim_measure,
            enforced_immediately=submission.enforced_immediately,
            bankruptcy=submission.bankruptcy,
            has_ex_officio=any(o.ex_officio for o in submission.obligations),
        )
        self.session.add(row)
        await self.session.flush()
        await self._set_judgment_status(row.judgment_id, TransferStatus.SUBMITTED)
        transfer = transfer_from_row(row)
        event = await self._event(transfer, "SUBMITTED", received_at, {"status": transfer.status.value})
        return transfer, event

    async def acknowledge(self, transfer_id: str, at: datetime) -> tuple[Transfer, TransferEvent | None]:
        """Enter the transfer in its office's register: the next number of the statistical year it was received in.

        Received is when the hub recorded the court's complete, valid submission for this agency (Decree
        152/2026 Art. 7(2): the day the receiving system records complete valid data), or when it moved the
        transfer to this agency after another returned it as not competent — not the day a clerk enters it:
        a judgment received on 30 September and entered on 1 October is in the closing year's register.
        Acknowledging again returns the number already given and no new event.
        """
        row = await self._locked(transfer_id)
        if row.register_number is not None:
            return transfer_from_row(row), None
        year = statistical_year(local_day(await self._received_here(row)))
        row.register_year = year
        row.register_number = await next_register_number(self.session, row.register_office_code, year)
        row.acknowledged_at = at
        row.status = TransferStatus.ACKNOWLEDGED.value
        row.updated_at = at
        await self.session.flush()
        await self._set_judgment_status(row.judgment_id, TransferStatus.ACKNOWLEDGED)
        transfer = transfer_from_row(row)
        payload = {"status": transfer.status.value, "registerYear": year, "registerNumber": row.register_number}
        return transfer, await self._event(transfer, "ACKNOWLEDGED", at, payload)

    async def _received_here(self, row: TransferRow) -> datetime:
        """When the agency the transfer is addressed to now received it: the submission, or the latest reroute."""
        rerouted = await self.session.scalar(
            select(func.max(TransferEventRow.occurred_at)).where(
                TransferEventRow.transfer_id == row.id, TransferEventRow.kind == "REROUTED"
            )
        )
        return max(row.received_at, rerouted) if rerouted is not None else row.received_at

    async def _locked(self, transfer_id: str) -> TransferRow:
        row = await self.session.scalar(select(TransferRow).where(TransferRow.id == transfer_id).with_for_update())
        if row is None:
            raise LookupError(transfer_id)
        return row

    async def return_to_court(
        self, transfer_id: str, reason: ReturnReason, note: str, at: datetime
    ) -> tuple[Transfer, TransferEvent]:
        """The agency sends the transfer back (UNCLEAR: waits for the court's explanation; MISSING_DOCUMENT)."""
        row = await self._locked(transfer_id)
        row.status = TransferStatus.RETURNED.value
        row.returned_at, row.return_reason, row.return_note, row.updated_at = at, reason.value, note, at
        await self.session.flush()
        await self._set_judgment_status(row.judgment_id, TransferStatus.RETURNED)
        transfer = transfer_from_row(row)
        payload = {"status": transfer.status.value, "reason": reason.value, "note": note}
        return transfer, await self._event(transfer, "RETURNED", at, payload)

    async def resume_after_explanation(self, transfer_id: str, at: datetime) -> tuple[Transfer, TransferEvent]:
        """The court explained an UNCLEAR judgment: the transfer is back with the agency, its deadlines restart.

        It returns to where it was before the return (registered or not); the decision
        deadline now runs from the explanation (``resume_after_explanation``).
        """
        row = await self._locked(transfer_id)
        back = TransferStatus.ACKNOWLEDGED if row.register_number is not None else TransferStatus.SUBMITTED
        row.status, row.explained_at, row.updated_at = back.value, at, at
        await self.session.flush()
        await self._set_judgment_status(row.judgment_id, back)
        transfer = transfer_from_row(row)
        return transfer, await self._event(transfer, "EXPLAINED", at, {"status": back.value})

    async def reroute(
        self, transfer_id: str, route: Route, note: str, at: datetime
    ) -> tuple[Transfer, list[TransferEvent]]:
        """WRONG_AGENCY: the transfer moves to the competent agency and waits for it; both agencies are told.

        Only before acknowledgement (competence is checked before a judgment enters the register), so no
        register number is ever taken back.
        """
        row = await self._locked(transfer_id)
        before = transfer_from_row(row)
        returned = await self._event(
            before,
            "RETURNED",
            at,
            {"status": TransferStatus.RETURNED.value, "reason": ReturnReason.WRONG_AGENCY.value, "note": note},
        )
        row.enforcement_agency_code = route.enforcement_agency_code
        row.enforcement_office_code = route.enforcement_office_code
        row.procuracy_code = route.procuracy_code
        row.register_office_code = route.enforcement_office_code or route.enforcement_agency_code
        row.status = TransferStatus.SUBMITTED.value
        row.returned_at, row.return_reason, row.return_note, row.updated_at = (
            at,
            ReturnReason.WRONG_AGENCY.value,
            note,
            at,
        )
        await self.session.flush()
        await self._set_judgment_status(row.judgment_id, TransferStatus.SUBMITTED)
        after = transfer_from_row(row)
        rerouted = await self._event(
            after, "REROUTED", at, {"status": after.status.value, "from": before.register_office_code, "note": note}
        )
        return after, [returned, rerouted]

    async def record_decision(
        self, transfer_id: str, *, number: str, issued_on: date, kind: str, officer: str, at: datetime
    ) -> tuple[Transfer, TransferEvent]:
        row = await self._locked(transfer_id)
        row.decision_number, row.decision_date, row.decision_kind, row.officer = number, issued_on, kind, officer
        row.decided_at, row.updated_at = at, at
        row.status = TransferStatus.DECIDED.value
        await self.session.flush()
        await self._set_judgment_status(row.judgment_id, TransferStatus.DECIDED)
        transfer = transfer_from_row(row)
        payload = {
            "status": transfer.status.value,
            "decisionNumber": number,
            "issuedOn": issued_on.isoformat(),
            "kind": kind,
        }
        return transfer, await self._event(transfer, "DECISION_RECORDED", at, payload)

    async def inbox(
        self,
        office_codes: Sequence[str],
        *,
        status: TransferStatus | None,
        first: int,
        after: str | None,
    ) -> Page[Transfer]:
        """Transfers addressed to these offices/agencies, oldest first (work in the order it arrived)."""
        check_page_size(first)
        query = select(TransferRow).where(*_inbox_filters(office_codes, status))
        if after is not None:
            received, tid = decode_cursor(CURSOR_TAG, after, 2)
            query = query.where(
                tuple_(TransferRow.received_at, TransferRow.id) > (datetime.fromisoformat(received), tid)
            )
        rows = list(
            await self.session.scalars(query.order_by(TransferRow.received_at, TransferRow.id).limit(first + 1))
        )
        items = [transfer_from_row(r) for r in rows[:first]]
        cursors = [encode_cursor(CURSOR_TAG, [t.received_at.isoformat(), t.id]) for t in items]
        return Page(items=tuple(items), cursors=tuple(cursors), has_next_page=len(rows) > first)

    async def count_inbox(self, office_codes: Sequence[str], *, status: TransferStatus | None) -> int:
        """How many transfers :meth:`inbox` would list for these offices and status (all pages)."""
        query = select(func.count()).select_from(TransferRow).where(*_inbox_filters(office_codes, status))
        return int(await self.session.scalar(query) or 0)

    async def _set_judgment_status(self, judgment_id: str, status: TransferStatus) -> None:
        row = await self.session.get(JudgmentRow, judgment_id)
        if row is not None:
            row.status = status.value.lower()

    async def _event(self, t: Transfer, kind: str, at: datetime, payload: dict[str, Any]) -> TransferEvent:
        return await append_event(
            self.session,
            transfer_id=t.id,
            kind=kind,
            office_code=t.register_office_code,
            enforcement_agency_code=t.enforcement_agency_code,
            court_code=t.court_code,
            procuracy_code=t.procuracy_code,
            payload={"judgmentId": t.judgment_id, **payload},
            at=at,
        )
