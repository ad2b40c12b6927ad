"""``python -m bench national-report``: the ministry's national annual report over a million judgments, on PostgreSQL.

1. Start the reference agency services (``agencies.topology.Topology``) with a modest
   catalogue: the enforcement figures come from the enforcement system's statistics,
   the personnel alerts from the personnel database.
2. Create a throwaway database ``lt_bench_<random>`` on the PostgreSQL server, migrate it,
   seed the organisation, and bulk-load the national ledger (``bench.national_data``).
3. In this process, with the hub's own lifespan (``gateway.app.create_app``, the state
   every request shares): ``build_committee_report`` with the sources the GraphQL resolver
   uses — the first report (cold) and N more (warm); then the same with stand-in
   enforcement and personnel adapters that answer at once (the hub's own share: the
   ledger's SQL and the arithmetic); every SQL statement timed, the slowest ones
   EXPLAIN ANALYZEd.
4. Over HTTP: ``lienthong serve`` in a child process (production mode), ``committeeReport``
   asked with a ministry token for every field a client would show — cold, then N warm.
5. Write ``bench/results/national-report-<UTC timestamp>.json``.

The database is dropped and every child process stopped on the way out, also on an
error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson
from sqlalchemy import event

from agencies.topology import Topology
from bench import report
from bench.cli import BENCH_CLIENT_PREFIX, bench_settings, create_keys, register_bench_clients, run_async, say
from bench.machine import describe_machine, git_commit
from bench.national_data import asyncpg_dsn, load
from bench.processes import _CLOCK_TICKS, cpu_seconds, machine_cpu_seconds
from domain.access import Role
from domain.clock import Clock
from domain.reports.committee import CommitteeReport
from domain.reports.indicators import EnforcementFigures
from domain.reports.period import Period
from gateway import commands
from gateway.app import create_app
from gateway.identity import TokenIssuer
from gateway.policies import load_deadline_policy
from gateway.settings import Settings
from gateway.state import hub_of
from ledger.db import create_engine, session_factory
from ledger.migrate import upgrade
from ledger.reference import load_organisation
from resolvers.reports import ReportSources, build_committee_report, rebuild_report_summary
from tests.support.hub_process import HubProcess

SCENARIO = "national-report"
DEFAULT_SERVER = os.environ.get("TEST_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BOUND_S = 1.0  # issue 17 (issue 7 asked for 2 s)
EXPLAIN_SLOWEST = 4
PROFILE_TOP = 40  # functions recorded from --profile, by cumulative CPU

QUERY = """
query NationalReport($period: ReportPeriodInput!, $province: String) {
  committeeReport(period: $period, province: $province) {
    province name generatedAt missing
    period { start end statisticalYear months label }
    previousPeriod { start end label }
    totals { ...row }
    rows { ...row }
  }
}
fragment figures on ReportFigures {
  missing
  transfers {
    transferred onTime late onTimeRate acknowledged returned decided decidedOnTime decidedLate
    byCourt { courtCode courtName transferred onTime late }
  }
  enforcement {
    cases { carriedOver newlyAccepted entrustedOut withdrawn total withConditions withoutConditions completed
            carriedToNext completionRate }
    money { carriedOver newlyAccepted entrustedOut withdrawn total withConditions withoutConditions completed
            carriedToNext completionRate }
  }
  coordination { kind opened answered answeredLate open overdue }
  procuracyRecommendations { kind opened answered answeredLate open overdue }
  personnel { alerts overdue byKind { kind count } }
}
fragment row on ReportRow {
  code name kind province
  current { ...figures }
  previousYear { ...figures }
  target { casesRate moneyRate decision scope }
  casesRateChange moneyRateChange casesTargetGap moneyTargetGap
}
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench national-report",
        description="The national annual committee report over a bulk-loaded PostgreSQL ledger, in process and "
        "over HTTP.",
    )
    world = parser.add_argument_group("world")
    world.add_argument("--judgments", type=int, default=1_000_000, help="judgments in the ledger (default 1000000)")
    world.add_argument("--requests", type=int, default=50_000, help="coordination requests (default 50000)")
    world.add_argument("--seed", type=int, default=1, help="seed of the ledger and of the agencies' world")
    world.add_argument(
        "--catalogue", type=int, default=20_000, help="judgments in the reference agency services (default 20000)"
    )
    world.add_argument("--latency-ms", type=int, default=5, help="latency injected in every agency call (default 5)")
    world.add_argument(
        "--server",
        default=DEFAULT_SERVER,
        help="PostgreSQL to create the throwaway database on (default TEST_DATABASE_URL or the local `test`)",
    )
    world.add_argument(
        "--keep-database",
        action="store_true",
        help="do not drop the loaded database at the end (its name is printed): measure it again with --database",
    )
    world.add_argument(
        "--database",
        metavar="NAME",
        help="measure a database a run with --keep-database loaded, on --server (migrated to head, not loaded, "
        "not dropped); --judgments, --requests and --seed must be the ones it was loaded with",
    )
    measure = parser.add_argument_group("measurement")
    measure.add_argument("--statistical-year", type=int, default=2026, help="the report's year (default 2026)")
    measure.add_argument("--months", type=int, default=12, help="months of the year, 12 = annual (default 12)")
    measure.add_argument("--repetitions", type=int, default=10, help="warm reports per series (default 10)")
    measure.add_argument("--timeout", type=float, default=120.0, help="seconds one report may take (default 120)")
    measure.add_argument("--no-http", action="store_true", help="measure in process only")
    measure.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="after the measured series, profile --repetitions more warm reports in process (cProfile, CPU "
        "time): pstats written to FILE, the top costs printed and recorded (in_process.profile)",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR, help="where results go")
    out.add_argument("--no-record", action="store_true", help="print the numbers, write no result file")
    out.add_argument("--keep-work", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args(argv)
    if args.judgments < 1 or args.requests < 0 or args.repetitions < 1 or not 1 <= args.months <= 12:
        parser.error("need --judgments ≥ 1, --requests ≥ 0, --repetitions ≥ 1, --months in 1..12")
    return args


# ------------------------------------------------------------------------------ throwaway database


@contextlib.asynccontextmanager
async def throwaway_database(server_url: str, *, keep: bool = False) -> AsyncIterator[str]:
    """A new database ``lt_bench_<random>`` on ``server_url``'s server, dropped (WITH FORCE) afterwards
    unless ``keep`` (then also on an error: a half-loaded database is no use, it is dropped)."""
    name = f"lt_bench_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        dropped = True
        try:
            yield server_url.rsplit("/", 1)[0] + f"/{name}"
            dropped = not keep
        finally:
            if dropped:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                say(
                    f"database {name} kept: measure it again with --database {name}; drop it with "
                    f'DROP DATABASE "{name}" WITH (FORCE)'
                )
    finally:
        await admin.close()


# ------------------------------------------------------------------------------ timing


def latency_summary(samples_s: Sequence[float]) -> dict[str, Any]:
    """Nearest-rank percentiles in milliseconds."""
    ordered = sorted(samples_s)

    def rank(p: float) -> float:
        return round(1000 * ordered[max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))], 1)

    return {
        "n": len(ordered),
        "min": round(1000 * ordered[0], 1),
        "p50": rank(50),
        "p95": rank(95),
        "max": round(1000 * ordered[-1], 1),
        "mean": round(1000 * statistics.fmean(ordered), 1),
    }


