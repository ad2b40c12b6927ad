"""What the hub-only scenarios (``inbox-polling``, ``submit-ack``, ``fanout``) share.

Each of them measures ``lienthong serve`` alone, as production runs it: the reference
agency services (``agencies.topology``) are started so the hub is configured exactly as
in judgment-360, but the operations measured read and write the hub's own ledger only.
:func:`open_world` starts all of it inside an :class:`contextlib.AsyncExitStack`, so
every child process is stopped and the temporary directory removed on any way out.

The ledger is filled through the hub's own front door: courts sign judgments with
keys registered like ``lienthong keys add`` does (``ledger.keys.CourtKeys``) and send
``submitJudgment`` over HTTP; offices acknowledge with ``acknowledgeTransfer``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agencies.common.reference import ReferenceData
from agencies.court.submitter import FeedSettings, make_submission, to_variables
from agencies.topology import Topology
from bench import report
from bench.cli import BENCH_CLIENT_PREFIX, bench_settings, create_keys, register_bench_clients, say
from bench.machine import describe_machine, git_commit
from bench.processes import cpu_seconds, machine_cpu_seconds
from domain.access import Role
from domain.clock import Clock
from domain.signatures import public_key_b64, sign
from domain.types import AgencyLevel
from gateway import commands
from gateway.identity import TokenIssuer
from gateway.settings import Settings
from ledger.db import create_engine, session_factory, write_transaction
from ledger.keys import CourtKeys
from ledger.migrate import upgrade
from tests.support.hub_process import HubProcess

SUBMIT = """
mutation Submit($input: SubmitJudgmentInput!) {
  submitJudgment(input: $input) {
    replayed
    userErrors { field code message }
    transfer { id status registerOffice { code } receipt { signature } }
  }
}
""".strip()

ACKNOWLEDGE = """
mutation Acknowledge($id: ID!) {
  acknowledgeTransfer(id: $id) {
    userErrors { field code message }
    transfer { id status registerNumber registerYear }
  }
}
""".strip()

HUB_DESCRIPTION = "lienthong serve, 1 uvicorn worker, mode=production, rate limit off (one load generator)"


# ------------------------------------------------------------------------------ offices and courts


@dataclass(frozen=True, slots=True)
class Desk:
    """An area enforcement office and the area court whose judgments it receives (same province and area)."""

    office: str
    court: str
    province_label: str
    former_province: str


def pick_desks(reference: ReferenceData, count: int) -> list[Desk]:
    """``count`` distinct current area offices, taken in turn from each province (so all 34 appear early)."""
    courts = {a.code: a for a in reference.area_courts if a.valid_to is None}
    by_province: dict[str, list[Desk]] = {}
    for unit in reference.enforcement_units:
        court = courts.get(unit.code.replace("enforcement.", "court.", 1))
        if unit.level is not AgencyLevel.AREA or court is None or unit.province_code is None:
            continue
        former = reference.former_provinces(court)
        desk = Desk(unit.code, court.code, reference.province_label(court), former[0] if former else "Hà Nội")
        by_province.setdefault(unit.province_code, []).append(desk)
    queues = [sorted(desks, key=lambda d: d.office) for _, desks in sorted(by_province.items())]
    chosen: list[Desk] = []
    while len(chosen) < count and any(queues):
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    if len(chosen) < count:
        raise ValueError(f"the organisation has only {len(chosen)} area offices with an area court")
    return chosen


@dataclass
class CourtClerk:
    """A court's system: makes realistic judgments (the reference court's generator) and signs them."""

    desk: Desk
    key: Ed25519PrivateKey
    rng: random.Random
    serial: int = 0

    @classmethod
    def new(cls, desk: Desk, seed: int) -> CourtClerk:
        return cls(desk, Ed25519PrivateKey.generate(), random.Random(f"{seed}:{desk.court}"))

    def next_variables(self) -> dict[str, Any]:
        """GraphQL variables of the next judgment, signed; numbers never repeat within a run."""
        self.serial += 1
        feed = FeedSettings("", "", self.desk.court, self.desk.province_label, self.desk.former_province)
        made = make_submission(self.rng, feed, self.serial, Clock().today())
        # The number's year is the adjudication year (a number may not be later than the judgment).
        submission = replace(made, number=f"{self.serial}/{made.adjudicated_on.year}/DS-ST")
        return to_variables(submission, sign(self.key, submission.signed_bytes()))


async def register_court_keys(database_url: str, clerks: Iterable[CourtClerk]) -> None:
    """What ``lienthong keys add`` does for each court, in one transaction."""
    engine = create_engine(database_url)
    try:
        async with write_transaction(session_factory(engine)) as session:
            keys = CourtKeys(session)
            for clerk in clerks:
                await keys.add(clerk.desk.court, public_key_b64(clerk.key.public_key()), Clock().now())
    finally:
        await engine.dispose()


# ------------------------------------------------------------------------------ the world


@dataclass
class World:
    """The running hub and what it needs: settings, the agency services, a token issuer."""

    work: Path
    settings: Settings
    hub: HubProcess
    topology: Topology
    issuer: TokenIssuer

    @property
    def graphql_url(self) -> str:
        return f"{self.hub.url}/graphql"

    @property
    def hub_pid(self) -> int | None:
        return self.hub.process.pid if self.hub.process else None

    def pids(self) -> dict[str, int | None]:
        return {"hub": self.hub_pid} | {f"agency.{service.name}": service.pid for service in self.topology}

    def office_token(self, office: str, officer: str) -> str:
        """A token of the office's system client (registered by :func:`open_world`); ``officer`` names its jti."""
        del officer  # officers are not registered people in the bench; each token still has its own id
        return self.issuer.issue(office, [Role.ENFORCEMENT_CLERK], client=f"{BENCH_CLIENT_PREFIX}{office}")

    def court_token(self, court: str) -> str:
        return self.issuer.issue(court, [Role.COURT_CLERK], client=f"{BENCH_CLIENT_PREFIX}{court}")


