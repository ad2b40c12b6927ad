"""Coordination records: agreements, requests, who sees them, and their events.

Every change of a request is one event row (its history: who, when, what,
a note) appended in the same transaction as the change, with a cursor from
the ``coordination_events`` sequence — the same ordering argument as transfer
events (:mod:`ledger.events`): "everything after N" never misses one. Who sees
a request is ``coordination_audience``: sender, addressee, observers; a copy
exists once (primary key), whatever happens.

The caller owns the session and the transaction; rules (who may do what,
which status follows) live in :mod:`domain.coordination`; the records handed
out are those of :mod:`ledger.coordination_records`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final

import orjson
from sqlalchemy import and_, exists, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.coordination import RequestKind, RequestStatus
from ledger.coordination_records import (
    Agreement,
    Clause,
    CoordinationEvent,
    CoordinationRequest,
    agreement_from_row,
    clauses_json,
    event_from_row,
    request_from_row,
)
from ledger.models import (
    AgreementPartyRow,
    AgreementRow,
    CoordinationAudienceRow,
    CoordinationEventRow,
    CoordinationRequestRow,
)
from ledger.notify import announce
from ledger.paging import Page, check_page_size, decode_cursor, encode_cursor, malformed_cursor
from ledger.sequences import next_value

__all__ = ["Agreement", "Clause", "CoordinationEvent", "CoordinationLedger", "CoordinationRequest"]

EVENT_SEQUENCE: Final = "coordination_events"
REQUEST_CURSOR: Final = "coordination-requests"
MAX_EVENTS_PER_READ: Final = 500

SENDER, ADDRESSEE, OBSERVER = "sender", "addressee", "observer"
FLAG_COLUMNS: Final = frozenset({"overdue_raised_at", "reminded_at"})
"""Columns of a request set once, by :meth:`CoordinationLedger.flag`, so the OVERDUE event and the reminder are raised once."""


def _seen_by(request_id: Any, codes: Sequence[str], role: str | None = None) -> Any:
    """Whether one of ``codes`` is a party to or observes the request ``request_id`` (a column) names.

    As ``role`` (sender, addressee, observer) when given.
    """
    conditions = [
        CoordinationAudienceRow.request_id == request_id,
        CoordinationAudienceRow.agency_code.in_(sorted(set(codes))),
    ]
    if role is not None:
        conditions.append(CoordinationAudienceRow.role == role)
    return exists().where(*conditions)


def _request_filters(
    visible_to: Sequence[str] | None,
    kind: RequestKind | None,
    status: RequestStatus | None,
    sender: str | None,
    addressee: str | None,
    transfer_id: str | None,
    role: str | None,
    overdue_at: datetime | None = None,
    not_overdue_at: datetime | None = None,
    due_within: tuple[datetime, datetime] | None = None,
) -> list[Any]:
    """The WHERE conditions of a request search.

    ``overdue_at``: still waiting and due before that moment; ``not_overdue_at``: the
    others; ``due_within`` (from, to): still waiting and due in that half-open window.
    """
    conditions: list[Any] = []
    waiting = CoordinationRequestRow.status.in_([s.value for s in RequestStatus if s.is_open])
    if overdue_at is not None:
        conditions.append(and_(waiting, CoordinationRequestRow.due_at < overdue_at))
    if not_overdue_at is not None:
        conditions.append(or_(~waiting, CoordinationRequestRow.due_at >= not_overdue_at))
    if due_within is not None:
        conditions.append(
            and_(waiting, CoordinationRequestRow.due_at >= due_within[0], CoordinationRequestRow.due_at < due_within[1])
        )
    if visible_to is not None:
        conditions.append(_seen_by(CoordinationRequestRow.id, visible_to, role))
    if kind is not None:
        conditions.append(CoordinationRequestRow.kind == kind.value)
    if status is not None:
        conditions.append(CoordinationRequestRow.status == status.value)
    if sender is not None:
        conditions.append(CoordinationRequestRow.sender_code == sender)
    if addressee is not None:
        conditions.append(CoordinationRequestRow.addressee_code == addressee)
    if transfer_id is not None:
        conditions.append(CoordinationRequestRow.transfer_id == transfer_id)
    return conditions


class CoordinationLedger:
    """Agreements and requests through one session the caller owns (and commits)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- agreements -------------------------------------------------------------------------------

    async def add_agreement(self, agreement: Agreement) -> Agreement:
        self.session.add(
            AgreementRow(
                id=agreement.id,
                title=agreement.title,
                scope=agreement.scope,
                clauses=clauses_json(agreement.clauses),
                document_sha256=agreement.document_sha256,
                signed_on=agreement.signed_on,
                valid_from=agreement.valid_from,
                valid_to=agreement.valid_to,
                registered_by=agreement.registered_by,
                registered_at=agreement.registered_at,
            )
        )
        await self.session.flush()
        self.session.add_all(AgreementPartyRow(agreement_id=agreement.id, agency_code=c) for c in agreement.parties)
        await self.session.flush()
        return agreement

    async def agreement_by_document(self, document_sha256: str) -> Agreement | None:
        """The agreement first registered for the signed document with this SHA-256 (lower-case hex), if any."""
        found = await self.session.scalar(
            select(AgreementRow.id)
            .where(AgreementRow.document_sha256 == document_sha256)
            .order_by(AgreementRow.registered_at, AgreementRow.id)
            .limit(1)
        )
        return await self.agreement(found) if found is not None else None

    async def agreement(self, agreement_id: str) -> Agreement | None:
        found = await self.agreements(ids=[agreement_id])
        return found[0] if found else None

    async def agreements(
        self,
        *,
        party_codes: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        active_on: date | None = None,
    ) -> list[Agreement]:
        """Agreements (one of ``party_codes`` a party, when given), newest signature first."""
        query = select(AgreementRow)
        if ids is not None:
            query = query.where(AgreementRow.id.in_(list(ids)))
        if party_codes is not None:
            query = query.where(
                exists().where(
                    AgreementPartyRow.agreement_id == AgreementRow.id,
                    AgreementPartyRow.agency_code.in_(sorted(set(party_codes))),
                )
            )
        if active_on is not None:
            query = query.where(
                AgreementRow.valid_from <= active_on,
                or_(AgreementRow.valid_to.is_(None), AgreementRow.valid_to >= active_on),
            )
        rows = list(await self.session.scalars(query.order_by(AgreementRow.signed_on.desc(), AgreementRow.id)))
        if not rows:
            return []
        parties: dict[str, list[str]] = {}
        for agreement_id, code in await self.session.execute(
            select(AgreementPartyRow.agreement_id, AgreementPartyRow.agency_code).where(
                AgreementPartyRow.agreement_id.in_([r.id for r in rows])
            )
        ):
            parties.setdefault(agreement_id, []).append(code)
        return [agreement_from_row(row, parties.get(row.id, ())) for row in rows]

    # --- requests ---------------------------------------------------------------------------------

    async def open(
        self, request: CoordinationRequest, *, actor_person: str | None, at: datetime
    ) -> tuple[CoordinationRequest, CoordinationEvent]:
        """Store a new request with its audience and its OPENED event."""
        self.session.add(
            CoordinationRequestRow(
                id=request.id,
                kind=request.kind.value,
                sender_code=request.sender_code,
                addressee_code=request.addressee_code,
                agreement_id=request.agreement_id,
                judgment_id=request.judgment_id,
                transfer_id=request.transfer_id,
                subject=request.subject,
                body=request.body,
                details=orjson.dumps(request.details).decode(),
                status=RequestStatus.OPEN.value,
                opened_by=request.opened_by,
                opened_at=request.opened_at,
                due_at=request.due_at,
                updated_at=at,
            )
        )
        await self.session.flush()
        audience = {request.sender_code: SENDER, request.addressee_code: ADDRESSEE}
        for observer in request.observers:
            audience.setdefault(observer, OBSERVER)
        self.session.add_all(
            CoordinationAudienceRow(request_id=request.id, agency_code=code, role=role)
            for code, role in audience.items()
        )
        event = await self.append_event(
            request.id,
            "OPENED",
            RequestStatus.OPEN,
            actor_code=request.sender_code,
            actor_person=actor_person,
            note=None,
            payload={"kind": request.kind.value, "dueAt": request.due_at.isoformat()},
            at=at,
        )
        stored = await self.get(request.id)
        assert stored is not None
        return stored, event

    async def get(self, request_id: str, *, for_update: bool = False) -> CoordinationRequest | None:
        query = select(CoordinationRequestRow).where(CoordinationRequestRow.id == request_id)
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query)
        if row is None:
            return None
        observers = await self.session.scalars(
            select(CoordinationAudienceRow.agency_code).where(
                CoordinationAudienceRow.request_id == request_id, CoordinationAudienceRow.role == OBSERVER
            )
        )
        return request_from_row(row, observers)

    async def change(
        self,
        request_id: str,
        *,
        status: RequestStatus,
        event_kind: str,
        actor_code: str | None,
        actor_person: str | None,
        note: str | None,
        at: datetime,
        answer: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> tuple[CoordinationRequest, CoordinationEvent]:
        """Move the request to ``status`` and record the event (the caller checked the transition)."""
        values: dict[str, Any] = {"status": status.value, "updated_at": at}
        if status is RequestStatus.RECEIVED:
            values["received_at"] = at
        if status is RequestStatus.ANSWERED:
            values["answered_at"] = at
            values["answer"] = answer
        if status in {RequestStatus.CLOSED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN}:
            values["closed_at"] = at
        await self.session.execute(
            update(CoordinationRequestRow).where(CoordinationRequestRow.id == request_id).values(**values)
        )
        event = await self.append_event(
            request_id,
            event_kind,
            status,
            actor_code=actor_code,
            actor_person=actor_person,
            note=note,
            payload=payload or {},
            at=at,
        )
        stored = await self.get(request_id)
        assert stored is not None
        return stored, event

    async def mark_received(
        self, request_id: str, *, actor_code: str, actor_person: str | None, at: datetime
    ) -> CoordinationEvent | None:
        """OPEN → RECEIVED the first time the addressee reads the request; None if it was not OPEN any more.

        A conditional UPDATE, so two first reads at once record one receipt.
        """
        result = await self.session.execute(
            update(CoordinationRequestRow)
            .where(CoordinationRequestRow.id == request_id, CoordinationRequestRow.status == RequestStatus.OPEN.value)
            .values(status=RequestStatus.RECEIVED.value, received_at=at, updated_at=at)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return await self.append_event(
            request_id,
            "RECEIVED",
            RequestStatus.RECEIVED,
            actor_code=actor_code,
            actor_person=actor_person,
            note=None,
            payload={},
            at=at,
        )

    async def requests(
        self,
        *,
        visible_to: Sequence[str] | None,
        first: int,
        after: str | None = None,
        kind: RequestKind | None = None,
        status: RequestStatus | None = None,
        sender: str | None = None,
        addressee: str | None = None,
        transfer_id: str | None = None,
        role: str | None = None,
        overdue_at: datetime | None = None,
        not_overdue_at: datetime | None = None,
        due_within: tuple[datetime, datetime] | None = None,
    ) -> Page[CoordinationRequest]:
        """Requests newest first; ``visible_to`` limits them to what those agencies are party to or observe.

        ``role`` (sender, addressee, observer) narrows that to requests those agencies are in as that role.
        """
        check_page_size(first)
        query = select(CoordinationRequestRow).where(
            *_request_filters(
                visible_to,
                kind,
                status,
                sender,
                addressee,
                transfer_id,
                role,
                overdue_at,
                not_overdue_at,
                due_within,
            )
        )
        if after is not None:
            opened, rid = decode_cursor(REQUEST_CURSOR, after, 2)
            try:
                opened_at = datetime.fromisoformat(opened)
            except ValueError as exc:
                raise malformed_cursor(after) from exc
            query = query.where(tuple_(CoordinationRequestRow.opened_at, CoordinationRequestRow.id) < (opened_at, rid))
        rows = list(
            await self.session.scalars(
                query.order_by(CoordinationRequestRow.opened_at.desc(), CoordinationRequestRow.id.desc()).limit(
                    first + 1
                )
            )
        )
        observers = await self._observers([r.id for r in rows[:first]])
        items = tuple(request_from_row(r, observers.get(r.id, ())) for r in rows[:first])
        cursors = tuple(encode_cursor(REQUEST_CURSOR, [r.opened_at.isoformat(), r.id]) for r in items)
        return Page(items=items, cursors=cursors, has_next_page=len(rows) > first)

    async def count(
        self,
        *,
        visible_to: Sequence[str] | None,
        kind: RequestKind | None = None,
        status: RequestStatus | None = None,
        sender: str | None = None,
        addressee: str | None = None,
        transfer_id: str | None = None,
        role: str | None = None,
        overdue_at: datetime | None = None,
        not_overdue_at: datetime | None = None,
        due_within: tuple[datetime, datetime] | None = None,
    ) -> int:
        """How many requests :meth:`requests` would list with the same criteria (all pages)."""
        query = (
            select(func.count())
            .select_from(CoordinationRequestRow)
            .where(
                *_request_filters(
                    visible_to,
                    kind,
                    status,
                    sender,
                    addressee,
                    transfer_id,
                    role,
                    overdue_at,
                    not_overdue_at,
                    due_within,
                )
            )
        )
        return int((await self.session.execute(query)).scalar_one())

    async def _observers(self, request_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        if not request_ids:
            return found
        for rid, code in await self.session.execute(
            select(CoordinationAudienceRow.request_id, CoordinationAudienceRow.agency_code).where(
                CoordinationAudienceRow.request_id.in_(list(request_ids)), CoordinationAudienceRow.role == OBSERVER
            )
        ):
            found.setdefault(rid, []).append(code)
        return found

    async def kinds_of(self, request_ids: Iterable[str]) -> dict[str, RequestKind]:
        """The kind of each request named (one query), e.g. to label a page of events."""
        ids = sorted(set(request_ids))
        if not ids:
            return {}
        rows = await self.session.execute(
            select(CoordinationRequestRow.id, CoordinationRequestRow.kind).where(CoordinationRequestRow.id.in_(ids))
        )
        return {rid: RequestKind(kind) for rid, kind in rows}

    async def history(self, request_id: str) -> list[CoordinationEvent]:
        rows = await self.session.scalars(
            select(CoordinationEventRow)
            .where(CoordinationEventRow.request_id == request_id)
            .order_by(CoordinationEventRow.cursor)
        )
        return [event_from_row(r) for r in rows]

    async def histories(self, request_ids: Sequence[str]) -> dict[str, list[CoordinationEvent]]:
        """The histories of several requests in one query (oldest event first), for a page of requests."""
        found: dict[str, list[CoordinationEvent]] = {rid: [] for rid in request_ids}
        if not request_ids:
            return found
        rows = await self.session.scalars(
            select(CoordinationEventRow)
            .where(CoordinationEventRow.request_id.in_(sorted(set(request_ids))))
            .order_by(CoordinationEventRow.cursor)
        )
        for row in rows:
            found[row.request_id].append(event_from_row(row))
        return found

    # --- events -----------------------------------------------------------------------------------

    async def append_event(
        self,
        request_id: str,
        kind: str,
        status: RequestStatus,
        *,
        actor_code: str | None,
        actor_person: str | None,
        note: str | None,
        payload: dict[str, Any],
        at: datetime,
    ) -> CoordinationEvent:
        row = CoordinationEventRow(
            cursor=await next_value(self.session, EVENT_SEQUENCE),
            event_id=str(uuid.uuid4()),
            request_id=request_id,
            kind=kind,
            status=status.value,
            actor_code=actor_code,
            actor_person=actor_person,
            note=note,
            payload=orjson.dumps(payload).decode(),
            occurred_at=at,
        )
        self.session.add(row)
        await self.session.flush()
        await announce(self.session)  # other replicas' subscribers wake when this commits
        return event_from_row(row)

    async def events_after(
        self, after: int, *, agency_codes: Sequence[str] | None, limit: int = MAX_EVENTS_PER_READ
    ) -> list[CoordinationEvent]:
        """Events with a cursor above ``after``, oldest first, of requests those agencies see (None: all)."""
        query = select(CoordinationEventRow).where(CoordinationEventRow.cursor > after)
        if agency_codes is not None:
            query = query.where(_seen_by(CoordinationEventRow.request_id, agency_codes))
        rows = await self.session.scalars(
            query.order_by(CoordinationEventRow.cursor).limit(max(1, min(limit, MAX_EVENTS_PER_READ)))
        )
        return [event_from_row(r) for r in rows]

    # --- deadlines --------------------------------------------------------------------------------

    async def open_past_due(self, now: datetime, limit: int = 200) -> list[CoordinationRequest]:
        """Requests still waiting for their addressee whose due moment has passed and were not flagged yet."""
        return await self._waiting_due_before(now, ("overdue_raised_at",), limit)

    async def open_due_before(self, moment: datetime, limit: int = 200) -> list[CoordinationRequest]:
        """Requests still waiting whose due moment comes before ``moment`` and were not reminded yet."""
        return await self._waiting_due_before(moment, ("reminded_at", "overdue_raised_at"), limit)

    async def _waiting_due_before(
        self, moment: datetime, unflagged: Sequence[str], limit: int
    ) -> list[CoordinationRequest]:
        """Requests still waiting, due before ``moment``, none of the ``unflagged`` columns set; soonest due first."""
        waiting = [s.value for s in RequestStatus if s.is_open]
        rows = await self.session.scalars(
            select(CoordinationRequestRow)
            .where(
                CoordinationRequestRow.status.in_(waiting),
                CoordinationRequestRow.due_at < moment,
                *(_flag_column(column).is_(None) for column in unflagged),
            )
            .order_by(CoordinationRequestRow.due_at)
            .limit(limit)
        )
        return [request_from_row(r) for r in rows]

    async def flag(self, request_id: str, column: str, at: datetime) -> bool:
        """Set ``overdue_raised_at`` or ``reminded_at`` if still unset; True for the one caller that set it."""
        target = _flag_column(column)
        result = await self.session.execute(
            update(CoordinationRequestRow)
            .where(and_(CoordinationRequestRow.id == request_id, target.is_(None)))
            .values({column: at})
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _flag_column(column: str) -> Any:
    """``overdue_raised_at`` or ``reminded_at`` of a request, the flags set once; ValueError for any other name."""
    if column not in FLAG_COLUMNS:
        raise ValueError(f"not a flag column: {column}")
    return getattr(CoordinationRequestRow, column)
