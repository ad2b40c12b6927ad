"""The committee report use case: gather the figures of a period and lay them out per unit.

API for exports and bench: :class:`ReportSources` and :func:`build_committee_report`.
The GraphQL resolver (``schema``'s ``committeeReport``) checks access first;
this use case does not (the command line and the bench run as the operator).
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.base import EnforcementAdapter, PersonnelAdapter
from adapters.registry import Adapters
from domain.clock import Clock
from domain.coordination import RequestKind
from domain.deadlines import VIETNAM_TZ, DeadlineState, RuleNotFound, local_day
from domain.errors import AgencyBadData, AgencyError, BadInput
from domain.messages import msg
from domain.personnel.alerts import AlertKind, personnel_alerts
from domain.personnel.rules import PersonnelRules
from domain.reports.committee import CommitteeReport, ReportRow, RowKind, roll_up
from domain.reports.figures import (
    CoordinationFigures,
    CourtTransfers,
    Figures,
    PersonnelFigures,
    RequestCounts,
    Source,
    TransferFigures,
)
from domain.reports.indicators import EnforcementFigures
from domain.reports.period import Period, day_range
from domain.reports.targets import EMPTY_TARGETS, ReportTargets, target_year
from domain.transfer_deadlines import DeadlinePolicy, TransferFacts
from domain.types import Agency, AgencyKind, AgencyLevel
from ledger.db import write_transaction
from ledger.report_summary import Deadlines, month_counts, stored_deadlines, write_deadlines
from ledger.reports import (
    CountWindow,
    DecisionFacts,
    ImmediateTransfer,
    RequestCountsRow,
    TransferCounts,
    coordination_counts,
    decision_exceptions,
    immediate_transfers,
    transfer_counts_by_period,
    without_jit,
)

# API for exports and bench


@dataclass(frozen=True, slots=True)
class ReportSources:
    """Everything a report reads: ``ReportSources.of(info.context)`` in a request, ``ReportSources.of(hub)``
    from the lifespan's ``HubState``; without either (the ``lienthong report`` command, the bench),
    from the pieces they are made of::

        sources = ReportSources(
            sessions=state.sessions,
            enforcement=state.adapters.enforcement,
            personnel=state.adapters.personnel,
            agencies=state.agencies,
            deadlines=state.deadlines,
            targets=state.report_targets,          # gateway.policies.load_report_targets(data_dir)
            personnel_rules=state.personnel_rules,
            clock=state.clock,                     # ManualClock(at("2026-06-30 17:00")) in a test
        )
        report = await build_committee_report(sources, province="ha-noi", period=Period.cumulative(2026, 6))

    The report reads ``clock`` once, so all of it is as of one moment.
    """

    sessions: async_sessionmaker[AsyncSession]
    enforcement: EnforcementAdapter
    personnel: PersonnelAdapter
    agencies: Mapping[str, Agency]
    deadlines: DeadlinePolicy
    personnel_rules: PersonnelRules  # data/personnel_rules.toml (gateway.policies.load_personnel_rules)
    clock: Clock
    targets: ReportTargets = EMPTY_TARGETS
    personnel_horizon_days: int = 90

    @classmethod
    def of(cls, hub: HasReportSources) -> ReportSources:
        """The sources a request's context or the running hub's state holds (the same ones)."""
        return cls(
            sessions=hub.sessions,
            enforcement=hub.adapters.enforcement,
            personnel=hub.adapters.personnel,
            agencies=hub.agencies,
            deadlines=hub.deadlines,
            clock=hub.clock,
            targets=hub.report_targets,
            personnel_rules=hub.personnel_rules,
        )


class HasReportSources(Protocol):
    """A request's ``Context`` or the app's ``HubState``: what :meth:`ReportSources.of` reads."""

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def adapters(self) -> Adapters: ...
    @property
    def agencies(self) -> Mapping[str, Agency]: ...
    @property
    def deadlines(self) -> DeadlinePolicy: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def report_targets(self) -> ReportTargets: ...
    @property
    def personnel_rules(self) -> PersonnelRules: ...


async def build_committee_report(sources: ReportSources, *, province: str | None, period: Period) -> CommitteeReport:
    """The report of ``province`` (its enforcement units, one row each) or, with ``None``, the national
    roll-up (one row per province, each the sum of its units). Raises ``BadInput`` for an unknown province.

    Reads: two GROUP BY queries per period (transfers, coordination requests) and
    the few interim/explained decisions; one enforcement statistics call per period
    (this one and the same period a year earlier, concurrently); one personnel
    batch (officers and quotas) for today's alerts. A source that fails leaves its
    figures at zero and is named in ``Figures.missing`` (the report still arrives).
    """
    now = sources.clock.now()
    today = local_day(now)
    on = min(period.end, today)
    units = report_units(sources.agencies, province, on)
    if province is not None and not units:
        raise BadInput(msg("unknown province {province}", province=repr(province)))
    owner = unit_owners(sources.agencies, units)
    offices = None if province is None else frozenset(owner)
    figures, (personnel, pers_missing) = await asyncio.gather(
        _period_figures(sources, units, owner, offices, (period, period.previous_year()), now),
        _personnel_figures(sources, units, today),
    )
    (current, cur_missing), (previous, prev_missing) = figures
    year = target_year(period)
    rows = tuple(
        ReportRow(
            code=u.code,
            name=u.name,
            kind=RowKind.AGENCY,
            province_code=u.province_code,
            current=replace(
                current.get(u.code, Figures()),
                personnel=personnel.get(u.code, PersonnelFigures()),
                missing=cur_missing | pers_missing,
            ),
            previous=replace(previous.get(u.code, Figures()), missing=prev_missing),
            target=sources.targets.for_unit(year, province_code=u.province_code, agency_code=u.code),
        )
        for u in units
    )
    if province is None:
        by_province: dict[str, list[ReportRow]] = {}
        for row in rows:
            by_province.setdefault(row.province_code or "", []).append(row)
        rows = tuple(
            roll_up(
                by_province[code],
                code=code,
                name=province_name(sources.agencies, code),
                kind=RowKind.PROVINCE,
                target=sources.targets.for_unit(year, province_code=code),
            )
            for code in sorted(by_province)
        )
    return CommitteeReport(
        scope=province,
        scope_name=NATIONAL_NAME if province is None else province_name(sources.agencies, province),
        period=period,
        rows=rows,
        target=sources.targets.for_unit(year, province_code=province),
        generated_at=now,
    )


NATIONAL_NAME = "Toàn quốc"
DUE_WINDOW_DAYS = 366  # due tables reach this far before the period; anything older is late (ledger/reports.py)
REPORT_LEVELS = frozenset({AgencyLevel.PROVINCIAL, AgencyLevel.AREA})


def report_units(agencies: Mapping[str, Agency], province: str | None, on: date) -> list[Agency]:
    """The enforcement units a report has a row for: provincial agencies and area offices existing ``on``."""
    return sorted(
        (
            a
            for a in agencies.values()
            if a.kind is AgencyKind.ENFORCEMENT
            and a.level in REPORT_LEVELS
            and a.is_active(on)
            and a.province_code is not None
            and (province is None or a.province_code == province)
        ),
        key=lambda a: (a.province_code or "", a.level != AgencyLevel.PROVINCIAL, a.area_number or 0, a.code),
    )


def unit_owners(agencies: Mapping[str, Agency], units: Sequence[Agency]) -> dict[str, str]:
    """Every enforcement agency code whose records count in a row → that row's unit (successors followed)."""
    rows = {u.code for u in units}
    owners: dict[str, str] = {}
    for code, agency in agencies.items():
        if agency.kind is not AgencyKind.ENFORCEMENT:
            continue
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in rows and current not in seen:
            seen.add(current)
            successor = agencies.get(current)
            current = successor.successor_code if successor is not None else None
        if current in rows:
            owners[code] = current
    return owners


