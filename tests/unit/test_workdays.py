from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.workdays import (
    AdjustmentKind,
    CalendarConfigError,
    WorkingCalendar,
    load_calendar_adjustments_from_text,
)

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def adjustments():
    return load_calendar_adjustments_from_text((DATA / "compensatory_days.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def calendar(adjustments):
    return WorkingCalendar.from_adjustments(adjustments)


class TestWhatTheHolidaysLibraryComputes:
    """Facts the library gets right on its own, stable across its versions."""

    def test_tet_binh_ngo_is_the_five_weekdays_from_lunar_new_years_eve(self):
        vn = holidays.country_holidays("VN", years=2026)
        assert date(2026, 2, 17) in vn  # mùng 1 Tết
        cal = WorkingCalendar()
        off = [d for d in _days(date(2026, 2, 14), date(2026, 2, 22)) if not cal.is_working_day(d)]
        assert off == list(_days(date(2026, 2, 14), date(2026, 2, 22)))
        assert cal.is_working_day(date(2026, 2, 13))
        assert cal.is_working_day(date(2026, 2, 23))

    def test_reunification_labour_and_national_days_are_off(self):
        cal = WorkingCalendar()
        for day in (date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 1), date(2026, 9, 2)):
            assert not cal.is_working_day(day), day

    def test_hung_kings_day_on_a_sunday_gives_the_monday_off(self):
        cal = WorkingCalendar()
        assert not cal.is_working_day(date(2026, 4, 27))
        assert cal.is_working_day(date(2026, 4, 28))

    def test_holiday_names_are_in_vietnamese(self):
        assert "Tết" in (WorkingCalendar().day_off_reason(date(2026, 2, 17)) or "")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Tết Dương lịch 2026: Friday 2/1 swapped for Saturday 10/1 (configured).
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), False),
        (date(2026, 1, 5), True),
        (date(2026, 1, 10), True),
        (date(2026, 1, 11), False),
        # Tết Nguyên đán 2026: off Saturday 14/2 to Sunday 22/2.
        (date(2026, 2, 13), True),
        (date(2026, 2, 14), False),
        (date(2026, 2, 16), False),
        (date(2026, 2, 17), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 22), False),
        (date(2026, 2, 23), True),
        # Giỗ Tổ (Sunday 26/4, Monday off), then 30/4 and 1/5.
        (date(2026, 4, 27), False),
        (date(2026, 4, 28), True),
        (date(2026, 4, 29), True),
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 5, 4), True),
        # Quốc khánh 2026: 31/8 swapped for Saturday 22/8; 1/9 and 2/9.
        (date(2026, 8, 22), True),
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        # 2025: 2/5 swapped for Saturday 26/4.
        (date(2025, 4, 26), True),
        (date(2025, 5, 2), False),
        # 24/11/2026 configured as worked until the Labour Code lists it.
        (date(2026, 11, 24), True),
        # An ordinary week.
        (date(2026, 3, 6), True),
        (date(2026, 3, 7), False),
        (date(2026, 3, 8), False),
    ],
)
def test_working_days_with_the_configured_adjustments(calendar, day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 12), 1, date(2026, 2, 13)),  # Thursday before Tết
        (date(2026, 2, 12), 2, date(2026, 2, 23)),  # … jumps the nine days of Tết
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        (date(2026, 2, 17), 1, date(2026, 2, 23)),  # an event on mùng 1 counts from after Tết
        (date(2026, 4, 24), 1, date(2026, 4, 28)),  # over Giỗ Tổ's Monday
        (date(2026, 4, 29), 1, date(2026, 5, 4)),  # over 30/4–3/5
        (date(2026, 4, 24), 5, date(2026, 5, 6)),
        (date(2026, 8, 21), 1, date(2026, 8, 22)),  # a swapped working Saturday counts
        (date(2026, 8, 28), 1, date(2026, 9, 3)),  # over 29/8–2/9
        (date(2025, 12, 31), 1, date(2026, 1, 5)),  # over 1/1 and the configured 2/1
        (date(2026, 1, 9), 1, date(2026, 1, 10)),  # làm bù Saturday 10/1
        (date(2026, 3, 6), 0, date(2026, 3, 6)),  # n = 0: the day itself when worked
        (date(2026, 3, 7), 0, date(2026, 3, 9)),  # … else the next working day
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # an event on Saturday: Monday is day 1
    ],
)
def test_add_working_days(calendar, start, n, expected):
    assert calendar.add_working_days(start, n) == expected


def test_next_working_day_is_strictly_after():
    cal = WorkingCalendar()
    assert cal.next_working_day(date(2026, 3, 5)) == date(2026, 3, 6)
    assert cal.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)


