"""`registerWebhook`, `deactivateWebhook`, `redriveDeliveries`, `webhooks`, `webhookDeliveries`.

Who may do what:
- an agency's own systems (court clerk, enforcement clerk, procuracy roles)
  register and deactivate webhooks for their agency, list them, see their
  deliveries and redrive their dead letters;
- the operator does all of that for any agency (it runs the hub);
- the ministry sees every delivery (oversight), but changes nothing.

Every change is written with its audit entry in one transaction. Expected
refusals are ``userErrors``; a caller without any of these roles gets FORBIDDEN.
A URL's target is checked before the transaction opens (a name lookup must not
hold the write lock): https only in production, and a host that is, or
resolves only to, public addresses unless the operator allowed it
(``adapters/webhook_targets.py``); refused, it is TARGET_NOT_ALLOWED.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

import strawberry

from domain.access import Principal, Role
from domain.errors import BadInput, Forbidden
from domain.messages import Text, msg
from domain.webhook_targets import TargetRefused
from ledger import outbox, webhooks
from ledger.audit import record
from ledger.db import write_transaction
from resolvers.context import Context
from schema.types.pagination import PageInfo, check_first
from schema.types.transfer import UserError
from schema.types.webhook import (
    DeactivateWebhookPayload,
    DeliveryStatus,
    RedriveDeliveriesPayload,
    RegisterWebhookPayload,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    user_error,
)

log = logging.getLogger("lienthong.webhooks")
Info = strawberry.Info[Context, None]
OWNER_ROLES: Final = frozenset({Role.COURT_CLERK, Role.ENFORCEMENT_CLERK, Role.PROCURACY})
MAX_PAGE: Final = 200
SHOWN_SKIPPED: Final = 20


def _may_manage(p: Principal) -> bool:
    return p.has(Role.OPERATOR) or bool(p.roles & OWNER_ROLES)


def _scope(p: Principal, *, reading: bool) -> str | None:
    """The agency whose webhooks ``p`` acts on; ``None`` means every agency."""
    if p.has(Role.OPERATOR) or (reading and p.has(Role.MINISTRY)):
        return None
    return p.agency_code


def _error(field: str, code: webhooks.WebhookErrorCode, message: Text) -> UserError:
    return UserError(field=field, code=code.value, message=message)


async def _owned_webhook(ctx: Context, webhook_id: str) -> webhooks.Webhook | None:
    """The webhook if the caller may act on it; ``None`` otherwise (others' webhooks are not revealed)."""
    async with ctx.sessions() as session:
        found = await webhooks.get_webhook(session, webhook_id)
    scope = _scope(ctx.principal, reading=False)
    return found if found is not None and scope in (None, found.agency_code) else None


def _delivery_ids(raw: Sequence[strawberry.ID]) -> list[int] | None:
    """The ids as numbers; ``None`` unless each is 1-18 ASCII digits (``"²".isdigit()`` holds, but ``int`` refuses it)."""
    ids = [str(i).strip() for i in raw]
    return [int(i) for i in ids] if all(i.isascii() and i.isdigit() and len(i) <= 18 for i in ids) else None


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Your agency's active webhooks (the operator and the ministry see every agency's).")
    async def webhooks(self, info: Info) -> list[Webhook]:
        async with info.context.sessions() as session:
            found = await webhooks.webhooks_of(session, _scope(info.context.principal, reading=True))
        return [Webhook.from_ledger(w) for w in found]

    @strawberry.field(
        description=f"Deliveries of your agency's webhooks in one status (dead letters by default), oldest first; "
        f"at most {MAX_PAGE} a page. The operator and the ministry see every agency's."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        status: DeliveryStatus = DeliveryStatus.DEAD,
        first: int = 50,
        after: str | None = None,
        webhook: strawberry.ID | None = None,
    ) -> WebhookDeliveryConnection:
        check_first(first, MAX_PAGE)
        async with info.context.sessions() as session:
            try:
                page = await outbox.deliveries(
                    session,
                    status=outbox.DeliveryStatus(status),
                    agency_code=_scope(info.context.principal, reading=True),
                    webhook_id=str(webhook) if webhook is not None else None,
                    first=first,
                    after=after,
                )
            except ValueError as exc:
                raise BadInput.of(exc) from exc
        return WebhookDeliveryConnection(
            edges=[
                WebhookDeliveryEdge(cursor=c, node=WebhookDelivery.from_ledger(d))
                for d, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page, after),
        )


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register an https URL (http too in demo mode) to receive your agency's transfer events. Its host "
        "must be, or resolve only to, public addresses. The answer carries the signing secret, once. Errors: "
        "INVALID_URL, TARGET_NOT_ALLOWED, UNKNOWN_AGENCY, LIMIT_REACHED."
    )
    async def register_webhook(self, info: Info, url: str) -> RegisterWebhookPayload:
        ctx = info.context
        if not ctx.principal.roles & OWNER_ROLES:
            raise Forbidden(msg("registering a webhook needs a court_clerk, enforcement_clerk or procuracy role"))
        now = ctx.clock.now()
        try:
            checked = webhooks.check_url(url)
            await ctx.webhook_targets.check(checked)
            async with write_transaction(ctx.sessions) as session:
                created = await webhooks.register_webhook(
                    session, agency_code=ctx.principal.agency_code, url=checked, now=now
                )
                await record(session, ctx.audit_entry("registerWebhook", [created.webhook.id], now))
        except webhooks.WebhookRejected as problem:
            return RegisterWebhookPayload(webhook=None, secret=None, user_errors=[user_error(problem)])
        except TargetRefused as refused:
            log.info("webhook target refused for %s: %s", ctx.principal.agency_code, refused.detail)
            error = _error("url", webhooks.WebhookErrorCode(refused.code.value), refused.message)
            return RegisterWebhookPayload(webhook=None, secret=None, user_errors=[error])
        return RegisterWebhookPayload(
            webhook=Webhook.from_ledger(created.webhook), secret=created.secret, user_errors=[]
        )

    @strawberry.mutation(
        description="Stop pushing to a webhook; deliveries still queued for it are cancelled. Errors: NOT_FOUND."
    )
    async def deactivate_webhook(self, info: Info, id: strawberry.ID) -> DeactivateWebhookPayload:
        ctx = info.context
        if not _may_manage(ctx.principal):
            raise Forbidden(msg("deactivating a webhook needs an agency role or the operator role"))
        if await _owned_webhook(ctx, str(id)) is None:
            error = _error("id", webhooks.WebhookErrorCode.NOT_FOUND, msg("no such webhook of your agency"))
            return DeactivateWebhookPayload(webhook=None, cancelled=0, user_errors=[error])
        now = ctx.clock.now()
        async with write_transaction(ctx.sessions) as session:
            result = await webhooks.deactivate_webhook(session, str(id))
            assert result is not None  # webhooks are never deleted
            await record(session, ctx.audit_entry("deactivateWebhook", [str(id)], now))
        hook, cancelled = result
        return DeactivateWebhookPayload(webhook=Webhook.from_ledger(hook), cancelled=cancelled, user_errors=[])

    @strawberry.mutation(
        description="Put dead deliveries back in the queue (attempts start again from 0): the ones named by `ids`, "
        "or every dead delivery of `webhook`, or the dead ones among `ids` of `webhook`. Errors: INVALID_ARGUMENT, "
        "NOT_FOUND (webhook), NOT_REDRIVABLE (ids that are not dead deliveries of your active webhooks; the others "
        "are still redriven)."
    )
    async def redrive_deliveries(
        self, info: Info, ids: list[strawberry.ID] | None = None, webhook: strawberry.ID | None = None
    ) -> RedriveDeliveriesPayload:
        ctx = info.context
        if not _may_manage(ctx.principal):
            raise Forbidden(msg("redriving deliveries needs an agency role or the operator role"))
        if ids is None and webhook is None:
            message = msg("name the deliveries (ids) or the webhook whose dead deliveries to redrive")
            return RedriveDeliveriesPayload(
                redriven=[], user_errors=[_error("ids", webhooks.WebhookErrorCode.INVALID_ARGUMENT, message)]
            )
        wanted = _delivery_ids(ids) if ids is not None else None
        if ids is not None and (wanted is None or len(wanted) > outbox.MAX_REDRIVE_IDS):
            message = msg("ids must be at most {limit} delivery ids (digits)", limit=outbox.MAX_REDRIVE_IDS)
            return RedriveDeliveriesPayload(
                redriven=[], user_errors=[_error("ids", webhooks.WebhookErrorCode.INVALID_ARGUMENT, message)]
            )
        if webhook is not None and await _owned_webhook(ctx, str(webhook)) is None:
            error = _error("webhook", webhooks.WebhookErrorCode.NOT_FOUND, msg("no such webhook of your agency"))
            return RedriveDeliveriesPayload(redriven=[], user_errors=[error])
        now = ctx.clock.now()
        async with write_transaction(ctx.sessions) as session:
            chosen = await outbox.redrive(
                session,
                now=now,
                ids=wanted,
                webhook_id=str(webhook) if webhook is not None else None,
                agency_code=_scope(ctx.principal, reading=False),
            )
            if chosen:
                objects = ([str(webhook)] if webhook is not None else []) + [str(i) for i in chosen]
                await record(session, ctx.audit_entry("redriveDeliveries", objects, now))
        if chosen:
            await ctx.signal.notify()  # wake this process's delivery worker now rather than at its next poll
        errors = []
        skipped = sorted(set(wanted or ()) - set(chosen))
        if skipped:
            shown = ", ".join(map(str, skipped[:SHOWN_SKIPPED])) + (" …" if len(skipped) > SHOWN_SKIPPED else "")
            message = msg("not dead deliveries of your active webhooks, left alone: {ids}", ids=shown)
            errors.append(_error("ids", webhooks.WebhookErrorCode.NOT_REDRIVABLE, message))
        return RedriveDeliveriesPayload(redriven=[strawberry.ID(str(i)) for i in chosen], user_errors=errors)
