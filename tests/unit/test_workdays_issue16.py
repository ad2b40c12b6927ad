"""Calendar consistency (issue 16): 24/11 treated alike every year, counting back, the verified swaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import holidays
import pytest

from domain.workdays import (
    AdjustmentKind,
    CalendarConfigError,
    WorkingCalendar,
    load_calendar_adjustments_from_text,
)

DATA = Path(__file__).resolve().parents[2] / "data"
SHIPPED = (DATA / "compensatory_days.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def adjustments():
    return load_calendar_adjustments_from_text(SHIPPED)


def _library_lists(day: date) -> bool:
    return day in holidays.country_holidays("VN", years=day.year)


# ---- Ngày Văn hóa Việt Nam: one rule, every year ----------------------------------------------


@pytest.mark.parametrize("year", range(2026, 2036))
def test_24_november_is_a_working_day_in_every_year_when_it_falls_on_a_weekday(calendar, year):
    """Bộ luật Lao động 2019 Điều 112(1) (not yet amended) does not list 24/11; one yearly entry says so."""
    day = date(year, 11, 24)
    if day.weekday() >= 5:
        assert not calendar.is_working_day(day)  # a weekend stays a weekend
    else:
        assert calendar.is_working_day(day)
        assert calendar.day_off_reason(day) is None


@pytest.mark.parametrize("substitute", [date(2029, 11, 26), date(2030, 11, 25), date(2035, 11, 26)])
def test_the_librarys_compensatory_day_for_24_november_is_worked_too(calendar, substitute):
    """Labour Code Art. 112(3) gives a nghỉ bù only for a holiday in law; 24/11 is not one yet."""
    if not _library_lists(substitute):
        pytest.skip("this holidays version gives no nghỉ bù for 24/11")
    assert calendar.is_working_day(substitute)


def test_the_rule_is_one_yearly_entry_with_its_basis_and_not_verified(adjustments):
    entries = [a for a in adjustments if (a.day.month, a.day.day) == (11, 24)]
    assert len(entries) == 1
    (entry,) = entries
    assert (entry.kind, entry.yearly, entry.until, entry.verified) == (
        AdjustmentKind.NOT_A_HOLIDAY,
        True,
        None,
        False,
    )
    assert "Điều 112(1)" in entry.legal_basis
    assert entry.source


def test_closing_the_entry_lets_the_holiday_apply_from_the_next_year():
    """When the amendment takes effect (say in 2028) the operator sets `until` to 24/11 of the year before."""
    text = SHIPPED.replace(
        "date = 2026-11-24\nyearly = true\n", "date = 2026-11-24\nyearly = true\nuntil = 2027-11-24\n"
    )
    assert text != SHIPPED
    cal = WorkingCalendar.from_adjustments(load_calendar_adjustments_from_text(text))
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.is_working_day(date(2027, 11, 24))
    if not _library_lists(date(2028, 11, 24)):
        pytest.skip("this holidays version does not list 24/11")
    assert not cal.is_working_day(date(2028, 11, 24))
    assert "Văn hóa" in (cal.day_off_reason(date(2028, 11, 24)) or "")


_YEARLY = """
[[adjustment]]
date = 2026-11-24
yearly = true
kind = "not_a_holiday"
reason = "thử"
legal_basis = "thử"
verified = false
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_YEARLY.replace("yearly = true\n", ""), "'not_a_holiday' goes with yearly = true"),
        (_YEARLY.replace('"not_a_holiday"', '"day_off"'), "'not_a_holiday' goes with yearly = true, and only it"),
        (_YEARLY.replace("yearly = true", 'yearly = "yes"'), "'yearly' must be true or false"),
        (
            _YEARLY.replace("yearly = true", "yearly = true\nuntil = 2025-11-24"),
            "'until' must be a TOML date on or after",
        ),
        (
            _YEARLY.replace("yearly = true\n", "").replace('"not_a_holiday"', '"day_off"') + "until = 2027-01-01\n",
            "'until' is only for a yearly entry",
        ),
    ],
)
def test_a_bad_yearly_entry_is_refused_naming_the_problem(text, problem):
    with pytest.raises(CalendarConfigError, match=problem):
        load_calendar_adjustments_from_text(text)


# ---- counting back from a planned day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 2, 23), 1, date(2026, 2, 13)),  # Monday after Tết → the Friday before it
        (date(2026, 2, 23), 2, date(2026, 2, 12)),
        (date(2026, 1, 12), 1, date(2026, 1, 10)),  # Saturday 10/1/2026 is worked (làm bù)
        (date(2026, 10, 1), 1, date(2026, 9, 30)),
        (date(2026, 10, 5), 5, date(2026, 9, 28)),  # over a weekend and 30/9–1/10
        (date(2026, 3, 8), 1, date(2026, 3, 6)),  # from a Sunday
    ],
)
def test_working_days_before(calendar, day, n, expected):
    assert calendar.working_days_before(day, n) == expected
    assert calendar.is_working_day(expected)
    # n - 1 working days lie strictly between; (a, b] also counts the day itself when it is worked.
    assert calendar.working_days_between(expected, day) == n - 1 + calendar.is_working_day(day)


def test_working_days_before_needs_at_least_one_day(calendar):
    with pytest.raises(ValueError, match="at least 1 working day"):
        calendar.working_days_before(date(2026, 3, 6), 0)


# ---- the swaps verified in this review --------------------------------------------------------------


def test_the_2025_swap_is_verified_with_the_notice_and_where_it_was_seen(adjustments, calendar):
    """Thông báo 6150/TB-BLĐTBXH (Công văn 8726/VPCP-KGVX): Friday 2/5/2025 off, Saturday 26/4/2025 worked."""
    by_day = {a.day: a for a in adjustments}
    for day in (date(2025, 5, 2), date(2025, 4, 26)):
        assert by_day[day].verified
        assert "6150/TB-BLĐTBXH" in by_day[day].legal_basis
        assert by_day[day].source
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2025, 4, 26))


def test_the_2026_new_year_swap_cites_the_government_office_letter(adjustments, calendar):
    """Công văn 12729/VPCP-KGVX ngày 25/12/2025: Friday 2/1/2026 off, Saturday 10/1/2026 worked."""
    by_day = {a.day: a for a in adjustments}
    for day in (date(2026, 1, 2), date(2026, 1, 10)):
        assert by_day[day].verified
        assert "12729/VPCP-KGVX" in by_day[day].legal_basis
    assert calendar.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
