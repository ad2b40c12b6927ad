"""``python -m bench submit-ack``: durable-write throughput, a court submits and the office acknowledges (issue 8, scenario 3).

For each database (SQLite, the embedded default; PostgreSQL when a server answers, in a
throwaway database dropped afterwards):

1. Start the agency services and ``lienthong serve`` on a fresh, migrated and seeded
   database (``bench.hub_bench.open_world``); register one signing key per area court.
2. ``--concurrency`` clients, each playing one (court, area office) pair of ``--offices``:
   build and sign a judgment, ``submitJudgment`` with the court's token, then
   ``acknowledgeTransfer`` of the new transfer with a token of the office; then the next.
   Each mutation is its own database transaction (the transfer, its event, outbox rows
   and audit entry; then the register number, its event and audit entry). Warm-up, wait
   for a quiet machine, ``--duration`` seconds measured.
3. Stop the hub, then read the ledger back: every transfer a client was told was
   acknowledged must be there, ACKNOWLEDGED, with the register number the client got;
   no more transfers than the clients submitted; every office's register gapless.
4. Write ``bench/results/submit-ack-<UTC>.json`` and a row per database in ``SUMMARY.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import asyncpg
from sqlalchemy import func, select

from agencies.common.reference import ReferenceData
from bench.cli import run_async, say, wait_for_quiet
from bench.hub_bench import (
    ACKNOWLEDGE,
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
    record,
    register_court_keys,
)
from bench.load import latency_ms
from domain.clock import Clock
from gateway.settings import Settings
from ledger.db import create_engine
from ledger.models import RegisterCounterRow, TransferRow

SCENARIO = "submit-ack"
DATABASES = ("sqlite", "postgresql")
DEFAULT_SERVER = os.environ.get("TEST_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
MAX_ERROR_KINDS = 5
ID_CHUNK = 500


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench submit-ack",
        description="Throughput of submitJudgment followed by acknowledgeTransfer (durable writes), on SQLite and "
        "on PostgreSQL when it answers; the ledger is checked afterwards.",
    )
    load = parser.add_argument_group("load")
    load.add_argument("--concurrency", type=int, default=8, help="clients writing at once (default 8)")
    load.add_argument("--offices", type=int, default=8, help="(court, area office) pairs the clients play (default 8)")
    load.add_argument("--duration", type=float, default=20.0, help="measured seconds per database (default 20)")
    load.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds, not measured (default 3)")
    load.add_argument("--max-pairs", type=int, default=100_000, help="cap on measured submit+ack pairs")
    load.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    load.add_argument(
        "--settle", type=float, default=30.0, help="wait up to this long for other processes to go quiet (default 30)"
    )
    load.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="comma list of sqlite,postgresql (default both; postgresql is skipped when the server does not answer)",
    )
    load.add_argument(
        "--server", default=DEFAULT_SERVER, help="PostgreSQL to create the throwaway database on (TEST_DATABASE_URL)"
    )
    add_world_arguments(parser)
    add_output_arguments(parser)
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not args.databases or set(args.databases) - set(DATABASES):
        parser.error(f"--databases: choose from {', '.join(DATABASES)}")
    if args.concurrency < 1 or args.offices < 1 or args.duration <= 0 or args.warmup < 0 or args.max_pairs < 1:
        parser.error("need --concurrency ≥ 1, --offices ≥ 1, --duration > 0, --warmup ≥ 0, --max-pairs ≥ 1")
    return args


# ------------------------------------------------------------------------------ the load


@dataclass
class Writes:
    """What the clients did and were told (latencies in milliseconds)."""

    pairs: int = 0
    ok: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    submit_ms: list[float] = field(default_factory=list)
    acknowledge_ms: list[float] = field(default_factory=list)
    pair_ms: list[float] = field(default_factory=list)
    error_kinds: Counter[str] = field(default_factory=Counter)
    stopped_by: str = "duration"

    def failed(self, error: str) -> None:
        self.errors += 1
        self.error_kinds[error[:200]] += 1

    def summary(self) -> dict[str, Any]:
        elapsed = self.elapsed_s or float("nan")
        return {
            "requests": self.pairs,
            "ok": self.ok,
            "errors": self.errors,
            "error_rate": round(self.errors / self.pairs, 6) if self.pairs else None,
            "elapsed_s": round(self.elapsed_s, 3),
            "stopped_by": self.stopped_by,
            "rps": round(self.pairs / elapsed, 2),
            "transfers_per_s": round(self.ok / elapsed, 2),
            "latency_ms": latency_ms(self.pair_ms),
            "submit_latency_ms": latency_ms(self.submit_ms),
            "acknowledge_latency_ms": latency_ms(self.acknowledge_ms),
            "error_kinds": dict(self.error_kinds.most_common(MAX_ERROR_KINDS)),
        }


@dataclass
class Promises:
    """Every transfer a client was told exists, and the register number it was told (whole run, warm-up included)."""

    attempted: int = 0
    submitted: set[str] = field(default_factory=set)
    acknowledged: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # id → (office, year, number)


@dataclass(frozen=True, slots=True)
class Writer:
    clerk: CourtClerk
    court_token: str
    office_token: str


async def write_pair(http: aiohttp.ClientSession, url: str, writer: Writer, writes: Writes, promises: Promises) -> None:
    """One judgment submitted by the court, then acknowledged by the office."""
    variables = writer.clerk.next_variables()
    promises.attempted += 1
    started = time.perf_counter()
    submitted = await call(http, url, writer.court_token, SUBMIT, variables, "submitJudgment")
    answered = time.perf_counter()
    transfer = (submitted.field or {}).get("transfer")
    writes.pairs += 1
    writes.submit_ms.append((answered - started) * 1000)
    if transfer is None or submitted.field is None or submitted.field.get("replayed"):
        writes.failed(f"submit: {submitted.error or 'no new transfer'}")
        return
    promises.submitted.add(transfer["id"])
    acknowledged = await call(
        http, url, writer.office_token, ACKNOWLEDGE, {"id": transfer["id"]}, "acknowledgeTransfer"
    )
    done = time.perf_counter()
    writes.acknowledge_ms.append((done - answered) * 1000)
    entry = (acknowledged.field or {}).get("transfer") or {}
    if entry.get("status") != "ACKNOWLEDGED" or entry.get("registerNumber") is None:
        writes.failed(f"acknowledge: {acknowledged.error or 'no register number'}")
        return
    office = writer.clerk.desk.office
    promises.acknowledged[transfer["id"]] = (office, int(entry["registerYear"]), int(entry["registerNumber"]))
    writes.ok += 1
    writes.pair_ms.append((done - started) * 1000)


async def drive_writes(
    url: str, writers: Sequence[Writer], promises: Promises, *, duration_s: float, max_pairs: int, timeout_s: float
) -> Writes:
    """Every writer starts its next pair when the previous one is done, until time or count runs out."""
    writes = Writes()
    connector = aiohttp.TCPConnector(limit=len(writers))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
        started = time.perf_counter()
        deadline = started + duration_s

        async def client(writer: Writer) -> None:
            while time.perf_counter() < deadline:
                if writes.pairs >= max_pairs:
                    writes.stopped_by = "max_pairs"
                    return
                await write_pair(http, url, writer, writes, promises)

        await asyncio.gather(*(client(writer) for writer in writers))
        writes.elapsed_s = time.perf_counter() - started
    return writes


# ------------------------------------------------------------------------------ the ledger afterwards


async def check_ledger(database_url: str, promises: Promises) -> dict[str, Any]:
    """Read the ledger back (the hub stopped): were the promises kept?"""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            found: dict[str, tuple[str, str | None, int | None, int | None]] = {}
            ids = sorted(promises.acknowledged)
            for start in range(0, len(ids), ID_CHUNK):
                rows = await conn.execute(
                    select(
                        TransferRow.id,
                        TransferRow.status,
                        TransferRow.register_office_code,
                        TransferRow.register_year,
                        TransferRow.register_number,
                    ).where(TransferRow.id.in_(ids[start : start + ID_CHUNK]))
                )
                found |= {r.id: (r.status, r.register_office_code, r.register_year, r.register_number) for r in rows}
            in_ledger = await conn.scalar(select(func.count()).select_from(TransferRow))
            registers = (
                await conn.execute(
                    select(
                        TransferRow.register_office_code,
                        TransferRow.register_year,
                        func.count(TransferRow.register_number),
                        func.max(TransferRow.register_number),
                    )
                    .where(TransferRow.register_number.is_not(None))
                    .group_by(TransferRow.register_office_code, TransferRow.register_year)
                )
            ).all()
            counters = {
                (c.office_code, c.statistical_year): c.last_number
                for c in (await conn.execute(select(RegisterCounterRow))).all()
            }
    finally:
        await engine.dispose()
    kept = sum(
        1
        for tid, (office, year, number) in promises.acknowledged.items()
        if found.get(tid) == ("ACKNOWLEDGED", office, year, number)
    )
    gapless = all(count == top == counters.get((office, year)) for office, year, count, top in registers)
    result = {
        "acknowledged_told_to_clients": len(promises.acknowledged),
        "acknowledged_in_ledger_with_the_same_number": kept,
        "submitted_told_to_clients": len(promises.submitted),
        "submissions_attempted": promises.attempted,
        "transfers_in_ledger": in_ledger,
        "registers": len(registers),
        "registers_gapless": gapless,
        "checked_after": "the hub stopped (SIGTERM), from a new connection",
    }
    # A submission whose answer was lost may still have been written: at least what was promised, at most what was sent.
    counted = len(promises.submitted) <= (in_ledger or 0) <= promises.attempted
    result["ok"] = kept == len(promises.acknowledged) and counted and gapless
    return result


# ------------------------------------------------------------------------------ one database


async def postgres_answers(server: str) -> str | None:
    """None when the PostgreSQL server lets us in, else why not."""
    from bench.national_data import asyncpg_dsn

    try:
        conn = await asyncpg.connect(asyncpg_dsn(server), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def each_database(
    databases: Sequence[str], server: str, measure: Callable[[str], Awaitable[dict[str, Any]]]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``measure(kind)`` for each database, as ``hub-<kind>``; PostgreSQL skipped, with why, when no server answers."""
    targets: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for kind in databases:
        if kind == "postgresql":
            reason = await postgres_answers(server)
            if reason is not None:
                say(f"skipping PostgreSQL: {reason}")
                skipped[kind] = reason
                continue
        targets[f"hub-{kind}"] = await measure(kind)
    return targets, skipped


