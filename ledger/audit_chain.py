"""Checking and archiving the audit chain.

:func:`verify` walks the log in sequence order, a bounded batch at a time
(each in its own short read transaction, so millions of rows cost constant
memory and hold no snapshot open), recomputes every hash from the row's
fields and stops at the first row that does not fit:

- an edited row no longer matches its own hash;
- a deleted row leaves a gap in the numbers (and the next row's ``prev_hash``
  names a hash that is no longer there); a deleted tail leaves the sequence
  counter ahead of the last row;
- reordered or renumbered rows were hashed with another position (the
  sequence number is inside the hash), so they no longer match it;
- a row put back with a forged hash breaks the link to the next row.

What a chain without a secret cannot show is a tail rewritten from some row
on, every hash recomputed. Anchors close that gap: the sequence number and
hash of an entry, kept outside the hub's database (the summary of every
:func:`export`, a ticket, a printout), are checked by ``verify``.

:func:`export` writes a contiguous piece of the chain as JSON Lines with a
``sha256sum``-style sidecar; :func:`verify_export` checks such an archive
later without the database.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import orjson
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.audit import AUDIT_SEQUENCE, GENESIS, AuditEntry, StoredEntry, entry_hash, stored_entry
from ledger.models import AuditRow, SequenceRow, table_of

BATCH_ROWS: Final = 2000
"""Rows read per query while walking the chain."""

Progress = Callable[[int], None]
"""Called after every batch with the number of entries checked (or written) so far."""


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What a walk of the chain found; ``first_bad_seq`` and ``reason`` are set when it is broken."""

    checked: int
    last_seq: int
    last_hash: str
    first_bad_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


@dataclass(slots=True)
class _Walker:
    """The state of a walk: the number and hash the next entry must carry."""

    expected: int
    prev_hash: str
    anchors: Mapping[int, str] = field(default_factory=dict)
    checked: int = 0
    first_bad_seq: int | None = None
    reason: str | None = None

    def step(self, seq: int, stored: StoredEntry | None) -> bool:
        """Check the next entry; False (and the reason kept) at the first one that does not fit."""
        reason = self._problem(seq, stored)
        if reason is not None:
            self.first_bad_seq, self.reason = seq, reason
            return False
        assert stored is not None
        self.checked += 1
        self.expected, self.prev_hash = seq + 1, stored.hash
        return True

    def _problem(self, seq: int, stored: StoredEntry | None) -> str | None:
        if seq < self.expected:
            return f"out of order: it comes after entry {self.expected - 1}"
        if seq > self.expected:
            missing = str(self.expected) if seq == self.expected + 1 else f"{self.expected}–{seq - 1}"
            plural = "y" if seq == self.expected + 1 else "ies"
            return (
                f"entr{plural} {missing} before it {'is' if plural == 'y' else 'are'} missing (deleted or renumbered)"
            )
        if stored is None:
            return "its roles or object ids are not JSON lists (edited)"
        if entry_hash(stored.prev_hash, seq, stored.entry) != stored.hash:
            return "its content does not match its hash (edited, or moved from another position)"
        if stored.prev_hash != self.prev_hash:
            before = f"entry {seq - 1}" if seq > 1 else "the start of the chain"
            return f"its prev_hash does not match the hash of {before} (an entry was replaced or reordered)"
        anchored = self.anchors.get(seq)
        if anchored is not None and anchored != stored.hash:
            return "its hash differs from the anchor kept outside the database (the chain was rewritten)"
        return None

    def report(self) -> ChainReport:
        return ChainReport(
            checked=self.checked,
            last_seq=self.expected - 1,
            last_hash=self.prev_hash,
            first_bad_seq=self.first_bad_seq,
            reason=self.reason,
        )


def _parsed(row: Row[Any]) -> StoredEntry | None:
    try:
        return stored_entry(row)
    except ValueError:  # orjson.JSONDecodeError is a ValueError
        return None


async def _batch(session: AsyncSession, after: int | None, last: int | None, size: int) -> list[Row[Any]]:
    table = table_of(AuditRow)
    query = select(table).order_by(table.c.seq).limit(size)
    if after is not None:
        query = query.where(table.c.seq > after)
    if last is not None:
        query = query.where(table.c.seq <= last)
    return list((await session.execute(query)).all())


