"""Webhook push: signed, retried with back-off, dead-lettered, visible, redrivable.

Two levels:
- the delivery worker in this process against a real receiver on 127.0.0.1 and a real database
  (SQLite and PostgreSQL), with tiny delays, to pin its behaviour down;
- end to end over HTTP: the hub built in this process (tests/fixtures/hub.py), events from
  ``submitJudgment``, webhooks registered, listed and redriven through GraphQL.

No timing assertions: every wait is bounded by what the retry policy allows, and fails with
a message saying what did not arrive.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.webhook_targets import TargetGuard
from agencies.topology import free_port
from domain.access import Role
from domain.clock import Clock
from domain.types import Agency
from domain.webhook_targets import TargetPolicy, parse_allow_hosts
from gateway import commands
from gateway.delivery import FAILED, DeliveryWorker, event_body, running, sign, verify
from gateway.settings import WebhookSettings
from ledger import outbox
from ledger.db import write_transaction
from ledger.events import TransferEvent
from ledger.outbox import DeliveryStatus, RetryPolicy
from ledger.reference import load_organisation, seed_agencies
from ledger.webhooks import register_webhook
from resolvers.signals import EventSignal
from tests.ledger.conftest import DATA_DIR, handful
from tests.support.court_client import SUBMIT, CourtSigner
from tests.support.webhook_events import Audience, emit_event, make_transfer
from tests.support.webhook_receiver import Received, WebhookReceiver

# --- signing ------------------------------------------------------------------------------------


def test_the_signature_covers_timestamp_and_body() -> None:
    body = b'{"eventId":"e1"}'
    signature = sign("s3cret", 1_760_000_000, body)
    assert signature.startswith("sha256=")
    assert len(signature) == len("sha256=") + 64
    assert verify("s3cret", "1760000000", body, signature, now=1_760_000_010)
    assert not verify("s3cret", "1760000001", body, signature, now=1_760_000_010), "timestamp not covered"
    assert not verify("s3cret", "1760000000", body + b" ", signature, now=1_760_000_010), "body not covered"
    assert not verify("other", "1760000000", body, signature, now=1_760_000_010), "secret not used"
    assert not verify("s3cret", "1760000000", body, signature, now=1_760_000_000 + 3600), "stale accepted"
    assert not verify("s3cret", "soon", body, signature, now=1_760_000_000)


def test_the_body_carries_the_event_fields_of_the_subscription() -> None:
    event = TransferEvent(
        cursor=42,
        event_id="e-1",
        transfer_id="t-1",
        kind="SUBMITTED",
        office_code="o",
        enforcement_agency_code="a",
        court_code="c",
        procuracy_code="p",
        payload={"status": "SUBMITTED"},
        occurred_at=datetime(2025, 9, 2, 1, 0, tzinfo=UTC),
    )
    assert orjson.loads(event_body(event)) == {
        "eventId": "e-1",
        "cursor": "42",
        "kind": "SUBMITTED",
        "transferId": "t-1",
        "occurredAt": "2025-09-02T01:00:00+00:00",
        "payload": {"status": "SUBMITTED"},
    }


# --- the worker in this process -----------------------------------------------------------------

COURT = "court.hue.kv01"
FAST = {"max_attempts": 4, "base_delay_s": 0.01, "max_delay_s": 0.05, "poll_s": 0.05, "timeout_s": 2.0}
BENCH = TargetGuard(TargetPolicy(https_only=False, allow_hosts=parse_allow_hosts("127.0.0.1")))  # the receivers
WAIT_S = 20.0  # generous: FAST's whole retry budget is a fraction of a second


def sample(registry: CollectorRegistry, name: str, labels: Mapping[str, str] | None = None) -> float:
    value = registry.get_sample_value(name, dict(labels or {}))
    return 0.0 if value is None else value


@pytest.fixture
async def ledger(
    sessions: async_sessionmaker[AsyncSession], organisation: Mapping[str, Agency]
) -> async_sessionmaker[AsyncSession]:
    await seed_agencies(sessions, handful(organisation, [COURT]))
    return sessions


@pytest.fixture(scope="module")
def organisation() -> dict[str, Agency]:
    return {a.code: a for a in load_organisation(DATA_DIR)}


@pytest.fixture
def audience(organisation: Mapping[str, Agency]) -> Audience:
    return Audience.of_court(COURT, organisation)


Worker = Callable[..., DeliveryWorker]


@pytest.fixture
def make_worker(ledger: async_sessionmaker[AsyncSession]) -> Worker:
    def build(registry: CollectorRegistry, signal: EventSignal | None = None, **overrides: Any) -> DeliveryWorker:
        options = {**FAST, "backlog_refresh_s": 0.0, "rng": random.Random(3), "targets": BENCH, **overrides}
        return DeliveryWorker(ledger, signal or EventSignal(), registry, **options)

    return build


async def hook_for(sessions: async_sessionmaker[AsyncSession], agency: str, target: WebhookReceiver | str) -> str:
    """Register a webhook for ``agency`` pointing at ``target`` (a receiver, which learns the secret, or a URL)."""
    url = target if isinstance(target, str) else target.url
    async with write_transaction(sessions) as session:
        created = await register_webhook(session, agency_code=agency, url=url, now=Clock().now())
    if isinstance(target, WebhookReceiver):
        target.secret = created.secret
    return created.webhook.id


async def one_event(sessions: async_sessionmaker[AsyncSession], audience: Audience) -> TransferEvent:
    transfer = await make_transfer(sessions, audience, Clock().now())
    return await emit_event(sessions, audience, transfer)


async def status_of(sessions: async_sessionmaker[AsyncSession], status: DeliveryStatus) -> list[outbox.DeliveryRecord]:
    async with sessions() as session:
        return list((await outbox.deliveries(session, status=status, first=500)).items)


async def eventually(check: Callable[[], Any], what: str, timeout_s: float = WAIT_S) -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not so within {timeout_s:.0f}s (last seen: {last!r})")


class TestWorker:
    async def test_a_receiver_that_fails_three_times_gets_the_event_signed_with_its_id(
        self, ledger, audience, make_worker
    ) -> None:
        registry = CollectorRegistry()
        async with WebhookReceiver(fail_first=3) as receiver:
            await hook_for(ledger, audience.office_code, receiver)
            event = await one_event(ledger, audience)
            async with running(make_worker(registry)):
                got = await receiver.wait_for_delivery(event.event_id, WAIT_S)
                await eventually(
                    lambda: sample(registry, "lienthong_webhook_deliveries_total", {"outcome": "delivered"}),
                    "delivered counted",
                )

        attempts = receiver.attempts_for(event.event_id)
        assert [a.answered for a in attempts] == [503, 503, 503, 200]
        assert all(a.signature_ok for a in attempts), "a request was not signed with the webhook's secret"
        assert got.json == orjson.loads(event_body(event))
        assert got.json["eventId"] == event.event_id
        [row] = await status_of(ledger, DeliveryStatus.DELIVERED)
        assert (row.event_id, row.attempts, row.last_error) == (event.event_id, 4, None)
        assert sample(registry, "lienthong_webhook_deliveries_total", {"outcome": "retry"}) == 3
        assert sample(registry, "lienthong_webhook_delivery_seconds_count") == 4

    async def test_one_that_stays_down_ends_dead_and_is_delivered_after_a_redrive(
        self, ledger, audience, make_worker
    ) -> None:
        registry = CollectorRegistry()
        signal = EventSignal()
        async with WebhookReceiver(down=True) as receiver:
            hook = await hook_for(ledger, audience.office_code, receiver)
            event = await one_event(ledger, audience)
            async with running(make_worker(registry, signal)):
                [dead] = await eventually(lambda: status_of(ledger, DeliveryStatus.DEAD), "the delivery is dead")
                assert (dead.event_id, dead.attempts, dead.last_error) == (event.event_id, 4, FAILED)
                assert len(receiver.attempts_for(event.event_id)) == 4
                await eventually(
                    lambda: sample(registry, "lienthong_webhook_outbox_rows", {"status": "dead"}) == 1, "dead gauge"
                )

                receiver.down = False
                async with write_transaction(ledger) as session:
                    assert await outbox.redrive(session, now=Clock().now(), webhook_id=hook) == [dead.id]
                await signal.notify()
                await receiver.wait_for_delivery(event.event_id, WAIT_S)
                await eventually(lambda: status_of(ledger, DeliveryStatus.DELIVERED), "recorded as delivered")
                await eventually(
                    lambda: sample(registry, "lienthong_webhook_outbox_rows", {"status": "dead"}) == 0, "gauge back"
                )
        assert sample(registry, "lienthong_webhook_deliveries_total", {"outcome": "dead"}) == 1

    async def test_refused_connections_and_slow_receivers_fail_alike_for_clients_and_with_a_reason_in_the_log(
        self, ledger, audience, make_worker, caplog
    ) -> None:
        registry = CollectorRegistry()
        closed = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens
        async with WebhookReceiver(delay_s=1.0) as slow:
            await hook_for(ledger, audience.office_code, slow)
            await hook_for(ledger, audience.court_code, closed)
            await one_event(ledger, audience)
            with caplog.at_level("WARNING", logger="lienthong.delivery"):
                async with running(make_worker(registry, max_attempts=1, timeout_s=0.2)):
                    dead = await eventually(self._two_dead(ledger), "both deliveries dead")
        assert [d.last_error for d in dead] == [FAILED, FAILED], "a client could tell a closed port from a slow one"
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert f"{closed}), attempt 1, failed: ClientConnectorError" in logged, logged
        assert f"{slow.url}), attempt 1, failed: no answer within 0.2s" in logged, logged

    @staticmethod
    def _two_dead(sessions: async_sessionmaker[AsyncSession]) -> Callable[[], Any]:
        async def check() -> list[outbox.DeliveryRecord] | None:
            rows = await status_of(sessions, DeliveryStatus.DEAD)
            return rows if len(rows) == 2 else None

        return check

    async def test_a_name_that_turns_to_loopback_after_registration_is_not_delivered_to(
        self, ledger, audience, make_worker, caplog
    ) -> None:
        registry = CollectorRegistry()
        answers = {"rebind.example.vn": ["93.184.215.14"]}

        async def dns(host: str, port: int) -> Sequence[str]:
            return answers[host]

        targets = TargetGuard(TargetPolicy(https_only=False), lookup=dns)
        async with WebhookReceiver() as receiver:
            url = f"http://rebind.example.vn:{urlsplit(receiver.url).port}/hook"
            await targets.check(url)  # what registerWebhook checks: public then
            await hook_for(ledger, audience.office_code, url)
            answers["rebind.example.vn"] = ["127.0.0.1"]  # the attacker's DNS changes its answer
            await one_event(ledger, audience)
            with caplog.at_level("WARNING", logger="lienthong.delivery"):
                async with running(make_worker(registry, targets=targets, max_attempts=2)):
                    [dead] = await eventually(lambda: status_of(ledger, DeliveryStatus.DEAD), "the delivery dead")
        assert receiver.requests == []
        assert (dead.attempts, dead.last_error) == (2, FAILED)
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "failed: target refused: rebind.example.vn → 127.0.0.1: loopback" in logged, logged
        assert sample(registry, "lienthong_webhook_deliveries_total", {"outcome": "retry"}) == 1

    async def test_a_name_the_operator_allows_is_delivered_to_the_address_the_guard_resolved(
        self, ledger, audience, make_worker
    ) -> None:
        async def dns(host: str, port: int) -> Sequence[str]:
            return {"bench.example.vn": ["127.0.0.1"]}[host]  # no other resolver knows this name

        targets = TargetGuard(
            TargetPolicy(https_only=False, allow_hosts=parse_allow_hosts("bench.example.vn")), lookup=dns
        )
        async with WebhookReceiver() as receiver:
            await hook_for(ledger, audience.office_code, f"http://bench.example.vn:{urlsplit(receiver.url).port}/hook")
            event = await one_event(ledger, audience)
            async with running(make_worker(CollectorRegistry(), targets=targets)):
                await receiver.wait_for_delivery(event.event_id, WAIT_S)

    @pytest.mark.parametrize(
        ("targets", "reason"),
        [
            pytest.param(
                TargetGuard(TargetPolicy(https_only=False)), "127.0.0.1 → 127.0.0.1: loopback", id="allowed-no-more"
            ),
            pytest.param(
                TargetGuard(TargetPolicy(https_only=True, allow_hosts=BENCH.policy.allow_hosts)),
                "scheme 'http' in production mode",
                id="production-now",
            ),
        ],
    )
    async def test_a_target_registered_under_other_rules_is_not_delivered_to(
        self, ledger, audience, make_worker, caplog, targets, reason
    ) -> None:
        async with WebhookReceiver() as receiver:
            await BENCH.check(receiver.url)  # allowed when registered
            await hook_for(ledger, audience.office_code, receiver)
            await one_event(ledger, audience)
            with caplog.at_level("WARNING", logger="lienthong.delivery"):
                async with running(make_worker(CollectorRegistry(), targets=targets, max_attempts=1)):
                    [dead] = await eventually(lambda: status_of(ledger, DeliveryStatus.DEAD), "the delivery dead")
        assert receiver.requests == []
        assert dead.last_error == FAILED
        assert f"failed: target refused: {reason}" in "\n".join(r.getMessage() for r in caplog.records)

    async def test_the_worker_wakes_on_the_signal_and_stops_gracefully(self, ledger, audience, make_worker) -> None:
        registry = CollectorRegistry()
        signal = EventSignal()
        worker = make_worker(registry, signal, poll_s=3600.0)  # only the signal can wake it
        async with WebhookReceiver() as receiver:
            await hook_for(ledger, audience.office_code, receiver)
            task = asyncio.create_task(worker.run())
            try:
                await asyncio.sleep(0)  # let it reach its wait
                event = await one_event(ledger, audience)
                await signal.notify()
                await receiver.wait_for_delivery(event.event_id, WAIT_S)
            finally:
                async with asyncio.timeout(WAIT_S):
                    await worker.stop()
                    await task
        assert task.done()
        assert task.exception() is None


# --- end to end over HTTP -----------------------------------------------------------------------

REGISTER = """
mutation ($url: String!) {
  registerWebhook(url: $url) {
    secret webhook { id url active agency { code } } userErrors { field code message }
  }
}
"""
WEBHOOKS = "query { webhooks { id url active agencyCode } }"
DELIVERIES = """
query ($status: DeliveryStatus!, $webhook: ID) {
  webhookDeliveries(status: $status, webhook: $webhook, first: 200) {
    edges { cursor node { id status attempts lastError eventId eventCursor eventKind transferId webhookId agencyCode } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
REDRIVE = """
mutation ($ids: [ID!], $webhook: ID) { redriveDeliveries(ids: $ids, webhook: $webhook) { redriven userErrors { field code message } } }
"""
DEACTIVATE = "mutation ($id: ID!) { deactivateWebhook(id: $id) { cancelled webhook { active } userErrors { code } } }"


def patience_s(settings: WebhookSettings, failures: int) -> float:
    """How long ``failures`` failed attempts and one more can take under the hub's settings, with room to spare."""
    policy = RetryPolicy(settings.max_attempts, settings.base_delay_s, settings.max_delay_s)
    backoff = sum(policy.ceiling_s(n) for n in range(1, failures + 1))
    return backoff + (failures + 1) * (settings.poll_s + settings.timeout_s) + 15.0


@asynccontextmanager
async def webhook_of(hub: Any, agency: str, receiver: WebhookReceiver) -> AsyncIterator[tuple[str, Any]]:
    """A webhook registered over GraphQL by ``agency`` (enforcement clerk), deactivated afterwards."""
    gql = hub.client(hub.token(agency, [Role.ENFORCEMENT_CLERK]))
    answer = await gql(REGISTER, {"url": receiver.url})
    payload = answer.data["registerWebhook"]
    assert payload["userErrors"] == [], payload
    receiver.secret = payload["secret"]
    try:
        yield payload["webhook"]["id"], gql
    finally:
        await gql(DEACTIVATE, {"id": payload["webhook"]["id"]})


async def submit_from(hub: Any, court: str) -> str:
    """A judgment submitted by ``court`` (its key registered first); returns the transfer id."""
    signer = CourtSigner.new(court)
    await commands.keys_add(hub.settings, court, signer.public_key)
    gql = hub.client(hub.token(court, [Role.COURT_CLERK]))
    answer = await gql(SUBMIT, signer.signed_variables(signer.submission()))
    payload = answer.data["submitJudgment"]
    assert payload["userErrors"] == [], payload
    return str(payload["transfer"]["id"])


def of_transfer(transfer_id: str) -> Callable[[list[Received]], bool]:
    return lambda reqs: any(r.answered == 200 and r.json.get("transferId") == transfer_id for r in reqs)


async def deliveries_of(gql: Any, status: str, webhook: str) -> list[dict[str, Any]]:
    answer = await gql(DELIVERIES, {"status": status, "webhook": webhook})
    assert not answer.errors, answer.body
    return [e["node"] for e in answer.data["webhookDeliveries"]["edges"]]


async def metric(hub: Any, name: str, labels: Mapping[str, str]) -> float:
    text = (await hub.http.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


@pytest.mark.e2e
class TestOverHttp:
    async def test_registration_returns_the_secret_once_and_refuses_bad_urls(self, hub, ministry_gql) -> None:
        office = "enforcement.can-tho.kv01"
        gql = hub.client(hub.token(office, [Role.ENFORCEMENT_CLERK]))

        bad = (await gql(REGISTER, {"url": "ftp://files.example/x"})).data["registerWebhook"]
        assert bad["webhook"] is None
        assert bad["secret"] is None
        assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [("url", "INVALID_URL")]

        refused = await ministry_gql(REGISTER, {"url": "https://ministry.example/hook"})
        assert refused.codes() == {"FORBIDDEN"}

        good = (await gql(REGISTER, {"url": "https://can-tho.example/hook"})).data["registerWebhook"]
        assert good["userErrors"] == []
        assert len(good["secret"]) >= 40
        assert good["webhook"]["agency"]["code"] == office
        listed = (await gql(WEBHOOKS)).data["webhooks"]
        assert [w["id"] for w in listed] == [good["webhook"]["id"]]
        assert "secret" not in listed[0]

        gone = (await gql(DEACTIVATE, {"id": good["webhook"]["id"]})).data["deactivateWebhook"]
        assert gone["webhook"]["active"] is False
        assert (await gql(WEBHOOKS)).data["webhooks"] == []
        other = hub.client(hub.token("enforcement.hue.kv02", [Role.ENFORCEMENT_CLERK]))
        foreign = (await other(DEACTIVATE, {"id": good["webhook"]["id"]})).data["deactivateWebhook"]
        assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]

    async def test_a_receiver_failing_its_first_three_attempts_gets_the_event_after_recovering(self, hub) -> None:
        settings = hub.settings.webhooks
        if settings.max_attempts < 4:
            pytest.skip(f"the hub gives up after {settings.max_attempts} attempts; this needs at least 4")
        async with (
            WebhookReceiver(fail_first=3) as receiver,
            webhook_of(hub, "enforcement.hue.kv01", receiver) as (
                hook,
                gql,
            ),
        ):
            transfer_id = await submit_from(hub, "court.hue.kv01")

            await receiver.wait_until(of_transfer(transfer_id), patience_s(settings, 3), "delivery of the transfer")

            attempts = [r for r in receiver.requests if r.json.get("transferId") == transfer_id]
            assert [r.answered for r in attempts] == [503, 503, 503, 200]
            assert len({r.event_id for r in attempts}) == 1, "retries must carry the same event id"
            assert all(r.signature_ok for r in attempts)
            body = attempts[-1].json
            assert body["eventId"] == attempts[-1].event_id
            assert (body["kind"], body["payload"]["status"]) == ("SUBMITTED", "SUBMITTED")

            async def delivered() -> list[dict[str, Any]]:
                rows = await deliveries_of(gql, "DELIVERED", hook)
                return [r for r in rows if r["transferId"] == transfer_id]

            [row] = await eventually(delivered, "the delivery listed as DELIVERED")
            assert (row["eventId"], row["attempts"], row["eventCursor"]) == (body["eventId"], 4, body["cursor"])
        assert await metric(hub, "lienthong_webhook_deliveries_total", {"outcome": "delivered"}) >= 1

    async def test_a_receiver_down_past_the_budget_is_dead_visible_and_redriven(self, hub, ministry_gql) -> None:
        settings = hub.settings.webhooks
        wait_s = patience_s(settings, settings.max_attempts)
        if wait_s > 90:
            pytest.skip(
                f"the hub's retry budget takes up to {wait_s:.0f}s; the hub fixture should run with "
                "webhooks=WebhookSettings(max_attempts=4, base_delay_s=0.05, max_delay_s=0.5, poll_s=0.2)"
            )
        office = "enforcement.da-nang.kv01"
        async with WebhookReceiver(down=True) as receiver, webhook_of(hub, office, receiver) as (hook, gql):
            transfer_id = await submit_from(hub, "court.da-nang.kv01")

            async def dead() -> list[dict[str, Any]]:
                return [r for r in await deliveries_of(gql, "DEAD", hook) if r["transferId"] == transfer_id]

            [row] = await eventually(dead, "the delivery in the dead letters", timeout_s=wait_s)
            assert (row["status"], row["attempts"], row["lastError"]) == ("DEAD", settings.max_attempts, FAILED)
            assert row["agencyCode"] == office
            assert len(receiver.attempts_for(row["eventId"])) == settings.max_attempts
            overseen = await ministry_gql(DELIVERIES, {"status": "DEAD", "webhook": hook})
            assert [e["node"]["id"] for e in overseen.data["webhookDeliveries"]["edges"]] == [row["id"]]
            assert await metric(hub, "lienthong_webhook_deliveries_total", {"outcome": "dead"}) >= 1

            stranger = hub.client(hub.token("enforcement.hue.kv01", [Role.ENFORCEMENT_CLERK]))
            assert await deliveries_of(stranger, "DEAD", hook) == []
            theirs = (await stranger(REDRIVE, {"ids": [row["id"]]})).data["redriveDeliveries"]
            assert theirs["redriven"] == []
            assert [e["code"] for e in theirs["userErrors"]] == ["NOT_REDRIVABLE"]

            receiver.down = False
            redriven = (await gql(REDRIVE, {"webhook": hook})).data["redriveDeliveries"]
            assert redriven == {"redriven": [row["id"]], "userErrors": []}

            got = await receiver.wait_for_delivery(row["eventId"], patience_s(settings, 0))
            assert got.signature_ok
            assert got.json["transferId"] == transfer_id

            async def delivered() -> list[dict[str, Any]]:
                return [r for r in await deliveries_of(gql, "DELIVERED", hook) if r["id"] == row["id"]]

            await eventually(delivered, "the redriven delivery listed as DELIVERED")
            assert await dead() == []
