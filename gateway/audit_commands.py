"""``lienthong audit verify | export | verify-export``: checking and archiving the audit chain.

Exit codes: 0 the chain (or archive) is intact, 1 it is not (the first bad
entry is named), 2 the command could not run (bad arguments, unreadable file).
Progress goes to stderr, results to stdout, so ``> report.txt`` keeps only the
answer.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from domain.deadlines import VIETNAM_TZ
from gateway.settings import Settings

if TYPE_CHECKING:  # the database layer is imported when a command runs, so `lienthong --help` stays light
    from ledger.audit_chain import ChainReport

_ANCHOR = re.compile(r"([0-9]{1,19}):([0-9a-f]{64})")


def anchor(text: str) -> tuple[int, str]:
    """An ``SEQ:HASH`` anchor argument (as printed by ``audit export``)."""
    found = _ANCHOR.fullmatch(text.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"an anchor is SEQ:HASH (64 hex digits), not {text!r}")
    return int(found.group(1)), found.group(2)


def moment(text: str, *, end_of_day: bool) -> datetime:
    """A ``--from``/``--to`` value: an ISO date (a whole Vietnam day) or an ISO date-time.

    Times without an offset are Vietnam time (UTC+7). ``--to 2026-01-31``
    includes the whole of 31 January.
    """
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime.combine(day + timedelta(days=1 if end_of_day else 0), time(), VIETNAM_TZ)
        parsed = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=VIETNAM_TZ)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="verify or export the hash-chained audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    check = audit_sub.add_parser("verify", help="walk the whole chain; exit 1 naming the first bad entry")
    check.add_argument(
        "--anchor",
        type=anchor,
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="an entry's hash kept outside the database (printed by `audit export`); repeatable",
    )
    out = audit_sub.add_parser("export", help="write entries as JSON Lines, with a .sha256 file beside them")
    out.add_argument("--out", required=True, type=Path, help="the file to write (FILE.sha256 is written too)")
    out.add_argument(
        "--from",
        dest="since",
        type=lambda t: moment(t, end_of_day=False),
        metavar="DATE",
        help="first day (ISO date, Vietnam time) or date-time",
    )
    out.add_argument(
        "--to",
        dest="until",
        type=lambda t: moment(t, end_of_day=True),
        metavar="DATE",
        help="last day (inclusive) or date-time",
    )
    archive = audit_sub.add_parser("verify-export", help="check an exported file against its .sha256 and its chain")
    archive.add_argument("file", type=Path)
    archive.add_argument("--anchor", type=anchor, action="append", default=[], metavar="SEQ:HASH")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.audit_command == "verify":
        return asyncio.run(audit_verify(settings, args.anchor))
    if args.audit_command == "export":
        return asyncio.run(audit_export(settings, args.out, since=args.since, until=args.until))
    return audit_verify_export(args.file, args.anchor)


def _progress(what: str) -> Callable[[int], None]:
    def show(count: int) -> None:
        print(f"\r  audit entries {what}: {count:>12,}", end="", file=sys.stderr, flush=True)

    return show


def _broken(report: ChainReport) -> str:
    return (
        f"audit entry {report.first_bad_seq}: {report.reason}\n"
        f"audit chain BROKEN: {report.checked} entries before it verified"
    )


async def audit_verify(settings: Settings, anchors: Sequence[tuple[int, str]] = ()) -> int:
    from ledger.audit_chain import verify
    from ledger.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        report = await verify(session_factory(engine), anchors=dict(anchors), progress=_progress("checked"))
    finally:
        await engine.dispose()
    print(file=sys.stderr)
    if not report.ok:
        print(_broken(report))
        return 1
    print(
        f"audit chain intact: {report.checked} entries"
        + (f" (head {report.last_seq}:{report.last_hash})" if report.checked else "")
    )
    return 0


async def audit_export(settings: Settings, out: Path, *, since: datetime | None, until: datetime | None) -> int:
    if since is not None and until is not None and since >= until:
        print("lienthong: --from must come before --to", file=sys.stderr)
        return 2
    from ledger.audit_chain import export
    from ledger.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        summary = await export(session_factory(engine), out, since=since, until=until, progress=_progress("written"))
    finally:
        await engine.dispose()
    print(file=sys.stderr)
    span = f" (entries {summary.first_seq}–{summary.last_seq})" if summary.entries else ""
    print(f"exported {summary.entries} audit entries{span} to {out}; sha256 {summary.sha256} in {out}.sha256")
    if summary.anchor is not None:
        print(f"anchor (keep it outside the hub's database): {summary.anchor}")
    if not summary.chain.ok:
        print(_broken(summary.chain))
        return 1
    return 0


def audit_verify_export(path: Path, anchors: Sequence[tuple[int, str]] = ()) -> int:
    from ledger.audit_chain import verify_export

    try:
        report = verify_export(path, anchors=dict(anchors))
    except (OSError, ValueError) as exc:
        print(f"lienthong: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, OSError) else 1
    if not report.ok:
        print(_broken(report))
        return 1
    print(f"audit archive intact: {report.checked} entries (head {report.last_seq}:{report.last_hash})")
    return 0
