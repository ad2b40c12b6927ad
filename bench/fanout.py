"""``python -m bench fanout``: a thousand live subscribers, events pushed to all of them (issue 8, scenario 4).

1. Start the agency services and ``lienthong serve`` on a fresh SQLite database
   (``bench.hub_bench.open_world``), with this process's open-files limit raised to
   its hard limit first (the hub inherits it); register one signing key per area court.
2. Open ``--subscribers`` WebSockets (graphql-transport-ws, aiohttp), each authenticated
   in ``connection_init`` with its own officer's token, each subscribed to
   ``transferEvents(office: …)``. The subscribers are spread round-robin over
   ``--offices`` area offices (100 per office with the defaults), so each event
   goes to ``subscribers ÷ offices`` of them and every subscription is a live stream of
   one hub.
3. Readiness: one judgment per office; wait until every subscriber has received its
   office's event (so every subscription is live before anything is timed). Then
   ``--idle`` seconds without traffic, the hub's CPU recorded (what a thousand waiting
   subscriptions cost).
4. Measured: the courts submit ``--rate`` judgments per second (open loop, offices in
   turn) for ``--duration`` seconds, then up to ``--drain`` seconds for the last events.
   Delivery latency of every (event, subscriber): from the moment the court *sent*
   ``submitJudgment`` to the moment the subscriber's socket delivered the ``next``
   message (one clock: this process). An event a subscriber should have received and
   did not is lost; one received twice is a duplicate.
5. Write ``bench/results/fanout-<UTC>.json`` and a row in ``SUMMARY.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from agencies.common.reference import ReferenceData
from bench.cli import run_async, say
from bench.hub_bench import (
    HUB_DESCRIPTION,
    SUBMIT,
    CourtClerk,
    CpuMeter,
    World,
    add_output_arguments,
    add_world_arguments,
    call,
    document,
    open_world,
    pick_desks,
    raise_open_files_limit,
    record,
    register_court_keys,
)
from bench.load import latency_ms
from domain.clock import Clock
from gateway.settings import Settings

SCENARIO = "fanout"
PROTOCOL = "graphql-transport-ws"
SUBSCRIPTION = "subscription Events($office: ID!) { transferEvents(office: $office) { cursor kind transferId } }"
CONNECTING_AT_ONCE = 50
FILES_PER_SUBSCRIBER = 2  # the client's socket here, the hub's there (same limit, inherited), with room to spare
SPARE_FILES = 512
DEFAULT_LIVE_POLL_S = Settings().live_poll_s


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench fanout",
        description="Many concurrent transferEvents subscriptions on one hub (graphql-transport-ws); judgments "
        "submitted at a modest rate; delivery latency per event and subscriber, events lost.",
    )
    load = parser.add_argument_group("load")
    load.add_argument("--subscribers", type=int, default=1000, help="WebSocket subscriptions (default 1000)")
    load.add_argument("--offices", type=int, default=10, help="offices they follow, round-robin (default 10)")
    load.add_argument("--rate", type=float, default=2.0, help="judgments submitted per second (default 2)")
    load.add_argument("--duration", type=float, default=20.0, help="seconds of submitting (default 20)")
    load.add_argument("--drain", type=float, default=30.0, help="most seconds to wait for the last events (default 30)")
    load.add_argument("--idle", type=float, default=3.0, help="seconds measured with no traffic (default 3)")
    load.add_argument(
        "--ready-timeout",
        type=float,
        default=120.0,
        help="most seconds for every subscription to go live (default 120)",
    )
    load.add_argument("--timeout", type=float, default=30.0, help="per-request and handshake timeout (default 30)")
    load.add_argument(
        "--live-poll-s",
        type=float,
        default=DEFAULT_LIVE_POLL_S,
        help=f"the hub's LIENTHONG_LIVE_POLL_S: longest a subscription waits before reading anyway "
        f"(default {DEFAULT_LIVE_POLL_S:g}, the hub's own default)",
    )
    add_world_arguments(parser)
    add_output_arguments(parser)
    args = parser.parse_args(argv)
    if args.subscribers < 1 or not 1 <= args.offices <= args.subscribers:
        parser.error("need --subscribers ≥ 1 and 1 ≤ --offices ≤ --subscribers")
    if args.rate <= 0 or args.duration <= 0 or args.drain < 0 or args.idle < 0 or args.live_poll_s <= 0:
        parser.error("need --rate > 0, --duration > 0, --drain ≥ 0, --idle ≥ 0, --live-poll-s > 0")
    return args


# ------------------------------------------------------------------------------ subscribers


@dataclass
class Subscriber:
    """One office system's live connection, and what arrived on it (``perf_counter`` at receipt)."""

    office: str
    token: str
    received: dict[str, float] = field(default_factory=dict)  # transfer id → when its SUBMITTED event arrived
    duplicates: int = 0
    other_events: int = 0
    failure: str | None = None