def province_name(agencies: Mapping[str, Agency], province: str) -> str:
    """The province's name, from its provincial enforcement agency's (or its code)."""
    return next(
        (
            a.name
            for a in agencies.values()
            if a.province_code == province
            and a.kind is AgencyKind.ENFORCEMENT
            and a.level is AgencyLevel.PROVINCIAL
            and a.valid_to is None
        ),
        province,
    )


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first instant and the instant after its last day, in UTC (days are Vietnamese days)."""
    start = datetime.combine(period.start, time(0), VIETNAM_TZ).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), VIETNAM_TZ).astimezone(UTC)
    return start, end


def _transfer_due(policy: DeadlinePolicy, first: date, last: date) -> dict[tuple[date, bool], datetime]:
    """The first late instant of a court's transfer, per legal-effect day and interim flag."""
    due: dict[tuple[date, bool], datetime] = {}
    for day in day_range(first, last):
        for interim in (False, True):
            try:
                moment = policy.rules.due(
                    "court_transfer_interim" if interim else "court_transfer", day, policy.calendar
                )
            except RuleNotFound:
                continue
            due[(day, interim)] = _after(moment)
    return due


def _after(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC) + timedelta(microseconds=1)
    return datetime.combine(moment + timedelta(days=1), time(0), VIETNAM_TZ).astimezone(UTC)