async def open_world(
    stack: contextlib.AsyncExitStack,
    args: argparse.Namespace,
    *,
    prefix: str,
    database_url: str | None = None,
    before_hub: Callable[[Settings], Awaitable[None]] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> World:
    """Agency services, a migrated and seeded hub database (SQLite in the work directory unless
    ``database_url``), the hub serving it; all undone by ``stack``. ``before_hub(settings)`` (a
    coroutine function) runs between seeding and starting the hub, e.g. to register court keys;
    ``overrides`` replace settings (e.g. ``live_poll_s``)."""
    work = Path(tempfile.mkdtemp(prefix=f"lienthong-bench-{prefix}-"))
    if args.keep_work:
        say(f"work directory (kept): {work}")
    else:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
    say(f"starting the agency services ({args.catalogue:,} judgments, {args.latency_ms} ms injected latency)")
    topology = await stack.enter_async_context(
        Topology(
            judgments=args.catalogue,
            seed=args.seed,
            latency_ms=args.latency_ms,
            log_dir=work / "log",
            personnel_db=work / "personnel.db",
        )
    )
    settings = bench_settings(topology, work, database_url or f"sqlite+aiosqlite:///{work / 'hub.db'}")
    settings = replace(settings, **(overrides or {}))
    create_keys(settings)
    say("migrating and seeding the hub's database")
    await upgrade(settings.database_url)
    with contextlib.redirect_stdout(sys.stderr):
        await commands.seed(settings)
    await register_bench_clients(settings)
    if before_hub is not None:
        await before_hub(settings)
    say("starting the hub (lienthong serve)")
    hub = HubProcess(settings, work / "log")
    stack.callback(hub.stop)
    await asyncio.to_thread(hub.start)
    issuer = TokenIssuer.from_file(settings.issuer_private_key, settings.token_issuer, settings.token_audience)
    return World(work, settings, hub, topology, issuer)


def raise_open_files_limit(needed: int) -> dict[str, int]:
    """Raise this process's soft RLIMIT_NOFILE towards the hard limit (children inherit it).

    Answers the limits after the change; raises when even the hard limit is below ``needed``.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = hard if hard != resource.RLIM_INFINITY else max(needed, soft)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft < needed:
        raise RuntimeError(f"need {needed} open files, the hard limit is {hard} (ulimit -Hn)")
    return {"soft": soft, "hard": hard}


# ------------------------------------------------------------------------------ GraphQL over HTTP


@dataclass(frozen=True, slots=True)
class Answer:
    """One GraphQL answer: the operation's field (None on failure) and what went wrong, if anything."""

    field: dict[str, Any] | None
    error: str | None
    status: str
    size: int = 0


async def call(
    http: aiohttp.ClientSession, url: str, token: str, query: str, variables: Mapping[str, Any], name: str
) -> Answer:
    """POST one operation; ``name`` is the root field whose value is answered."""
    body = orjson.dumps({"query": query, "variables": variables})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    try:
        async with http.post(url, data=body, headers=headers) as response:
            payload = await response.read()
            status = str(response.status)
    except TimeoutError:
        return Answer(None, "timeout", "timeout")
    except aiohttp.ClientError as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}", "connection")
    return _read_answer(payload, status, name)


