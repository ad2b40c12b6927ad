"""Text as entered (domain/text.py as_entered, control_character) and the date windows (domain/date_bounds.py)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.date_bounds import DateBounds, DateKind, kind_of, months_ahead, statistical_year_end
from domain.text import as_entered, control_character
from gateway.settings import Settings, SettingsError


class TestAsEntered:
    @given(st.text())
    def test_a_text_and_its_decomposition_enter_as_one_text_of_one_length(self, text):
        decomposed = unicodedata.normalize("NFD", text)
        assert as_entered(decomposed) == as_entered(text)
        assert len(as_entered(decomposed)) == len(as_entered(text))

    @given(st.text())
    def test_is_idempotent_and_leaves_no_carriage_return(self, text):
        assert as_entered(as_entered(text)) == as_entered(text)
        assert "\r" not in as_entered(text)

    def test_crlf_and_a_lone_cr_are_one_line_feed(self):
        assert as_entered("một\r\nhai\rba\n\nbốn") == "một\nhai\nba\n\nbốn"

    def test_three_hundred_decomposed_letters_are_three_hundred(self):
        assert len(as_entered(unicodedata.normalize("NFD", "Ấ" * 300))) == 300


class TestControlCharacter:
    @pytest.mark.parametrize("code", [*range(0x20), *range(0x7F, 0xA0)])
    def test_c0_del_and_c1_are_control_characters_but_tab_and_line_feed(self, code):
        found = control_character(f"a{chr(code)}b")
        assert found == (None if chr(code) in "\t\n" else f"U+{code:04X}")

    @given(st.text(st.characters(exclude_categories=["Cc"])))
    def test_text_without_c0_del_or_c1_has_none(self, text):
        assert control_character(text) is None


TODAY = date(2026, 12, 8)


class TestDateBounds:
    def test_each_kind_has_its_window(self):
        bounds = DateBounds()
        assert bounds.window(DateKind.REPLY_BY, TODAY) == (date(1945, 9, 2), date(2027, 12, 8))
        assert bounds.window(DateKind.PLANNED_ON, TODAY) == (date(1945, 9, 2), date(2027, 6, 8))
        assert bounds.window(DateKind.PERIOD_START, TODAY) == (date(1945, 9, 2), TODAY)
        assert bounds.window(DateKind.PERIOD_END, TODAY) == (date(1945, 9, 2), date(2027, 9, 30))
        assert bounds.window(DateKind.OTHER, TODAY) == (date(1945, 9, 2), date(2036, 12, 8))

    def test_kinds_are_found_by_name_and_a_report_period_by_its_input(self):
        assert kind_of("plannedOn") is DateKind.PLANNED_ON
        assert kind_of("periodTo") is DateKind.PERIOD_END
        assert kind_of("from", "ReportPeriodInput") is DateKind.PERIOD_START
        assert kind_of("from", "SomethingElse") is DateKind.OTHER

    def test_the_statistical_year_ends_on_30_september_after_1_october(self):
        assert statistical_year_end(date(2026, 9, 30)) == date(2026, 9, 30)
        assert statistical_year_end(date(2026, 10, 1)) == date(2027, 9, 30)

    def test_months_ahead_keeps_to_the_month_s_last_day(self):
        assert months_ahead(date(2027, 1, 31), 1) == date(2027, 2, 28)
        assert months_ahead(date(2026, 12, 8), 6) == date(2027, 6, 8)

    def test_the_refusal_gives_the_range_in_both_forms_and_none_inside_it(self):
        bounds = DateBounds(reply_by_max_days=30)
        assert bounds.refusal("replyBy", date(2027, 1, 7), TODAY) is None
        assert bounds.refusal("replyBy", date(2027, 1, 8), TODAY) == (
            "08/01/2027 (2027-01-08) is outside the allowed range 02/09/1945 – 07/01/2027 (1945-09-02 – 2027-01-07)"
        )


class TestSettings:
    def test_the_windows_come_from_the_environment_and_the_past_from_the_earliest_judgment(self):
        settings = Settings.from_env(
            {
                "LIENTHONG_REPLY_BY_MAX_DAYS": "90",
                "LIENTHONG_PLANNED_ON_MAX_MONTHS": "3",
                "LIENTHONG_DATE_MAX_YEARS_AHEAD": "2",
                "LIENTHONG_EARLIEST_JUDGMENT_DATE": "1990-01-01",
            }
        )
        assert settings.date_bounds == DateBounds(date(1990, 1, 1), 90, 3, 2)
        assert Settings.from_env(settings.to_env()).date_bounds == settings.date_bounds
        assert Settings.from_env({}).date_bounds == DateBounds()

    @pytest.mark.parametrize("raw", ["0", "-1", "a year"])
    def test_a_window_that_is_no_whole_number_of_at_least_one_is_refused(self, raw):
        with pytest.raises(SettingsError, match="LIENTHONG_REPLY_BY_MAX_DAYS"):
            Settings.from_env({"LIENTHONG_REPLY_BY_MAX_DAYS": raw})
