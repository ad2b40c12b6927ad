"""The webhook outbox on both databases: claim and lease, back-off, dead letters, redrive, sharing.

Events are appended with ``ledger.events.append_event`` (tests/support/webhook_events.py), so
outbox rows appear exactly as the transfer flow writes them. Time is passed in explicitly:
nothing here sleeps or depends on how fast the machine is.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.types import Agency
from ledger import outbox
from ledger.db import write_transaction
from ledger.models import OutboxRow
from ledger.outbox import Claim, DeliveryStatus, RetryPolicy
from ledger.reference import seed_agencies
from ledger.webhooks import (
    MAX_ACTIVE_WEBHOOKS,
    WebhookErrorCode,
    WebhookRejected,
    check_url,
    deactivate_webhook,
    register_webhook,
    webhooks_of,
)
from tests.ledger.conftest import handful
from tests.support.webhook_events import Audience, emit_event, make_transfer

T0 = datetime(2025, 9, 2, 1, 0, tzinfo=UTC)
COURT = "court.ha-noi.kv01"
LEASE_S = 30.0
POLICY = RetryPolicy(max_attempts=4, base_delay_s=1.0, max_delay_s=10.0)


@pytest.fixture
def audience(organisation: Mapping[str, Agency]) -> Audience:
    return Audience.of_court(COURT, organisation)


@pytest.fixture
async def ledger_with_agencies(
    sessions: async_sessionmaker[AsyncSession], organisation: Mapping[str, Agency]
) -> async_sessionmaker[AsyncSession]:
    await seed_agencies(sessions, handful(organisation, [COURT]))
    return sessions


async def add_webhook(sessions: async_sessionmaker[AsyncSession], agency: str, url: str = "https://hook.test/x") -> str:
    async with write_transaction(sessions) as session:
        return (await register_webhook(session, agency_code=agency, url=url, now=T0)).webhook.id


async def queue_events(
    sessions: async_sessionmaker[AsyncSession], audience: Audience, n: int, at: datetime = T0
) -> list[str]:
    """``n`` events of one new transfer; returns their event ids."""
    transfer = await make_transfer(sessions, audience, at)
    return [(await emit_event(sessions, audience, transfer, at=at)).event_id for _ in range(n)]


async def claim(sessions: async_sessionmaker[AsyncSession], now: datetime, limit: int = 50) -> list[Claim]:
    async with write_transaction(sessions) as session:
        return await outbox.claim_due(session, now, limit, LEASE_S)


async def fail(sessions: async_sessionmaker[AsyncSession], c: Claim, now: datetime) -> DeliveryStatus | None:
    async with write_transaction(sessions) as session:
        return await outbox.mark_failed(session, c, now=now, error="HTTP 503", policy=POLICY, rng=random.Random(7))


async def row(sessions: async_sessionmaker[AsyncSession], outbox_id: int) -> OutboxRow:
    async with sessions() as session:
        found = await session.get(OutboxRow, outbox_id)
        assert found is not None
        return found


# --- webhooks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://hook.test/x",
        "javascript:alert(1)",
        "/relative/path",
        "https://",
        "https://user:pw@hook.test/x",
        "https://hook.test/x#frag",
        "https://hook.test:99999/x",
        "https://hook.test/a b",
        "https://hook.test/" + "a" * 3000,
    ],
)
def test_a_webhook_url_must_be_absolute_http_without_credentials(url: str) -> None:
    with pytest.raises(WebhookRejected) as refused:
        check_url(url)
    assert refused.value.code is WebhookErrorCode.INVALID_URL
    assert refused.value.field == "url"


def test_good_urls_are_kept_as_given() -> None:
    assert check_url("  https://enforcement.example.vn:8443/hooks/lienthong?v=1 ") == (
        "https://enforcement.example.vn:8443/hooks/lienthong?v=1"
    )
    assert check_url("http://127.0.0.1:9000/hook") == "http://127.0.0.1:9000/hook"


async def test_the_secret_is_returned_once_and_events_fan_out_to_active_webhooks(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    async with write_transaction(sessions) as session:
        created = await register_webhook(session, agency_code=audience.office_code, url="https://a.test/h", now=T0)
    assert len(created.secret) >= 40
    async with sessions() as session:
        listed = await webhooks_of(session, audience.office_code)
    assert [w.id for w in listed] == [created.webhook.id]
    assert not hasattr(listed[0], "secret")

    court_hook = await add_webhook(sessions, audience.court_code)
    await queue_events(sessions, audience, 1)
    async with sessions() as session:
        queued = set((await session.scalars(select(OutboxRow.webhook_id))).all())
    assert queued == {created.webhook.id, court_hook}


async def test_registration_refuses_unknown_agencies_and_too_many_webhooks(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    with pytest.raises(WebhookRejected) as unknown:
        await add_webhook(sessions, "enforcement.atlantis")
    assert unknown.value.code is WebhookErrorCode.UNKNOWN_AGENCY
    for i in range(MAX_ACTIVE_WEBHOOKS):
        await add_webhook(sessions, audience.office_code, f"https://a.test/{i}")
    with pytest.raises(WebhookRejected) as limit:
        await add_webhook(sessions, audience.office_code)
    assert limit.value.code is WebhookErrorCode.LIMIT_REACHED


async def test_deactivating_cancels_what_is_queued_and_stops_new_rows(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    hook = await add_webhook(sessions, audience.office_code)
    await queue_events(sessions, audience, 2)
    async with write_transaction(sessions) as session:
        result = await deactivate_webhook(session, hook)
    assert result is not None
    assert result[0].active is False
    assert result[1] == 2
    await queue_events(sessions, audience, 1)
    assert await claim(sessions, T0 + timedelta(hours=1)) == []
    async with sessions() as session:
        statuses = (await session.scalars(select(OutboxRow.status))).all()
    assert sorted(statuses) == ["cancelled", "cancelled"]


# --- claim and lease ----------------------------------------------------------------------------


async def test_a_claim_carries_what_the_worker_sends_and_leases_the_row(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    hook = await add_webhook(sessions, audience.office_code, "https://a.test/hook")
    [event_id] = await queue_events(sessions, audience, 1)

    [c] = await claim(sessions, T0)

    assert (c.webhook_id, c.url, c.attempts) == (hook, "https://a.test/hook", 0)
    assert c.secret
    assert c.event.event_id == event_id
    assert c.event.kind == "SUBMITTED"
    assert c.event.payload == {"status": "SUBMITTED"}
    assert c.leased_until == T0 + timedelta(seconds=LEASE_S)
    assert (await row(sessions, c.outbox_id)).next_attempt_at == c.leased_until
    assert await claim(sessions, T0 + timedelta(seconds=LEASE_S - 1)) == [], "a leased row was claimed again"


async def test_a_crashed_workers_claim_comes_back_when_its_lease_ends(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    await add_webhook(sessions, audience.office_code)
    await queue_events(sessions, audience, 1)
    [first] = await claim(sessions, T0)  # … and the worker dies without recording anything

    [again] = await claim(sessions, first.leased_until)

    assert again.outbox_id == first.outbox_id
    assert again.attempts == 0
    assert await fail(sessions, first, first.leased_until) is None, "a stale lease holder recorded a failure"
    assert await fail(sessions, again, again.leased_until) is DeliveryStatus.PENDING


async def test_only_due_rows_are_claimed_oldest_first_up_to_the_limit(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    await add_webhook(sessions, audience.office_code)
    early = await queue_events(sessions, audience, 3, at=T0)
    await queue_events(sessions, audience, 2, at=T0 + timedelta(minutes=5))

    claimed = await claim(sessions, T0 + timedelta(minutes=1), limit=2)
    assert [c.event.event_id for c in claimed] == early[:2]
    rest = await claim(sessions, T0 + timedelta(minutes=1))
    assert [c.event.event_id for c in rest] == early[2:]


# --- failures, back-off, dead letters, redrive ---------------------------------------------------


def test_back_off_doubles_up_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay_s=0.5, max_delay_s=6.0)
    assert [policy.ceiling_s(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 6.0, 6.0]
    rng = random.Random(1)
    delays = [policy.delay_s(3, rng) for _ in range(200)]
    assert all(0.0 <= d <= 2.0 for d in delays)
    assert max(delays) - min(delays) > 1.0, "no jitter"
    assert policy.exhausted(10)
    assert not policy.exhausted(9)
    assert RetryPolicy(max_attempts=4, base_delay_s=1.0, max_delay_s=10.0).budget_s() == 1 + 2 + 4
    assert RetryPolicy(max_attempts=1000, base_delay_s=1.0, max_delay_s=5.0).ceiling_s(999) == 5.0


async def test_failures_back_off_then_the_delivery_is_dead_and_listed(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    await add_webhook(sessions, audience.office_code)
    [event_id] = await queue_events(sessions, audience, 1)
    now = T0
    for failures in range(1, POLICY.max_attempts):
        [c] = await claim(sessions, now)
        assert c.attempts == failures - 1
        assert await fail(sessions, c, now) is DeliveryStatus.PENDING
        r = await row(sessions, c.outbox_id)
        assert r.attempts == failures
        assert now <= r.next_attempt_at <= now + timedelta(seconds=POLICY.ceiling_s(failures))
        assert r.last_error == "HTTP 503"
        now = r.next_attempt_at
    [last] = await claim(sessions, now)
    assert await fail(sessions, last, now) is DeliveryStatus.DEAD

    assert await claim(sessions, now + timedelta(days=1)) == []
    async with sessions() as session:
        page = await outbox.dead_letters(session, audience.office_code)
        assert await outbox.backlog(session) == {DeliveryStatus.PENDING: 0, DeliveryStatus.DEAD: 1}
        assert (await outbox.dead_letters(session, audience.court_code)).items == ()
    [dead] = page.items
    assert (dead.event_id, dead.status, dead.attempts, dead.last_error) == (
        event_id,
        DeliveryStatus.DEAD,
        POLICY.max_attempts,
        "HTTP 503",
    )
    assert dead.next_attempt_at is None


async def kill(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[int]:
    """Fail every due delivery until all are dead; returns their ids."""
    dead: list[int] = []
    for _ in range(POLICY.max_attempts):
        for c in await claim(sessions, now):
            async with write_transaction(sessions) as session:
                status = await outbox.mark_failed(
                    session, c, now=now, error="refused", policy=RetryPolicy(max_attempts=1), rng=random.Random(0)
                )
            if status is DeliveryStatus.DEAD:
                dead.append(c.outbox_id)
    return sorted(dead)


async def test_redrive_by_id_and_by_webhook_puts_dead_letters_back_in_the_queue(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    office_hook = await add_webhook(sessions, audience.office_code)
    court_hook = await add_webhook(sessions, audience.court_code)
    await queue_events(sessions, audience, 2)
    dead = await kill(sessions, T0)
    assert len(dead) == 4
    async with sessions() as session:
        office_dead = [d.id for d in (await outbox.dead_letters(session, audience.office_code)).items]

    later = T0 + timedelta(hours=1)
    async with write_transaction(sessions) as session:
        # someone else's dead letter and a made-up id are not redriven by the office
        other = next(i for i in dead if i not in office_dead)
        chosen = await outbox.redrive(
            session, now=later, ids=[office_dead[0], other, 999_999], agency_code=audience.office_code
        )
    assert chosen == [office_dead[0]]
    r = await row(sessions, office_dead[0])
    assert (r.status, r.attempts, r.next_attempt_at) == ("pending", 0, later)

    async with write_transaction(sessions) as session:
        assert await outbox.redrive(session, now=later, webhook_id=court_hook) == sorted(
            i for i in dead if i not in office_dead
        )
    claimed = await claim(sessions, later)
    assert sorted(c.outbox_id for c in claimed) == sorted([office_dead[0], *(i for i in dead if i not in office_dead)])
    async with write_transaction(sessions) as session:
        for c in claimed:
            assert await outbox.mark_delivered(session, c, later)
    async with sessions() as session:
        delivered = await outbox.deliveries(session, status=DeliveryStatus.DELIVERED)
        assert {d.webhook_id for d in delivered.items} == {office_hook, court_hook}
        assert all(d.delivered_at == later and d.attempts == 1 for d in delivered.items)
    with pytest.raises(ValueError, match="name the deliveries"):
        async with write_transaction(sessions) as session:
            await outbox.redrive(session, now=later)


async def test_delivery_listings_page_by_cursor(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    await add_webhook(sessions, audience.office_code)
    await queue_events(sessions, audience, 5)
    seen: list[int] = []
    after = None
    async with sessions() as session:
        while True:
            page = await outbox.deliveries(session, status=DeliveryStatus.PENDING, first=2, after=after)
            seen += [d.id for d in page.items]
            if not page.has_next_page:
                break
            after = page.end_cursor
        assert len(seen) == 5
        assert seen == sorted(seen)
        with pytest.raises(ValueError, match="malformed cursor"):
            await outbox.deliveries(session, status=DeliveryStatus.PENDING, after="bm90LWEtY3Vyc29y")
        with pytest.raises(ValueError, match="first must be"):
            await outbox.deliveries(session, status=DeliveryStatus.PENDING, first=0)


# --- sharing the work -----------------------------------------------------------------------------


async def test_concurrent_claimers_never_take_the_same_row(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    await add_webhook(sessions, audience.office_code)
    await add_webhook(sessions, audience.court_code)
    await queue_events(sessions, audience, 20)  # 40 rows

    async def claimer() -> list[int]:
        taken: list[int] = []
        while batch := await claim(sessions, T0, limit=3):
            taken += [c.outbox_id for c in batch]
        return taken

    results = await asyncio.gather(*(claimer() for _ in range(4)))
    everything = [i for r in results for i in r]
    assert len(everything) == 40
    assert len(set(everything)) == 40, "a row was claimed twice"


async def test_on_postgresql_a_claimer_skips_rows_another_holds_instead_of_waiting(
    ledger_with_agencies: async_sessionmaker[AsyncSession], audience: Audience
) -> None:
    sessions = ledger_with_agencies
    async with sessions() as probe:
        if probe.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers: a second claimer waits for the first to commit")
    await add_webhook(sessions, audience.office_code)
    await queue_events(sessions, audience, 6)

    async with write_transaction(sessions) as holder:
        held = await outbox.claim_due(holder, T0, 4, LEASE_S)  # locked until this block ends
        async with asyncio.timeout(10):  # a claimer that waited for the lock would hang here
            other = await claim(sessions, T0)
    assert len(held) == 4
    assert len(other) == 2
    assert not {c.outbox_id for c in held} & {c.outbox_id for c in other}