def _read_answer(payload: bytes, status: str, name: str) -> Answer:
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return Answer(None, f"HTTP {status}: answer is not JSON", status, len(payload))
    errors = doc.get("errors") if isinstance(doc, dict) else None
    value = ((doc.get("data") if isinstance(doc, dict) else None) or {}).get(name)
    if errors:
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        code = (first.get("extensions") or {}).get("code") or ""
        return Answer(None, f"HTTP {status}: GraphQL error {code}: {first.get('message')}", status, len(payload))
    if status != "200" or not isinstance(value, dict):
        return Answer(None, f"HTTP {status}: no data.{name}", status, len(payload))
    user_errors = value.get("userErrors") or []
    if user_errors:
        return Answer(None, f"userError {user_errors[0].get('code')}: {user_errors[0].get('message')}", status)
    return Answer(value, None, status, len(payload))


# ------------------------------------------------------------------------------ measuring


@dataclass
class CpuMeter:
    """CPU seconds and cores of our processes, of this one (the load generator) and of everything
    else on the machine between :meth:`start` and :meth:`stop`, as judgment-360 records them."""

    pids: Mapping[str, int | None]
    _before: dict[str, float | None] = field(default_factory=dict)
    _own: float = 0.0
    _machine: dict[str, float] | None = None
    _wall: float = 0.0

    def start(self) -> CpuMeter:
        self._before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._own, self._machine, self._wall = time.process_time(), machine_cpu_seconds(), time.perf_counter()
        return self

    def stop(self) -> dict[str, dict[str, float]]:
        elapsed = max(time.perf_counter() - self._wall, 1e-9)
        own = time.process_time() - self._own
        machine = machine_cpu_seconds()
        cpu: dict[str, dict[str, float]] = {}
        for name, pid in self.pids.items():
            before, after = self._before.get(name), cpu_seconds(pid)
            if before is not None and after is not None:
                cpu[name] = _cores(after - before, elapsed)
        cpu["load_generator"] = _cores(own, elapsed)
        if self._machine and machine:
            spent = {kind: machine[kind] - self._machine[kind] for kind in machine}
            ours = sum(entry["seconds"] for entry in cpu.values())
            spent["other_processes"] = max(spent["processes"] - ours, 0.0)
            for kind in ("other_processes", "interrupts", "steal"):
                cpu[kind] = _cores(spent[kind], elapsed)
        return cpu


def _cores(seconds: float, elapsed: float) -> dict[str, float]:
    return {"seconds": round(seconds, 2), "cores": round(seconds / elapsed, 3)}


# ------------------------------------------------------------------------------ arguments and results


