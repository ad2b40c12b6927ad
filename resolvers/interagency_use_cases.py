"""Interagency statistics use cases: read, close, counter-sign, dispute (rules: ``domain/interagency.py``).

Who acts (``domain/policy.py`` names the roles; here, which agency):

- the *provincial* enforcement agency of the province closes (and closes again after a dispute);
- the *provincial* procuracy of the same province counter-signs or disputes;
- any enforcement agency, procuracy or steering committee of the province, and the ministry, read.

Another province's statistics are FORBIDDEN (as ``committeeReport``); an agency of the province that
is not the signatory gets a ``NOT_SIGNATORY`` user error. Every step is signed with the hub's receipt
key and written to the audit trail in the same transaction as the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from domain.canonical import canonical_json, sha256_hex
from domain.coordination import DraftError
from domain.deadlines import VIETNAM_TZ, local_day
from domain.errors import BadInput
from domain.interagency import (
    MAX_NOTE,
    Deadline,
    RowNote,
    Snapshot,
    Status,
    Step,
    TransitionError,
    check_notes,
    closes_on,
    countersign_due,
    deadline,
    form_rows,
    reconcile,
    statistics_id,
    step_statement,
    transition,
)
from domain.messages import Text, joined, msg
from domain.policy import Denied, Reach, require
from domain.reports.figures import Source
from domain.reports.period import Period
from domain.types import Agency, AgencyKind, AgencyLevel
from ledger.audit import record
from ledger.db import write_transaction
from ledger.interagency import InteragencyLedger, NewStep, StatisticsRecord, StepRecord, transfer_facts
from resolvers.context import Context
from resolvers.reports import ReportSources, build_committee_report, province_name

READ = "interagencyStatistics"
CLOSE = "closeInteragencyStatistics"
COUNTERSIGN = "countersignInteragencyStatistics"
DISPUTE = "disputeInteragencyStatistics"
SIGNATORY = {
    Step.CLOSE: AgencyKind.ENFORCEMENT,
    Step.COUNTERSIGN: AgencyKind.PROCURACY,
    Step.DISPUTE: AgencyKind.PROCURACY,
}
OPERATION = {Step.CLOSE: CLOSE, Step.COUNTERSIGN: COUNTERSIGN, Step.DISPUTE: DISPUTE}


@dataclass(frozen=True, slots=True)
class StatisticsView:
    """What ``interagencyStatistics`` shows: the closed snapshot, or (DRAFT) the live figures."""

    id: str
    province: str
    province_name: str
    period: Period
    status: Status
    version: int
    snapshot: Snapshot
    snapshot_sha256: str | None
    closed_at: datetime | None
    countersign_due_on: date | None
    deadline: Deadline
    steps: tuple[StepRecord, ...]


def _error(field: str | None, code: str, message: Text) -> list[DraftError]:
    return [DraftError(field or "", code, message)]


def _known_province(ctx: Context, province: str) -> None:
    if not any(a.province_code == province for a in ctx.agencies.values()):
        raise BadInput(msg("unknown province {province}", province=repr(province)))


def _own_agency(ctx: Context) -> Agency | None:
    return ctx.agencies.get(ctx.principal.agency_code)


def require_province(ctx: Context, operation: str, province: str) -> None:
    """FORBIDDEN unless the operation is open to the principal and ``province`` is its agency's (or its reach is ALL)."""
    _known_province(ctx, province)
    if require(ctx.principal, operation) is Reach.ALL:
        return
    own = _own_agency(ctx)
    if own is None or own.province_code != province:
        raise Denied(msg("interagency statistics are read and signed by the agencies of their own province only"))