def _decision_due(policy: DeadlinePolicy, first: date, last: date) -> dict[date, date]:
    """The last day an ex-officio decision is on time, per day of receipt."""
    due: dict[date, date] = {}
    for day in day_range(first, last):
        try:
            moment = policy.rules.due("decision_ex_officio", day, policy.calendar)
        except RuleNotFound:
            continue
        due[day] = local_day(moment)
    return due


async def _period_figures(
    sources: ReportSources,
    units: Sequence[Agency],
    owner: Mapping[str, str],
    offices: Collection[str] | None,
    periods: Sequence[Period],
    now: datetime,
) -> list[tuple[dict[str, Figures], frozenset[Source]]]:
    """Each unit's transfers, coordination and enforcement figures over each of ``periods``, and the sources
    that failed: the ledger's in one session (one scan of the transfers for all periods), one enforcement
    statistics call per period, all concurrently."""
    ledger, enforcement = await asyncio.gather(
        _ledger_figures(sources, owner, offices, periods, now),
        asyncio.gather(*(_enforcement_figures(sources, units, period) for period in periods), return_exceptions=True),
    )
    out = []
    for (transfers, coordination), answer in zip(ledger, enforcement, strict=True):
        missing: set[Source] = set()
        if isinstance(answer, AgencyError):
            missing.add(Source.ENFORCEMENT)
            answer = {}
        elif isinstance(answer, BaseException):
            raise answer
        figures = {
            u.code: Figures(
                transfers=transfers.get(u.code, TransferFigures()),
                enforcement=answer.get(u.code, EnforcementFigures()),
                coordination=coordination.get(u.code, CoordinationFigures()),
            )
            for u in units
        }
        out.append((figures, frozenset(missing)))
    return out


async def _enforcement_figures(
    sources: ReportSources, units: Sequence[Agency], period: Period
) -> Mapping[str, EnforcementFigures]:
    return await sources.enforcement.statistics([u.code for u in units], period.start, period.end)