@dataclass
class CallTimes:
    """Wall time of each call of one adapter method during a report."""

    seconds: list[float] = field(default_factory=list)

    async def timed(self, call: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        try:
            return await call()
        finally:
            self.seconds.append(time.perf_counter() - started)


class TimedEnforcement:
    """The hub's enforcement adapter, timing ``statistics`` (what the report asks it)."""

    def __init__(self, inner: Any, times: CallTimes) -> None:
        self._inner, self._times = inner, times

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def statistics(self, unit_codes: Sequence[str], start: date, end: date) -> Mapping[str, EnforcementFigures]:
        figures: Mapping[str, EnforcementFigures] = await self._times.timed(
            lambda: self._inner.statistics(unit_codes, start, end)
        )
        return figures


class TimedPersonnel:
    """The hub's personnel adapter, timing the two batches the report asks for."""

    def __init__(self, inner: Any, times: CallTimes) -> None:
        self._inner, self._times = inner, times

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def fetch_many(self, codes: Sequence[str]) -> Any:
        return await self._times.timed(lambda: self._inner.fetch_many(codes))

    async def staffing_units(self, codes: Sequence[str]) -> Any:
        return await self._times.timed(lambda: self._inner.staffing_units(codes))


class InstantEnforcement:
    """A stand-in that answers at once with zeros: leaves the hub's own share of the report."""

    async def statistics(self, unit_codes: Sequence[str], start: date, end: date) -> Mapping[str, EnforcementFigures]:
        return {code: EnforcementFigures() for code in unit_codes}


class InstantPersonnel:
    async def fetch_many(self, codes: Sequence[str]) -> list[tuple[()]]:
        return [() for _ in codes]

    async def staffing_units(self, codes: Sequence[str]) -> list[None]:
        return [None for _ in codes]


@dataclass
class StatementLog:
    """Every SQL statement the engine runs while ``active``, with its wall time (driver round trip)."""

    active: bool = False
    entries: list[tuple[str, Any, float]] = field(default_factory=list)

    def attach(self, engine: Any) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

        @event.listens_for(engine.sync_engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            started = conn.info["bench_started"].pop()
            if self.active:
                self.entries.append((statement, parameters, time.perf_counter() - started))


def _first_line(statement: str) -> str:
    return " ".join(statement.split())[:160]


def statement_summary(log: StatementLog, reports: int) -> list[dict[str, Any]]:
    """Per distinct statement: how often per report and its mean / max milliseconds."""
    by_sql: dict[str, list[float]] = {}
    for statement, _, seconds in log.entries:
        by_sql.setdefault(statement, []).append(seconds)
    rows = [
        {
            "statement": _first_line(sql),
            "per_report": round(len(times) / reports, 2),
            "mean_ms": round(1000 * statistics.fmean(times), 1),
            "max_ms": round(1000 * max(times), 1),
        }
        for sql, times in by_sql.items()
    ]
    return sorted(rows, key=lambda r: -r["mean_ms"] * r["per_report"])


async def explain_slowest(database_url: str, log: StatementLog, count: int) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest run of the ``count`` slowest distinct statements."""
    slowest: dict[str, tuple[Any, float]] = {}
    for statement, parameters, seconds in log.entries:
        if statement not in slowest or seconds > slowest[statement][1]:
            slowest[statement] = (parameters, seconds)
    chosen = sorted(slowest.items(), key=lambda item: -item[1][1])[:count]
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    plans = []
    try:
        for statement, (parameters, seconds) in chosen:
            args = list(parameters) if isinstance(parameters, Sequence) and not isinstance(parameters, str) else []
            try:
                lines = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *args)
                plan = [r[0] for r in lines]
            except (asyncpg.PostgresError, asyncpg.InterfaceError, ValueError, TypeError) as exc:
                plan = [f"(could not EXPLAIN: {type(exc).__name__}: {exc})"]
            plans.append({"statement": _first_line(statement), "ms_in_report": round(1000 * seconds, 1), "plan": plan})
    finally:
        await conn.close()
    return plans


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by PostgreSQL on this machine: every live ``postgres`` process plus the
    finished children the postmaster reaped (parallel workers and closed connections live a moment only).

    Other clients' queries count too, if any ran.
    """
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / _CLOCK_TICKS  # utime, stime, cutime, cstime
    return total


class CpuWindow:
    """Cores used during a measured series: this process, the hub, the agencies, PostgreSQL, and everything else.

    On a shared machine others' work competes for the same cores; ``other_cores`` near 0 means the
    series ran undisturbed (PostgreSQL's share includes other clients' queries, if any ran).
    """

    def __init__(self, pids: Mapping[str, int | None]) -> None:
        self.pids = dict(pids)
        self._start = self._snapshot()

    def _snapshot(self) -> dict[str, float]:
        machine = machine_cpu_seconds()
        snap = {
            "wall": time.monotonic(),
            "machine": machine["processes"] if machine else float("nan"),
            "this_process": time.process_time(),
            "postgres": postgres_cpu_seconds(),
        }
        snap |= {name: cpu_seconds(pid) or 0.0 for name, pid in self.pids.items()}
        return snap

    def result(self) -> dict[str, float]:
        end = self._snapshot()
        wall = end["wall"] - self._start["wall"]
        used = {k: (end[k] - self._start[k]) / wall for k in end if k not in ("wall", "machine")}
        busy = (end["machine"] - self._start["machine"]) / wall
        out = {f"{k}_cores": round(v, 2) for k, v in used.items()}
        out["machine_busy_cores"] = round(busy, 2)
        out["other_cores"] = round(max(busy - sum(used.values()), 0.0), 2)
        out["seconds"] = round(wall, 1)
        return out


# ------------------------------------------------------------------------------ measuring


def report_digest(r: CommitteeReport) -> dict[str, Any]:
    """The national totals, to show the report was about the data (and to compare in process with HTTP)."""
    t = r.totals.current
    return {
        "rows": len(r.rows),
        "missing": sorted(s.value for s in r.missing),
        "transferred": t.transfers.transferred,
        "on_time": t.transfers.on_time,
        "late": t.transfers.late,
        "acknowledged": t.transfers.acknowledged,
        "returned": t.transfers.returned,
        "decided": t.transfers.decided,
        "decided_on_time": t.transfers.decided_on_time,
        "decided_late": t.transfers.decided_late,
        "requests_opened": t.coordination.total.opened,
        "enforcement_cases_total": t.enforcement.cases.total,
        "personnel_alerts": t.personnel.alerts,
        "previous_year_transferred": r.totals.previous.transfers.transferred,
    }


async def measure_in_process(
    settings: Settings, period: Period, args: argparse.Namespace, pids: Mapping[str, int | None]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Cold + warm reports through the hub's lifespan state; then the hub's own share with instant adapters."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        hub = hub_of(app)
        log = StatementLog()
        log.attach(hub.engine)
        enforcement_times, personnel_times = CallTimes(), CallTimes()
        full = ReportSources(
            sessions=hub.sessions,
            enforcement=TimedEnforcement(hub.adapters.enforcement, enforcement_times),
            personnel=TimedPersonnel(hub.adapters.personnel, personnel_times),
            agencies=hub.agencies,
            deadlines=hub.deadlines,
            clock=hub.clock,
            targets=hub.report_targets,
            personnel_rules=hub.personnel_rules,
        )
        own = ReportSources(
            sessions=hub.sessions,
            enforcement=InstantEnforcement(),  # type: ignore[arg-type]
            personnel=InstantPersonnel(),  # type: ignore[arg-type]
            agencies=hub.agencies,
            deadlines=hub.deadlines,
            clock=hub.clock,
            targets=hub.report_targets,
            personnel_rules=hub.personnel_rules,
        )

        async def once(sources: ReportSources) -> tuple[float, CommitteeReport]:
            started = time.perf_counter()
            async with asyncio.timeout(args.timeout):
                result = await build_committee_report(sources, province=None, period=period)
            return time.perf_counter() - started, result

        cpu_before = time.process_time()
        cold_s, cold_report = await once(full)
        say(f"in process: cold {1000 * cold_s:.0f} ms")
        enforcement_times.seconds.clear()
        personnel_times.seconds.clear()
        log.active = True
        window = CpuWindow(pids)
        warm = []
        for _ in range(args.repetitions):
            seconds, last = await once(full)
            warm.append(seconds)
        log.active = False
        cpu_window = window.result()
        cpu_full = time.process_time() - cpu_before
        summary = latency_summary(warm)
        say(f"in process: warm p50 {summary['p50']} ms, p95 {summary['p95']} ms, max {summary['max']} ms")
        statements = statement_summary(log, args.repetitions)
        plans = await explain_slowest(settings.database_url, log, EXPLAIN_SLOWEST)

        window = CpuWindow(pids)
        own_times = [(await once(own))[0] for _ in range(args.repetitions)]
        own_window = window.result()
        own_summary = latency_summary(own_times)
        say(f"in process, ledger only (instant adapters): p50 {own_summary['p50']} ms, p95 {own_summary['p95']} ms")
        sql_per_report = sum(s for _, _, s in log.entries) / args.repetitions
        profile = await profile_reports(lambda: once(full), args.repetitions, args.profile) if args.profile else None
        result = {
            "cold_ms": round(1000 * cold_s, 1),
            "warm_ms": summary,
            "within_bound": summary["p95"] <= 1000 * BOUND_S,
            "ledger_only_warm_ms": own_summary,
            "share_ms_per_warm_report": {
                "sql_statements_total": round(1000 * sql_per_report, 1),
                "enforcement_statistics_calls": _calls(enforcement_times, args.repetitions),
                "personnel_batches": _calls(personnel_times, args.repetitions),
                "note": "calls run concurrently with each other and with the ledger's SQL: shares overlap, "
                "they do not add up to the total",
            },
            "cpu_s_this_process": round(cpu_full, 2),
            "cpu_warm": cpu_window,
            "cpu_ledger_only": own_window,
            "statements": statements,
            "report": report_digest(last),
            "cold_report_equal_to_warm": report_digest(cold_report) == report_digest(last),
        }
        if profile is not None:
            result["profile"] = profile
    return result, plans


async def profile_reports(report: Callable[[], Awaitable[object]], reports: int, path: Path) -> dict[str, Any]:
    """``reports`` warm reports under cProfile with the process's CPU clock (the other tasks of the hub's loop
    included, as they are in a server); the stats go to ``path``, the costliest functions into the result."""
    profiler = cProfile.Profile(time.process_time)
    cpu = time.process_time()
    profiler.enable()
    try:
        for _ in range(reports):
            await report()
    finally:
        profiler.disable()
    cpu = time.process_time() - cpu
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])  # type: ignore[attr-defined]
    top = [
        {
            "function": f"{Path(file).name}:{line}({name})",
            "calls_per_report": round(calls / reports, 1),
            "own_ms_per_report": round(1000 * own / reports, 1),
            "cumulative_ms_per_report": round(1000 * cumulative / reports, 1),
        }
        for (file, line, name), (_, calls, own, cumulative, _) in rows
        if not file.startswith("~") and "asyncio" not in file and "contextvars" not in name
    ][:PROFILE_TOP]
    say(f"profile of {reports} warm reports: {cpu / reports:.2f} s CPU each under the profiler, stats in {path}")
    for row in top[:15]:
        say(f"  {row['cumulative_ms_per_report']:8.1f} ms  {row['function']}")
    return {"file": str(path), "reports": reports, "cpu_s_per_report_profiled": round(cpu / reports, 3), "top": top}


def _calls(times: CallTimes, reports: int) -> dict[str, Any]:
    if not times.seconds:
        return {"calls_per_report": 0}
    return {
        "calls_per_report": round(len(times.seconds) / reports, 2),
        "mean_ms": round(1000 * statistics.fmean(times.seconds), 1),
        "max_ms": round(1000 * max(times.seconds), 1),
    }


async def measure_http(
    url: str, token: str, pids: Mapping[str, int | None], period: Period, args: argparse.Namespace
) -> dict[str, Any]:
    body = orjson.dumps(
        {
            "query": QUERY,
            "variables": {"period": {"statisticalYear": period.statistical_year, "months": period.months}},
        }
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    samples: list[float] = []
    sizes: list[int] = []
    errors: list[str] = []
    window: CpuWindow | None = None
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=args.timeout)) as http:
        for n in range(args.repetitions + 1):
            started = time.perf_counter()
            async with http.post(f"{url}/graphql", data=body, headers=headers) as answer:
                payload = await answer.read()
            samples.append(time.perf_counter() - started)
            document = orjson.loads(payload)
            if answer.status != 200 or document.get("errors") or not document.get("data"):
                errors.append(f"HTTP {answer.status}: {str(document.get('errors'))[:300]}")
            sizes.append(len(payload))
            if n == 0:
                say(f"over HTTP: cold {1000 * samples[0]:.0f} ms ({len(payload):,} bytes)")
                window = CpuWindow(pids)
    assert window is not None
    summary = latency_summary(samples[1:])
    say(f"over HTTP: warm p50 {summary['p50']} ms, p95 {summary['p95']} ms, max {summary['max']} ms")
    data = orjson.loads(payload).get("data") or {}
    totals = ((data.get("committeeReport") or {}).get("totals") or {}).get("current") or {}
    return {
        "cold_ms": round(1000 * samples[0], 1),
        "warm_ms": summary,
        "within_bound": summary["p95"] <= 1000 * BOUND_S,
        "errors": errors[:5],
        "error_count": len(errors),
        "answer_bytes": max(sizes),
        "cpu_warm": window.result(),
        "transferred": (totals.get("transfers") or {}).get("transferred"),
        "rows": len((data.get("committeeReport") or {}).get("rows") or []),
    }


