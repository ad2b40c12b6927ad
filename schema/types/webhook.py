"""Webhooks and their deliveries, as agencies and operators see them through GraphQL.

A webhook's secret appears in exactly one answer: the ``registerWebhook``
that created it. Failures of webhook mutations are ``userErrors`` (the same
``UserError`` type as the transfer mutations) with these codes: INVALID_URL,
UNKNOWN_AGENCY, LIMIT_REACHED, NOT_FOUND, INVALID_ARGUMENT, NOT_REDRIVABLE.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from ledger import outbox, webhooks
from schema.context import Info
from schema.types.agency import Agency, agency_named
from schema.types.event import format_cursor
from schema.types.pagination import PageInfo
from schema.types.transfer import UserError

DeliveryStatus = outbox.DeliveryStatus
strawberry.enum(
    outbox.DeliveryStatus,
    name="DeliveryStatus",
    description="PENDING: queued or waiting for its next attempt; DELIVERED: the receiver answered 2xx; "
    "DEAD: every attempt failed, waiting for redriveDeliveries; CANCELLED: its webhook was deactivated.",
)


@strawberry.type(description="An endpoint where an agency's transfer events are pushed (POST, signed with HMAC).")
class Webhook:
    id: strawberry.ID
    agency_code: strawberry.ID
    url: str
    active: bool
    created_at: datetime

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency_named(info.context, str(self.agency_code))

    @classmethod
    def from_ledger(cls, w: webhooks.Webhook) -> Webhook:
        return cls(
            id=strawberry.ID(w.id),
            agency_code=strawberry.ID(w.agency_code),
            url=w.url,
            active=w.active,
            created_at=w.created_at,
        )


@strawberry.type(description="One push of one event to one webhook.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Pass it to redriveDeliveries.")
    webhook_id: strawberry.ID
    agency_code: strawberry.ID = strawberry.field(description="The agency that owns the webhook.")
    url: str
    status: DeliveryStatus
    attempts: int = strawberry.field(description="Attempts made so far (failed ones, plus the successful one).")
    next_attempt_at: datetime | None = strawberry.field(description="When the next attempt is due (PENDING only).")
    last_error: str | None = strawberry.field(
        description="That the last attempt failed, the same words whatever the reason (a status, a refused "
        "connection or target would help scan other hosts); the hub's log keeps the reason."
    )
    delivered_at: datetime | None
    created_at: datetime
    event_id: strawberry.ID = strawberry.field(description="Sent as X-Lienthong-Event-Id; drop duplicates by it.")
    event_cursor: str = strawberry.field(description="The event's cursor, as in the transferEvents subscription.")
    event_kind: str
    transfer_id: strawberry.ID

    @classmethod
    def from_ledger(cls, d: outbox.DeliveryRecord) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(d.id)),
            webhook_id=strawberry.ID(d.webhook_id),
            agency_code=strawberry.ID(d.agency_code),
            url=d.url,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
            created_at=d.created_at,
            event_id=strawberry.ID(d.event_id),
            event_cursor=format_cursor(d.event_cursor),
            event_kind=d.event_kind,
            transfer_id=strawberry.ID(d.transfer_id),
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type(description="A page of webhook deliveries, oldest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo


@strawberry.type(description="A new webhook and its signing secret. The secret is shown only in this answer.")
class RegisterWebhookPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(
        description="HMAC-SHA256 key for X-Lienthong-Signature; store it now, it is never shown again."
    )
    user_errors: list[UserError]


@strawberry.type
class DeactivateWebhookPayload:
    webhook: Webhook | None
    cancelled: int = strawberry.field(description="Deliveries that were still queued and are now CANCELLED.")
    user_errors: list[UserError]


@strawberry.type
class RedriveDeliveriesPayload:
    redriven: list[strawberry.ID] = strawberry.field(description="Dead deliveries put back in the queue (PENDING).")
    user_errors: list[UserError]


def user_error(problem: webhooks.WebhookRejected) -> UserError:
    return UserError(field=problem.field, code=problem.code.value, message=problem.message)