async def _ledger_figures(
    sources: ReportSources,
    owner: Mapping[str, str],
    offices: Collection[str] | None,
    periods: Sequence[Period],
    now: datetime,
) -> list[tuple[dict[str, TransferFigures], dict[str, CoordinationFigures]]]:
    policy = sources.deadlines
    windows = [period.start - timedelta(days=DUE_WINDOW_DAYS) for period in periods]
    first, last = min(windows), max(period.end for period in periods)
    bounds = [_bounds(period) for period in periods]
    transfer_due, decision_due = _transfer_due(policy, first, last), _decision_due(policy, first, last)
    deadlines = _deadline_rows(transfer_due, decision_due, first, last)
    summarised = [_summary_answers(period, window, deadlines) for period, window in zip(periods, windows, strict=True)]
    if any(summarised):
        await _store_deadlines(sources.sessions, deadlines)
    scanned = [i for i, use in enumerate(summarised) if not use]
    all_counts: list[list[TransferCounts]] = [[] for _ in periods]
    async with sources.sessions() as session:
        await without_jit(session)
        for i, period in enumerate(periods):
            if summarised[i]:
                all_counts[i] = await month_counts(
                    session, first_month=period.start, last_month=period.end, offices=offices
                )
        if scanned:
            counted = await transfer_counts_by_period(
                session,
                periods=[
                    CountWindow(
                        start=bounds[i][0],
                        end=bounds[i][1],
                        first_day=periods[i].start,
                        last_day=periods[i].end,
                        window_start=datetime.combine(windows[i], time(0), VIETNAM_TZ).astimezone(UTC),
                    )
                    for i in scanned
                ],
                transfer_due=transfer_due,
                decision_due=decision_due,
                offices=offices,
            )
            for i, counts in zip(scanned, counted, strict=True):
                all_counts[i] = counts
        fetched = []
        for period, (start, end) in zip(periods, bounds, strict=True):
            exceptions = await decision_exceptions(
                session, first_day=period.start, last_day=period.end, offices=offices
            )
            immediate = await immediate_transfers(session, start=start, end=end, offices=offices)
            requests = await coordination_counts(
                session, start=start, end=end, cut=min(end, now), agencies=None if offices is None else owner
            )
            fetched.append((exceptions, immediate, requests))
    out = []
    for counts, (exceptions, immediate, requests) in zip(all_counts, fetched, strict=True):
        transfers = _transfers_by_unit(sources, owner, counts, exceptions, now)
        for unit, figures in _immediate_by_unit(sources, owner, immediate, now).items():
            transfers[unit] = transfers.get(unit, TransferFigures()) + figures
        out.append((transfers, _coordination_by_unit(owner, requests)))
    return out


MAX_DEADLINE = timedelta(days=365)  # the summary's lateness holds for deadlines shorter than a year


def _deadline_rows(
    transfer_due: Mapping[tuple[date, bool], datetime], decision_due: Mapping[date, date], first: date, last: date
) -> dict[date, Deadlines]:
    """The rows of ``report_deadlines`` for days ``first`` .. ``last``: what the due tables say, a deadline of a
    year or more as none (the summary could not tell it from the window rule; the report then scans)."""
    rows: dict[date, Deadlines] = {}
    for day in day_range(first, last):
        limit = datetime.combine(day + MAX_DEADLINE + timedelta(days=1), time(0), VIETNAM_TZ)
        transfer, interim, decision = (
            transfer_due.get((day, False)),
            transfer_due.get((day, True)),
            decision_due.get(day),
        )
        rows[day] = (
            transfer if transfer is not None and transfer <= limit else None,
            interim if interim is not None and interim <= limit else None,
            decision if decision is not None and decision <= day + MAX_DEADLINE else None,
        )
    return rows


def _summary_answers(period: Period, window: date, deadlines: Mapping[date, Deadlines]) -> bool:
    """Whether the monthly summary gives this period's transfer counts exactly as the scan would: the period is
    whole months, and every rule is in force (and shorter than a year) on every day from its window to its end
    (``ledger/report_summary.py`` says why that is enough)."""
    whole_months = period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
    return whole_months and all(
        None not in deadlines.get(day, (None, None, None)) for day in day_range(window, period.end)
    )