# ------------------------------------------------------------------------------ the run


async def prepare(database_url: str, settings: Settings, args: argparse.Namespace, period: Period) -> dict[str, Any]:
    started = time.perf_counter()
    await upgrade(database_url)
    with contextlib.redirect_stdout(sys.stderr):
        await commands.seed(settings)
        await register_bench_clients(settings)
    migrated_s = time.perf_counter() - started
    say(f"loading {args.judgments:,} judgments and {args.requests:,} coordination requests (seed {args.seed})")
    loaded = await load(
        database_url,
        load_organisation(settings.data_dir),
        judgments=args.judgments,
        requests=args.requests,
        seed=args.seed,
        progress=say,
    )
    say(f"loaded {loaded.counts.rows:,} rows in {loaded.total_s:.1f} s ({loaded.rows_per_s:,.0f} rows/s overall)")
    summary_s = await recount_report_summary(database_url, settings, period)
    return {"migrate_and_seed_s": round(migrated_s, 2), **loaded.summary(), "report_summary_recount_s": summary_s}


async def recount_report_summary(database_url: str, settings: Settings, period: Period) -> float:
    """The bulk load bypassed the triggers that keep the report's monthly summary (as any ``COPY`` with
    ``session_replication_role = replica`` would): store the deadlines of the report's days and recount the
    summary from the transfers, as an operator would after a bulk import (migration 0013)."""
    started = time.perf_counter()
    engine = create_engine(database_url)
    try:
        policy = load_deadline_policy(settings.data_dir)
        await rebuild_report_summary(session_factory(engine), policy, [period, period.previous_year()])
    finally:
        await engine.dispose()
    seconds = round(time.perf_counter() - started, 1)
    say(f"report summary recounted from the transfers in {seconds} s")
    return seconds