def _message(kind: str, **fields: Any) -> str:
    return orjson.dumps({"type": kind, **fields}).decode()


async def open_subscription(
    http: aiohttp.ClientSession, ws_url: str, subscriber: Subscriber, timeout_s: float
) -> aiohttp.ClientWebSocketResponse:
    """Handshake, ``connection_init`` with the token, wait for the ack, subscribe."""
    ws = await http.ws_connect(
        ws_url, protocols=(PROTOCOL,), timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=timeout_s)
    )
    try:
        await ws.send_str(_message("connection_init", payload={"Authorization": f"Bearer {subscriber.token}"}))
        async with asyncio.timeout(timeout_s):
            while True:
                frame = await ws.receive()
                if frame.type != aiohttp.WSMsgType.TEXT:
                    raise ConnectionError(f"no connection_ack: {frame.type.name} {frame.data!r} {frame.extra!r}")
                if orjson.loads(frame.data).get("type") == "connection_ack":
                    break
        payload = {"query": SUBSCRIPTION, "variables": {"office": subscriber.office}}
        await ws.send_str(_message("subscribe", id="1", payload=payload))
    except BaseException:
        await ws.close()
        raise
    return ws


async def listen(ws: aiohttp.ClientWebSocketResponse, subscriber: Subscriber) -> None:
    """Note the arrival time of every event until the socket closes (or this task is cancelled)."""
    async for frame in ws:
        arrived = time.perf_counter()
        if frame.type != aiohttp.WSMsgType.TEXT:
            subscriber.failure = f"unexpected {frame.type.name} frame"
            break
        message = orjson.loads(frame.data)
        kind = message.get("type")
        if kind == "next":
            _note(subscriber, message.get("payload") or {}, arrived)
        elif kind == "ping":
            await ws.send_str(_message("pong"))
        elif kind in {"error", "complete"}:
            subscriber.failure = f"{kind}: {str(message.get('payload'))[:200]}"
            break
    else:
        subscriber.failure = subscriber.failure or f"closed by the hub ({ws.close_code})"


def _note(subscriber: Subscriber, payload: dict[str, Any], arrived: float) -> None:
    event = (payload.get("data") or {}).get("transferEvents")
    if payload.get("errors") or not isinstance(event, dict):
        subscriber.failure = f"error in a result: {str(payload.get('errors'))[:200]}"
        return
    if event.get("kind") != "SUBMITTED":
        subscriber.other_events += 1
    elif event["transferId"] in subscriber.received:
        subscriber.duplicates += 1
    else:
        subscriber.received[event["transferId"]] = arrived


@dataclass
class Crowd:
    """Every subscriber, their sockets and their reading tasks."""

    subscribers: list[Subscriber]
    sockets: list[aiohttp.ClientWebSocketResponse] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)
    failed_to_connect: int = 0
    connect_s: float = 0.0

    def of(self, office: str) -> list[Subscriber]:
        return [s for s in self.subscribers if s.office == office]

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


