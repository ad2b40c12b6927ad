"""``lienthong report``: the committee report to a file (CSV, XLSX or the printable HTML page).

    lienthong report --province ha-noi --year 2026 --months 6 --out bao-cao.xlsx
    lienthong report --from 2026-01-01 --to 2026-03-31 --format csv --out toan-quoc.csv   # national roll-up

Configured like ``lienthong serve`` (``LIENTHONG_*``: the database, the agency
systems, the data directory) and run as the operator: like the ministry, it
reads any province and the national roll-up (whoever holds the hub's
configuration reads the database anyway). Progress goes to stderr (a bar per
unit written), the result line to stdout. Exit codes: 0 the file is written,
2 it could not be (bad arguments, configuration, an unknown province, an
agency system that failed); a file is never left half written.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from domain.errors import HubError
from domain.messages import msg
from domain.reports.committee import CommitteeReport
from domain.reports.period import Period, PeriodError, period_named
from gateway.reports.columns import missing_sources, table_rows
from gateway.reports.progress import ProgressBar
from gateway.reports.render import Format, render
from gateway.settings import Settings


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from exc


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser(
        "report",
        help="write the committee report (CSV, XLSX or printable HTML) of a province or the nation",
        description="Write the committee report of --province (or, without it, the national roll-up) over "
        "--year/--months (cumulative from 1 October) or --from/--to, to --out.",
    )
    report.add_argument("--province", help="province code, e.g. ha-noi (default: the national roll-up)")
    report.add_argument("--year", type=int, help="statistical year, e.g. 2026 (01/10/2025 – 30/09/2026)")
    report.add_argument("--months", type=int, help="months of the statistical year, 1..12, from 1 October")
    report.add_argument(
        "--from", dest="start", type=_day, metavar="DATE", help="first day of an explicit period (ISO date)"
    )
    report.add_argument("--to", dest="end", type=_day, metavar="DATE", help="last day of an explicit period, included")
    report.add_argument(
        "--format", choices=[f.value for f in Format], help="file format (default: from --out's extension)"
    )
    report.add_argument("--out", required=True, type=Path, help="the file to write (replaced if it exists)")


def period_from(args: argparse.Namespace) -> Period:
    """The period the arguments name: --year and --months, or --from and --to (PeriodError otherwise)."""
    return period_named(args.year, args.months, args.start, args.end, names=("--year", "--months", "--from", "--to"))


def format_from(args: argparse.Namespace) -> Format:
    if args.format is not None:
        return Format(args.format)
    suffix = args.out.suffix.lower().lstrip(".")
    if suffix == "htm":
        return Format.HTML
    try:
        return Format(suffix)
    except ValueError:
        raise PeriodError(
            msg("cannot tell the format from {name}: give --format csv|xlsx|html", name=repr(args.out.name))
        ) from None


async def collect(settings: Settings, province: str | None, period: Period) -> CommitteeReport:
    from gateway.reports.sources import opened_sources  # the database layer, only when a report runs
    from resolvers.reports import build_committee_report

    async with opened_sources(settings) as sources:
        return await build_committee_report(sources, province=province, period=period)


def write_atomically(path: Path, body: bytes) -> None:
    """Write ``body`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        period, fmt = period_from(args), format_from(args)
    except PeriodError as exc:
        print(f"lienthong report: {exc}", file=sys.stderr)
        return 2
    scope = args.province or "the whole country"
    print(f"collecting the figures of {scope}, {period.label_vi} …", file=sys.stderr, flush=True)
    try:
        report = asyncio.run(collect(settings, args.province, period))
    except HubError as exc:
        print(f"lienthong report: {exc.message}", file=sys.stderr)
        return 2
    rows = table_rows(report)
    bar = ProgressBar(len(rows), "rows", sys.stderr)
    body = render(report, fmt, bar.advance)
    bar.close()
    try:
        write_atomically(args.out, body)
    except OSError as exc:
        print(f"lienthong report: cannot write {args.out}: {exc}", file=sys.stderr)
        return 2
    missing = missing_sources(report.totals)
    if missing:
        print(f"warning: no figures from {missing} for some units (counted as 0)", file=sys.stderr)
    print(f"wrote {args.out} ({fmt.value}, {len(report.rows)} units and the totals, {len(body):,} bytes)")
    return 0
