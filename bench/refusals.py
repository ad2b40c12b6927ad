"""``python -m bench refusals``: the CPU the hub spends refusing each hostile request (issue 14).

A refusal must be cheap: when refusing a 1,000-alias document cost 40 ms of CPU, one client at
a third of its rate limit tripled everyone's p95. For every hostile shape of the suite
(``tests/support/hostile.py``: documents over a bound, a huge batch, bodies too large, bombs,
broken encodings) this measures the CPU time of the hub's process per refusal:

1. A hub as production runs it, in this process: a fresh ledger (SQLite, or with ``--database
   postgresql`` a throwaway database on ``--server``) prepared as the tests prepare theirs (``tests.fixtures.hub_setup.prepared_hub``: migrated, seeded, a small court
   catalogue synced, clients registered), ``LIENTHONG_MODE=production``, the default query and
   body limits, no rate limit (the bench measures, it does not throttle); ``create_app``, its
   lifespan, and the garbage collector tuned as ``lienthong serve`` tunes it. The reference
   agency services run beside it; a refusal calls none of them.
2. Each request is one ASGI call of the whole app — every middleware, the token check with
   its registry look-up, the GraphQL view — with a ministry token, its body handed over in the
   chunks a client would send (no socket, no HTTP client: only the hub's work is timed).
3. ``--warmup`` refusals of each shape not recorded, up to ``--settle`` seconds waiting for the
   other processes of the machine to go quiet (as the other scenarios do), then up to ``--repetitions`` rounds of one
   refusal of each shape in turn (so a busy moment of the machine falls on every shape alike),
   within ``--max-seconds``, each timed with ``time.process_time`` (every thread of the process).
   Every answer is checked: the expected status and error code, or the run fails. Recorded: CPU
   ms per refusal (min, median, p95, max, mean; nearest rank) and wall ms, against the bound of
   2 ms; for reference, the same for an ordinary query that is answered; and the cores other
   processes used meanwhile (on 2 shared cores, a busy neighbour inflates CPU times too).
4. ``bench/results/refusals-<UTC timestamp>.json`` and one row per shape in ``SUMMARY.md``
   (p50/p95 there are CPU ms per refusal).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Message

from agencies.topology import Topology
from bench import report
from bench.cli import run_async, say, wait_for_quiet
from bench.machine import describe_machine, git_commit
from bench.processes import machine_cpu_seconds
from domain.access import Role
from domain.clock import Clock
from gateway.app import create_app
from gateway.server_gc import tune_collector
from gateway.settings import HttpLimits, Settings
from tests.fixtures.databases import PostgresServer
from tests.fixtures.hub_setup import HubAccess, prepared_hub
from tests.support.hostile import ME, Hostile, gzip_bomb, hostile_requests

SCENARIO = "refusals"
DATABASES = ("sqlite", "postgresql")
DEFAULT_SERVER = os.environ.get("TEST_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BOUND_MS = 2.0
AGENCY = "ministry.justice"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench refusals",
        description="CPU ms per refusal of each hostile request, the hub in this process (bench/refusals.py).",
    )
    parser.add_argument("--repetitions", type=int, default=300, help="timed refusals per shape (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="refusals per shape not timed (default 20)")
    parser.add_argument(
        "--max-seconds", type=float, default=120.0, help="stop the timed rounds after this long (default 120)"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=60.0,
        help="first wait up to this many seconds for other processes to go quiet (default 60)",
    )
    parser.add_argument("--shapes", default="", help="comma list of shape names (default: every one)")
    parser.add_argument("--bomb-mib", type=int, default=1024, help="MiB the gzip bomb inflates to (default 1024)")
    parser.add_argument("--catalogue", type=int, default=50, help="judgments in the court's catalogue (default 50)")
    parser.add_argument(
        "--database", choices=DATABASES, default="sqlite", help="the hub's ledger: sqlite (default) or postgresql"
    )
    parser.add_argument(
        "--server", default=DEFAULT_SERVER, help="PostgreSQL to create the throwaway database on (TEST_DATABASE_URL)"
    )
    parser.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR, help="where results go")
    parser.add_argument("--no-record", action="store_true", help="print the numbers, write no result file")
    parser.add_argument("--keep-work", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.repetitions < 1 or args.warmup < 0 or args.max_seconds <= 0 or args.bomb_mib < 5:
        parser.error("need --repetitions ≥ 1, --warmup ≥ 0, --max-seconds > 0, --bomb-mib ≥ 5 (past the body limit)")
    args.shapes = [name.strip() for name in args.shapes.split(",") if name.strip()]
    return args


def chosen_shapes(args: argparse.Namespace) -> tuple[Hostile, ...]:
    shapes = hostile_requests(gzip_bomb(args.bomb_mib))
    unknown = set(args.shapes) - {s.name for s in shapes}
    if unknown:
        raise SystemExit(f"unknown shapes: {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in shapes)}")
    return tuple(s for s in shapes if not args.shapes or s.name in args.shapes)


# ------------------------------------------------------------------------------ one request, one ASGI call


async def call(app: ASGIApp, hostile: Hostile, token: str) -> tuple[int, bytes]:
    """``hostile`` sent to ``app`` as a server would hand it over; the status and body of the answer."""
    headers = [(b"host", b"hub.bench"), (b"content-type", b"application/json"), (b"authorization", token.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in hostile.headers]
    if hostile.declares_length:
        headers.append((b"content-length", str(hostile.size).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    pending = list(hostile.chunks)
    status = 0
    body: list[bytes] = []

    async def receive() -> Message:
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        await asyncio.Event().wait()  # as a server does until the client goes: never, here
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(body)


def first_code(body: bytes) -> str | None:
    answer = orjson.loads(body)
    if isinstance(answer, list):
        answer = answer[0] if answer else {}
    errors = answer.get("errors") if isinstance(answer, dict) else None
    return errors[0].get("extensions", {}).get("code") if errors else None


# ------------------------------------------------------------------------------ timing


def summary_ms(samples_s: Sequence[float]) -> dict[str, Any]:
    """Milliseconds: min, median (p50), p95 (nearest rank), max, mean."""
    ordered = sorted(samples_s)

    def rank(p: int) -> float:
        return round(1000 * ordered[max(0, -(-len(ordered) * p // 100) - 1)], 3)

    return {
        "n": len(ordered),
        "min": round(1000 * ordered[0], 3),
        "p50": rank(50),
        "p95": rank(95),
        "max": round(1000 * ordered[-1], 3),
        "mean": round(1000 * statistics.fmean(ordered), 3),
    }


@dataclass
class Series:
    """The timed refusals of one shape, and the answers that were not the refusal expected."""

    hostile: Hostile
    cpu_s: list[float] = field(default_factory=list)
    wall_s: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # the first few, as they came
    errors: int = 0

    async def once(self, app: ASGIApp, token: str, *, timed: bool) -> None:
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        status, body = await call(app, self.hostile, token)
        cpu_end, wall_end = time.process_time(), time.perf_counter()
        code = first_code(body)
        if (status, code) != (self.hostile.status, self.hostile.code):
            self.errors += 1
            if len(self.wrong) < 3:
                self.wrong.append(f"{status} {code}: {body[:200].decode(errors='replace')}")
        if timed:
            self.cpu_s.append(cpu_end - cpu_start)
            self.wall_s.append(wall_end - wall_start)

    def result(self) -> dict[str, Any]:
        cpu_ms = summary_ms(self.cpu_s)
        return {
            "what": self.hostile.what,
            "request_bytes": self.hostile.size,
            "status": self.hostile.status,
            "code": self.hostile.code,
            "errors": self.errors,
            "wrong_answers": self.wrong,
            "cpu_ms": cpu_ms,
            "wall_ms": summary_ms(self.wall_s),
            "within_bound": cpu_ms["p95"] <= BOUND_MS,
        }


async def measure(app: ASGIApp, series: Sequence[Series], token: str, args: argparse.Namespace) -> dict[str, Any]:
    """Warm-up of every shape, then round after round of one refusal of each, in turn, so that every
    shape meets the same moments of the machine; the cores others used meanwhile."""
    for one in series:
        for _ in range(args.warmup):
            await one.once(app, token, timed=False)
    waited, others_before = await wait_for_quiet({"bench": os.getpid()}, args.settle)
    machine, own, started = machine_cpu_seconds(), time.process_time(), time.monotonic()
    for _ in range(args.repetitions):
        for one in series:
            await one.once(app, token, timed=True)
        if time.monotonic() - started > args.max_seconds:
            break
    wall = time.monotonic() - started
    after = machine_cpu_seconds()
    busy = (after["processes"] - machine["processes"]) / wall if machine and after else None
    own_cores = (time.process_time() - own) / wall
    return {
        "settle": {"waited_s": round(waited, 1), "other_processes_cores_before": others_before},
        "seconds": round(wall, 1),
        "rounds": len(series[0].cpu_s),
        "this_process_cores": round(own_cores, 2),
        "other_cores": round(max(busy - own_cores, 0.0), 2) if busy is not None else None,
    }


# ------------------------------------------------------------------------------ the run


async def scenario(args: argparse.Namespace, work: Path, shapes: Sequence[Hostile]) -> dict[str, Any]:
    say(f"starting the agency services ({args.catalogue} judgments) and preparing the hub's ledger")
    async with (
        Topology(judgments=args.catalogue, log_dir=work / "log", personnel_db=work / "personnel.db") as topology,
        prepared_hub(
            args.database,
            topology,
            work,
            server=PostgresServer(make_url(args.server), args.server) if args.database == "postgresql" else None,
            mode="production",
            log_level="warning",
            overdue_every_s=0.0,
            http_limits=HttpLimits(rate_per_s=0),
        ) as settings,
    ):
        token = "Bearer " + HubAccess(settings, args.database).token(AGENCY, [Role.MINISTRY])
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            tune_collector(settings.gc_threshold)  # as the server entry point does once started
            answered = Series(Hostile("answered", (orjson.dumps({"query": ME}),), 200, None, what=ME))
            series = [answered, *(Series(hostile) for hostile in shapes)]
            say(f"timing {len(shapes)} shapes and an answered query in turn, up to {args.repetitions} rounds")
            window = await measure(app, series, token, args)
        return {
            "settings": settings,
            "window": window,
            "reference": answered.result(),
            "targets": {one.hostile.name: one.result() for one in series[1:]},
        }


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    shapes = chosen_shapes(args)
    work = Path(tempfile.mkdtemp(prefix="lt-bench-refusals-"))
    try:
        outcome = run_async(scenario(args, work, shapes))
    finally:
        if args.keep_work:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    settings: Settings = outcome["settings"]
    limits = settings.query_limits
    document = {
        "format": report.FORMAT_VERSION,
        "scenario": SCENARIO,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": Clock().now().isoformat(timespec="seconds"),
        "git": git_commit(),
        "machine": describe_machine(),
        "setup": {
            "repetitions": args.repetitions,
            "warmup": args.warmup,
            "max_seconds": args.max_seconds,
            "bound_ms": BOUND_MS,
            "gzip_bomb_inflates_to_mib": args.bomb_mib,
            "database": args.database,
            "principal": f"{AGENCY} (ministry)",
            "query_limits": {
                name: getattr(limits, name)
                for name in ("max_depth", "max_tokens", "max_aliases", "max_directives", "max_cost")
            }
            | {"max_batch_operations": limits.max_batch_operations},
            "max_body_bytes": settings.http_limits.max_body_bytes,
            "how": "in process: create_app + lifespan, collector tuned as `lienthong serve` does, mode=production; "
            "each request one ASGI call of the whole app (no socket, no client); CPU = time.process_time",
        },
        "load": {"unit": "one refused request (CPU ms of the hub's process)", "concurrency": 1},
        "window": outcome["window"],
        "reference": outcome["reference"],
        "targets": outcome["targets"],
    }
    print(render_text(document))
    if not args.no_record:
        path = report.write(document, args.results_dir)
        report.update_summary(document, path, args.results_dir)
        say(f"results written to {path} and {args.results_dir / report.SUMMARY}")
    wrong = [name for name, t in document["targets"].items() if t["errors"]]
    if wrong:
        say(f"refused otherwise than the suite expects: {', '.join(wrong)}")
    return 1 if wrong else 0


def render_text(doc: dict[str, Any]) -> str:
    bound = doc["setup"]["bound_ms"]
    lines = [
        f"\n{SCENARIO} — CPU ms per refusal, bound {bound} ms, ledger on {doc['setup'].get('database', 'sqlite')}",
        f"{'shape':<20}{'status':>7}  {'code':<26}{'p50':>8}{'p95':>8}{'max':>8}{'n':>6}  ",
    ]
    rows = [("answered (reference)", doc["reference"]), *doc["targets"].items()]
    for name, t in rows:
        cpu = t["cpu_ms"]
        verdict = "" if name.startswith("answered") else ("ok" if t["within_bound"] else "OVER")
        lines.append(
            f"{name:<20}{t['status']:>7}  {t['code'] or '-':<26}{cpu['p50']:>8.3f}{cpu['p95']:>8.3f}"
            f"{cpu['max']:>8.3f}{cpu['n']:>6}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        return run(args)
    say("interrupted")
    return 130
