"""``python -m bench``: the judgment-360 benchmark, the hub against its peers and the hand-written limit.

1. Start the reference agency services (``agencies.topology.Topology``) with a fixed
   injected latency, a fresh SQLite hub database in a temporary directory (migrate,
   seed the organisation, sync the court's judgments into the registry), the hub as
   ``lienthong serve`` in a child process, the limit app (``bench.limit_app``) in
   another, and the peers when asked for (``bench.peers.run``: Apollo Gateway and Hive
   Gateway, the latter with its default and with its Rust query planner, over thin
   Strawberry federation subgraphs) — all on 127.0.0.1.
2. Check that every target answers the same requests with the same data as the hub.
3. For each target: warm up, then drive it for a fixed duration at a fixed
   concurrency with the aiohttp load generator (``bench.load``), counting the calls
   the agencies received and the CPU time every process used.
4. Write ``bench/results/judgment-360-<UTC timestamp>.json`` and add rows to
   ``bench/results/SUMMARY.md``.

Every child process is stopped and the temporary directory removed on the way out,
also on an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import aiohttp
import orjson

from agencies.topology import Topology, free_port
from bench import report
from bench.load import GENERATORS, default_generator, describe_generator, generate, wait_until_idle
from bench.machine import describe_machine, git_commit
from bench.peers.run import GATEWAYS, peer_versions, start_peers
from bench.processes import LimitProcess, cpu_seconds, machine_cpu_seconds
from bench.workload import JUDGMENT_MARKER, SCENARIO, build_variables, check_answer, request_bodies
from domain.access import Role
from domain.clock import Clock
from domain.organisation import MINISTRY_OF_JUSTICE
from gateway import commands
from gateway.identity import TokenIssuer, ensure_keypair
from gateway.settings import AgencyEndpoint, HttpLimits, Settings
from ledger.db import create_engine, session_factory
from ledger.grants import Actor, register_clients_per_agency
from ledger.migrate import upgrade
from tests.support.hub_process import HubProcess

TARGETS = ("hub", "limit", *GATEWAYS)
T = TypeVar("T")
COMPARE_SAMPLES = 8
OTHERS_WARNING_CORES = 0.2
QUIET_CORES = 0.15
QUIET_SAMPLE_S = 2.0


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    headers: dict[str, str]
    pid: int | None


def bench_settings(topology: Topology, work: Path, database_url: str) -> Settings:
    """The hub as every scenario runs it: production mode, the topology's agencies, keys in ``work``.

    No rate limit: one load generator plays every client, and the bench measures, it does not throttle.
    """
    return Settings(
        database_url=database_url,
        mode="production",
        port=free_port(),
        keys_dir=work / "keys",
        court=AgencyEndpoint(topology.court.base_url, topology.court.api_key),
        enforcement=AgencyEndpoint(topology.enforcement.base_url, topology.enforcement.api_key),
        procuracy=AgencyEndpoint(topology.procuracy.base_url, topology.procuracy.api_key),
        personnel_database_url=topology.personnel_url,
        log_level="warning",
        http_limits=HttpLimits(rate_per_s=0),
    )


def create_keys(settings: Settings) -> None:
    """Every Ed25519 key pair the settings name (``<x>_private_key`` / ``<x>_public_key``).

    In production mode the hub creates no keys itself (an operator installs them); the bench
    plays the operator. Found by name so a key pair added to Settings later needs no change here.
    """
    for name in dir(type(settings)):
        if name.endswith("_private_key") and hasattr(settings, name.replace("_private_", "_public_")):
            ensure_keypair(getattr(settings, name), getattr(settings, name.replace("_private_", "_public_")))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="judgment-360 (the default scenario): the hub against a hand-written limit, on loopback. "
        "Other scenario: `python -m bench national-report --help`.",
    )
    load = parser.add_argument_group("load")
    load.add_argument("--duration", type=float, default=20.0, help="measured seconds per target (default 20)")
    load.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds per target, not measured (default 5)")
    load.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    load.add_argument(
        "--max-requests", type=int, default=100_000, help="cap on requests per measured run (default 100000)"
    )
    load.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    load.add_argument(
        "--load-generator",
        choices=GENERATORS,
        default=None,
        help="wrk (whole seconds, no --max-requests cap; bench/wrk.py) or aiohttp (bench/load.py); "
        "default wrk when installed, else aiohttp",
    )
    load.add_argument(
        "--settle",
        type=float,
        default=60.0,
        help="before each measured run, wait up to this many seconds for other processes to go quiet (default 60)",
    )
    load.add_argument(
        "--targets",
        default=",".join(TARGETS),
        help=f"comma list of {','.join(TARGETS)} (default all; {', '.join(GATEWAYS)} need Node.js and `npm ci` in bench/peers)",
    )
    world = parser.add_argument_group("world")
    world.add_argument(
        "--hub-workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="uvicorn worker processes of the hub (`lienthong serve --workers`; default: 2, or 1 on one CPU)",
    )
    world.add_argument("--judgments", type=int, default=20_000, help="judgments in the agencies (default 20000)")
    world.add_argument("--seed", type=int, default=1, help="seed of the agencies' world and of the workload")
    world.add_argument("--latency-ms", type=int, default=5, help="latency injected in every agency call (default 5)")
    world.add_argument("--page-size", type=int, default=50, help="judgments per request (default 50)")
    world.add_argument("--pages", type=int, default=3, help="pages per filter in the workload (default 3)")
    out = parser.add_argument_group("output")
    out.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR, help="where results go")
    out.add_argument("--no-record", action="store_true", help="print the numbers, write no result file")
    out.add_argument("--keep-work", action="store_true", help="keep the temporary directory (logs, databases)")
    args = parser.parse_args(argv)
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(args.targets) - set(TARGETS)
    if unknown or not args.targets:
        parser.error(f"--targets: choose from {', '.join(TARGETS)}")
    if args.hub_workers < 1:
        parser.error("--hub-workers must be at least 1")
    if args.concurrency < 1 or args.duration <= 0 or args.warmup < 0 or args.max_requests < 1:
        parser.error("need --concurrency ≥ 1, --duration > 0, --warmup ≥ 0, --max-requests ≥ 1")
    if not 1 <= args.page_size <= 100:
        parser.error("--page-size must be between 1 and 100 (the hub's maximum page)")
    if args.load_generator is None:
        args.load_generator = default_generator()
        if args.load_generator != "wrk":
            say("note: wrk is not installed (make /usr/bin/wrk); the aiohttp load generator drives the load")
    elif args.load_generator == "wrk" and default_generator() != "wrk":
        parser.error("--load-generator wrk: wrk is not installed (make /usr/bin/wrk)")
    return args


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM outside the event loop: unwind the ExitStack (every child stopped, temp files removed)."""
    raise SystemExit(128 + signum)