async def postgres_settings(database_url: str) -> dict[str, str]:
    from bench.national_data import asyncpg_dsn

    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        return {name: str(await conn.fetchval(f"SHOW {name}")) for name in ("server_version", "synchronous_commit")}
    finally:
        await conn.close()


def writers_for(world: World, clerks: Sequence[CourtClerk], concurrency: int) -> list[Writer]:
    tokens = {clerk.desk.court: world.court_token(clerk.desk.court) for clerk in clerks}
    writers = []
    for number in range(concurrency):
        clerk = clerks[number % len(clerks)]
        office_token = world.office_token(clerk.desk.office, f"{clerk.desk.office}.officer{number:03d}")
        writers.append(Writer(clerk, tokens[clerk.desk.court], office_token))
    return writers


async def measure_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """The whole scenario on one database; the target's result."""
    desks = pick_desks(ReferenceData.load(), args.offices)
    clerks = [CourtClerk.new(desk, args.seed) for desk in desks]
    target = f"hub-{kind}"

    async def keys(settings: Settings) -> None:
        await register_court_keys(settings.database_url, clerks)

    async with contextlib.AsyncExitStack() as stack:
        database_url: str | None = None
        database: dict[str, Any] = {"kind": kind}
        if kind == "postgresql":
            from bench.national_report import postgres_cpu_seconds, throwaway_database

            database_url = await stack.enter_async_context(throwaway_database(args.server))
            database |= await postgres_settings(database_url) | {"name": database_url.rsplit("/", 1)[1]}
        else:
            database |= {"journal_mode": "WAL", "synchronous": "NORMAL (ledger/db.py)"}
        world = await open_world(stack, args, prefix=f"{SCENARIO}-{kind}", database_url=database_url, before_hub=keys)
        writers = writers_for(world, clerks, args.concurrency)
        promises = Promises()
        options = {"max_pairs": args.max_pairs, "timeout_s": args.timeout}
        if args.warmup > 0:
            say(f"{target}: warm-up {args.warmup:g} s")
            warm = await drive_writes(world.graphql_url, writers, promises, duration_s=args.warmup, **options)
            say(f"{target}: warm-up done, {warm.ok} pairs, {warm.errors} errors")
        pids = {target: world.hub_pid} | {f"agency.{s.name}": s.pid for s in world.topology}
        waited, others_before = await wait_for_quiet(pids, args.settle)
        say(f"{target}: measuring {args.duration:g} s, {len(writers)} clients over {len(clerks)} offices")
        meter = CpuMeter(pids).start()
        postgres_before = postgres_cpu_seconds() if kind == "postgresql" else None
        writes = await drive_writes(world.graphql_url, writers, promises, duration_s=args.duration, **options)
        result = writes.summary() | {"cpu": meter.stop()}
        if postgres_before is not None:
            spent = postgres_cpu_seconds() - postgres_before
            result["cpu"]["postgres"] = {"seconds": round(spent, 2), "cores": round(spent / writes.elapsed_s, 3)}
        result["settle"] = {"waited_s": round(waited, 1), "other_processes_cores_before": others_before}
        say(f"{target}: stopping the hub, then reading the ledger back")
        await asyncio.to_thread(world.hub.stop)
        result["ledger_check"] = await check_ledger(world.settings.database_url, promises)
        result["database"] = database
        say(_line(target, result))
        return result


