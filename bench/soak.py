"""``python -m bench soak``: a bounded memory soak, mixed load for half an hour (issue 17).

For each database (SQLite, then PostgreSQL in a throwaway database on ``--server``; ``--database``
chooses):

1. Start the agency services and ``lienthong serve`` with ``--hub-workers`` workers on a fresh,
   migrated and seeded ledger (``bench.hub_bench.open_world``), the court's catalogue synced
   into the registry (as judgment-360 does) and one signing key per area court registered.
2. For ``--duration`` seconds, at about ``--rate`` requests per second in all, open loop and
   bounded (at most ``MAX_IN_FLIGHT`` requests of each kind at once), from this process over
   127.0.0.1 only:

   - ``read``: judgment-360's query (``bench.workload``) over its variable pool, a page of
     ``--page-size``, with a ministry token, and an office's inbox (``bench.inbox_polling``);
   - ``submit`` and ``acknowledge``: a court signs and submits a judgment, the receiving
     office acknowledges it (``bench.hub_bench``: ``CourtClerk``, ``SUBMIT``, ``ACKNOWLEDGE``);
   - ``subscription``: ``--subscribers`` long-lived graphql-transport-ws subscriptions to
     ``transferEvents`` of the offices the courts submit to (``bench.fanout``), receiving the
     events of the whole run;
   - ``hostile``: every hostile shape of the suite in turn (``tests.support.hostile``: deep,
     aliased, cyclic, costly documents, batches, bodies too large, bombs, broken encodings) and
     a forged token; each must be refused exactly as the suite expects.

3. Every ``--sample-every`` seconds the resident set size (``VmRSS`` of ``/proc/<pid>/status``)
   of the hub's supervisor, of each of its workers and of each agency service, with a progress
   line. The verdict per process (:func:`memory_verdict`): the *level* is the median of the
   samples taken in ``[settle, settle + LEVEL_WINDOW_S]``; every sample from ``settle`` on must
   stay within ±10 % of it.
4. ``bench/results/soak-<UTC timestamp>.json``: per database the samples, levels, deviations,
   verdicts and request counts. The exit status says whether every request was answered as
   expected; the memory verdict is reported, not an exit failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import statistics
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from agencies.common.reference import ReferenceData
from bench import inbox_polling, report, workload
from bench.cli import run_async, say
from bench.fanout import Subscriber, listen, open_subscription
from bench.hub_bench import (
    ACKNOWLEDGE,
    SUBMIT,
    CourtClerk,
    World,
    add_world_arguments,
    call,
    document,
    open_world,
    pick_desks,
    register_court_keys,
)
from bench.refusals import first_code
from bench.submit_ack import DATABASES, DEFAULT_SERVER, each_database
from domain.access import Role
from domain.clock import Clock
from gateway import commands
from gateway.settings import Settings
from tests.support.hostile import ME, Hostile, gzip_bomb, hostile_requests
from tests.support.hub_process import HubProcess

SCENARIO = "soak"
LEVEL_WINDOW_S = 60.0
TOLERANCE = 0.10
MAX_IN_FLIGHT = 16
MAX_ERROR_KINDS = 10
SHARES = {"read": 0.45, "submit": 0.15, "hostile": 0.40}
"""How ``--rate`` is shared among the kinds started on a schedule (each submission is followed by its
acknowledgement, so the requests sent are about ``rate × (1 + share of submit)``)."""
KINDS = (*SHARES, "subscription")
"""What ``--kinds`` chooses from; a kind left out is not replaced (the others keep their share of ``--rate``)."""
BAD_TOKEN = Hostile("bad-token", (orjson.dumps({"query": ME}),), 401, "UNAUTHENTICATED", what="a forged token")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench soak",
        description="A bounded memory soak: mixed reads, submissions, acknowledgements, subscriptions and hostile "
        "refusals at a moderate rate; the RSS of every process sampled; after --settle it must stay within 10 % "
        "of its level (bench/soak.py).",
    )
    soak = parser.add_argument_group("soak")
    soak.add_argument("--duration", type=float, default=1800.0, help="seconds of load per database (default 1800)")
    soak.add_argument("--sample-every", type=float, default=30.0, help="seconds between RSS samples (default 30)")
    soak.add_argument(
        "--settle",
        type=float,
        default=300.0,
        help=f"seconds before the level is taken: the median of the samples in [settle, settle + "
        f"{LEVEL_WINDOW_S:g}] (default 300)",
    )
    soak.add_argument("--rate", type=float, default=40.0, help="requests started per second, all kinds (default 40)")
    soak.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help=f"the kinds of load sent, comma-separated, to split a growth by its cause; a kind left out is not "
        f"replaced, the others keep their share of --rate (default all: {','.join(KINDS)})",
    )
    soak.add_argument(
        "--hostile-shapes",
        default="",
        help="only these hostile shapes, comma-separated names of tests/support/hostile.py (and bad-token); "
        "default every one",
    )
    soak.add_argument("--subscribers", type=int, default=4, help="long-lived transferEvents subscriptions (default 4)")
    soak.add_argument("--offices", type=int, default=4, help="(court, area office) pairs submitting (default 4)")
    soak.add_argument("--page-size", type=int, default=10, help="judgments per read page (default 10)")
    soak.add_argument("--bomb-mib", type=int, default=64, help="MiB the gzip bomb inflates to (default 64)")
    soak.add_argument("--hub-workers", type=int, default=2, help="lienthong serve --workers (default 2)")
    soak.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    soak.add_argument(
        "--database",
        choices=(*DATABASES, "both"),
        default="both",
        help="the hub's ledger: sqlite, postgresql or both, one after the other (default both)",
    )
    soak.add_argument(
        "--server", default=DEFAULT_SERVER, help="PostgreSQL to create the throwaway database on (TEST_DATABASE_URL)"
    )
    add_world_arguments(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR, help="where results go")
    out.add_argument("--no-record", action="store_true", help="print the numbers, write no result file")
    out.add_argument("--keep-work", action="store_true", help="keep the temporary directory (databases, logs)")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.sample_every <= 0 or args.settle < 0 or args.rate <= 0:
        parser.error("need --duration > 0, --sample-every > 0, --settle ≥ 0, --rate > 0")
    if args.subscribers < 0 or args.offices < 1 or args.page_size < 1 or args.hub_workers < 1 or args.bomb_mib < 5:
        parser.error("need --subscribers ≥ 0, --offices ≥ 1, --page-size ≥ 1, --hub-workers ≥ 1, --bomb-mib ≥ 5")
    args.databases = list(DATABASES) if args.database == "both" else [args.database]
    args.kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    if not args.kinds or not set(args.kinds) <= set(KINDS):
        parser.error(f"--kinds: a comma-separated choice among {', '.join(KINDS)}")
    args.hostile_shapes = [name.strip() for name in args.hostile_shapes.split(",") if name.strip()]
    return args


# ------------------------------------------------------------------------------ the verdict (pure)


def memory_verdict(
    samples: Sequence[tuple[float, float]],
    *,
    settle_s: float,
    window_s: float = LEVEL_WINDOW_S,
    tolerance: float = TOLERANCE,
) -> dict[str, Any]:
    """The level and the verdict of one process's ``(elapsed seconds, RSS MB)`` samples.

    The level is the median of the samples taken in ``[settle_s, settle_s + window_s]``; every
    sample from ``settle_s`` on must lie within ``±tolerance`` of it. Without a sample in that
    window there is no level and no verdict (``within_10_percent`` None).
    """
    in_window = [rss for t, rss in samples if settle_s <= t <= settle_s + window_s]
    after = [rss for t, rss in samples if t >= settle_s]
    if not in_window:
        return {"level_mb": None, "max_deviation_percent": None, "within_10_percent": None, "samples_judged": 0}
    level = statistics.median(in_window)
    deviation = max(abs(rss - level) for rss in after) / level if level > 0 else float("inf")
    return {
        "level_mb": round(level, 1),
        "max_deviation_percent": round(100 * deviation, 1),
        "within_10_percent": deviation <= tolerance,
        "samples_judged": len(after),
        "first_mb": round(samples[0][1], 1),
        "last_mb": round(samples[-1][1], 1),
        "max_mb": round(max(rss for _, rss in samples), 1),
    }


def overall(verdicts: Mapping[str, Mapping[str, Any]]) -> bool | None:
    """True when every process is within, False when one is not, None when one has no verdict."""
    found = [v["within_10_percent"] for v in verdicts.values()]
    if any(v is False for v in found):
        return False
    return None if any(v is None for v in found) or not found else True


# ------------------------------------------------------------------------------ resident set sizes


def rss_mb(pid: int) -> float | None:
    """``VmRSS`` of ``pid`` in MB (10⁶ bytes would differ; MiB here: kB ÷ 1024), None when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def children(pid: int) -> list[int]:
    """Live child processes of ``pid``, in pid order (Linux: /proc/<pid>/task/*/children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found |= {int(child) for child in (task / "children").read_text().split()}
    return sorted(found)


def helper_name(pid: int) -> str | None:
    """``resource_tracker`` for multiprocessing's helper process (not a worker), else None."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return "resource_tracker" if b"resource_tracker" in command else None