class _Termination:
    requested = False


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` where SIGTERM, like Ctrl-C, cancels the work cleanly instead of tearing through it."""

    async def guarded() -> T:
        task, loop = asyncio.current_task(), asyncio.get_running_loop()
        assert task is not None

        def stop() -> None:
            _Termination.requested = True
            task.cancel()

        loop.add_signal_handler(signal.SIGTERM, stop)
        try:
            return await coro
        finally:
            loop.remove_signal_handler(signal.SIGTERM)
            signal.signal(signal.SIGTERM, _terminated)

    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        if _Termination.requested:
            raise SystemExit(128 + signal.SIGTERM) from None
        raise


async def prepare_database(settings: Settings) -> None:
    await upgrade(settings.database_url)
    with contextlib.redirect_stdout(sys.stderr):
        await commands.seed(settings)
        await register_bench_clients(settings)
        await commands.sync(settings)


BENCH_CLIENT_PREFIX = "bench."


async def register_bench_clients(settings: Settings) -> None:
    """A system client per agency (``bench.<code>``), holding what its kind may hold, as ``lienthong people`` would."""
    engine = create_engine(settings.database_url)
    try:
        by = Actor("bench setup", MINISTRY_OF_JUSTICE)
        await register_clients_per_agency(session_factory(engine), BENCH_CLIENT_PREFIX, by, settings.clock().now())
    finally:
        await engine.dispose()


async def compare_answers(reference: Target, others: Sequence[Target], bodies: Sequence[bytes]) -> dict[str, Any]:
    """Ask every target the same questions; their ``data`` must equal the reference's (the hub's)."""
    step = max(1, len(bodies) // COMPARE_SAMPLES)
    samples = list(bodies[::step][:COMPARE_SAMPLES])
    differences: dict[str, list[str]] = {other.name: [] for other in others}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        for body in samples:
            answers = []
            for target in (reference, *others):
                headers = {"Content-Type": "application/json", **target.headers}
                async with http.post(target.url, data=body, headers=headers) as answer:
                    payload = await answer.read()
                error, _ = check_answer(payload)
                if answer.status != 200 or error:
                    raise RuntimeError(f"{target.name} failed the first requests: HTTP {answer.status} {error}")
                answers.append(orjson.loads(payload)["data"])
            for other, answer_data in zip(others, answers[1:], strict=True):
                variables = orjson.loads(body)["variables"]
                differences[other.name] += [
                    f"{variables}: {d}" for d in diff(answers[0], answer_data, names=other.name)
                ]
    return {
        "reference": reference.name,
        "requests_compared": len(samples),
        "same_data": not any(differences.values()),
        "same_data_per_target": {name: not found for name, found in differences.items()},
        "differences": [f"{name}: {d}" for name, found in differences.items() for d in found[:10]],
    }


def diff(a: Any, b: Any, path: str = "", names: str = "limit") -> list[str]:
    """Where two JSON values differ (at most a few paths); ``names`` is the second one's target."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = [f"{path}.{k}: only in {'hub' if k in a else names}" for k in sorted(set(a) ^ set(b))]
        for key in sorted(set(a) & set(b)):
            found += diff(a[key], b[key], f"{path}.{key}", names)
        return found[:5]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items against {len(b)}"]
        found = []
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found += diff(x, y, f"{path}[{index}]", names)
        return found[:5]
    return [] if a == b else [f"{path}: {a!r} against {b!r}"]


async def wait_for_quiet(pids: dict[str, int | None], limit_s: float) -> tuple[float, float | None]:
    """Wait (at most ``limit_s``) until processes outside the benchmark use under QUIET_CORES.

    On a shared machine others' test runs compete for the same cores; this is best effort, and
    what they used during the measurement is recorded either way. Answers (seconds waited, the
    other processes' load last seen in cores).
    """
    started = time.monotonic()
    others: float | None = None
    while True:
        before = machine_cpu_seconds(), _our_cpu(pids)
        await asyncio.sleep(QUIET_SAMPLE_S)
        after = machine_cpu_seconds(), _our_cpu(pids)
        if before[0] is None or after[0] is None:
            return time.monotonic() - started, None
        busy = after[0]["processes"] - before[0]["processes"]
        others = round(max(busy - (after[1] - before[1]), 0.0) / QUIET_SAMPLE_S, 3)
        waited = time.monotonic() - started
        if others < QUIET_CORES or waited >= limit_s:
            if others >= QUIET_CORES:
                say(f"WARNING: measuring anyway, other processes use {others:.2f} cores")
            return waited, others
        say(f"waiting for the machine to quieten: other processes use {others:.2f} cores")


def _our_cpu(pids: dict[str, int | None]) -> float:
    return time.process_time() + sum(cpu_seconds(pid) or 0.0 for pid in pids.values())


async def measure(
    target: Target, bodies: Sequence[bytes], topo: Topology, pids: dict[str, int | None], args: argparse.Namespace
) -> dict[str, Any]:
    generator = args.load_generator
    options: dict[str, Any] = {
        "headers": target.headers,
        "check": check_answer,
        "marker": JUDGMENT_MARKER,
        "concurrency": args.concurrency,
        "timeout_s": args.timeout,
    }
    rotation = 0

    def servers_cpu() -> float:
        return sum(cpu_seconds(pid) or 0.0 for pid in pids.values())

    if args.warmup > 0:
        say(f"{target.name}: warm-up {args.warmup:g} s ({generator})")
        warm = await generate(
            generator, target.url, bodies, duration_s=args.warmup, max_requests=args.max_requests, **options
        )
        rotation = warm.requests
        say(f"{target.name}: warm-up done, {warm.requests} requests, {warm.errors} errors")
        if warm.in_flight_at_end:  # wrk left them to the target: not into the measured window
            await wait_until_idle(servers_cpu, limit_s=args.timeout)
    waited, others_before = await wait_for_quiet(pids, args.settle)
    for service in topo:
        await service.reset_stats()
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    own_before, machine_before = time.process_time(), machine_cpu_seconds()
    say(f"{target.name}: measuring {args.duration:g} s at concurrency {args.concurrency} ({generator})")
    run = await generate(
        generator,
        target.url,
        bodies,
        duration_s=args.duration,
        max_requests=args.max_requests,
        start_at=rotation,
        **options,
    )
    own, machine_after = time.process_time() - own_before, machine_cpu_seconds()
    cpu_after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    if run.in_flight_at_end:  # the agency calls of the requests wrk abandoned count once they are done
        await wait_until_idle(servers_cpu, limit_s=args.timeout)
    calls = {service.name: int((await service.stats())["tong"]) for service in topo}
    result = run.summary()
    served = run.requests + run.in_flight_at_end
    result["agency_calls"] = {
        name: {"total": n, "per_request": round(n / served, 3) if served else None} for name, n in calls.items()
    }
    cpu: dict[str, Any] = {}
    for name in pids:
        before, after = cpu_before[name], cpu_after[name]
        if before is not None and after is not None:
            cpu[name] = {"seconds": round(after - before, 2), "cores": round((after - before) / run.elapsed_s, 3)}
    own += run.generator_cpu_s or 0.0  # wrk's own process, when it drove the load
    cpu["load_generator"] = {"seconds": round(own, 2), "cores": round(own / run.elapsed_s, 3)}
    if machine_before and machine_after:
        spent = {kind: machine_after[kind] - machine_before[kind] for kind in machine_after}
        ours = sum(entry["seconds"] for entry in cpu.values())
        # Whatever else ran on the machine meanwhile (others' tests, builds…) competed for the same cores.
        spent["other_processes"] = max(spent["processes"] - ours, 0.0)
        for kind in ("other_processes", "interrupts", "steal"):
            cpu[kind] = {"seconds": round(spent[kind], 2), "cores": round(spent[kind] / run.elapsed_s, 3)}
        if spent["other_processes"] > OTHERS_WARNING_CORES * run.elapsed_s:
            say(f"WARNING: other processes used {spent['other_processes'] / run.elapsed_s:.2f} cores during this run")
    result["cpu"] = cpu
    result["settle"] = {"waited_s": round(waited, 1), "other_processes_cores_before": others_before}
    latency = result["latency_ms"]
    say(
        f"{target.name}: {result['rps']} req/s, p50 {latency['p50']} ms, p95 {latency['p95']} ms, "
        f"p99 {latency['p99']} ms, {result['errors']} errors of {result['requests']}"
    )
    return result


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    with contextlib.ExitStack() as stack:
        work = Path(tempfile.mkdtemp(prefix="lienthong-bench-"))
        if args.keep_work:
            say(f"work directory (kept): {work}")
        else:
            stack.callback(shutil.rmtree, work, ignore_errors=True)
        log_dir = work / "log"

        say(f"starting the agency services ({args.judgments:,} judgments, {args.latency_ms} ms injected latency)")
        topo = stack.enter_context(
            Topology(
                judgments=args.judgments,
                seed=args.seed,
                latency_ms=args.latency_ms,
                log_dir=log_dir,
                personnel_db=work / "personnel.db",
            )
        )
        database = work / "hub.db"
        settings = bench_settings(topo, work, f"sqlite+aiosqlite:///{database}")
        create_keys(settings)
        say("migrating, seeding and syncing the hub's database")
        run_async(prepare_database(settings))
        pool = run_async(build_variables(settings.database_url, first=args.page_size, pages=args.pages, seed=args.seed))
        bodies = request_bodies(pool)
        say(f"workload: {len(bodies)} distinct requests of {args.page_size} judgments")

        say("starting the hub (lienthong serve) and the limit app")
        hub_process = HubProcess(settings, log_dir, workers=args.hub_workers)
        stack.callback(hub_process.stop)
        hub_process.start()
        limit_process = LimitProcess(
            database,
            {name: (service.base_url, service.api_key) for name, service in topo.services.items()},
            log_dir,
        )
        stack.callback(limit_process.stop)
        limit_process.start()

        issuer = TokenIssuer.from_file(settings.issuer_private_key, settings.token_issuer, settings.token_audience)
        token = issuer.issue("ministry.justice", [Role.MINISTRY], client=f"{BENCH_CLIENT_PREFIX}ministry.justice")
        assert hub_process.process is not None
        targets = {
            "hub": Target(
                "hub", f"{hub_process.url}/graphql", {"Authorization": f"Bearer {token}"}, hub_process.process.pid
            ),
            "limit": Target("limit", f"{limit_process.url}/graphql", {}, limit_process.pid),
        }
        gateways = [name for name in args.targets if name in GATEWAYS]
        subgraphs: dict[str, Any] = {}
        if gateways:
            say(f"starting the peers' subgraphs and gateways: {', '.join(gateways)}")
            peers, subgraphs = start_peers(
                stack,
                gateways,
                database=database,
                endpoints={name: (service.base_url, service.api_key) for name, service in topo.services.items()},
                adapter_timeout_s=settings.adapter_timeout_s,
                work=work,
                log_dir=log_dir,
            )
            targets |= {name: Target(name, peer.url, {}, peer.pid) for name, peer in peers.items()}
        pids: dict[str, int | None] = {name: target.pid for name, target in targets.items()}
        pids |= {f"subgraph.{name}": child.pid for name, child in subgraphs.items()}
        pids |= {f"agency.{service.name}": service.pid for service in topo}

        others = [targets[name] for name in targets if name != "hub"]
        say(f"checking the answers of {', '.join(t.name for t in others)} against the hub's")
        comparison = run_async(compare_answers(targets["hub"], others, bodies))
        if not comparison["same_data"]:
            say("WARNING: answers differ from the hub's: " + "; ".join(comparison["differences"][:3]))

        results = {name: run_async(measure(targets[name], bodies, topo, pids, args)) for name in args.targets}

        document = report.document(
            scenario=SCENARIO,
            started_at=started_at,
            machine=describe_machine(),
            git=git_commit(),
            setup={
                "judgments": args.judgments,
                "world_seed": args.seed,
                "agency_latency_ms": args.latency_ms,
                "page_size": args.page_size,
                "pages_per_filter": args.pages,
                "distinct_requests": len(bodies),
                "hub": f"lienthong serve, {args.hub_workers} uvicorn worker(s), mode=production, SQLite (WAL) in a temp dir",
                "hub_workers": args.hub_workers,
                "hub_adapter_timeout_s": settings.adapter_timeout_s,
                "limit": "bench/limit_app.py, 1 uvicorn worker, same SQLite file read-only",
                "apollo": "bench/peers/apollo.mjs: @apollo/gateway + @apollo/server, 1 Node.js process, "
                "supergraph composed at start (bench/peers/compose.mjs)",
                "hive": "hive-gateway supergraph (@graphql-hive/gateway CLI), --fork 1, same supergraph",
                "hive-rust": "hive-gateway supergraph --config-path bench/peers/hive-rust.config.mjs: the same CLI "
                "with its Rust query planner (@graphql-hive/router-runtime), --fork 1, same supergraph",
                "peer_subgraphs": "bench/peers/subgraphs.py: registry, court, enforcement, procuracy; "
                "Strawberry federation, 1 uvicorn process each, the hub's adapters and DataLoaders",
                "peer_versions": peer_versions(),
                "principal": "ministry.justice (MINISTRY)",
                "network": "loopback 127.0.0.1; load generator on the same machine",
            },
            load={
                **describe_generator(args.load_generator),
                "concurrency": args.concurrency,
                "warmup_s": args.warmup,
                "duration_s": args.duration,
                "max_requests": args.max_requests,
                "timeout_s": args.timeout,
                "settle_max_s": args.settle,
            },
            comparison=comparison,
            targets=results,
        )
        print(report.render_text(document))
        if not args.no_record:
            path = report.write(document, args.results_dir)
            report.update_summary(document, path, args.results_dir)
            say(f"results written to {path} and {args.results_dir / report.SUMMARY}")
        # The peers' own errors (a gateway timing out under load) are data, shown in the table; the run
        # fails on the hub's or the limit's errors, or on answers that differ.
        errors = sum(result["errors"] for name, result in results.items() if name not in GATEWAYS)
        for name in GATEWAYS:
            if results.get(name, {}).get("errors"):
                say(f"note: {name} answered {results[name]['errors']} requests with errors (see the results file)")
    return 1 if errors or not comparison["same_data"] else 0


SCENARIOS = (SCENARIO, "national-report", "inbox-polling", "submit-ack", "fanout", "refusals", "soak", "all")
"""Named as the first argument (``python -m bench national-report …``); without one, judgment-360.
``all`` runs every scenario in turn (``bench.suite``)."""

SCENARIO_MODULES = {
    "national-report": "bench.national_report",
    "inbox-polling": "bench.inbox_polling",
    "submit-ack": "bench.submit_ack",
    "fanout": "bench.fanout",
    "refusals": "bench.refusals",
    "soak": "bench.soak",
    "all": "bench.suite",
}
"""The module whose ``main(argv)`` runs each scenario but judgment-360; imported only when asked for
(they import the hub's app)."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = argv.pop(0) if argv and argv[0] in SCENARIOS else SCENARIO
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        if chosen in SCENARIO_MODULES:
            module = importlib.import_module(SCENARIO_MODULES[chosen])
            return int(module.main(argv))
        args = parse_args(argv)
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: every process stopped")
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