def _line(target: str, t: dict[str, Any]) -> str:
    check = t["ledger_check"]
    return (
        f"{target}: {t['transfers_per_s']} transfers/s; pair p50 {t['latency_ms']['p50']} ms, "
        f"p95 {t['latency_ms']['p95']} ms, p99 {t['latency_ms']['p99']} ms; submit p50 "
        f"{t['submit_latency_ms']['p50']} ms, acknowledge p50 {t['acknowledge_latency_ms']['p50']} ms; "
        f"{t['errors']} errors of {t['requests']}; ledger check "
        f"{'ok' if check['ok'] else 'FAILED'} ({check['acknowledged_in_ledger_with_the_same_number']} of "
        f"{check['acknowledged_told_to_clients']} acknowledged found)"
    )


# ------------------------------------------------------------------------------ the run


async def scenario(args: argparse.Namespace) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    return await each_database(args.databases, args.server, lambda kind: measure_database(kind, args))


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    targets, skipped = run_async(scenario(args))
    doc = document(
        scenario=SCENARIO,
        started_at=started_at,
        setup={
            "hub": HUB_DESCRIPTION + "; each database fresh (SQLite in a temp dir, PostgreSQL a throwaway database)",
            "offices": args.offices,
            "principals": "each area court its own COURT_CLERK token and registered Ed25519 key; each client an "
            "ENFORCEMENT_CLERK token of an officer of the receiving office",
            "pair": "submitJudgment (a realistic signed judgment, bench.hub_bench.CourtClerk) then "
            "acknowledgeTransfer of the transfer it created, sequentially, by one client",
            "durability": "every mutation commits its own transaction before it answers; SQLite WAL with "
            "synchronous=NORMAL (the last transactions may be lost on power loss, not on a crash of the hub), "
            "PostgreSQL as configured (synchronous_commit in targets.*.database)",
            "agency_catalogue_judgments": args.catalogue,
            "agency_latency_ms": args.latency_ms,
            "seed": args.seed,
            "skipped": skipped,
            "network": "loopback 127.0.0.1; load generator on the same machine",
        },
        load={
            "generator": "bench/submit_ack.py: aiohttp, closed loop, keep-alive",
            "unit": "one submit + acknowledge pair (latency_ms is the pair's)",
            "concurrency": args.concurrency,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "max_pairs": args.max_pairs,
            "timeout_s": args.timeout,
            "settle_max_s": args.settle,
        },
        targets=targets,
    )
    print(render_text(doc))
    record(doc, args)
    failed = any(t["errors"] or not t["ledger_check"]["ok"] for t in targets.values())
    return 1 if failed or not targets else 0


def render_text(doc: dict[str, Any]) -> str:
    lines = [f"\n{SCENARIO} — {doc['load']['concurrency']} clients over {doc['setup']['offices']} offices"]
    lines += [_line(name, t) for name, t in doc["targets"].items()]
    lines += [f"{kind}: skipped ({reason})" for kind, reason in doc["setup"]["skipped"].items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: every process stopped, the database dropped")
        return 130