async def gather_crowd(
    http: aiohttp.ClientSession, ws_url: str, subscribers: list[Subscriber], timeout_s: float
) -> Crowd:
    """Connect and subscribe everyone, ``CONNECTING_AT_ONCE`` handshakes at a time; start their readers."""
    crowd = Crowd(subscribers)
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    started = time.perf_counter()

    async def join(subscriber: Subscriber) -> None:
        async with gate:
            try:
                ws = await open_subscription(http, ws_url, subscriber, timeout_s)
            except (aiohttp.ClientError, ConnectionError, TimeoutError) as exc:
                subscriber.failure = f"could not subscribe: {type(exc).__name__}: {exc}"
                crowd.failed_to_connect += 1
                return
        crowd.sockets.append(ws)
        crowd.readers.append(asyncio.create_task(listen(ws, subscriber)))

    await asyncio.gather(*(join(s) for s in subscribers))
    crowd.connect_s = time.perf_counter() - started
    return crowd


# ------------------------------------------------------------------------------ submitting


@dataclass
class Sent:
    """Transfers submitted, when the court sent each and when it got the answer (``perf_counter``)."""

    office_of: dict[str, str] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    answered_at: dict[str, float] = field(default_factory=dict)
    submit_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)


async def submit(http: aiohttp.ClientSession, url: str, clerk: CourtClerk, token: str, sent: Sent) -> None:
    variables = clerk.next_variables()
    started = time.perf_counter()
    answer = await call(http, url, token, SUBMIT, variables, "submitJudgment")
    answered = time.perf_counter()
    sent.submit_ms.append((answered - started) * 1000)
    transfer = (answer.field or {}).get("transfer")
    if transfer is None:
        error = (answer.error or "no transfer")[:200]
        sent.errors[error] = sent.errors.get(error, 0) + 1
        return
    sent.office_of[transfer["id"]] = clerk.desk.office
    sent.sent_at[transfer["id"]] = started
    sent.answered_at[transfer["id"]] = answered


async def submit_at_rate(
    http: aiohttp.ClientSession,
    url: str,
    clerks: Sequence[CourtClerk],
    tokens: dict[str, str],
    *,
    rate: float,
    count: int,
) -> Sent:
    """``count`` submissions on a fixed schedule (open loop: a slow answer does not delay the next)."""
    sent = Sent()
    started = time.perf_counter()
    tasks = []
    for number in range(count):
        await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
        clerk = clerks[number % len(clerks)]
        tasks.append(asyncio.create_task(submit(http, url, clerk, tokens[clerk.desk.court], sent)))
    await asyncio.gather(*tasks)
    return sent


async def wait_for_deliveries(crowd: Crowd, sent: Sent, limit_s: float) -> float:
    """Wait until every subscriber has every event of its office, or ``limit_s`` passes; seconds waited."""
    started = time.perf_counter()
    audience = {office: crowd.of(office) for office in set(sent.office_of.values())}
    while time.perf_counter() - started < limit_s:
        if all(tid in s.received for tid, office in sent.office_of.items() for s in audience[office]):
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


# ------------------------------------------------------------------------------ the numbers


def deliveries(crowd: Crowd, sent: Sent) -> dict[str, Any]:
    """Latency of every (event, subscriber) pair, what was lost, and how long one event took to reach all."""
    from_sent, from_answer, spread, last_arrivals = [], [], [], []
    expected = delivered = 0
    for tid, office in sent.office_of.items():
        arrivals = []
        for subscriber in crowd.of(office):
            expected += 1
            arrived = subscriber.received.get(tid)
            if arrived is None:
                continue
            delivered += 1
            arrivals.append(arrived)
            from_sent.append((arrived - sent.sent_at[tid]) * 1000)
            from_answer.append((arrived - sent.answered_at[tid]) * 1000)
        if arrivals:
            spread.append((max(arrivals) - min(arrivals)) * 1000)
            last_arrivals.append(max(arrivals))
    last = max(last_arrivals, default=0.0)
    first = min(sent.sent_at.values(), default=last)
    return {
        "expected": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "duplicates": sum(s.duplicates for s in crowd.subscribers),
        "window_s": max(last - first, 1e-9),
        "from_submit_sent_ms": latency_ms(from_sent),
        "from_submit_answered_ms": latency_ms(from_answer),
        "spread_first_to_last_subscriber_ms": latency_ms(spread),
    }