def _signatory_error(ctx: Context, step: Step) -> list[DraftError]:
    own = _own_agency(ctx)
    kind = SIGNATORY[step]
    if own is None or own.kind is not kind or own.level is not AgencyLevel.PROVINCIAL:
        who = (
            msg("the provincial enforcement agency")
            if kind is AgencyKind.ENFORCEMENT
            else msg("the provincial procuracy")
        )
        return _error(
            None,
            "NOT_SIGNATORY",
            msg("only {who} of the province may {step} these statistics", who=who, step=step.value),
        )
    return []


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, time(0), VIETNAM_TZ)
    end = datetime.combine(period.end + timedelta(days=1), time(0), VIETNAM_TZ)
    return start, end


async def live_snapshot(ctx: Context, province: str, period: Period) -> tuple[Snapshot, frozenset[Source]]:
    """The forms from the committee report's totals and the reconciliation from the transfer ledger, now."""
    report = await build_committee_report(ReportSources.of(ctx), province=province, period=period)
    rows = form_rows(report.totals.current)
    codes = {a.code for a in ctx.agencies.values() if a.kind is AgencyKind.ENFORCEMENT and a.province_code == province}
    start, end = _utc_bounds(period)
    async with ctx.sessions() as session:
        facts = await transfer_facts(session, codes, start, end)
    missing = report.totals.current.missing & {Source.ENFORCEMENT, Source.LEDGER}
    return Snapshot(rows, reconcile(period, facts)), frozenset(missing)


def _answered_on(steps: tuple[StepRecord, ...]) -> datetime | None:
    answers = [s.at for s in steps if s.step in (Step.COUNTERSIGN, Step.DISPUTE)]
    return answers[-1] if answers else None


async def read_statistics(ctx: Context, province: str, period: Period) -> StatisticsView:
    """The statistics of ``province`` for ``period`` (access checked by the caller)."""
    record_id = statistics_id(province, period)
    async with ctx.sessions() as session:
        ledger = InteragencyLedger(session)
        found = await ledger.get(record_id)
        steps = tuple(await ledger.steps(record_id)) if found else ()
    today = local_day(ctx.clock.now())
    calendar = ctx.deadlines.calendar
    if found is None:
        snapshot, _ = await live_snapshot(ctx, province, period)
        return StatisticsView(
            record_id,
            province,
            province_name(ctx.agencies, province),
            period,
            Status.DRAFT,
            0,
            snapshot,
            None,
            None,
            None,
            deadline(calendar, Status.DRAFT, period, None, today),
            (),
        )
    answered = _answered_on(steps)
    return StatisticsView(
        record_id,
        province,
        province_name(ctx.agencies, province),
        period,
        found.status,
        found.version,
        found.snapshot,
        found.snapshot_sha256,
        found.closed_at,
        found.countersign_due_on,
        deadline(
            calendar,
            found.status,
            period,
            found.countersign_due_on,
            today,
            local_day(answered) if answered else None,
        ),
        steps,
    )


