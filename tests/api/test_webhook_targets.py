"""Webhook targets over GraphQL: no loopback, private or special address in any spelling; https in production;
the same words in ``lastError`` whatever went wrong.

The shared hub allows the test bench's hosts (``127.0.0.1`` as written and ``.example`` names,
tests/fixtures/hub_setup.py), so every other spelling of a loopback address must still be refused
there; the production hub of this module allows nothing. The delivery-time checks (a name that
turns to loopback after registration) are in tests/api/test_webhooks.py::TestWorker and
tests/adapters/test_webhook_targets.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from agencies.topology import free_port
from domain.access import Role
from domain.webhook_targets import REFUSED_NAME
from gateway.delivery import FAILED
from gateway.settings import WebhookSettings
from tests.api.test_webhooks import (
    DEACTIVATE,
    REGISTER,
    WEBHOOKS,
    deliveries_of,
    eventually,
    patience_s,
    submit_from,
)
from tests.fixtures.databases import BOTH_DATABASES
from tests.fixtures.hub import Hub, hub_for
from tests.support.webhook_receiver import WebhookReceiver

OFFICE = "enforcement.gia-lai.kv01"
COURT = "court.gia-lai.kv01"
PUBLIC = "93.184.215.14"  # a global address, written as such: registering it needs no name lookup

SPELLINGS = [
    "localhost",
    "LOCALHOST",
    "[::1]",
    "0.0.0.0",
    "0x7f000001",
    "2130706433",
    "127.1",
    "[::ffff:127.0.0.1]",
    "017700000001",
    "127.0.0.1.",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:7f00:1]",
    "10.0.0.1",
    "169.254.169.254",
    "[fd00::1]",
    "224.0.0.1",
    "no-such-host.invalid",  # does not resolve
]


async def listed(gql: Any) -> list[dict[str, Any]]:
    answer = await gql(WEBHOOKS)
    assert not answer.errors, answer.body
    return list(answer.data["webhooks"])


class TestSpellings:
    @pytest.mark.parametrize("host", SPELLINGS)
    async def test_a_loopback_private_or_special_host_is_refused_and_nothing_is_stored(self, hub, host) -> None:
        gql = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
        before = await listed(gql)

        payload = (await gql(REGISTER, {"url": f"http://{host}:8080/hook"})).data["registerWebhook"]

        assert (payload["webhook"], payload["secret"]) == (None, None)
        [error] = payload["userErrors"]
        assert (error["field"], error["code"]) == ("url", "TARGET_NOT_ALLOWED")
        said = error["message"]
        assert said == REFUSED_NAME or said.startswith("a webhook must not point at this address ("), said
        assert await listed(gql) == before

    async def test_a_name_is_refused_without_telling_where_it_points(self, hub) -> None:
        gql = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
        [error] = (await gql(REGISTER, {"url": "https://localhost/hook"})).data["registerWebhook"]["userErrors"]
        assert error["message"] == REFUSED_NAME
        assert "127.0.0.1" not in error["message"]

    async def test_the_allowed_bench_host_is_accepted_as_written(self, hub) -> None:
        gql = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
        payload = (await gql(REGISTER, {"url": f"http://127.0.0.1:{free_port()}/hook"})).data["registerWebhook"]
        assert payload["userErrors"] == []
        await gql(DEACTIVATE, {"id": payload["webhook"]["id"]})


class TestLastError:
    async def test_a_500_answer_and_a_refused_connection_read_the_same_to_the_agency(self, hub) -> None:
        settings = hub.settings.webhooks
        wait_s = patience_s(settings, settings.max_attempts)
        if wait_s > 90:
            pytest.skip(f"the hub's retry budget takes up to {wait_s:.0f}s")
        gql = hub.client(hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
        async with WebhookReceiver(down=True, failing_status=500) as failing:
            hooks = []
            for url in (failing.url, f"http://127.0.0.1:{free_port()}/hook"):  # the second: nothing listens
                payload = (await gql(REGISTER, {"url": url})).data["registerWebhook"]
                assert payload["userErrors"] == [], payload
                hooks.append(payload["webhook"]["id"])
            try:
                transfer_id = await submit_from(hub, COURT)

                async def dead() -> list[dict[str, Any]]:
                    rows = [
                        row
                        for hook in hooks
                        for row in await deliveries_of(gql, "DEAD", hook)
                        if row["transferId"] == transfer_id
                    ]
                    return rows if len(rows) == 2 else []

                rows = await eventually(dead, "both deliveries dead", timeout_s=wait_s)
            finally:
                for hook in hooks:
                    await gql(DEACTIVATE, {"id": hook})
        assert {row["lastError"] for row in rows} == {FAILED}
        assert {a.answered for a in failing.requests} == {500}, "the receiver was reached and answered 500"


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=BOTH_DATABASES)
async def production_hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    """A hub in production mode with no allowed hosts."""
    webhooks = WebhookSettings(max_attempts=2, base_delay_s=0.05, max_delay_s=0.5, poll_s=0.2)
    async with hub_for(request, "production-webhooks", mode="production", webhooks=webhooks) as running:
        yield running


class TestProduction:
    async def test_only_https_is_accepted(self, production_hub) -> None:
        gql = production_hub.client(production_hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
        before = await listed(gql)

        plain = (await gql(REGISTER, {"url": f"http://{PUBLIC}/hook"})).data["registerWebhook"]
        assert (plain["webhook"], plain["secret"]) == (None, None)
        [error] = plain["userErrors"]
        assert (error["field"], error["code"]) == ("url", "INVALID_URL")
        assert "https://" in error["message"]
        assert await listed(gql) == before

        secure = (await gql(REGISTER, {"url": f"https://{PUBLIC}/hook"})).data["registerWebhook"]
        assert secure["userErrors"] == []
        await gql(DEACTIVATE, {"id": secure["webhook"]["id"]})  # before anything is queued for it

    async def test_https_to_loopback_is_refused_when_no_host_is_allowed(self, production_hub) -> None:
        gql = production_hub.client(production_hub.token(OFFICE, [Role.ENFORCEMENT_CLERK]))
        payload = (await gql(REGISTER, {"url": "https://127.0.0.1:8443/hook"})).data["registerWebhook"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("url", "TARGET_NOT_ALLOWED")]
        assert payload["webhook"] is None