def subscriber_facts(crowd: Crowd) -> dict[str, Any]:
    failures: dict[str, int] = {}
    for subscriber in crowd.subscribers:
        if subscriber.failure:
            failures[subscriber.failure] = failures.get(subscriber.failure, 0) + 1
    return {
        "subscribers": len(crowd.subscribers),
        "connected": len(crowd.sockets),
        "failed_to_connect": crowd.failed_to_connect,
        "connect_s": round(crowd.connect_s, 2),
        "failures": dict(sorted(failures.items(), key=lambda item: -item[1])[:5]),
        "other_events_received": sum(s.other_events for s in crowd.subscribers),
    }


# ------------------------------------------------------------------------------ the run


def crowd_for(world: World, clerks: Sequence[CourtClerk], count: int) -> list[Subscriber]:
    offices = [clerk.desk.office for clerk in clerks]
    return [
        Subscriber(office, world.office_token(office, f"{office}.officer{number:04d}"))
        for number, office in ((n, offices[n % len(offices)]) for n in range(count))
    ]


async def get_ready(
    http: aiohttp.ClientSession,
    world: World,
    crowd: Crowd,
    clerks: Sequence[CourtClerk],
    tokens: dict[str, str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """One judgment per office; every subscriber must see its office's (the subscriptions are live)."""
    probes = await submit_at_rate(http, world.graphql_url, clerks, tokens, rate=50.0, count=len(clerks))
    waited = await wait_for_deliveries(crowd, probes, args.ready_timeout)
    ready = deliveries(crowd, probes)
    say(f"ready after {waited:.1f} s: {ready['delivered']} of {ready['expected']} probe events delivered")
    return {"waited_s": round(waited, 2), "probe_events": len(probes.office_of), **ready}


async def scenario(args: argparse.Namespace) -> dict[str, Any]:
    files = raise_open_files_limit(FILES_PER_SUBSCRIBER * args.subscribers + SPARE_FILES)
    desks = pick_desks(ReferenceData.load(), args.offices)
    clerks = [CourtClerk.new(desk, args.seed) for desk in desks]

    async def keys(settings: Settings) -> None:
        await register_court_keys(settings.database_url, clerks)

    async with contextlib.AsyncExitStack() as stack:
        world = await open_world(
            stack, args, prefix=SCENARIO, before_hub=keys, overrides={"live_poll_s": args.live_poll_s}
        )
        tokens = {clerk.desk.court: world.court_token(clerk.desk.court) for clerk in clerks}
        connector = aiohttp.TCPConnector(limit=0)  # every WebSocket holds its connection
        http = await stack.enter_async_context(
            aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=args.timeout))
        )
        say(f"subscribing {args.subscribers} WebSockets over {len(clerks)} offices")
        crowd = await gather_crowd(
            http, world.graphql_url.replace("http", "ws", 1), crowd_for(world, clerks, args.subscribers), args.timeout
        )
        stack.push_async_callback(crowd.close)
        say(f"{len(crowd.sockets)} subscribed in {crowd.connect_s:.1f} s, {crowd.failed_to_connect} failed")
        ready = await get_ready(http, world, crowd, clerks, tokens, args)
        idle: dict[str, Any] = {}
        if args.idle > 0:
            meter = CpuMeter({"hub": world.hub_pid}).start()
            await asyncio.sleep(args.idle)
            idle = {"seconds": args.idle, "cpu": meter.stop()}
            say(f"idle with {len(crowd.sockets)} subscriptions: hub {idle['cpu'].get('hub', {}).get('cores')} cores")
        count = max(1, round(args.rate * args.duration))
        say(f"measuring: {count} judgments at {args.rate:g}/s, then up to {args.drain:g} s for the last events")
        meter = CpuMeter(world.pids()).start()
        sent = await submit_at_rate(http, world.graphql_url, clerks, tokens, rate=args.rate, count=count)
        drained = await wait_for_deliveries(crowd, sent, args.drain)
        cpu = meter.stop()
        return {
            "sent": sent,
            "deliveries": deliveries(crowd, sent),
            "subscribers": subscriber_facts(crowd),
            "ready": ready,
            "idle": idle,
            "cpu": cpu,
            "drain_waited_s": round(drained, 2),
            "open_files_limit": files,
            "offices": [clerk.desk.office for clerk in clerks],
        }