async def scenario(
    args: argparse.Namespace, work: Path, topo: Topology, stack: contextlib.AsyncExitStack
) -> dict[str, Any]:
    period = Period.cumulative(args.statistical_year, args.months)
    if args.database:
        database_url = args.server.rsplit("/", 1)[0] + f"/{args.database}"
        say(f"loaded database {args.database} (reused: migrated to head, not loaded)")
        settings = bench_settings(topo, work, database_url)
        create_keys(settings)
        started = time.perf_counter()
        await upgrade(database_url)
        load_figures: dict[str, Any] = {"reused": args.database, "migrate_s": round(time.perf_counter() - started, 2)}
        load_figures["report_summary_recount_s"] = await recount_report_summary(database_url, settings, period)
    else:
        database_url = await stack.enter_async_context(throwaway_database(args.server, keep=args.keep_database))
        say(f"throwaway database {database_url.rsplit('/', 1)[1]}")
        settings = bench_settings(topo, work, database_url)
        create_keys(settings)
        load_figures = await prepare(database_url, settings, args, period)

    say(f"national report {period.label_vi}: in process")
    # The measuring process runs no background monitors: they would be timed with the report.
    agencies = {f"agency_{service.name}": service.pid for service in topo}
    in_process, plans = await measure_in_process(replace(settings, overdue_every_s=0.0), period, args, agencies)
    http: dict[str, Any] | None = None
    if not args.no_http:
        say("national report: over HTTP (lienthong serve, production mode)")
        hub = HubProcess(settings, work / "log")
        try:
            await asyncio.to_thread(hub.start)
            issuer = TokenIssuer.from_file(settings.issuer_private_key, settings.token_issuer, settings.token_audience)
            token = issuer.issue("ministry.justice", [Role.MINISTRY], client=f"{BENCH_CLIENT_PREFIX}ministry.justice")
            pids = {"hub": hub.process.pid if hub.process else None, **agencies}
            http = await measure_http(hub.url, token, pids, period, args)
        finally:
            await asyncio.to_thread(hub.stop)
    return {
        "database": database_url.rsplit("/", 1)[1],
        "settings": settings,
        "load": load_figures,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label_vi},
        "in_process": in_process,
        "http": http,
        "explain": plans,
    }


