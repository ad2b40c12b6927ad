"""What the operations page's tests share: a dead webhook delivery made the way a real one dies, and waits.

A receiver on 127.0.0.1 (allowed by the suite's ``TEST_BENCH_HOSTS``) answers every push with 503;
an enforcement office registers it as its webhook over GraphQL, a court submits a judgment to that
office, and the hub's delivery worker retries until its budget is spent (the suite's hub gives up after
four quick attempts). The delivery is then DEAD, as ``webhookDeliveries(status: DEAD)`` shows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from domain.access import Role
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.graphql_client import GraphQLClient
from tests.support.webhook_receiver import WebhookReceiver

T = TypeVar("T")

REGISTER = """
mutation ($url: String!) { registerWebhook(url: $url) { secret webhook { id url } userErrors { code message } } }
"""
DEACTIVATE = "mutation ($id: ID!) { deactivateWebhook(id: $id) { cancelled userErrors { code } } }"
DELIVERIES = """
query ($status: DeliveryStatus!, $webhook: ID) {
  webhookDeliveries(status: $status, webhook: $webhook, first: 200) {
    edges { node { id status attempts transferId webhookId agencyCode url } }
  }
}
"""
DEAD_WITHIN_S = 60.0  # the suite's hub spends its four attempts in a few seconds; this bounds a slow machine


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = DEAD_WITHIN_S) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` (a bound, not a measure)."""
    deadline = time.monotonic() + timeout_s
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not so within {timeout_s:.0f}s (last seen: {last!r})")


async def deliveries(gql: GraphQLClient, status: str, webhook: str) -> list[dict[str, Any]]:
    answer = await gql(DELIVERIES, {"status": status, "webhook": webhook})
    assert answer.data is not None, answer.errors
    return [edge["node"] for edge in answer.data["webhookDeliveries"]["edges"]]


@dataclass(frozen=True, slots=True)
class DeadDelivery:
    id: str
    webhook: str
    url: str
    transfer_id: str
    receiver: WebhookReceiver
    office: GraphQLClient  # the office's own client (it owns the webhook)


@asynccontextmanager
async def dead_delivery(hub: Hub, office: str, court: str) -> AsyncIterator[DeadDelivery]:
    """A delivery to ``office``'s webhook that died (its receiver refused every attempt); the webhook is
    deactivated and the receiver closed afterwards."""
    async with WebhookReceiver(down=True) as receiver:
        gql = hub.client(hub.token(office, [Role.ENFORCEMENT_CLERK]))
        answer = await gql(REGISTER, {"url": receiver.url})
        assert answer.data is not None, answer.errors
        payload = answer.data["registerWebhook"]
        assert payload["userErrors"] == [], payload
        receiver.secret = payload["secret"]
        hook = payload["webhook"]["id"]
        try:
            signer = CourtSigner.new(court)
            await commands.keys_add(hub.settings, court, signer.public_key)
            court_gql = hub.client(hub.token(court, [Role.COURT_CLERK]))
            submitted = await court_gql(SUBMIT, signer.signed_variables(signer.submission()))
            assert submitted.data is not None, submitted.errors
            transfer_id = submitted.data["submitJudgment"]["transfer"]["id"]

            async def dead() -> dict[str, Any] | None:
                found = [d for d in await deliveries(gql, "DEAD", hook) if d["transferId"] == transfer_id]
                return found[0] if found else None

            row = await eventually(dead, "the delivery in the dead letters")
            yield DeadDelivery(row["id"], hook, receiver.url, transfer_id, receiver, gql)
        finally:
            await gql(DEACTIVATE, {"id": hook})