def target_result(outcome: dict[str, Any]) -> dict[str, Any]:
    """The hub's figures in judgment-360's shape: a "request" is one (event, subscriber) delivery."""
    d, sent = outcome["deliveries"], outcome["sent"]
    return {
        "requests": d["expected"],
        "ok": d["delivered"],
        "errors": d["lost"] + d["duplicates"],
        "elapsed_s": round(d["window_s"], 3),
        "rps": round(d["delivered"] / d["window_s"], 2),
        "latency_ms": d["from_submit_sent_ms"],
        "events_submitted": len(sent.office_of),
        "submit_errors": sent.errors,
        "submit_latency_ms": latency_ms(sent.submit_ms),
        "events_lost": d["lost"],
        "duplicates": d["duplicates"],
        "latency_from_submit_answered_ms": d["from_submit_answered_ms"],
        "spread_first_to_last_subscriber_ms": d["spread_first_to_last_subscriber_ms"],
        "subscribers": outcome["subscribers"],
        "readiness": outcome["ready"],
        "idle": outcome["idle"],
        "drain_waited_s": outcome["drain_waited_s"],
        "cpu": outcome["cpu"],
    }


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    outcome = run_async(scenario(args))
    result = target_result(outcome)
    doc = document(
        scenario=SCENARIO,
        started_at=started_at,
        setup={
            "hub": HUB_DESCRIPTION + ", SQLite (WAL) in a temp dir",
            "live_poll_s": args.live_poll_s,
            "subscribers": args.subscribers,
            "offices": outcome["offices"],
            "spread": f"round-robin over {args.offices} area offices: {args.subscribers // args.offices}"
            f"{'+' if args.subscribers % args.offices else ''} subscribers per office, each its own connection and "
            "officer's token; an event goes to the subscribers of its office",
            "subscription": SUBSCRIPTION,
            "protocol": "graphql-transport-ws over aiohttp WebSockets, token in connection_init",
            "latency": "from the court sending submitJudgment to the subscriber's socket delivering the event "
            "(perf_counter of this process); latency_from_submit_answered_ms counts from the court's answer "
            "instead (negative when the event arrived first)",
            "open_files_limit": outcome["open_files_limit"],
            "agency_catalogue_judgments": args.catalogue,
            "agency_latency_ms": args.latency_ms,
            "seed": args.seed,
            "network": "loopback 127.0.0.1; subscribers and courts in one process on the same machine",
        },
        load={
            "generator": "bench/fanout.py: open-loop submissions at a fixed rate, aiohttp",
            "unit": "one (event, subscriber) delivery; errors = lost + duplicated deliveries",
            "concurrency": args.subscribers,
            "rate_per_s": args.rate,
            "duration_s": args.duration,
            "drain_max_s": args.drain,
            "timeout_s": args.timeout,
        },
        targets={"hub": result},
    )
    print(render_text(doc))
    record(doc, args)
    bad = result["errors"] or result["submit_errors"] or result["subscribers"]["failed_to_connect"]
    return 1 if bad else 0


def render_text(doc: dict[str, Any]) -> str:
    t = doc["targets"]["hub"]
    latency, spread, cpu = t["latency_ms"], t["spread_first_to_last_subscriber_ms"], t["cpu"]
    idle_cores = (t["idle"].get("cpu") or {}).get("hub", {}).get("cores")
    return (
        f"\n{SCENARIO} — {t['subscribers']['connected']} of {doc['setup']['subscribers']} subscribers connected, "
        f"{t['events_submitted']} events at {doc['load']['rate_per_s']:g}/s\n"
        f"deliveries {t['ok']} of {t['requests']}: lost {t['events_lost']}, duplicates {t['duplicates']}; "
        f"latency p50 {latency['p50']} ms, p95 {latency['p95']} ms, p99 {latency['p99']} ms, max {latency['max']} ms; "
        f"first→last subscriber p95 {spread['p95']} ms\n"
        f"CPU cores: hub {cpu.get('hub', {}).get('cores')} (idle with every subscription open: {idle_cores}), "
        f"load generator {cpu['load_generator']['cores']}, other processes {cpu.get('other_processes', {}).get('cores')}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: every process stopped")
        return 130