def processes(world: World) -> dict[str, int]:
    """The processes sampled: the hub's supervisor (``hub``), its workers (``hub.worker<n>``) and other
    children (``hub.resource_tracker``), the agency services (``agency.<name>``)."""
    found: dict[str, int] = {}
    if world.hub_pid is not None:
        found["hub"] = world.hub_pid
        workers = 0
        for pid in children(world.hub_pid):
            helper = helper_name(pid)
            if helper is None:
                workers += 1
            found[f"hub.{helper or f'worker{workers}'}"] = pid
    found |= {f"agency.{service.name}": service.pid for service in world.topology if service.pid is not None}
    return found


@dataclass
class Samples:
    """RSS per process over time (seconds since the load started), and the pid each sample came from."""

    series: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    pids: dict[str, list[int]] = field(default_factory=dict)

    def take(self, elapsed: float, pids: Mapping[str, int]) -> dict[str, float]:
        taken = {}
        for name, pid in pids.items():
            rss = rss_mb(pid)
            if rss is None:
                continue
            self.series.setdefault(name, []).append((round(elapsed, 1), round(rss, 1)))
            if pid not in self.pids.setdefault(name, []):
                self.pids[name].append(pid)
            taken[name] = rss
        return taken


# ------------------------------------------------------------------------------ the load