def run(args: argparse.Namespace) -> int:
    started_at = Clock().now()
    with contextlib.ExitStack() as stack:
        work = Path(tempfile.mkdtemp(prefix="lienthong-bench-national-"))
        if args.keep_work:
            say(f"work directory (kept): {work}")
        else:
            stack.callback(shutil.rmtree, work, ignore_errors=True)
        say(f"starting the agency services ({args.catalogue:,} judgments, {args.latency_ms} ms injected latency)")
        topo = stack.enter_context(
            Topology(
                judgments=args.catalogue,
                seed=args.seed,
                latency_ms=args.latency_ms,
                log_dir=work / "log",
                personnel_db=work / "personnel.db",
            )
        )

        async def guarded() -> dict[str, Any]:
            async with contextlib.AsyncExitStack() as astack:
                return await scenario(args, work, topo, astack)

        outcome = run_async(guarded())
    settings: Settings = outcome.pop("settings")
    document = {
        "format": report.FORMAT_VERSION,
        "scenario": SCENARIO,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": Clock().now().isoformat(timespec="seconds"),
        "git": git_commit(),
        "machine": describe_machine() | {"postgresql": _server_version(args.server)},
        "setup": {
            "judgments": args.judgments,
            "coordination_requests": args.requests,
            "seed": args.seed,
            "agency_catalogue_judgments": args.catalogue,
            "agency_latency_ms": args.latency_ms,
            "statistical_year": args.statistical_year,
            "months": args.months,
            "repetitions": args.repetitions,
            "bound_s": BOUND_S,
            "scope": "national (province omitted): one row per province, both the period and the same period a "
            "year earlier",
            "in_process": "gateway.app.create_app lifespan state, build_committee_report with "
            "ReportSources as the resolver builds them; overdue monitors off in this process",
            "http": "lienthong serve, 1 uvicorn worker, mode=production, ministry.justice (MINISTRY) token, the "
            "full committeeReport selection (bench/national_report.py:QUERY), one request at a time",
            "hub_adapter_timeout_s": settings.adapter_timeout_s,
            "database": (
                f"database {args.database} loaded by an earlier run"
                if args.database
                else "throwaway PostgreSQL database"
            )
            + " on "
            + args.server.rsplit("/", 1)[0].split("@")[-1],
        },
        **outcome,
    }
    print(render_text(document))
    if not args.no_record:
        path = report.write(document, args.results_dir)
        say(f"results written to {path}")
    failed = bool(outcome["http"] and outcome["http"]["error_count"])
    return 1 if failed else 0


