"""The dialect's scalar forms: dd/mm/yyyy dates and "1.250.000" amounts, both ways."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agencies.common.dialect import format_date, format_vnd, parse_date, parse_vnd


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0"), (999, "999"), (1_000, "1.000"), (1_250_000, "1.250.000"), (5_000_000_000, "5.000.000.000")],
)
def test_amounts_use_dots_between_thousands(amount: int, text: str) -> None:
    assert format_vnd(amount) == text
    assert parse_vnd(text) == amount


def test_dates_are_day_month_year() -> None:
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert parse_date("05/03/2026") == date(2026, 3, 5)
    assert format_date(None) is None
    assert format_vnd(None) is None


@pytest.mark.parametrize("text", ["1,250,000", "1.25.000", ".000", "1.0000", "-1.000", "1 000"])
def test_malformed_amounts_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="VND"):
        parse_vnd(text)


@given(st.integers(min_value=0, max_value=10**15))
def test_amounts_round_trip(amount: int) -> None:
    assert parse_vnd(format_vnd(amount) or "") == amount


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_dates_round_trip(day: date) -> None:
    assert parse_date(format_date(day) or "") == day
