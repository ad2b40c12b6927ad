"""Fault drill: the hub's database refuses it, under load, and the hub says so (issue 14).

The hub runs as a process of its own (as production runs it) on a database of a PostgreSQL cluster
of this test's own, connecting as an ordinary role, while court and office clients write (submit,
then acknowledge, each retried with the same content until done), readers read, and a subscriber
follows the office's events over WebSocket, reconnecting with its cursor. The drill then makes the
database refuse the hub, for a few seconds each way, and restores it:

    terminated     every backend of the hub's database killed (pg_terminate_backend), again and again
    not accepting  ALTER DATABASE … ALLOW_CONNECTIONS false ("not currently accepting connections")
    too many       ALTER ROLE … CONNECTION LIMIT 0 ("too many connections for role", SQLSTATE 53300)
    stopped        pg_ctl stop -m fast ("the database system is shutting down", then connection refused)

Every answer is a success or the retryable ``DATABASE_UNAVAILABLE`` (in a GraphQL answer, or a 503),
never ``INTERNAL_SERVER_ERROR``; the subscriber meets nothing else either; the hub's log has no line
at ERROR; ``/readyz`` is 503 during each refusal and 200 after it; every write a client was told
succeeded is in the database; and the subscriber has received every transfer's events.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.engine import URL

from agencies.topology import Topology
from domain.access import Role
from gateway import commands
from gateway.settings import HttpLimits
from tests.fixtures.databases import PostgresServer, ThrowawayCluster, probe
from tests.fixtures.own_cluster import own_cluster, run_as_admin
from tests.fixtures.process_hub import ProcessHub, launch_hub
from tests.support.court_client import CourtSigner
from tests.support.write_drill import NETWORK, Acknowledged, DrillClient, check_database, error_codes
from tests.support.ws_client import ConnectionClosed, Error, Next, connect

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

COURT, OFFICE = "court.ha-noi.kv06", "enforcement.ha-noi.kv06"
HUB_ROLE = "lienthong_hub"
WRITERS, READERS = 4, 2
REFUSE_S = 4.0
"""How long each refusal lasts."""
TERMINATE_EVERY_S = 0.25
ANSWER_WITHIN_S = 10.0
"""Every request is answered within this, whatever the database does."""
RECOVER_WITHIN_S = 20.0
RETRYABLE = frozenset({"200 DATABASE_UNAVAILABLE", "503 DATABASE_UNAVAILABLE"})
TRY_AGAIN_LATER = 1013
"""WebSocket close code (RFC 6455 registry): the server cannot serve now, the client should reconnect later."""

TRANSFER = "query ($id: ID!) { transfer(id: $id) { id status registerNumber } }"
INBOX = "query ($office: ID!) { inbox(office: $office, first: 5) { edges { node { id status } } } }"
EVENTS = """
subscription ($office: ID!, $after: String) { transferEvents(office: $office, after: $after) { cursor eventId kind transferId } }
"""
LOGGED_AT_ERROR = re.compile(r"^(\S+ \S+ (ERROR|CRITICAL) \S+: |(ERROR|CRITICAL): )")
"""A line at ERROR or above: the hub's format ("%(asctime)s %(levelname)s %(name)s: …") or uvicorn's ("ERROR:    …")."""


@dataclass
class Tally:
    """What every answer was, by the phase of the drill it came in (``"200 ok"``, ``"503 DATABASE_UNAVAILABLE"``…)."""

    phase: str = "before"
    answers: Counter[tuple[str, str]] = field(default_factory=Counter)

    def count(self, outcome: str) -> None:
        self.answers[(self.phase, outcome)] += 1

    def outcomes(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for (_, outcome), n in self.answers.items():
            total[outcome] += n
        return total

    def bad(self) -> dict[tuple[str, str], int]:
        """Answers that are neither a success nor a retryable refusal."""
        return {k: n for k, n in self.answers.items() if not k[1].endswith(" ok") and k[1] not in RETRYABLE}


@dataclass
class TalliedClient(DrillClient):
    """A drill client that also tallies every answer, the errors beside a successful write's transfer too."""

    tally: Tally = field(default_factory=Tally)

    async def _post(self, token: str, query: str, variables: dict[str, Any]) -> tuple[int, Any] | None:
        answer = await super()._post(token, query, variables)
        if answer is None:
            self.tally.count(NETWORK)
            return None
        status, body = answer
        errors = body.get("errors") if isinstance(body, dict) else None
        self.tally.count(f"{status} {','.join(sorted(set(error_codes(body))))}" if errors else f"{status} ok")
        return answer