def add_world_arguments(parser: argparse.ArgumentParser) -> None:
    world = parser.add_argument_group("world")
    world.add_argument("--seed", type=int, default=1, help="seed of the agencies' world and of the judgments")
    world.add_argument(
        "--catalogue", type=int, default=1000, help="judgments in the reference agency services (default 1000)"
    )
    world.add_argument("--latency-ms", type=int, default=5, help="latency injected in every agency call (default 5)")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    out = parser.add_argument_group("output")
    out.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR, help="where results go")
    out.add_argument("--no-record", action="store_true", help="print the numbers, write no result file")
    out.add_argument("--keep-work", action="store_true", help="keep the temporary directory (databases, logs)")


def document(
    *,
    scenario: str,
    started_at: datetime,
    setup: dict[str, Any],
    load: dict[str, Any],
    targets: dict[str, dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    """A results document shaped like judgment-360's, so ``report.update_summary`` writes its rows.

    Every target carries ``requests``, ``errors``, ``elapsed_s``, ``rps``, ``latency_ms`` and
    ``cpu[<target>]``; what a "request" is in each scenario is said in ``load.unit``.
    """
    return {
        "format": report.FORMAT_VERSION,
        "scenario": scenario,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": Clock().now().isoformat(timespec="seconds"),
        "git": git_commit(),
        "machine": describe_machine(),
        "setup": setup,
        "load": load,
        "targets": targets,
        **extra,
    }


def record(doc: dict[str, Any], args: argparse.Namespace) -> None:
    """Write the JSON file and the SUMMARY.md rows, unless ``--no-record``."""
    if args.no_record:
        return
    path = report.write(doc, args.results_dir)
    report.update_summary(doc, path, args.results_dir)
    say(f"results written to {path} and {args.results_dir / report.SUMMARY}")


# ------------------------------------------------------------------------------ filling the ledger


@dataclass
class Filled:
    """Transfers written through the hub while preparing a scenario (not measured)."""

    submitted: dict[str, list[str]] = field(default_factory=dict)  # office → transfer ids, oldest first
    acknowledged: set[str] = field(default_factory=set)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.submitted.values())

    def failed(self, error: str) -> None:
        self.errors[error[:200]] = self.errors.get(error[:200], 0) + 1


async def fill_ledger(
    http: aiohttp.ClientSession,
    world: World,
    clerks: Sequence[CourtClerk],
    *,
    per_office: int,
    acknowledge_share: float,
    concurrency: int = 8,
) -> Filled:
    """``per_office`` judgments from each clerk's court over ``submitJudgment``, then the first
    ``acknowledge_share`` of each office's acknowledged by the office (``acknowledgeTransfer``)."""
    filled = Filled(submitted={clerk.desk.office: [] for clerk in clerks})
    started = time.perf_counter()
    gate = asyncio.Semaphore(concurrency)

    async def submit(clerk: CourtClerk, token: str) -> None:
        async with gate:
            answer = await call(http, world.graphql_url, token, SUBMIT, clerk.next_variables(), "submitJudgment")
        if answer.field is None or not answer.field.get("transfer"):
            filled.failed(answer.error or "no transfer")
            return
        filled.submitted[clerk.desk.office].append(answer.field["transfer"]["id"])

    async def acknowledge(office: str, transfer_id: str, token: str) -> None:
        async with gate:
            answer = await call(http, world.graphql_url, token, ACKNOWLEDGE, {"id": transfer_id}, "acknowledgeTransfer")
        if answer.field is None or not answer.field.get("transfer"):
            filled.failed(answer.error or "no transfer")
            return
        filled.acknowledged.add(transfer_id)

    tokens = {clerk.desk.court: world.court_token(clerk.desk.court) for clerk in clerks}
    for _ in range(per_office):  # one round over every office at a time: receipt times interleave as in life
        await asyncio.gather(*(submit(clerk, tokens[clerk.desk.court]) for clerk in clerks))
    acks = []
    for office, ids in filled.submitted.items():
        token = world.office_token(office, f"{office}.clerk")
        acks += [acknowledge(office, tid, token) for tid in ids[: int(len(ids) * acknowledge_share)]]
    await asyncio.gather(*acks)
    filled.seconds = time.perf_counter() - started
    return filled