@dataclass
class Tally:
    """Requests per kind, and the unexpected answers (a refusal as the suite expects it is not one)."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_kinds: Counter[str] = field(default_factory=Counter)
    events_received: int = 0

    def failed(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        self.error_kinds[f"{kind}: {what[:200]}"] += 1


async def _chunks(parts: Sequence[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def send_hostile(
    http: aiohttp.ClientSession, url: str, hostile: Hostile, token: str, tally: Tally, name: str
) -> None:
    """One hostile request over HTTP; anything but the suite's refusal is an unexpected error."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", **dict(hostile.headers)}
    data: bytes | AsyncIterator[bytes] = (
        b"".join(hostile.chunks) if hostile.declares_length else _chunks(hostile.chunks)
    )
    tally.requests[name] += 1
    try:
        async with http.post(url, data=data, headers=headers) as answer:
            status, body = answer.status, await answer.read()
        code = first_code(body)
    except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as exc:
        tally.failed(name, f"{hostile.name}: {type(exc).__name__}: {exc}")
        return
    if (status, code) != (hostile.status, hostile.code):
        tally.failed(name, f"{hostile.name}: {status} {code}, expected {hostile.status} {hostile.code}")


async def read_once(
    http: aiohttp.ClientSession, url: str, body: bytes, token: str, tally: Tally, field_name: str
) -> None:
    tally.requests["read"] += 1
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    try:
        async with http.post(url, data=body, headers=headers) as answer:
            status, payload = answer.status, await answer.read()
        doc = orjson.loads(payload)
    except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as exc:
        tally.failed("read", f"{type(exc).__name__}: {exc}")
        return
    if status != 200 or not isinstance(doc, dict) or doc.get("errors") or not (doc.get("data") or {}).get(field_name):
        tally.failed("read", f"HTTP {status}: {str(doc.get('errors') if isinstance(doc, dict) else doc)[:150]}")