async def close_statistics(
    ctx: Context, province: str, period: Period, note: str | None
) -> tuple[StatisticsView | None, list[DraftError]]:
    """The provincial enforcement agency closes (first time, or corrected after a dispute)."""
    require_province(ctx, CLOSE, province)
    if errors := _signatory_error(ctx, Step.CLOSE):
        return None, errors
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        return None, _error("note", "INVALID", msg("a note of at most {limit} characters", limit=MAX_NOTE))
    now = ctx.clock.now()
    today = local_day(now)
    if today < closes_on(period):
        return None, _error(
            "period",
            "PERIOD_NOT_ENDED",
            msg("the figures are closed from {day}, the day after", day=f"{closes_on(period):%d/%m/%Y}"),
        )
    snapshot, missing = await live_snapshot(ctx, province, period)
    if missing:
        names = ", ".join(sorted(s.value for s in missing))
        return None, _error(
            None, "SOURCE_UNAVAILABLE", msg("cannot close while {sources} did not answer", sources=names)
        )
    body = canonical_json(snapshot.to_json())
    digest = sha256_hex(body)
    due = countersign_due(ctx.deadlines.rules, ctx.deadlines.calendar, today)
    record_id = statistics_id(province, period)
    p = ctx.principal
    try:
        async with write_transaction(ctx.sessions) as session:
            ledger = InteragencyLedger(session)
            current = await ledger.get(record_id, for_update=True)
            status = current.status if current else Status.DRAFT
            try:
                after = transition(status, Step.CLOSE)
            except TransitionError as exc:
                return None, _error(None, "INVALID_TRANSITION", exc.message)
            if current is not None and not text:
                return None, _error(
                    "note", "NOTE_REQUIRED", msg("say what was corrected after the procuracy's dispute")
                )
            version = current.version + 1 if current else 1
            statement, signature = ctx.receipts.sign(
                step_statement(
                    record_id=record_id,
                    province=province,
                    period=period,
                    version=version,
                    step=Step.CLOSE,
                    status=after,
                    at=now,
                    agency_code=p.agency_code,
                    person=p.person,
                    figures_sha256=digest,
                    countersign_due_on=due,
                    note=text or None,
                    notes=(),
                    hub_key_id=ctx.receipts.key_id,
                )
            )
            await ledger.save(
                record_id=record_id,
                province_code=province,
                statistical_year=period.statistical_year or 0,
                months=period.months or 0,
                status=after,
                version=version,
                snapshot_json=body,
                snapshot_sha256=digest,
                closed_at=now,
                countersign_due_on=due,
                at=now,
            )
            await ledger.add_step(
                record_id,
                NewStep(
                    Step.CLOSE,
                    after,
                    version,
                    now,
                    p.agency_code,
                    p.person,
                    text or None,
                    (),
                    statement,
                    signature,
                    ctx.receipts.key_id,
                ),
            )
            await record(session, ctx.audit_entry(CLOSE, [record_id], now))
    except IntegrityError:
        return None, _error(None, "CONFLICT", msg("the statistics were closed at the same moment by another request"))
    return await read_statistics(ctx, province, period), []


async def answer_statistics(
    ctx: Context, province: str, period: Period, step: Step, notes: tuple[RowNote, ...]
) -> tuple[StatisticsView | None, list[DraftError]]:
    """The provincial procuracy counter-signs (``notes`` empty) or disputes (a note per row)."""
    operation = OPERATION[step]
    require_province(ctx, operation, province)
    if errors := _signatory_error(ctx, step):
        return None, errors
    now = ctx.clock.now()
    record_id = statistics_id(province, period)
    p = ctx.principal
    async with write_transaction(ctx.sessions) as session:
        ledger = InteragencyLedger(session)
        current: StatisticsRecord | None = await ledger.get(record_id, for_update=True)
        try:
            after = transition(current.status if current else Status.DRAFT, step)
        except TransitionError as exc:
            return None, _error(None, "INVALID_TRANSITION", exc.message)
        assert current is not None  # only CLOSED statistics are answered
        if step is Step.DISPUTE and (problems := check_notes(notes, current.snapshot.rows)):
            return None, _error("notes", "INVALID", joined(problems))
        statement, signature = ctx.receipts.sign(
            step_statement(
                record_id=record_id,
                province=province,
                period=period,
                version=current.version,
                step=step,
                status=after,
                at=now,
                agency_code=p.agency_code,
                person=p.person,
                figures_sha256=current.snapshot_sha256,
                countersign_due_on=current.countersign_due_on,
                note=None,
                notes=notes,
                hub_key_id=ctx.receipts.key_id,
            )
        )
        await ledger.set_status(record_id, after, now)
        await ledger.add_step(
            record_id,
            NewStep(
                step,
                after,
                current.version,
                now,
                p.agency_code,
                p.person,
                None,
                notes,
                statement,
                signature,
                ctx.receipts.key_id,
            ),
        )
        await record(session, ctx.audit_entry(operation, [record_id], now))
    return await read_statistics(ctx, province, period), []
