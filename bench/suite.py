"""``python -m bench all``: every scenario in turn, each with its own defaults (or short with ``--quick``).

judgment-360, inbox-polling, submit-ack, fanout, national-report — each is run exactly as
``python -m bench <scenario>`` would run it, one after the other (never two at once: they
measure the same cores), and each writes its own ``bench/results/<scenario>-<UTC>.json``
and its rows in ``SUMMARY.md``. A scenario that fails does not stop the others; the exit
status is 0 only when every scenario that ran succeeded. Scenarios that cannot run here
are skipped and said so: national-report without a PostgreSQL server, the Node.js peers of
judgment-360 without ``npm ci`` in ``bench/peers`` (then it measures the hub and the limit).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from bench import report
from bench.cli import say
from bench.submit_ack import DEFAULT_SERVER, postgres_answers

ORDER = ("judgment-360", "inbox-polling", "submit-ack", "fanout", "national-report")
PEERS_MODULES = Path(__file__).resolve().parent / "peers" / "node_modules"

QUICK: dict[str, tuple[str, ...]] = {
    "judgment-360": ("--duration", "3", "--warmup", "1", "--settle", "5", "--judgments", "2000"),
    "inbox-polling": ("--duration", "3", "--warmup", "1", "--settle", "5", "--offices", "20", "--per-office", "3"),
    "submit-ack": ("--duration", "3", "--warmup", "1", "--settle", "5"),
    "fanout": ("--subscribers", "100", "--offices", "5", "--duration", "3", "--idle", "1", "--drain", "10"),
    "national-report": ("--judgments", "20000", "--requests", "1000", "--catalogue", "2000", "--repetitions", "3"),
}
"""Short runs of every scenario: a smoke test of the whole bench in a few minutes, numbers not to be quoted."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench all",
        description=f"Every scenario in turn ({', '.join(ORDER)}), each with its own defaults; "
        "`python -m bench <scenario> --help` for each one's flags.",
    )
    parser.add_argument("--quick", action="store_true", help="short runs of each (a smoke test, a few minutes)")
    parser.add_argument(
        "--only", default=",".join(ORDER), help=f"comma list of scenarios (default all: {','.join(ORDER)})"
    )
    parser.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR, help="where results go")
    parser.add_argument("--no-record", action="store_true", help="print the numbers, write no result file")
    parser.add_argument("--keep-work", action="store_true", help="keep each scenario's temporary directory")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if not args.only or set(args.only) - set(ORDER):
        parser.error(f"--only: choose from {', '.join(ORDER)}")
    return args


@dataclass(frozen=True, slots=True)
class Outcome:
    scenario: str
    status: str  # "ok", "failed (exit N)", "skipped: why"
    seconds: float
    files: tuple[str, ...]


def scenario_argv(name: str, args: argparse.Namespace) -> tuple[list[str], str | None]:
    """The arguments for one scenario, and why it cannot run here (None when it can)."""
    argv = [*QUICK[name]] if args.quick else []
    argv += ["--results-dir", str(args.results_dir)]
    argv += ["--no-record"] if args.no_record else []
    argv += ["--keep-work"] if args.keep_work else []
    if name == "judgment-360" and (args.quick or not PEERS_MODULES.is_dir()):
        if not args.quick:
            say("judgment-360: bench/peers/node_modules is missing (`make bench` runs npm ci): hub and limit only")
        argv += ["--targets", "hub,limit"]
    if name == "national-report":
        reason = asyncio.run(postgres_answers(DEFAULT_SERVER))
        if reason is not None:
            return argv, f"no PostgreSQL at {DEFAULT_SERVER.rsplit('@', 1)[-1]} ({reason})"
    return argv, None


def run_one(name: str, args: argparse.Namespace) -> Outcome:
    from bench import cli

    argv, cannot = scenario_argv(name, args)
    if cannot is not None:
        say(f"{name}: skipped, {cannot}")
        return Outcome(name, f"skipped: {cannot}", 0.0, ())
    before = set(args.results_dir.glob(f"{name}-*.json"))
    say(f"=== {name}: python -m bench {name} {' '.join(argv)}")
    started = time.monotonic()
    code = cli.main([name, *argv])
    seconds = time.monotonic() - started
    files = sorted(set(args.results_dir.glob(f"{name}-*.json")) - before)
    if name == "national-report":  # it writes its JSON file only; its rows are added here
        for path in files:
            report.update_summary(orjson.loads(path.read_bytes()), path, args.results_dir)
    if code == 130:
        raise KeyboardInterrupt
    return Outcome(name, "ok" if code == 0 else f"failed (exit {code})", seconds, tuple(p.name for p in files))


def render(outcomes: Sequence[Outcome]) -> str:
    lines = ["\nbench all:", f"{'scenario':<18}{'seconds':>9}  {'status':<28}files"]
    for o in outcomes:
        lines.append(f"{o.scenario:<18}{o.seconds:>9.0f}  {o.status[:60]:<28}{', '.join(o.files) or '-'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    outcomes: list[Outcome] = []
    try:
        for name in ORDER:
            if name in args.only:
                outcomes.append(run_one(name, args))
    except KeyboardInterrupt:
        print(render(outcomes))
        say("interrupted: every process stopped")
        return 130
    print(render(outcomes))
    return 0 if all(o.status == "ok" or o.status.startswith("skipped") for o in outcomes) else 1