async def submit_and_acknowledge(
    http: aiohttp.ClientSession, url: str, clerk: CourtClerk, court_token: str, office_token: str, tally: Tally
) -> None:
    tally.requests["submit"] += 1
    submitted = await call(http, url, court_token, SUBMIT, clerk.next_variables(), "submitJudgment")
    transfer = (submitted.field or {}).get("transfer")
    if transfer is None:
        tally.failed("submit", submitted.error or "no transfer")
        return
    tally.requests["acknowledge"] += 1
    acknowledged = await call(http, url, office_token, ACKNOWLEDGE, {"id": transfer["id"]}, "acknowledgeTransfer")
    if ((acknowledged.field or {}).get("transfer") or {}).get("status") != "ACKNOWLEDGED":
        tally.failed("acknowledge", acknowledged.error or "not acknowledged")


async def paced(rate: float, deadline: float, action: Callable[[int], Awaitable[None]]) -> None:
    """Start ``action(n)`` ``rate`` times a second until ``deadline`` (open loop), at most
    ``MAX_IN_FLIGHT`` at once (a slow hub delays the next start rather than piling requests up);
    wait for the last ones."""
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    running: set[asyncio.Task[None]] = set()
    started = time.perf_counter()

    async def one(number: int) -> None:
        try:
            await action(number)
        finally:
            gate.release()

    for number in itertools.count():
        at = started + number / rate
        if at >= deadline:
            break
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        await gate.acquire()
        task = asyncio.create_task(one(number))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)


@dataclass
class Load:
    """What the load needs: where, who, and what to send."""

    world: World
    clerks: list[CourtClerk]
    read_bodies: list[tuple[bytes, str, str]]  # body, token, root field
    hostile: list[Hostile]
    ministry_token: str


async def prepare_load(world: World, clerks: list[CourtClerk], args: argparse.Namespace) -> Load:
    ministry = world.issuer.issue("ministry.justice", [Role.MINISTRY], client="bench.ministry.justice")
    pool = await workload.build_variables(world.settings.database_url, first=args.page_size, pages=2, seed=args.seed)
    # The judgments submitted during the soak enter the registry but not the reference court's system, which
    # would answer "no record" for them: read only provinces the submitting courts are not in.
    units = {unit.code: unit for unit in ReferenceData.load().enforcement_units}
    submitting = {units[clerk.desk.office].province_code for clerk in clerks}
    pool = [v for v in pool if v["filter"].get("province") not in (None, *submitting)]
    reads = [(body, ministry, "judgments") for body in workload.request_bodies(pool)]
    for clerk in clerks:
        body = orjson.dumps({"query": inbox_polling.QUERY, "variables": {"office": clerk.desk.office, "first": 20}})
        reads.append((body, world.office_token(clerk.desk.office, f"{clerk.desk.office}.reader"), "inbox"))
    hostile = [*hostile_requests(gzip_bomb(args.bomb_mib)), BAD_TOKEN]
    if args.hostile_shapes:
        unknown = set(args.hostile_shapes) - {shape.name for shape in hostile}
        if unknown:
            raise SystemExit(f"--hostile-shapes: no such shape {', '.join(sorted(unknown))}")
        hostile = [shape for shape in hostile if shape.name in args.hostile_shapes]
    return Load(world, clerks, reads, hostile, ministry)


async def drive(load: Load, args: argparse.Namespace, tally: Tally, deadline: float) -> None:
    """Every kind of load at once until ``deadline``, then the subscriptions closed."""
    world, url = load.world, load.world.graphql_url
    court_tokens = {clerk.desk.court: world.court_token(clerk.desk.court) for clerk in load.clerks}
    office_tokens = {clerk.desk.office: world.office_token(clerk.desk.office, "x") for clerk in load.clerks}
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=4 * MAX_IN_FLIGHT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        listening = args.subscribers if "subscription" in args.kinds else 0
        subscribers = [Subscriber(load.clerks[n % len(load.clerks)].desk.office, "") for n in range(listening)]
        sockets, readers = [], []
        for subscriber in subscribers:
            subscriber.token = world.office_token(subscriber.office, f"{subscriber.office}.listener")
            tally.requests["subscription"] += 1
            try:
                ws = await open_subscription(http, url.replace("http://", "ws://"), subscriber, args.timeout)
            except (aiohttp.ClientError, ConnectionError, TimeoutError) as exc:
                tally.failed("subscription", f"could not subscribe: {type(exc).__name__}: {exc}")
                continue
            sockets.append(ws)
            readers.append(asyncio.create_task(listen(ws, subscriber)))

        async def read(n: int) -> None:
            body, token, name = load.read_bodies[n % len(load.read_bodies)]
            await read_once(http, url, body, token, tally, name)

        async def write(n: int) -> None:
            clerk = load.clerks[n % len(load.clerks)]
            await submit_and_acknowledge(
                http, url, clerk, court_tokens[clerk.desk.court], office_tokens[clerk.desk.office], tally
            )

        async def refuse(n: int) -> None:
            hostile = load.hostile[n % len(load.hostile)]
            token = "forged.token.value" if hostile is BAD_TOKEN else load.ministry_token
            await send_hostile(http, url, hostile, token, tally, "hostile")

        try:
            actions = {"read": read, "submit": write, "hostile": refuse}
            await asyncio.gather(
                *(
                    paced(args.rate * share, deadline, actions[kind])
                    for kind, share in SHARES.items()
                    if kind in args.kinds
                )
            )
            await asyncio.sleep(min(2.0, args.timeout))  # the last events on their way to the subscribers
        finally:
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        tally.events_received = sum(len(s.received) + s.other_events for s in subscribers)
        for subscriber in subscribers:
            if subscriber.failure and not subscriber.failure.startswith("could not subscribe"):
                tally.failed("subscription", subscriber.failure)