async def _walk(
    sessions: async_sessionmaker[AsyncSession],
    walker: _Walker,
    *,
    batch_size: int,
    progress: Progress | None = None,
) -> None:
    after: int | None = None
    while True:
        async with sessions() as session:
            rows = await _batch(session, after, None, batch_size)
        if not rows:
            return
        for row in rows:
            if not walker.step(int(row.seq), _parsed(row)):
                break
        if progress is not None:
            progress(walker.checked)
        if walker.first_bad_seq is not None:
            return
        after = int(rows[-1].seq)


async def verify(
    sessions: async_sessionmaker[AsyncSession],
    *,
    anchors: Mapping[int, str] | None = None,
    batch_size: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> ChainReport:
    """Walk the whole chain; the report names the first entry that does not fit, if any.

    ``anchors`` maps sequence numbers to hashes recorded earlier outside the
    database; an anchor beyond the end of the log means entries were removed.
    """
    anchors = dict(anchors or {})
    async with sessions() as session:
        handed_out = await session.scalar(select(SequenceRow.last_value).where(SequenceRow.name == AUDIT_SEQUENCE))
    walker = _Walker(expected=1, prev_hash=GENESIS, anchors=anchors)
    await _walk(sessions, walker, batch_size=batch_size, progress=progress)
    report = walker.report()
    if not report.ok:
        return report
    end = max([int(handed_out or 0), *anchors])
    if end > report.last_seq:
        missing = report.last_seq + 1
        span = str(missing) if missing == end else f"{missing}–{end}"
        return ChainReport(
            checked=report.checked,
            last_seq=report.last_seq,
            last_hash=report.last_hash,
            first_bad_seq=missing,
            reason=f"missing: the log ends at entry {report.last_seq} but entries up to {end} were written "
            f"(entries {span} deleted from the end)",
        )
    return report


# --- export -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote: the piece of the chain, whether it held together, and the file's digest."""

    path: Path
    entries: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str | None
    sha256: str
    chain: ChainReport

    @property
    def anchor(self) -> str | None:
        """``SEQ:HASH`` of the last entry written: keep it outside the database, pass it to ``verify``."""
        return None if self.last_seq is None else f"{self.last_seq}:{self.last_hash}"


def export_line(stored: StoredEntry) -> bytes:
    """One entry as a JSON Lines record (the fields its hash covers, plus both hashes)."""
    e = stored.entry
    return orjson.dumps(
        {
            "seq": stored.seq,
            "at": e.at.isoformat(),
            "agency": e.agency_code,
            "person": e.person,
            "roles": list(e.roles),
            "operation": e.operation,
            "objects": list(e.object_ids),
            "request_id": e.request_id,
            "prev_hash": stored.prev_hash,
            "hash": stored.hash,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


def sidecar_of(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


async def _span(
    sessions: async_sessionmaker[AsyncSession], since: datetime | None, until: datetime | None
) -> tuple[int, int] | None:
    """The first and last sequence numbers with a time in [since, until); None when there are none."""
    async with sessions() as session:
        first_q = select(func.min(AuditRow.seq))
        last_q = select(func.max(AuditRow.seq))
        if since is not None:
            first_q, last_q = first_q.where(AuditRow.at >= since), last_q.where(AuditRow.at >= since)
        if until is not None:
            first_q, last_q = first_q.where(AuditRow.at < until), last_q.where(AuditRow.at < until)
        first, last = await session.scalar(first_q), await session.scalar(last_q)
        if first is None or last is None:
            return None
        return int(first), int(last)


async def export(
    sessions: async_sessionmaker[AsyncSession],
    out: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    batch_size: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the entries timed in [since, until) to ``out`` as JSON Lines, and ``out``.sha256 beside it.

    The piece written is contiguous (from the first to the last matching
    sequence number), so it can be checked on its own: writers take their time
    just before their number, and an entry at the edge of the window may
    therefore lie just outside it. The chain is checked while writing; the
    file is complete either way (it is evidence), and the summary says whether
    the chain held. The file appears under its name only once complete.
    """
    span = await _span(sessions, since, until)
    prev_hash = GENESIS
    if span is not None and span[0] > 1:
        async with sessions() as session:
            prev_hash = await session.scalar(select(AuditRow.hash).where(AuditRow.seq == span[0] - 1)) or GENESIS
    walker = _Walker(expected=span[0] if span else 1, prev_hash=prev_hash)
    digest = hashlib.sha256()
    written = 0
    first_seq: int | None = None
    last: StoredEntry | None = None
    partial = out.with_name(f"{out.name}.part")

    with partial.open("wb") as sink:

        def write(rows: list[Row[Any]]) -> None:
            nonlocal written, first_seq, last
            for row in rows:
                stored = _parsed(row)
                if stored is None:  # unreadable JSON: write what the row holds, the walk reports it
                    line = orjson.dumps({c: _plain(row._mapping[c]) for c in row._fields}) + b"\n"
                else:
                    line, last = export_line(stored), stored
                sink.write(line)
                digest.update(line)
                written += 1
                first_seq = int(row.seq) if first_seq is None else first_seq

        if span is not None:
            await _continue_writing(sessions, walker, span, batch_size, write, progress)
        sink.flush()
        os.fsync(sink.fileno())
    partial.replace(out)
    sha = digest.hexdigest()
    sidecar_of(out).write_text(f"{sha}  {out.name}\n", encoding="utf-8")
    return ExportSummary(
        path=out,
        entries=written,
        first_seq=first_seq,
        last_seq=last.seq if last else None,
        last_hash=last.hash if last else None,
        sha256=sha,
        chain=walker.report(),
    )


async def _continue_writing(
    sessions: async_sessionmaker[AsyncSession],
    walker: _Walker,
    span: tuple[int, int],
    batch_size: int,
    write: Callable[[list[Row[Any]]], None],
    progress: Progress | None,
) -> None:
    """Write every row of the span; the walker checks them until the first that does not fit."""
    after: int | None = span[0] - 1
    while True:
        async with sessions() as session:
            rows = await _batch(session, after, span[1], batch_size)
        if not rows:
            return
        if walker.first_bad_seq is None:
            for row in rows:
                if not walker.step(int(row.seq), _parsed(row)):
                    break
        write(rows)
        if progress is not None:
            progress(int(rows[-1].seq) - span[0] + 1)
        after = int(rows[-1].seq)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def verify_export(path: Path, *, anchors: Mapping[int, str] | None = None) -> ChainReport:
    """Check an archive written by :func:`export`: its sidecar digest, then the chain inside it.

    The first entry's ``prev_hash`` is taken as given (the archive may start
    mid-chain); pass an anchor for it to tie the archive to a known point.
    Raises ValueError when the sidecar is missing or does not match the file.
    """
    sidecar = sidecar_of(path)
    if not sidecar.exists():
        raise ValueError(f"{sidecar} is missing: the archive cannot be checked against its digest")
    expected_digest = sidecar.read_text(encoding="utf-8").split(maxsplit=1)[0] if sidecar.stat().st_size else ""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected_digest:
        raise ValueError(f"{path} does not match the digest in {sidecar}: the file was changed after export")
    with path.open("rb") as source:
        return _walk_lines(source, anchors or {})


def _walk_lines(lines: Iterable[bytes], anchors: Mapping[int, str]) -> ChainReport:
    walker: _Walker | None = None
    for number, raw in enumerate(lines, start=1):
        try:
            record = orjson.loads(raw)
            seq = int(record["seq"])
            stored = StoredEntry(
                seq=seq,
                entry=AuditEntry(
                    agency_code=record["agency"],
                    person=record["person"],
                    roles=tuple(record["roles"]),
                    operation=record["operation"],
                    object_ids=tuple(record["objects"]),
                    request_id=record["request_id"],
                    at=datetime.fromisoformat(record["at"]),
                ),
                prev_hash=record["prev_hash"],
                hash=record["hash"],
            )
        except (ValueError, KeyError, TypeError):
            reached = walker.expected if walker else 0
            return ChainReport(
                checked=walker.checked if walker else 0,
                last_seq=reached - 1,
                last_hash=walker.prev_hash if walker else GENESIS,
                first_bad_seq=reached,
                reason=f"line {number} is not an audit entry record",
            )
        if walker is None:
            walker = _Walker(expected=seq, prev_hash=stored.prev_hash, anchors=anchors)
        if not walker.step(seq, stored):
            break
    if walker is None:
        return ChainReport(checked=0, last_seq=0, last_hash=GENESIS)
    return walker.report()