async def _store_deadlines(sessions: async_sessionmaker[AsyncSession], deadlines: Mapping[date, Deadlines]) -> bool:
    """Make ``report_deadlines`` say ``deadlines`` for their days; if it did not, recount the summary against
    them (once after a change of the rule book or the calendar; seconds over a million transfers).
    Returns whether it had to."""
    first, last = min(deadlines), max(deadlines)
    async with sessions() as session:
        if await stored_deadlines(session, first, last) == deadlines:
            return False
    async with write_transaction(sessions) as session:
        if await stored_deadlines(session, first, last) == deadlines:  # another report did it meanwhile
            return False
        await write_deadlines(session, deadlines)
    return True


async def rebuild_report_summary(
    sessions: async_sessionmaker[AsyncSession], deadlines: DeadlinePolicy, periods: Sequence[Period]
) -> None:
    """Store the deadlines of ``periods``' days and recount the summary, changed or not (after a bulk load
    that bypassed the triggers)."""
    first = min(p.start for p in periods) - timedelta(days=DUE_WINDOW_DAYS)
    last = max(p.end for p in periods)
    rows = _deadline_rows(_transfer_due(deadlines, first, last), _decision_due(deadlines, first, last), first, last)
    async with write_transaction(sessions) as session:
        await write_deadlines(session, rows)


def _transfers_by_unit(
    sources: ReportSources,
    owner: Mapping[str, str],
    counts: Sequence[TransferCounts],
    exceptions: Sequence[DecisionFacts],
    now: datetime,
) -> dict[str, TransferFigures]:
    """Each unit's figures: the counts of its offices (and their predecessors) and the exceptions' decisions.

    Summed as plain integers and built once per unit (thousands of rows; adding figures row by row
    cost a third of the report's Python time).
    """
    totals: dict[str, list[int]] = {}
    courts: dict[str, dict[str, list[int]]] = {}
    for c in counts:
        unit = owner.get(c.office_code)
        if unit is None:
            continue
        figures = (
            c.transferred,
            c.on_time,
            c.late,
            c.acknowledged,
            c.returned,
            c.decided,
            c.decided_on_time,
            c.decided_late,
        )
        total = totals.setdefault(unit, [0] * 8)
        for k, v in enumerate(figures):
            total[k] += v
        if c.transferred:
            court = courts.setdefault(unit, {}).setdefault(c.court_code, [0, 0, 0])
            court[0] += c.transferred
            court[1] += c.on_time
            court[2] += c.late
    for e in exceptions:
        unit = owner.get(e.office_code)
        if unit is None:
            continue
        facts = TransferFacts(
            effective_on=e.effective_on,
            received_at=e.received_at,
            interim_measure=e.interim_measure,
            has_ex_officio=e.has_ex_officio,
            decision_date=e.decision_date,
            decided_at=e.decided_at,
            explained_at=e.explained_at,
            bankruptcy=e.bankruptcy,
        )
        decision = sources.deadlines.for_decision(facts, now)
        if (
            decision is not None
            and decision.key in DECISION_RULES
            and decision.state in (DeadlineState.MET, DeadlineState.MET_LATE)
        ):
            total = totals.setdefault(unit, [0] * 8)
            total[7 if decision.state is DeadlineState.MET_LATE else 6] += 1
    out: dict[str, TransferFigures] = {}
    for unit, total in totals.items():
        by_court = tuple(
            CourtTransfers(code, _court_name(sources, code), *figures)
            for code, figures in sorted(courts.get(unit, {}).items())
        )
        transferred, on_time, late, acknowledged, returned, decided, decided_on_time, decided_late = total
        out[unit] = TransferFigures(
            transferred, on_time, late, acknowledged, returned, decided, decided_on_time, decided_late, by_court
        )
    return out


def _court_name(sources: ReportSources, code: str) -> str:
    court = sources.agencies.get(code)
    return court.name if court else code


DECISION_RULES = frozenset({"decision_interim", "decision_bankruptcy", "resume_after_explanation"})


