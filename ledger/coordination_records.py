"""Coordination records as the ledger hands them out: agreements, requests, events, read from their rows.

Plain frozen values, so resolvers never touch ORM state; :mod:`ledger.coordination`
stores and queries them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson

from domain.coordination import RequestKind, RequestStatus
from ledger.models import AgreementRow, CoordinationEventRow, CoordinationRequestRow


@dataclass(frozen=True, slots=True)
class Clause:
    title: str
    response_days: int  # working days the parties agreed for an answer
    kind: RequestKind | None = None


@dataclass(frozen=True, slots=True)
class Agreement:
    id: str
    title: str
    scope: str
    parties: tuple[str, ...]
    clauses: tuple[Clause, ...]
    document_sha256: str
    signed_on: date
    valid_from: date
    valid_to: date | None
    registered_by: str
    registered_at: datetime

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True, slots=True)
class CoordinationRequest:
    id: str
    kind: RequestKind
    sender_code: str
    addressee_code: str
    subject: str
    body: str
    status: RequestStatus
    opened_at: datetime
    due_at: datetime
    updated_at: datetime
    details: dict[str, Any] = field(default_factory=dict)
    agreement_id: str | None = None
    judgment_id: str | None = None
    transfer_id: str | None = None
    opened_by: str | None = None
    received_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    answer: str | None = None
    overdue_raised_at: datetime | None = None
    reminded_at: datetime | None = None
    observers: tuple[str, ...] = ()

    @property
    def audience(self) -> frozenset[str]:
        return frozenset({self.sender_code, self.addressee_code, *self.observers})


@dataclass(frozen=True, slots=True)
class CoordinationEvent:
    cursor: int
    event_id: str
    request_id: str
    kind: str  # OPENED, RECEIVED, STARTED, ANSWERED, CLOSED, DECLINED, WITHDRAWN, OVERDUE, REMINDER
    status: RequestStatus
    actor_code: str | None
    actor_person: str | None
    note: str | None
    payload: dict[str, Any]
    occurred_at: datetime


def clauses_json(clauses: Iterable[Clause]) -> str:
    """The clauses as stored in ``coordination_agreements.clauses`` (read back by :func:`agreement_from_row`)."""
    return orjson.dumps(
        [{"title": c.title, "responseDays": c.response_days, "kind": c.kind.value if c.kind else None} for c in clauses]
    ).decode()


def agreement_from_row(row: AgreementRow, parties: Iterable[str]) -> Agreement:
    clauses = tuple(
        Clause(
            title=c["title"],
            response_days=int(c["responseDays"]),
            kind=RequestKind(c["kind"]) if c.get("kind") else None,
        )
        for c in orjson.loads(row.clauses)
    )
    return Agreement(
        id=row.id,
        title=row.title,
        scope=row.scope,
        parties=tuple(sorted(parties)),
        clauses=clauses,
        document_sha256=row.document_sha256,
        signed_on=row.signed_on,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        registered_by=row.registered_by,
        registered_at=row.registered_at,
    )


def request_from_row(row: CoordinationRequestRow, observers: Iterable[str] = ()) -> CoordinationRequest:
    return CoordinationRequest(
        id=row.id,
        kind=RequestKind(row.kind),
        sender_code=row.sender_code,
        addressee_code=row.addressee_code,
        subject=row.subject,
        body=row.body,
        status=RequestStatus(row.status),
        opened_at=row.opened_at,
        due_at=row.due_at,
        updated_at=row.updated_at,
        details=orjson.loads(row.details),
        agreement_id=row.agreement_id,
        judgment_id=row.judgment_id,
        transfer_id=row.transfer_id,
        opened_by=row.opened_by,
        received_at=row.received_at,
        answered_at=row.answered_at,
        closed_at=row.closed_at,
        answer=row.answer,
        overdue_raised_at=row.overdue_raised_at,
        reminded_at=row.reminded_at,
        observers=tuple(sorted(observers)),
    )


def event_from_row(row: CoordinationEventRow) -> CoordinationEvent:
    return CoordinationEvent(
        cursor=row.cursor,
        event_id=row.event_id,
        request_id=row.request_id,
        kind=row.kind,
        status=RequestStatus(row.status),
        actor_code=row.actor_code,
        actor_person=row.actor_person,
        note=row.note,
        payload=orjson.loads(row.payload),
        occurred_at=row.occurred_at,
    )