async def sample_rss(
    world: World, samples: Samples, tally: Tally, *, started: float, every_s: float, deadline: float, label: str
) -> None:
    """A sample at the start, then every ``every_s`` until ``deadline``, each with a progress line."""
    for number in itertools.count():
        at = started + number * every_s
        if at > deadline + 0.5:
            return
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        taken = samples.take(time.perf_counter() - started, processes(world))
        sizes = " ".join(f"{name.removeprefix('agency.')} {rss:.1f}" for name, rss in taken.items())
        say(
            f"{label} t={time.perf_counter() - started:6.0f} s  RSS MB: {sizes}; requests "
            f"{sum(tally.requests.values())}, unexpected {sum(tally.errors.values())}"
        )


# ------------------------------------------------------------------------------ one database


async def restart_with_workers(stack: contextlib.AsyncExitStack, world: World, workers: int) -> None:
    """``open_world`` starts one worker; the soak samples a supervisor and its workers, as production runs."""
    if workers == 1:
        return
    await asyncio.to_thread(world.hub.stop)
    hub = HubProcess(world.settings, world.work / "log", workers=workers)
    stack.callback(hub.stop)
    await asyncio.to_thread(hub.start)
    world.hub = hub


async def soak_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    desks = pick_desks(ReferenceData.load(), args.offices)
    clerks = [CourtClerk.new(desk, args.seed) for desk in desks]
    label = f"hub-{kind}"

    async def before_hub(settings: Settings) -> None:
        await register_court_keys(settings.database_url, clerks)
        with contextlib.redirect_stdout(sys.stderr):
            await commands.sync(settings)

    async with contextlib.AsyncExitStack() as stack:
        database_url: str | None = None
        if kind == "postgresql":
            from bench.national_report import throwaway_database

            database_url = await stack.enter_async_context(throwaway_database(args.server))
        world = await open_world(
            stack, args, prefix=f"{SCENARIO}-{kind}", database_url=database_url, before_hub=before_hub
        )
        await restart_with_workers(stack, world, args.hub_workers)
        load = await prepare_load(world, clerks, args)
        say(
            f"{label}: {args.duration:g} s at about {args.rate:g} requests/s ({len(load.read_bodies)} reads, "
            f"{len(load.hostile)} hostile shapes, {args.subscribers} subscriptions), RSS every {args.sample_every:g} s"
        )
        tally, samples = Tally(), Samples()
        started = time.perf_counter()
        deadline = started + args.duration
        sampler = asyncio.create_task(
            sample_rss(
                world, samples, tally, started=started, every_s=args.sample_every, deadline=deadline, label=label
            )
        )
        try:
            await drive(load, args, tally, deadline)
            await sampler
        finally:
            sampler.cancel()
        elapsed = time.perf_counter() - started
    verdicts = {name: memory_verdict(series, settle_s=args.settle) for name, series in samples.series.items()}
    requests = sum(tally.requests.values())
    return {
        "database": kind,
        "elapsed_s": round(elapsed, 1),
        "requests": requests,
        "requests_per_kind": dict(tally.requests),
        "rps": round(requests / elapsed, 2) if elapsed else None,
        "errors": sum(tally.errors.values()),
        "errors_per_kind": dict(tally.errors),
        "error_kinds": dict(tally.error_kinds.most_common(MAX_ERROR_KINDS)),
        "subscription_events_received": tally.events_received,
        "memory": {
            "unit": "MiB (VmRSS kB / 1024)",
            "rule": f"level = median of the samples in [{args.settle:g}, {args.settle + LEVEL_WINDOW_S:g}] s; "
            f"every sample from {args.settle:g} s on within ±{100 * TOLERANCE:g} % of it",
            "within_10_percent": overall(verdicts),
            "processes": {
                name: verdicts[name] | {"pids": samples.pids[name], "samples": samples.series[name]}
                for name in samples.series
            },
        },
    }


