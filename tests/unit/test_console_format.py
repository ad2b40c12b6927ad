"""Vietnamese formats of the console: dd/mm/yyyy, VND with dots, deadlines in working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

from console.format import deadline, vn_date, vnd


def test_dates_are_day_month_year_and_moments_on_their_vietnam_day() -> None:
    assert vn_date(date(2026, 12, 7)) == "07/12/2026"
    assert vn_date("2026-02-05") == "05/02/2026"
    assert vn_date(datetime(2026, 12, 6, 20, 30, tzinfo=UTC)) == "07/12/2026 03:30"
    assert vn_date(None) == ""


def test_amounts_are_vnd_with_dots_between_thousands() -> None:
    assert vnd("1250000") == "1.250.000 ₫"
    assert vnd(0) == "0 ₫"
    assert vnd(None) == ""


def test_deadlines_count_working_days() -> None:
    assert deadline(3) == "còn 3 ngày làm việc"
    assert deadline(0) == "hết hạn hôm nay"
    assert deadline(-2) == "quá hạn 2 ngày"