def _server_version(server: str) -> str | None:
    async def ask() -> str:
        conn = await asyncpg.connect(asyncpg_dsn(server))
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    try:
        return asyncio.run(ask())
    except (OSError, asyncpg.PostgresError):
        return None


def render_text(doc: dict[str, Any]) -> str:
    load_figures, inproc, http = doc["load"], doc["in_process"], doc["http"]
    loaded = (
        f"load: reused database {load_figures['reused']}"
        if "reused" in load_figures
        else f"load: {load_figures['rows']['total']:,} rows in {load_figures['total_s']} s "
        f"({load_figures['rows_per_s']:,} rows/s), FK violations {load_figures['foreign_key_violations']}"
    )
    lines = [
        f"\n{SCENARIO} — {doc['setup']['judgments']:,} judgments, {doc['period']['label']}",
        loaded,
        f"{'':<28}{'cold ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}",
        _line("in process", inproc["cold_ms"], inproc["warm_ms"]),
        _line("in process, ledger only", None, inproc["ledger_only_warm_ms"]),
    ]
    if http:
        lines.append(_line("over HTTP", http["cold_ms"], http["warm_ms"]))
    share = inproc["share_ms_per_warm_report"]
    lines.append(
        f"per warm report: SQL {share['sql_statements_total']} ms; enforcement statistics "
        f"{share['enforcement_statistics_calls'].get('mean_ms', '-')} ms per call "
        f"({share['enforcement_statistics_calls']['calls_per_report']} calls); personnel "
        f"{share['personnel_batches'].get('mean_ms', '-')} ms per batch"
    )
    return "\n".join(lines)


def _line(name: str, cold: float | None, warm: dict[str, Any]) -> str:
    cold_text = f"{cold:.0f}" if cold is not None else "-"
    return f"{name:<28}{cold_text:>10}{warm['p50']:>10.0f}{warm['p95']:>10.0f}{warm['max']:>10.0f}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: every process stopped, the database dropped")
        return 130