def test_working_days_between_counts_the_half_open_interval(calendar):
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 23)) == 2
    assert calendar.working_days_between(date(2026, 2, 23), date(2026, 2, 12)) == -2
    assert calendar.working_days_between(date(2026, 3, 6), date(2026, 3, 6)) == 0


def test_a_configured_day_off_and_working_saturday_without_a_file():
    cal = WorkingCalendar(extra_days_off=[date(2026, 3, 5)], extra_working_days=[date(2026, 3, 7)])
    assert not cal.is_working_day(date(2026, 3, 5))
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add_working_days(date(2026, 3, 4), 2) == date(2026, 3, 7)
    assert cal.day_off_reason(date(2026, 3, 5)) == "ngày nghỉ theo cấu hình"


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        WorkingCalendar().add_working_days(date(2026, 3, 4), -1)


def test_a_date_both_off_and_worked_is_refused():
    with pytest.raises(CalendarConfigError, match="2026-03-05"):
        WorkingCalendar(extra_days_off=[date(2026, 3, 5)], extra_working_days=[date(2026, 3, 5)])


def test_years_outside_the_librarys_lunar_calendar_are_refused():
    with pytest.raises(ValueError, match="2150"):
        WorkingCalendar().is_working_day(date(2150, 1, 2))


# ---- properties ---------------------------------------------------------------

_DAYS = st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 12, 31))
_LIBRARY = holidays.country_holidays("VN", years=range(2016, 2037))
_LIBRARY_WORKING_WEEKENDS = frozenset(_LIBRARY.weekend_workdays)


@settings(max_examples=150, deadline=None)
@given(start=_DAYS, n=st.integers(min_value=1, max_value=60), days_off=st.sets(_DAYS, max_size=8))
def test_add_working_days_lands_on_a_working_day_and_grows_with_n(start, n, days_off):
    cal = WorkingCalendar(extra_days_off=days_off)
    due = cal.add_working_days(start, n)
    assert due not in days_off
    assert due not in _LIBRARY
    assert due.weekday() < 5 or due in _LIBRARY_WORKING_WEEKENDS
    assert start < due < cal.add_working_days(start, n + 1)


@settings(max_examples=150, deadline=None)
@given(start=_DAYS, n=st.integers(min_value=1, max_value=60), days_off=st.sets(_DAYS, max_size=8))
def test_working_days_between_inverts_add_working_days(start, n, days_off):
    cal = WorkingCalendar(extra_days_off=days_off)
    due = cal.add_working_days(start, n)
    assert cal.working_days_between(start, due) == n
    assert cal.working_days_between(due, start) == -n


# ---- configuration --------------------------------------------------------------


def test_the_configuration_file_loads_sorted_with_its_sources(adjustments):
    assert [a.day for a in adjustments] == sorted(a.day for a in adjustments)
    by_day = {a.day: a for a in adjustments}
    assert by_day[date(2026, 1, 2)].kind is AdjustmentKind.DAY_OFF
    assert by_day[date(2026, 1, 10)].kind is AdjustmentKind.WORKING_DAY
    assert all(a.legal_basis and a.reason for a in adjustments)
    assert not by_day[date(2026, 11, 24)].verified


def test_a_configured_day_off_shows_its_reason(calendar):
    assert "Tết Dương lịch" in (calendar.day_off_reason(date(2026, 1, 2)) or "")
    assert calendar.day_off_reason(date(2026, 3, 7)) == "cuối tuần"
    assert calendar.day_off_reason(date(2026, 3, 6)) is None


_ENTRY = """
[[adjustment]]
date = 2027-01-04
kind = "day_off"
reason = "thử"
legal_basis = "thử"
verified = false
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[adjustment]\n", "invalid TOML"),
        (_ENTRY.replace('"day_off"', '"holiday"'), "'kind' must be one of"),
        (_ENTRY.replace("2027-01-04", '"2027-01-04"'), "'date' must be a TOML date"),
        (_ENTRY.replace("2027-01-04", "2027-01-04T08:00:00"), "'date' must be a TOML date"),
        (_ENTRY.replace('legal_basis = "thử"\n', ""), r"missing field\(s\) \['legal_basis'\]"),
        (_ENTRY.replace("verified = false", "verified = false\nverifed = true"), "unknown field"),
        (_ENTRY.replace("verified = false", 'verified = "no"'), "'verified' must be true or false"),
        (_ENTRY + _ENTRY, "2027-01-04 is already configured by adjustment #1"),
        ("adjustments = []", "unknown top-level key"),
    ],
)
def test_bad_configuration_is_refused_naming_the_problem(text, problem):
    with pytest.raises(ValueError, match=problem):
        load_calendar_adjustments_from_text(text)


def _days(first, last):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)