# ------------------------------------------------------------------------------ the run


async def scenario(args: argparse.Namespace) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    return await each_database(args.databases, args.server, lambda kind: soak_database(kind, args))


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    targets, skipped = run_async(scenario(args))
    doc = document(
        scenario=SCENARIO,
        started_at=started_at,
        setup={
            "hub": f"lienthong serve, {args.hub_workers} uvicorn worker(s), mode=production, rate limit off; "
            "each database fresh (SQLite in a temp dir, PostgreSQL a throwaway database), the court's catalogue synced",
            "agency_catalogue_judgments": args.catalogue,
            "agency_latency_ms": args.latency_ms,
            "offices": args.offices,
            "seed": args.seed,
            "skipped": skipped,
            "network": "loopback 127.0.0.1; load generator on the same machine",
        },
        load={
            "generator": "bench/soak.py: aiohttp, open loop per kind, at most "
            f"{MAX_IN_FLIGHT} requests of a kind in flight",
            "rate_per_s": args.rate,
            "shares": SHARES,
            "kinds_sent": args.kinds,
            "hostile_shapes": args.hostile_shapes or "all",
            "kinds": "read (judgment-360 page + office inbox), submit then acknowledge, hostile (every shape of "
            "tests/support/hostile.py and a forged token, each refused as the suite expects), subscription "
            "(long-lived transferEvents over graphql-transport-ws)",
            "subscribers": args.subscribers,
            "page_size": args.page_size,
            "gzip_bomb_mib": args.bomb_mib,
            "duration_s": args.duration,
            "sample_every_s": args.sample_every,
            "settle_s": args.settle,
            "level_window_s": LEVEL_WINDOW_S,
            "tolerance": TOLERANCE,
            "timeout_s": args.timeout,
        },
        targets=targets,
        within_10_percent=overall({name: t["memory"] for name, t in targets.items()}),
    )
    print(render_text(doc))
    if not args.no_record:
        path = report.write(doc, args.results_dir)
        say(f"results written to {path}")
    return 1 if not targets or any(t["errors"] for t in targets.values()) else 0


def render_text(doc: dict[str, Any]) -> str:
    lines = [f"\n{SCENARIO} — RSS level after {doc['load']['settle_s']:g} s and the largest deviation from it"]
    for name, t in doc["targets"].items():
        memory = t["memory"]
        lines.append(
            f"{name}: {t['requests']} requests ({', '.join(f'{k} {v}' for k, v in t['requests_per_kind'].items())}), "
            f"{t['errors']} unexpected, {t['subscription_events_received']} events received; "
            f"memory within 10 %: {_verdict(memory['within_10_percent'])}"
        )
        for process, v in memory["processes"].items():
            lines.append(
                f"  {process:<22} first {v.get('first_mb', '-')!s:>7}  level {v['level_mb']!s:>7}  "
                f"last {v.get('last_mb', '-')!s:>7}  max dev {v['max_deviation_percent']!s:>6} %  "
                f"{_verdict(v['within_10_percent'])}"
            )
        lines += [f"  unexpected: {what} ×{n}" for what, n in t["error_kinds"].items()]
    lines += [f"{kind}: skipped ({reason})" for kind, reason in doc["setup"]["skipped"].items()]
    lines.append(f"overall memory within 10 %: {_verdict(doc['within_10_percent'])} (reported, not an exit failure)")
    return "\n".join(lines)


def _verdict(value: bool | None) -> str:
    return "no verdict (no sample in the level window)" if value is None else ("yes" if value else "NO")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: every process stopped, the database dropped")
        return 130