def _immediate_by_unit(
    sources: ReportSources, owner: Mapping[str, str], transfers: Sequence[ImmediateTransfer], now: datetime
) -> dict[str, TransferFigures]:
    """On time or late against ``court_transfer_immediate`` (15 days from the judgment's date, Art. 28(2)).

    The SQL counts leave these transfers out of on time and late (they count them as transferred only).
    """
    out: dict[str, TransferFigures] = {}
    for t in transfers:
        unit = owner.get(t.office_code)
        if unit is None:
            continue
        facts = TransferFacts(
            effective_on=t.effective_on,
            received_at=t.received_at,
            interim_measure=False,
            has_ex_officio=False,
            enforced_immediately=True,
            judgment_date=t.adjudicated_on,
        )
        deadline = next(
            (d for d in sources.deadlines.for_transfer(facts, now) if d.key == "court_transfer_immediate"), None
        )
        if deadline is None or deadline.state not in (DeadlineState.MET, DeadlineState.MET_LATE):
            continue  # no rule in force on the judgment's date: unassessed, like the others
        late = int(deadline.state is DeadlineState.MET_LATE)
        court = sources.agencies.get(t.court_code)
        name = court.name if court else t.court_code
        figures = TransferFigures(
            on_time=1 - late, late=late, by_court=(CourtTransfers(t.court_code, name, 0, 1 - late, late),)
        )
        out[unit] = out.get(unit, TransferFigures()) + figures
    return out


def _coordination_by_unit(owner: Mapping[str, str], rows: Sequence[RequestCountsRow]) -> dict[str, CoordinationFigures]:
    """A request counts for the addressee's unit if it is one of the report's, else for the sender's.

    Summed in place, without a tuple and a loop per row (≈ 20 000 rows per period in a national report).
    """
    counts: dict[str, dict[RequestKind, list[int]]] = {}
    of = owner.get
    for r in rows:
        unit = of(r.addressee_code) or of(r.sender_code)
        if unit is None:
            continue
        by_kind = counts.get(unit)
        if by_kind is None:
            by_kind = counts[unit] = {}
        kind = by_kind.get(r.kind)
        if kind is None:
            by_kind[r.kind] = [r.opened, r.answered, r.answered_late, r.open, r.overdue]
            continue
        kind[0] += r.opened
        kind[1] += r.answered
        kind[2] += r.answered_late
        kind[3] += r.open
        kind[4] += r.overdue
    return {
        unit: CoordinationFigures.of(RequestCounts(kind, *figures) for kind, figures in by_kind.items())
        for unit, by_kind in counts.items()
    }


async def _personnel_figures(
    sources: ReportSources, units: Sequence[Agency], today: date
) -> tuple[dict[str, PersonnelFigures], frozenset[Source]]:
    """Alerts per unit as of today, from one batch of officers and one of quotas."""
    codes = [u.code for u in units]
    try:
        staff, quotas = await asyncio.gather(
            sources.personnel.fetch_many(codes), sources.personnel.staffing_units(codes)
        )
    except AgencyError:
        return {}, frozenset({Source.PERSONNEL})
    out: dict[str, PersonnelFigures] = {}
    failed = False
    for unit, officers, quota in zip(units, staff, quotas, strict=True):
        if isinstance(officers, (AgencyError, AgencyBadData)) or isinstance(quota, AgencyError):
            failed = True
            continue
        if quota is None and not officers:
            continue  # no personnel system keeps this unit
        alerts = personnel_alerts(
            quota,
            officers,
            level=unit.level,
            as_of=today,
            horizon_days=sources.personnel_horizon_days,
            rules=sources.personnel_rules,
            agency_code=unit.code,
            kind=unit.kind,
        )
        by_kind: dict[AlertKind, int] = {}
        for alert in alerts:
            by_kind[alert.kind] = by_kind.get(alert.kind, 0) + 1
        out[unit.code] = PersonnelFigures(
            alerts=len(alerts),
            overdue=sum(a.due_on < today for a in alerts),
            by_kind=tuple((k, by_kind[k]) for k in AlertKind if k in by_kind),
        )
    return out, frozenset({Source.PERSONNEL}) if failed else frozenset()
