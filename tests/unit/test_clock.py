"""The one clock: readings in UTC and in Việt Nam, a clock started on a chosen moment, a clock that stands still."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.clock import Clock, ManualClock, at


def test_a_moment_without_an_offset_is_read_in_vietnam_time():
    assert at("2027-02-05 16:59") == datetime(2027, 2, 5, 9, 59, tzinfo=UTC)
    assert at("2027-02-05") == datetime(2027, 2, 4, 17, 0, tzinfo=UTC)
    assert at("2027-02-05T16:59:00+00:00") == datetime(2027, 2, 5, 16, 59, tzinfo=UTC)


def test_text_that_is_no_moment_is_refused_with_an_example():
    with pytest.raises(ValueError, match="not an ISO date or date-time: 'tomorrow'"):
        at("tomorrow")


def test_today_is_the_calendar_day_in_vietnam():
    clock = ManualClock(at("2026-09-30 23:59"))  # 16:59 UTC: still 30 September in Hà Nội
    assert clock.today() == date(2026, 9, 30)
    clock.advance(timedelta(minutes=1))
    assert clock.today() == date(2026, 10, 1)  # a new statistical year begins
    assert clock.now() == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)


def test_a_manual_clock_stands_still_until_set():
    clock = ManualClock(at("2027-02-05 16:59"))
    first = clock.now()
    assert clock.now() == first
    clock.set(at("2027-02-15 08:00"))
    assert clock.today() == date(2027, 2, 15)


def test_a_manual_clock_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2027, 2, 5, 16, 59))


def test_a_clock_started_on_a_moment_runs_on_from_it_while_its_wall_stays_the_machines():
    clock = Clock.starting_at(at("2027-02-05 16:59"))
    assert timedelta(0) <= clock.now() - at("2027-02-05 16:59") < timedelta(minutes=1)
    assert abs(clock.wall() - Clock().now()) < timedelta(minutes=1)
    assert Clock.starting_at(None).today() == Clock().today()


def test_a_manual_clock_made_without_a_moment_follows_the_machine_until_set_and_after_reset():
    clock = ManualClock()
    assert abs(clock.now() - Clock().now()) < timedelta(minutes=1)
    clock.set(at("2027-02-05 16:59"))
    assert clock.now() == at("2027-02-05 16:59")
    clock.reset()
    assert abs(clock.now() - Clock().now()) < timedelta(minutes=1)
