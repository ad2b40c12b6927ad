"""The coordination monitor raises REMINDER and OVERDUE once per request, on the working-day calendar.

Dates are counted by hand on the real calendar (data/compensatory_days.toml):
Tết Bính Ngọ 2026 closes offices from Monday 16 to Friday 20 February, so with
the weekends around it nobody works from Saturday 14 to Sunday 22 February.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from domain.coordination import RequestKind, RequestStatus
from domain.coordination_deadlines import request_due
from gateway.coordination_monitor import CoordinationMonitor, SweepResult, reminder_from, reminder_horizon
from gateway.policies import load_deadline_policy
from ledger.coordination import CoordinationEvent, CoordinationLedger, CoordinationRequest
from ledger.db import write_transaction
from resolvers.signals import EventSignal

DATA = Path(__file__).resolve().parents[2] / "data"
ICT = timezone(timedelta(hours=7))
POLICY = load_deadline_policy(DATA)
ENFORCEMENT = "enforcement.ha-noi.kv01"
POLICE = "police.ha-noi"
PROCURACY = "procuracy.ha-noi.kv01"
OBSERVER = "committee.ha-noi"


def at(day: int, hour: int = 9, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ICT)


def end_of(day: date) -> datetime:
    """24:00 (Việt Nam time) of ``day``: how a due date is stored."""
    return datetime.combine(day + timedelta(days=1), time(), ICT)


def monitor(sessions, **kwargs) -> CoordinationMonitor:
    return CoordinationMonitor(sessions, POLICY.calendar, EventSignal(), **kwargs)


async def open_request(
    sessions,
    kind: RequestKind,
    opened_at: datetime,
    *,
    sender: str,
    addressee: str,
    reply_by: date | None = None,
) -> CoordinationRequest:
    due = request_due(kind, opened_at, reply_by, POLICY.rules, POLICY.calendar)
    assert isinstance(due, date)
    request = CoordinationRequest(
        id=str(uuid.uuid4()),
        kind=kind,
        sender_code=sender,
        addressee_code=addressee,
        subject="Đề nghị phối hợp",
        body="Nội dung đề nghị phối hợp giữa các cơ quan.",
        status=RequestStatus.OPEN,
        opened_at=opened_at,
        due_at=end_of(due),
        updated_at=opened_at,
        details={"replyBy": reply_by.isoformat()} if reply_by else {},
        observers=(OBSERVER,),
    )
    async with write_transaction(sessions) as session:
        stored, _ = await CoordinationLedger(session).open(request, actor_person="Nguyễn Văn An", at=opened_at)
    return stored


async def events_of(sessions, request_id: str) -> list[CoordinationEvent]:
    async with sessions() as session:
        return await CoordinationLedger(session).history(request_id)


async def kinds_of(sessions, request_id: str) -> list[str]:
    return [e.kind for e in await events_of(sessions, request_id)]


@pytest.fixture
def migrated_db_url(organised_db_url: str) -> str:
    """Every database here starts with the whole reference organisation (tests/fixtures/databases.py)."""
    return organised_db_url


@pytest.fixture
async def support_before_tet(sessions) -> CoordinationRequest:
    """A forced-enforcement support request to the police, opened Thursday 12 February, the last full week before Tết.

    5 working days: Friday 13/2, then Tết and two weekends, then 23, 24, 25, 26/2 → due Thursday 26/2 (24:00).
    Counting calendar days instead would end on 17/2, a Tết day, rolled to Monday 23/2.
    """
    request = await open_request(
        sessions, RequestKind.ENFORCEMENT_SUPPORT, at(12, 10), sender=ENFORCEMENT, addressee=POLICE
    )
    assert request.due_at == end_of(date(2026, 2, 26))
    return request


class TestOverdue:
    async def test_not_overdue_on_a_day_only_calendar_counting_would_call_late(self, sessions, support_before_tet):
        assert await monitor(sessions).sweep(at(24, 9)) == SweepResult()
        assert await kinds_of(sessions, support_before_tet.id) == ["OPENED"]

    async def test_overdue_once_the_true_due_day_has_ended(self, sessions, support_before_tet):
        assert (await monitor(sessions).sweep(at(26, 23, 59))).overdue == 0
        assert (await monitor(sessions).sweep(at(27, 0, 1))).overdue == 1
        overdue = [e for e in await events_of(sessions, support_before_tet.id) if e.kind == "OVERDUE"]
        assert [(e.payload["dueOn"], e.status, e.actor_code) for e in overdue] == [
            ("2026-02-26", RequestStatus.OPEN, None)
        ]

    async def test_a_second_sweep_raises_nothing_again(self, sessions, support_before_tet):
        assert (await monitor(sessions).sweep(at(2, month=3))).overdue == 1
        assert await monitor(sessions).sweep(at(3, month=3)) == SweepResult()
        assert (await kinds_of(sessions, support_before_tet.id)).count("OVERDUE") == 1

    async def test_four_monitors_sweeping_together_raise_it_once(self, sessions, support_before_tet):
        results = await asyncio.gather(*(monitor(sessions).sweep(at(2, month=3)) for _ in range(4)))
        assert sum(r.overdue for r in results) == 1
        assert sum(r.reminded for r in results) == 0  # already past due: the OVERDUE says more
        assert await kinds_of(sessions, support_before_tet.id) == ["OPENED", "OVERDUE"]

    async def test_an_answered_request_raises_nothing(self, sessions, support_before_tet):
        async with write_transaction(sessions) as session:
            await CoordinationLedger(session).change(
                support_before_tet.id,
                status=RequestStatus.ANSWERED,
                event_kind="ANSWERED",
                actor_code=POLICE,
                actor_person=None,
                note="Sẽ bố trí lực lượng hỗ trợ.",
                answer="Sẽ bố trí lực lượng hỗ trợ.",
                at=at(25, 15),
            )
        assert await monitor(sessions).sweep(at(26, 10)) == SweepResult()
        assert await monitor(sessions).sweep(at(2, month=3)) == SweepResult()
        assert await kinds_of(sessions, support_before_tet.id) == ["OPENED", "ANSWERED"]

    async def test_a_request_answered_late_after_its_overdue_gets_nothing_more(self, sessions, support_before_tet):
        assert (await monitor(sessions).sweep(at(27, 9))).overdue == 1
        async with write_transaction(sessions) as session:
            await CoordinationLedger(session).mark_received(
                support_before_tet.id, actor_code=POLICE, actor_person=None, at=at(27, 10)
            )
        assert await monitor(sessions).sweep(at(2, month=3)) == SweepResult()
        assert await kinds_of(sessions, support_before_tet.id) == ["OPENED", "OVERDUE", "RECEIVED"]


class TestReminder:
    async def test_reminded_once_on_the_last_working_day(self, sessions, support_before_tet):
        assert await monitor(sessions).sweep(at(25, 17)) == SweepResult()
        assert (await monitor(sessions).sweep(at(26, 8))).reminded == 1
        assert await monitor(sessions).sweep(at(26, 10)) == SweepResult()
        (reminder,) = [e for e in await events_of(sessions, support_before_tet.id) if e.kind == "REMINDER"]
        assert reminder.payload == {"dueAt": end_of(date(2026, 2, 26)).isoformat(), "dueOn": "2026-02-26"}
        assert (await monitor(sessions).sweep(at(27, 8))).overdue == 1
        assert await kinds_of(sessions, support_before_tet.id) == ["OPENED", "REMINDER", "OVERDUE"]

    async def test_four_monitors_sweeping_together_remind_once(self, sessions, support_before_tet):
        results = await asyncio.gather(*(monitor(sessions).sweep(at(26, 9)) for _ in range(4)))
        assert [sum(r.reminded for r in results), sum(r.overdue for r in results)] == [1, 0]
        assert await kinds_of(sessions, support_before_tet.id) == ["OPENED", "REMINDER"]

    async def test_a_horizon_of_two_working_days_reaches_back_across_tet(self, sessions):
        # A periodic report opened Wednesday 11/2 is acknowledged within 3 working days: 12, 13, then 23/2.
        report = await open_request(
            sessions, RequestKind.PERIODIC_REPORT, at(11, 14), sender=ENFORCEMENT, addressee=OBSERVER
        )
        assert report.due_at == end_of(date(2026, 2, 23))
        two_days = monitor(sessions, reminder_working_days=2)
        assert await two_days.sweep(at(12, 17)) == SweepResult()
        assert (await two_days.sweep(at(13, 8))).reminded == 1  # Friday 13/2 and Monday 23/2 are what is left

    async def test_with_one_working_day_the_reminder_waits_for_the_monday_after_tet(self, sessions):
        report = await open_request(
            sessions, RequestKind.PERIODIC_REPORT, at(11, 14), sender=ENFORCEMENT, addressee=OBSERVER
        )
        assert await monitor(sessions).sweep(at(20, 12)) == SweepResult()  # mùng 4 Tết
        assert (await monitor(sessions).sweep(at(23, 7, 30))).reminded == 1
        assert await kinds_of(sessions, report.id) == ["OPENED", "REMINDER"]

    async def test_a_reply_date_set_on_a_sunday_is_reminded_on_the_friday_before(self, sessions):
        request = await open_request(
            sessions,
            RequestKind.PROCURACY_REQUEST,
            at(12, 10),
            sender=PROCURACY,
            addressee=ENFORCEMENT,
            reply_by=date(2026, 3, 1),
        )
        assert request.due_at == end_of(date(2026, 3, 1))
        assert await monitor(sessions).sweep(at(26, 18)) == SweepResult()
        assert (await monitor(sessions).sweep(at(27, 8))).reminded == 1
        assert await monitor(sessions).sweep(at(1, 20, month=3)) == SweepResult()
        assert (await monitor(sessions).sweep(at(2, 0, 5, month=3))).overdue == 1


class TestReminderArithmetic:
    """Pure calendar arithmetic (no database)."""

    @pytest.mark.parametrize(
        ("due_day", "working_days", "expected"),
        [
            pytest.param(date(2026, 2, 26), 1, date(2026, 2, 26), id="due-on-a-thursday"),
            pytest.param(date(2026, 2, 26), 3, date(2026, 2, 24), id="three-days-before"),
            pytest.param(date(2026, 2, 23), 1, date(2026, 2, 23), id="monday-after-tet"),
            pytest.param(date(2026, 2, 23), 2, date(2026, 2, 13), id="across-tet"),
            pytest.param(date(2026, 3, 1), 1, date(2026, 2, 27), id="a-sunday-reply-date"),
        ],
    )
    def test_reminder_starts_with_the_last_working_days(self, due_day, working_days, expected):
        moment = reminder_from(end_of(due_day), working_days, POLICY.calendar)
        assert moment == datetime.combine(expected, time(), ICT)

    @pytest.mark.parametrize("working_days", [1, 2, 5])
    @pytest.mark.parametrize("today", [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 18), date(2026, 2, 27)])
    def test_every_request_to_remind_is_due_before_the_horizon(self, today, working_days):
        now = datetime.combine(today, time(23, 59), ICT)
        horizon = reminder_horizon(now, working_days, POLICY.calendar)
        for offset in range(60):
            due_at = end_of(today + timedelta(days=offset))
            if reminder_from(due_at, working_days, POLICY.calendar) <= now:
                assert due_at < horizon

    def test_a_reminder_needs_at_least_one_working_day(self):
        with pytest.raises(ValueError, match="at least 1"):
            reminder_from(end_of(date(2026, 2, 26)), 0, POLICY.calendar)