@pytest.fixture
async def refusing_cluster() -> AsyncIterator[tuple[ThrowawayCluster, URL, PostgresServer]]:
    """A cluster of this test's own, its superuser's URL, and the server as an ordinary role sees it (the hub's)."""
    with own_cluster("the database refusal drill") as (cluster, admin_url):
        await run_as_admin(admin_url, f"CREATE ROLE {HUB_ROLE} LOGIN CREATEDB")
        hub_url = admin_url.set(username=HUB_ROLE)
        yield cluster, admin_url, PostgresServer(hub_url, f"drill cluster {cluster.describe()} as {HUB_ROLE}")


@pytest.fixture
async def drill_hub(
    refusing_cluster: tuple[ThrowawayCluster, URL, PostgresServer], agency_topology: Topology, tmp_path: Path
) -> AsyncIterator[tuple[ProcessHub, ThrowawayCluster]]:
    cluster, admin_url, server = refusing_cluster
    # every background worker runs, and often, so that each meets the refusals too; no rate limit is reached
    busy = {"overdue_every_s": 1.0, "grant_recheck_s": 1.0, "http_limits": HttpLimits(rate_per_s=1000, rate_burst=5000)}
    async with launch_hub("postgresql", agency_topology, tmp_path, server, **busy) as hub:
        try:
            yield hub, cluster
        finally:  # the database is dropped on the way out: the server must be up and let us in, whatever happened
            try:
                await asyncio.to_thread(probe, admin_url)
            except Exception:
                await asyncio.to_thread(cluster.resume)
            database = str(hub.settings.database_url).rsplit("/", 1)[-1]
            await run_as_admin(admin_url, f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
            await run_as_admin(admin_url, f"ALTER ROLE {HUB_ROLE} CONNECTION LIMIT -1")


class Drill:
    """The hub under load while its database refuses it; what everyone saw."""

    def __init__(self, hub: ProcessHub, cluster: ThrowawayCluster, admin_url: URL, signer: CourtSigner) -> None:
        self.hub, self.cluster, self.admin_url, self.signer = hub, cluster, admin_url, signer
        self.database = hub.settings.database_url.rsplit("/", 1)[-1]
        self.tally = Tally()
        self.readiness: Counter[tuple[str, int]] = Counter()
        self.subscriber: Counter[str] = Counter()
        self.events: list[dict[str, Any]] = []
        self.seen = Acknowledged()
        self.stop = asyncio.Event()
        self.terminated = 0

    def client(self) -> TalliedClient:
        court = self.hub.token(COURT, [Role.COURT_CLERK])
        office = self.hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
        return TalliedClient(
            self.hub.http, self.hub.url, OFFICE, court, office, self.seen, timeout_s=ANSWER_WITHIN_S, tally=self.tally
        )

    # --- the load -------------------------------------------------------------------------------

    async def writer(self) -> int:
        done, client = 0, self.client()
        while not self.stop.is_set():  # each write is retried with the same content until done
            await client.write_until_done(self.signer, attempts=1000, pause_s=0.1)
            done += 1
        return done

    async def reader(self) -> int:
        done, client = 0, self.client()
        while not self.stop.is_set():
            known = next(iter(self.seen.numbers), None)
            if known is not None:
                await client.read(TRANSFER, {"id": known})
            await client.read(INBOX, {"office": OFFICE})
            done += 1
            await asyncio.sleep(0.05)
        return done

    async def follower(self) -> None:
        """The office's events over WebSocket, resumed from the last cursor whenever the socket ends."""
        token = self.hub.token(OFFICE, [Role.ENFORCEMENT_CLERK])
        while not self.stop.is_set():
            after = self.events[-1]["cursor"] if self.events else None
            try:
                async with connect(self.hub.http, self.hub.url, token=token, timeout=ANSWER_WITHIN_S) as ws:
                    subscription = await ws.subscribe(EVENTS, {"office": OFFICE, "after": after})
                    while not self.stop.is_set():
                        with contextlib.suppress(TimeoutError):
                            message = await subscription.receive(timeout=1.0)
                            if isinstance(message, Next) and not message.errors and message.data:
                                self.events.append(message.data["transferEvents"])
                                continue
                            errors = message.errors if isinstance(message, Next | Error) else []
                            codes = sorted({str((e.get("extensions") or {}).get("code")) for e in errors})
                            self.subscriber[f"{type(message).__name__.lower()} {','.join(codes)}"] += 1
                            break
            except ConnectionClosed as closed:
                self.subscriber[f"closed {closed.code}"] += 1
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                self.subscriber[f"{NETWORK} {type(exc).__name__}"] += 1
            await asyncio.sleep(0.1)

    async def watch_readiness(self) -> None:
        while not self.stop.is_set():
            status, _ = await self.get("/readyz")
            self.readiness[(self.tally.phase, status)] += 1
            await asyncio.sleep(0.1)

    async def get(self, path: str) -> tuple[int, Any]:
        timeout = aiohttp.ClientTimeout(total=ANSWER_WITHIN_S)
        async with self.hub.http.get(f"{self.hub.url}{path}", timeout=timeout) as response:
            return response.status, await response.json()

    # --- the refusals ---------------------------------------------------------------------------

    async def terminate_backends(self, for_s: float) -> None:
        """Kill every backend of the hub's database, every :data:`TERMINATE_EVERY_S`, for ``for_s`` seconds."""
        deadline = time.monotonic() + for_s
        while time.monotonic() < deadline:
            rows = await run_as_admin(
                self.admin_url,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()",
                db=self.database,
            )
            self.terminated += sum(1 for (killed,) in rows if killed)
            await asyncio.sleep(TERMINATE_EVERY_S)

    async def refusal(
        self, phase: str, refuse: Callable[[], Awaitable[None]], restore: Callable[[], Awaitable[None]], *, kill: bool
    ) -> None:
        """``refuse`` (and ``kill`` what stays connected), see /readyz turn 503; ``restore``, see it turn 200."""
        self.tally.phase = phase
        await refuse()
        if kill:
            await self.terminate_backends(REFUSE_S)
        else:
            await asyncio.sleep(REFUSE_S)
        await self.wait_for_readyz(503, phase)
        await restore()
        self.tally.phase = f"after {phase}"
        await self.wait_for_readyz(200, phase)

    async def wait_for_readyz(self, status: int, phase: str) -> None:
        deadline = time.monotonic() + RECOVER_WITHIN_S
        while (seen := (await self.get("/readyz"))[0]) != status:
            assert time.monotonic() < deadline, f"{phase}: /readyz still {seen} after {RECOVER_WITHIN_S}s"
            await asyncio.sleep(0.1)

    async def admin(self, statement: str) -> None:
        await run_as_admin(self.admin_url, statement)

    async def run(self) -> None:
        load = [
            *(asyncio.create_task(self.writer()) for _ in range(WRITERS)),
            *(asyncio.create_task(self.reader()) for _ in range(READERS)),
            asyncio.create_task(self.follower()),
            asyncio.create_task(self.watch_readiness()),
        ]
        try:
            while len(self.seen.numbers) < WRITERS:  # writes are under way before the database refuses
                await asyncio.sleep(0.1)
            self.tally.phase = "terminated"
            await self.terminate_backends(REFUSE_S)
            self.tally.phase = "after terminated"
            await self.wait_for_readyz(200, "terminated")
            db = f'"{self.database}"'
            await self.refusal(
                "not accepting",
                lambda: self.admin(f"ALTER DATABASE {db} ALLOW_CONNECTIONS false"),
                lambda: self.admin(f"ALTER DATABASE {db} ALLOW_CONNECTIONS true"),
                kill=True,
            )
            await self.refusal(
                "too many",
                lambda: self.admin(f"ALTER ROLE {HUB_ROLE} CONNECTION LIMIT 0"),
                lambda: self.admin(f"ALTER ROLE {HUB_ROLE} CONNECTION LIMIT -1"),
                kill=True,
            )
            await self.refusal(
                "stopped",
                lambda: asyncio.to_thread(self.cluster.halt, "fast"),
                lambda: asyncio.to_thread(self.cluster.resume),
                kill=False,  # a fast shutdown disconnects every client; the server lets nobody in until started
            )
            await asyncio.sleep(1.0)  # a moment of writes after the last refusal
        finally:
            self.stop.set()
            results = await asyncio.wait_for(asyncio.gather(*load, return_exceptions=True), timeout=60)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def wait_for_every_event(self) -> None:
        """Bounded: the subscriber catches up (replay from its cursor) with every transfer acknowledged."""
        self.stop.clear()
        follower = asyncio.create_task(self.follower())
        try:
            deadline = time.monotonic() + RECOVER_WITHIN_S
            while self.followed("ACKNOWLEDGED") < set(self.seen.numbers) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        finally:
            self.stop.set()
            await asyncio.wait_for(follower, timeout=ANSWER_WITHIN_S + 5)

    def report(self) -> str:
        """What the drill saw, for the test's output (shown when it fails)."""
        return "\n".join(
            [
                f"phase {self.tally.phase}; backends terminated: {self.terminated}",
                f"answers: {sorted(self.tally.answers.items())}",
                f"readiness: {sorted(self.readiness.items())}",
                f"subscriber: {dict(self.subscriber)}, {len(self.events)} events",
                f"writes acknowledged: {len(self.seen.numbers)}, failures: {dict(self.seen.failures)}",
            ]
        )

    def followed(self, kind: str) -> set[str]:
        return {e["transferId"] for e in self.events if e["kind"] == kind}


def logged_at_error(log: Path) -> list[str]:
    """The hub's log lines at ERROR or CRITICAL."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if LOGGED_AT_ERROR.match(line)]


async def test_a_database_that_refuses_the_hub_is_database_unavailable_never_an_internal_error(
    drill_hub: tuple[ProcessHub, ThrowawayCluster], refusing_cluster: tuple[ThrowawayCluster, URL, PostgresServer]
) -> None:
    hub, cluster = drill_hub
    admin_url = refusing_cluster[1]
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, COURT, signer.public_key)
    drill = Drill(hub, cluster, admin_url, signer)

    try:
        await asyncio.wait_for(drill.run(), timeout=150)
        await drill.wait_for_every_event()
    finally:
        print(drill.report())
    assert drill.terminated > 0, "the drill never killed a backend of the hub's database"
    assert not drill.tally.bad(), f"answers neither a success nor DATABASE_UNAVAILABLE: {drill.tally.bad()}"
    outcomes = drill.tally.outcomes()
    assert sum(outcomes[r] for r in RETRYABLE) > 0, f"the refusals were never felt: {outcomes}"
    for phase in ("not accepting", "too many", "stopped"):
        assert drill.readiness[(phase, 503)] > 0, f"/readyz never said not ready while {phase}: {drill.readiness}"
    unavailable = {"error DATABASE_UNAVAILABLE", "next DATABASE_UNAVAILABLE", f"closed {TRY_AGAIN_LATER}"}
    assert set(drill.subscriber) <= unavailable, (
        f"the subscriber met more than the database unavailable: {drill.subscriber}"
    )
    errors = logged_at_error(hub.process.log_dir / "hub.stderr.log")
    assert not errors, f"{len(errors)} lines logged at ERROR, e.g. {errors[:3]}"

    assert drill.tally.answers[("after stopped", "200 ok")] > 0, "the same hub process serves again"
    counts = await check_database(hub.settings.database_url, drill.seen)
    assert counts["numbered"] == len(drill.seen.numbers) >= WRITERS
    assert drill.followed("ACKNOWLEDGED") >= set(drill.seen.numbers), "the subscriber missed events"
    assert hub.process.process is not None
    assert hub.process.process.poll() is None, "the hub must not have died"
