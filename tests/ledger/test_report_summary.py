"""The committee report's monthly summary (ledger/report_summary.py, migration 0013) stays equal to a recount.

A seeded, varied series of writes on both databases — submissions from several courts (interim
measures, bankruptcy decisions, judgments enforced immediately, some without ex-officio
obligations), acknowledgements, returns, explanations, reroutes to another office, decisions, a
direct UPDATE as an operator would make it and a deletion — before and after the first report stores
the deadlines. After it, the summary the triggers kept equals a recount from the transfers, and the
report from the summary equals the report from the scan of the transfers, for whole-month periods
national and per province; also after the calendar changes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import resolvers.reports as report_use_case
from domain.clock import ManualClock
from domain.jurisdiction import route_judgment
from domain.reports.period import Period
from domain.signatures import public_key_b64
from domain.transfer_deadlines import DeadlinePolicy
from domain.types import Agency
from domain.workdays import WorkingCalendar
from gateway.policies import load_deadline_policy, load_personnel_rules
from ledger.db import write_transaction
from ledger.keys import CourtKeys
from ledger.models import MONTH_COUNTS, TransferEventRow, TransferRow
from ledger.reference import load_organisation
from ledger.report_summary import recount, stored
from ledger.transfers import ReturnReason, TransferLedger, new_transfer_id
from resolvers.reports import ReportSources, build_committee_report
from tests.ledger.test_report_aggregates import Enforcement, Personnel
from tests.support.court_client import sample_submission

DATA = Path(__file__).resolve().parents[2] / "data"
ICT = timezone(timedelta(hours=7))
COURTS = ("court.ha-noi.kv01", "court.ha-noi.kv02", "court.ha-noi", "court.hue.kv01", "court.old.ha-noi.h01")
NOW = datetime(2026, 3, 20, 16, 0, tzinfo=ICT)
Sessions = async_sessionmaker[AsyncSession]
PERIODS = (
    Period.cumulative(2026, 6),  # Oct 2025 – Mar 2026, and the year before
    Period.cumulative(2026, 4),
    Period.between(date(2026, 2, 1), date(2026, 2, 28)),
    Period.between(date(2025, 11, 1), date(2026, 1, 31)),
)


@pytest.fixture
def migrated_db_url(organised_db_url: str) -> str:
    """Every database here starts with the whole reference organisation (tests/fixtures/databases.py)."""
    return organised_db_url


def sources(sessions: Sessions, agencies: Mapping[str, Agency], policy: DeadlinePolicy | None = None) -> ReportSources:
    return ReportSources(
        sessions=sessions,
        enforcement=Enforcement(),
        personnel=Personnel(),
        agencies=agencies,
        deadlines=policy or load_deadline_policy(DATA),
        personnel_rules=load_personnel_rules(DATA),
        clock=ManualClock(NOW),
    )


def _office_time(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(7 + rng.randrange(10), rng.randrange(60)), ICT)


async def _writes(sessions: Sessions, agencies: Mapping[str, Agency], rng: random.Random, serials: range) -> None:
    """Submissions and what follows them, in one transaction each, as the use cases make them."""
    async with write_transaction(sessions) as session:
        keys = {
            court: (await CourtKeys(session).add(court, public_key_b64(Ed25519PrivateKey.generate().public_key()), NOW))
            for court in COURTS
        }
    for serial in serials:
        court = rng.choice(COURTS)
        effective = date(2024, 9, 1) + timedelta(days=rng.randrange(560))  # Sep 2024 – Mar 2026
        received = _office_time(
            min(effective + timedelta(days=rng.choice((0, 3, 20, 29, 31, 45, 400))), NOW.date()), rng
        )
        received = min(received, NOW)
        submission = sample_submission(court, serial=serial, effective_on=effective)
        draw = rng.random()
        if draw < 0.1:
            submission = replace(submission, interim_measure=True)
        elif draw < 0.15:
            submission = replace(submission, bankruptcy=True)
        elif draw < 0.2:
            submission = replace(submission, adjudicated_on=effective - timedelta(days=10), enforced_immediately=True)
        elif draw < 0.3:
            submission = replace(submission, obligations=tuple(o for o in submission.obligations if not o.ex_officio))
        async with write_transaction(sessions) as session:
            ledger = TransferLedger(session)
            transfer, _ = await ledger.create(
                transfer_id=new_transfer_id(),
                submission=submission,
                route=route_judgment(court, agencies),
                key_id=keys[court].key_id,
                signature="-",
                receipt={"hubKeyId": "-"},
                receipt_json="{}",
                receipt_signature="-",
                received_at=received,
            )
            at = received
            fate = rng.random()
            if fate < 0.08:  # not competent: rerouted to another province's office
                other = rng.choice(
                    [c for c in COURTS if route_judgment(c, agencies) != route_judgment(court, agencies)]
                )
                at += timedelta(days=rng.randrange(1, 5))
                transfer, _ = await ledger.reroute(transfer.id, route_judgment(other, agencies), "sai thẩm quyền", at)
            if fate < 0.2 and at < NOW - timedelta(days=10):
                at += timedelta(days=rng.randrange(1, 5))
                await ledger.return_to_court(transfer.id, ReturnReason.UNCLEAR, "chưa rõ", at)
                if rng.random() < 0.5:
                    at += timedelta(days=rng.randrange(1, 12))
                    await ledger.resume_after_explanation(transfer.id, at)
                else:
                    continue
            if rng.random() < 0.8 and at < NOW - timedelta(days=2):
                at += timedelta(days=rng.randrange(0, 3), hours=1)
                await ledger.acknowledge(transfer.id, at)
                if rng.random() < 0.75:
                    issued = (at + timedelta(hours=7)).date() + timedelta(days=rng.choice((0, 2, 5, 7, 9, 16)))
                    if issued <= NOW.date():
                        decided_at = datetime.combine(issued, time(15), ICT)
                        await ledger.record_decision(
                            transfer.id,
                            number=f"{serial}/QĐ-THADS",
                            issued_on=issued,
                            kind="EX_OFFICIO",
                            officer="Trần Văn Bình",
                            at=decided_at,
                        )


async def _operator_fixes(sessions: Sessions, rng: random.Random) -> None:
    """Writes that bypass the ledger's methods: a decision date corrected by hand (to a day after the receipt, as
    the use case would insist), a transfer removed."""
    corrected = datetime(2026, 2, 27, tzinfo=ICT)
    async with write_transaction(sessions) as session:
        ids = list((await session.scalars(select(TransferRow.id).order_by(TransferRow.received_at))).all())
        received_before = list(
            (await session.scalars(select(TransferRow.id).where(TransferRow.received_at < corrected))).all()
        )
        for transfer_id in rng.sample(sorted(received_before), 4):
            await session.execute(
                update(TransferRow).where(TransferRow.id == transfer_id).values(decision_date=corrected.date())
            )
        gone = rng.choice(ids)
        await session.execute(delete(TransferEventRow).where(TransferEventRow.transfer_id == gone))
        await session.execute(delete(TransferRow).where(TransferRow.id == gone))


async def _figures(report_sources: ReportSources, period: Period, province: str | None) -> list[object]:
    report = await build_committee_report(report_sources, province=province, period=period)
    return [(r.code, r.current.transfers, r.previous.transfers) for r in report.rows]


async def _assert_the_summary_is_a_recount(sessions: Sessions, *, measured: bool = True) -> None:
    async with sessions() as session:
        kept, counted = await stored(session), await recount(session)
    assert kept == counted
    totals = [sum(figures[i] for figures in kept.values()) for i in range(len(MONTH_COUNTS))]
    if measured:  # every figure occurs: transferred, on time, late, ..., decided late
        assert all(totals), dict(zip(MONTH_COUNTS, totals, strict=True))


async def _assert_summary_and_scan_agree(monkeypatch: pytest.MonkeyPatch, report_sources: ReportSources) -> None:
    used: list[bool] = []
    real = report_use_case._summary_answers

    def spy(*args: Any, **kwargs: Any) -> bool:
        used.append(real(*args, **kwargs))
        return used[-1]

    for period in PERIODS:
        for province in (None, "ha-noi", "hue"):
            with monkeypatch.context() as m:
                m.setattr(report_use_case, "_summary_answers", spy)
                from_summary = await _figures(report_sources, period, province)
            with monkeypatch.context() as m:
                m.setattr(report_use_case, "_summary_answers", lambda *args, **kwargs: False)
                from_scan = await _figures(report_sources, period, province)
            assert from_summary == from_scan, (period, province)
    assert all(used)  # every period here is read from the summary


async def test_the_summary_kept_by_the_writes_equals_a_recount_and_gives_the_scans_report(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    agencies = {a.code: a for a in load_organisation(DATA)}
    rng = random.Random(17)
    await _writes(sessions, agencies, rng, range(1, 61))
    await _assert_the_summary_is_a_recount(sessions, measured=False)  # no deadline stored yet: not measured

    await _figures(sources(sessions, agencies), PERIODS[0], None)  # the first report stores the deadlines
    await _writes(sessions, agencies, rng, range(61, 141))
    await _operator_fixes(sessions, rng)
    await _assert_the_summary_is_a_recount(sessions)
    await _assert_summary_and_scan_agree(monkeypatch, sources(sessions, agencies))

    # the government announces a day off: the deadlines move, the next report recounts the summary against them
    policy = load_deadline_policy(DATA)
    day_off = WorkingCalendar(extra_days_off={date(2026, 2, 9): "nghỉ bù"})
    changed = sources(sessions, agencies, DeadlinePolicy(policy.rules, day_off))
    await _assert_summary_and_scan_agree(monkeypatch, changed)
    await _assert_the_summary_is_a_recount(sessions)


async def test_a_period_that_is_not_whole_months_is_counted_from_the_transfers(sessions: Sessions) -> None:
    agencies = {a.code: a for a in load_organisation(DATA)}
    await _writes(sessions, agencies, random.Random(5), range(1, 21))
    period = Period.between(date(2025, 12, 15), date(2026, 3, 14))
    assert not report_use_case._summary_answers(period, period.start - timedelta(days=366), {})
    report = await build_committee_report(sources(sessions, agencies), province=None, period=period)
    assert report.totals.current.transfers.transferred > 0
