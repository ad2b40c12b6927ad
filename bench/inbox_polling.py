"""``python -m bench inbox-polling``: many enforcement offices pulling their inboxes at once (issue 8, scenario 2).

1. Start the agency services and ``lienthong serve`` on a fresh SQLite database
   (``bench.hub_bench.open_world``); register one signing key per area court.
2. Fill the ledger through the hub: every court sends ``--per-office`` signed judgments to
   its area office (``submitJudgment``), and each office acknowledges the first
   ``--acknowledged`` share of them (``acknowledgeTransfer``), so every inbox holds new
   (SUBMITTED) and registered transfers.
3. ``--offices`` clients, one per office, each with a token of an officer of that office,
   poll ``inbox(office, status: SUBMITTED, first: --page-size)`` in a closed loop (the next
   request when the answer has arrived and been checked): warm-up, wait for a quiet
   machine, then ``--duration`` seconds measured.
4. Write ``bench/results/inbox-polling-<UTC>.json`` and a row in ``SUMMARY.md``.

An answer is an error when it is not HTTP 200, carries a GraphQL error, is an empty page
(every inbox holds new transfers) or lists a transfer of another office.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from agencies.common.reference import ReferenceData
from bench.cli import run_async, say, wait_for_quiet
from bench.hub_bench import (
    HUB_DESCRIPTION,
    CourtClerk,
    CpuMeter,
    Desk,
    World,
    add_output_arguments,
    add_world_arguments,
    document,
    fill_ledger,
    open_world,
    pick_desks,
    record,
    register_court_keys,
)
from bench.load import Run, exchange
from domain.clock import Clock
from gateway.settings import Settings

SCENARIO = "inbox-polling"

QUERY = """
query Inbox($office: ID!, $first: Int!) {
  inbox(office: $office, status: SUBMITTED, first: $first) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id status receivedAt effectiveOn documentSha256
        judgment { number caseType }
        court { code name }
        registerOffice { code name }
        deadlines { key dueOn state }
      }
    }
  }
}
""".strip()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench inbox-polling",
        description="Enforcement offices polling their inboxes concurrently over HTTP, each with its own officer's "
        "token, against lienthong serve on SQLite with a ledger filled through the hub.",
    )
    load = parser.add_argument_group("load")
    load.add_argument("--offices", type=int, default=100, help="offices polling at once, one client each (default 100)")
    load.add_argument("--duration", type=float, default=20.0, help="measured seconds (default 20)")
    load.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds, not measured (default 3)")
    load.add_argument("--page-size", type=int, default=50, help="first: of every inbox request (default 50)")
    load.add_argument("--max-requests", type=int, default=100_000, help="cap on measured requests (default 100000)")
    load.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    load.add_argument(
        "--settle", type=float, default=30.0, help="wait up to this long for other processes to go quiet (default 30)"
    )
    ledger = parser.add_argument_group("ledger")
    ledger.add_argument("--per-office", type=int, default=10, help="judgments submitted to each office (default 10)")
    ledger.add_argument(
        "--acknowledged", type=float, default=0.3, help="share of each inbox acknowledged beforehand (default 0.3)"
    )
    add_world_arguments(parser)
    add_output_arguments(parser)
    args = parser.parse_args(argv)
    if args.offices < 1 or args.duration <= 0 or args.warmup < 0 or args.max_requests < 1 or args.per_office < 1:
        parser.error("need --offices ≥ 1, --duration > 0, --warmup ≥ 0, --max-requests ≥ 1, --per-office ≥ 1")
    if not 0 <= args.acknowledged < 1 or int(args.per_office * args.acknowledged) >= args.per_office:
        parser.error("--acknowledged must leave at least one new transfer in every inbox")
    if not 1 <= args.page_size <= 200:
        parser.error("--page-size must be between 1 and 200 (the hub's largest inbox page)")
    return args


# ------------------------------------------------------------------------------ the load


@dataclass(frozen=True, slots=True)
class Poller:
    """One office's system: its request body and its officer's token never change."""

    office: str
    body: bytes
    headers: dict[str, str]


def check_inbox(payload: bytes, office: str) -> tuple[str | None, int]:
    """``(error, transfers)`` of one inbox answer."""
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return "answer is not JSON", 0
    if not isinstance(doc, dict):
        return "answer is not a JSON object", 0
    if doc.get("errors"):
        first = doc["errors"][0] if isinstance(doc["errors"], list) and doc["errors"] else {}
        code = (first.get("extensions") or {}).get("code") if isinstance(first, dict) else None
        return f"GraphQL error {code or ''}: {first.get('message') if isinstance(first, dict) else first}", 0
    edges = ((doc.get("data") or {}).get("inbox") or {}).get("edges")
    if not isinstance(edges, list):
        return "no data.inbox.edges in the answer", 0
    if not edges:
        return "empty inbox page", 0
    if any(((edge.get("node") or {}).get("registerOffice") or {}).get("code") != office for edge in edges):
        return "a transfer of another office in the inbox", 0
    return None, len(edges)


async def poll(url: str, pollers: Sequence[Poller], *, duration_s: float, max_requests: int, timeout_s: float) -> Run:
    """Every poller asks for its inbox again as soon as its previous answer is in, until time or count runs out."""
    tally = Run(item="transfers")  # the same record as judgment-360's aiohttp generator keeps
    issued = 0
    connector = aiohttp.TCPConnector(limit=len(pollers))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
        started = time.perf_counter()
        deadline = started + duration_s

        async def client(poller: Poller) -> None:
            nonlocal issued
            check = functools.partial(check_inbox, office=poller.office)
            while time.perf_counter() < deadline:
                if issued >= max_requests:
                    tally.stopped_by = "max_requests"
                    return
                issued += 1
                await exchange(tally, http, url, poller.body, poller.headers, check, timeout_s)

        await asyncio.gather(*(client(poller) for poller in pollers))
        tally.elapsed_s = time.perf_counter() - started
    return tally


def pollers_for(world: World, desks: Sequence[Desk], page_size: int) -> list[Poller]:
    pollers = []
    for number, desk in enumerate(desks, start=1):
        token = world.office_token(desk.office, f"{desk.office}.officer{number:03d}")
        body = orjson.dumps({"query": QUERY, "variables": {"office": desk.office, "first": page_size}})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        pollers.append(Poller(desk.office, body, headers))
    return pollers


# ------------------------------------------------------------------------------ the run


async def scenario(args: argparse.Namespace) -> dict[str, Any]:
    desks = pick_desks(ReferenceData.load(), args.offices)
    clerks = [CourtClerk.new(desk, args.seed) for desk in desks]

    async def keys(settings: Settings) -> None:
        await register_court_keys(settings.database_url, clerks)

    async with contextlib.AsyncExitStack() as stack:
        world = await open_world(stack, args, prefix=SCENARIO, before_hub=keys)
        say(f"filling the ledger: {args.per_office} judgments to each of {len(desks)} offices, through the hub")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=args.timeout)) as http:
            filled = await fill_ledger(
                http, world, clerks, per_office=args.per_office, acknowledge_share=args.acknowledged
            )
        say(
            f"ledger: {filled.total} transfers ({filled.total / filled.seconds:.0f}/s), {len(filled.acknowledged)} "
            f"acknowledged, {sum(filled.errors.values())} errors, in {filled.seconds:.1f} s"
        )
        if filled.errors:
            raise RuntimeError(f"filling the ledger failed: {filled.errors}")
        pollers = pollers_for(world, desks, args.page_size)
        options = {"max_requests": args.max_requests, "timeout_s": args.timeout}
        if args.warmup > 0:
            say(f"warm-up {args.warmup:g} s")
            warm = await poll(world.graphql_url, pollers, duration_s=args.warmup, **options)
            say(f"warm-up done, {warm.requests} requests, {warm.errors} errors")
        waited, others_before = await wait_for_quiet(world.pids(), args.settle)
        say(f"measuring {args.duration:g} s: {len(pollers)} offices polling")
        meter = CpuMeter(world.pids()).start()
        tally = await poll(world.graphql_url, pollers, duration_s=args.duration, **options)
        result = tally.summary() | {"cpu": meter.stop()}
        result["settle"] = {"waited_s": round(waited, 1), "other_processes_cores_before": others_before}
        return {"result": result, "filled": filled, "desks": desks}


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    outcome = run_async(scenario(args))
    result, filled, desks = outcome["result"], outcome["filled"], outcome["desks"]
    doc = document(
        scenario=SCENARIO,
        started_at=started_at,
        setup={
            "hub": HUB_DESCRIPTION + ", SQLite (WAL) in a temp dir",
            "offices": len(desks),
            "provinces": len({d.office.split(".")[1] for d in desks}),
            "office_codes": [d.office for d in desks],
            "principal": "one ENFORCEMENT_CLERK token per office, an officer of that office",
            "query": QUERY,
            "page_size": args.page_size,
            "ledger": {
                "transfers": filled.total,
                "acknowledged": len(filled.acknowledged),
                "submitted_per_office": args.per_office,
                "new_per_inbox": args.per_office - int(args.per_office * args.acknowledged),
                "filled_through": "submitJudgment (each area court, its own Ed25519 key) and acknowledgeTransfer "
                "over HTTP",
                "fill_seconds": round(filled.seconds, 1),
            },
            "agency_catalogue_judgments": args.catalogue,
            "agency_latency_ms": args.latency_ms,
            "seed": args.seed,
            "network": "loopback 127.0.0.1; load generator on the same machine",
        },
        load={
            "generator": "bench/inbox_polling.py: aiohttp, closed loop, keep-alive, one client per office",
            "unit": "one inbox request",
            "concurrency": len(desks),
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "max_requests": args.max_requests,
            "timeout_s": args.timeout,
            "settle_max_s": args.settle,
        },
        targets={"hub": result},
    )
    print(render_text(doc))
    record(doc, args)
    return 1 if result["errors"] else 0


def render_text(doc: dict[str, Any]) -> str:
    t = doc["targets"]["hub"]
    latency, cpu = t["latency_ms"], t["cpu"]
    return (
        f"\n{SCENARIO} — {doc['setup']['offices']} offices, {doc['setup']['ledger']['transfers']} transfers in the "
        f"ledger, page of {doc['setup']['page_size']}\n"
        f"{t['requests']} requests in {t['elapsed_s']:.1f} s: {t['rps']} req/s, p50 {latency['p50']} ms, "
        f"p95 {latency['p95']} ms, p99 {latency['p99']} ms, {t['errors']} errors, "
        f"{t['mean_transfers_per_answer']} transfers per answer\n"
        f"CPU cores: hub {cpu.get('hub', {}).get('cores')}, load generator {cpu['load_generator']['cores']}, "
        f"other processes {cpu.get('other_processes', {}).get('cores')}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: every process stopped")
        return 130
