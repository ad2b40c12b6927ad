"""Report arithmetic (domain/reports/) against figures computed by hand, and its invariants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.clock import Clock
from domain.coordination import RequestKind
from domain.personnel.alerts import AlertKind
from domain.reports.committee import CommitteeReport, ReportRow, RowKind, roll_up
from domain.reports.figures import (
    CoordinationFigures,
    CourtTransfers,
    Figures,
    PersonnelFigures,
    RequestCounts,
    Source,
    TransferFigures,
    sum_figures,
)
from domain.reports.indicators import EnforcementFigures, Indicators, completion_rate
from domain.reports.period import Period, PeriodError, period_named
from domain.reports.targets import ReportTargets, Target, TargetError, load_report_targets_from_text, target_year


class TestPeriodNamed:
    NAMES = ("--year", "--months", "--from", "--to")

    def test_either_form_names_a_period(self) -> None:
        assert period_named(2026, 6, None, None, names=self.NAMES) == Period.cumulative(2026, 6)
        between = period_named(None, None, date(2026, 1, 1), date(2026, 1, 31), names=self.NAMES)
        assert between == Period.between(date(2026, 1, 1), date(2026, 1, 31))

    @pytest.mark.parametrize(
        ("year", "months", "start", "end", "message"),
        [
            (None, None, None, None, "give either --year and --months, or --from and --to"),
            (2026, 6, date(2026, 1, 1), None, "give either --year and --months, or --from and --to"),
            (2026, None, None, None, "a cumulative period needs both --year and --months"),
            (None, None, None, date(2026, 1, 31), "an explicit period needs both --from and --to"),
        ],
    )
    def test_anything_else_is_refused_in_the_callers_words(self, year, months, start, end, message) -> None:
        with pytest.raises(PeriodError, match=f"^{message}$"):
            period_named(year, months, start, end, names=self.NAMES)


class TestPeriod:
    def test_one_month_is_october_of_the_year_before(self) -> None:
        assert Period.cumulative(2026, 1) == Period(date(2025, 10, 1), date(2025, 10, 31), 2026, 1)

    def test_three_months_end_with_december(self) -> None:
        assert Period.cumulative(2026, 3).end == date(2025, 12, 31)

    def test_four_months_cross_into_the_calendar_year(self) -> None:
        assert Period.cumulative(2026, 4).end == date(2026, 1, 31)

    def test_five_months_end_on_the_last_day_of_february_in_a_leap_year(self) -> None:
        assert Period.cumulative(2024, 5).end == date(2024, 2, 29)
        assert Period.cumulative(2026, 5).end == date(2026, 2, 28)

    def test_twelve_months_are_the_statistical_year(self) -> None:
        year = Period.cumulative(2026, 12)
        assert (year.start, year.end, year.days) == (date(2025, 10, 1), date(2026, 9, 30), 365)
        assert Period.cumulative(2024, 12).days == 366  # 29/02/2024 inside

    @pytest.mark.parametrize("months", [0, 13, -1])
    def test_months_outside_one_to_twelve_are_refused(self, months: int) -> None:
        with pytest.raises(PeriodError):
            Period.cumulative(2026, months)

    def test_an_explicit_range_must_not_end_before_it_starts(self) -> None:
        with pytest.raises(PeriodError):
            Period.between(date(2026, 3, 2), date(2026, 3, 1))

    def test_a_range_of_more_than_three_years_is_refused(self) -> None:
        with pytest.raises(PeriodError):
            Period.between(date(2020, 1, 1), date(2026, 1, 1))

    def test_the_previous_year_of_a_cumulative_period_is_the_same_months_a_year_earlier(self) -> None:
        assert Period.cumulative(2026, 6).previous_year() == Period.cumulative(2025, 6)
        assert Period.cumulative(2025, 5).previous_year().end == date(2024, 2, 29)  # leap year there

    def test_the_previous_year_of_an_explicit_range_moves_29_february_to_the_28th(self) -> None:
        assert Period.between(date(2024, 2, 1), date(2024, 2, 29)).previous_year() == Period.between(
            date(2023, 2, 1), date(2023, 2, 28)
        )

    def test_labels_are_vietnamese(self) -> None:
        assert Period.cumulative(2026, 6).label_vi == "6 tháng năm 2026 (01/10/2025 – 31/03/2026)"
        assert Period.cumulative(2026, 12).label_vi == "Năm 2026 (01/10/2025 – 30/09/2026)"
        assert Period.between(date(2026, 1, 1), date(2026, 3, 31)).label_vi == "Từ 01/01/2026 đến 31/03/2026"

    def test_the_targets_of_an_explicit_range_are_those_of_the_statistical_year_it_ends_in(self) -> None:
        assert target_year(Period.between(date(2026, 1, 1), date(2026, 9, 30))) == 2026
        assert target_year(Period.between(date(2026, 1, 1), date(2026, 10, 1))) == 2027


# A hand-computed fixture: two area offices of one province, 6 months of 2026.
#
# Office A, cases:   carried over 120, newly accepted 300, entrusted out 10, withdrawn 5
#   total      = 120 + 300 − 10 − 5        = 405
#   with cond. = 290, without = 115          (290 + 115 = 405)
#   completed  = 232
#   to next    = 405 − 232                   = 173
#   rate       = 232 / 290 = 0.8 exactly     = 80.00 %
A_CASES = Indicators(120, 300, 10, 5, 290, 115, 232)
# Office B, cases:   carried over 80, newly accepted 150, entrusted out 0, withdrawn 3
#   total      = 80 + 150 − 0 − 3           = 227
#   with cond. = 160, without = 67           (160 + 67 = 227)
#   completed  = 113
#   to next    = 227 − 113                   = 114
#   rate       = 113 / 160 = 0.70625         = 70.63 % (half up)
B_CASES = Indicators(80, 150, 0, 3, 160, 67, 113)
# Both:  carried 200, new 450, entrusted 10, withdrawn 8 → total 632; with 450, without 182;
#        completed 345 → to next 287; rate 345 / 450 = 0.766666… = 76.67 %
#
# Money (VND), office A: carried 40,000,000,000 + new 25,500,000,000 − entrusted 1,500,000,000
#   − withdrawn 0 = 64,000,000,000; with 48,000,000,000, without 16,000,000,000;
#   completed 21,600,000,000 → rate 21.6 / 48 = 0.45 = 45.00 %
A_MONEY = Indicators(40_000_000_000, 25_500_000_000, 1_500_000_000, 0, 48_000_000_000, 16_000_000_000, 21_600_000_000)
# Office B: 9,000,000,000 + 3,000,000,001 − 0 − 1 = 12,000,000,000; with 10,000,000,000;
#   completed 3,333,333,333 → 0.3333333333 = 33.33 %
B_MONEY = Indicators(9_000_000_000, 3_000_000_001, 0, 1, 10_000_000_000, 2_000_000_000, 3_333_333_333)
# Both: total 76,000,000,000; with 58,000,000,000; completed 24,933,333,333
#   → 24,933,333,333 / 58,000,000,000 = 0.42988505746… = 42.99 %


class TestIndicators:
    def test_office_a_by_hand(self) -> None:
        assert (A_CASES.total, A_CASES.carried_to_next, A_CASES.completion_rate) == (405, 173, Decimal("80.00"))
        assert A_CASES.check() == []

    def test_office_b_rounds_half_up(self) -> None:
        assert (B_CASES.total, B_CASES.carried_to_next, B_CASES.completion_rate) == (227, 114, Decimal("70.63"))

    def test_both_offices_by_hand(self) -> None:
        both = A_CASES + B_CASES
        assert both == Indicators(200, 450, 10, 8, 450, 182, 345)
        assert (both.total, both.carried_to_next, both.completion_rate) == (632, 287, Decimal("76.67"))

    def test_money_by_hand(self) -> None:
        assert (A_MONEY.total, A_MONEY.completion_rate) == (64_000_000_000, Decimal("45.00"))
        assert (B_MONEY.total, B_MONEY.completion_rate) == (12_000_000_000, Decimal("33.33"))
        both = A_MONEY + B_MONEY
        assert (both.total, both.completed, both.completion_rate) == (
            76_000_000_000,
            24_933_333_333,
            Decimal("42.99"),
        )

    def test_the_rate_of_the_seeds_national_figures(self) -> None:
        # DOMAIN.md §5: 2024, 620,657 completed of 739,974 with conditions → 83.88 %
        assert completion_rate(620_657, 739_974) == Decimal("83.88")

    def test_no_rate_without_cases_with_conditions(self) -> None:
        assert Indicators(carried_over=3, without_conditions=3).completion_rate is None

    def test_inconsistent_figures_are_named(self) -> None:
        assert Indicators(newly_accepted=5, with_conditions=2, without_conditions=2, completed=3).check() == [
            "with + without conditions differs from the total to enforce",
            "more completed than with conditions",
        ]


def _figures(cases: Indicators, money: Indicators, transferred: int, on_time: int, court: str) -> Figures:
    return Figures(
        transfers=TransferFigures(
            transferred=transferred,
            on_time=on_time,
            late=transferred - on_time,
            by_court=(CourtTransfers(court, court, transferred, on_time, transferred - on_time),),
        ),
        enforcement=EnforcementFigures(cases, money),
        coordination=CoordinationFigures.of([RequestCounts(RequestKind.PROCURACY_RECOMMENDATION, 4, 3, 1, 1, 1)]),
        personnel=PersonnelFigures(2, 1, ((AlertKind.RETIREMENT, 2),)),
    )


NATIONAL = Target(Decimal("83.00"), Decimal("45.00"), "QĐ mẫu", "national")


def _row(code: str, current: Figures, previous: Figures) -> ReportRow:
    return ReportRow(code, code, RowKind.AGENCY, "p", current, previous, NATIONAL)


class TestReport:
    # Transfers: A 40 (36 on time), B 10 (7 on time), both from court K1 → 50 transferred, 43 on time
    #   = 86.00 %; A and B share court K1, so by court is one line of 50 / 43 / 7.
    A = _row("a", _figures(A_CASES, A_MONEY, 40, 36, "k1"), _figures(B_CASES, B_MONEY, 1, 1, "k1"))
    B = _row("b", _figures(B_CASES, B_MONEY, 10, 7, "k1"), Figures())

    def report(self) -> CommitteeReport:
        return CommitteeReport("p", "Tỉnh P", Period.cumulative(2026, 6), (self.A, self.B), NATIONAL, Clock().now())

    def test_totals_are_the_sum_of_the_rows_by_hand(self) -> None:
        totals = self.report().totals
        assert totals.current.enforcement.cases.completion_rate == Decimal("76.67")
        assert totals.current.enforcement.money.completion_rate == Decimal("42.99")
        assert totals.current.transfers.transferred == 50
        assert totals.current.transfers.on_time_rate == Decimal("86.00")
        assert totals.current.transfers.by_court == (CourtTransfers("k1", "k1", 50, 43, 7),)
        recommendations = totals.current.coordination.recommendations
        assert (recommendations.opened, recommendations.answered, recommendations.overdue) == (8, 6, 2)
        assert totals.current.personnel == PersonnelFigures(4, 2, ((AlertKind.RETIREMENT, 4),))

    def test_comparison_with_the_previous_year_and_the_target(self) -> None:
        # A: 80.00 % now, 70.63 % a year earlier → +9.37 points; target 83.00 → −3.00
        assert self.A.cases_rate_change == Decimal("9.37")
        assert self.A.cases_target_gap == Decimal("-3.00")
        # B: nothing with conditions a year earlier → no change to show
        assert self.B.cases_rate_change is None
        # money A: 45.00 against 45.00 → target met by 0.00
        assert self.A.money_target_gap == Decimal("0.00")

    def test_a_roll_up_is_one_row_summing_its_units(self) -> None:
        province = roll_up((self.A, self.B), code="p", name="Tỉnh P", kind=RowKind.PROVINCE, target=NATIONAL)
        assert province.current == self.report().totals.current
        assert province.previous == self.report().totals.previous
        assert province.province_code == "p"

    def test_a_source_missing_in_one_row_is_missing_in_the_totals(self) -> None:
        broken = _row("c", Figures(missing=frozenset({Source.ENFORCEMENT})), Figures())
        report = CommitteeReport("p", "P", Period.cumulative(2026, 1), (self.A, broken), None, Clock().now())
        assert report.missing == {Source.ENFORCEMENT}


_counts = st.integers(min_value=0, max_value=10**15)
_indicators = st.builds(Indicators, _counts, _counts, _counts, _counts, _counts, _counts, _counts)
_figures_st = st.builds(
    Figures,
    transfers=st.builds(
        TransferFigures,
        transferred=_counts,
        on_time=_counts,
        late=_counts,
        by_court=st.lists(
            st.builds(CourtTransfers, st.sampled_from(["k1", "k2", "k3"]), st.just("K"), _counts, _counts, _counts),
            max_size=3,
            unique_by=lambda c: c.court_code,
        ).map(lambda cs: tuple(sorted(cs, key=lambda c: c.court_code))),
    ),
    enforcement=st.builds(EnforcementFigures, _indicators, _indicators),
    coordination=st.lists(
        st.builds(RequestCounts, st.sampled_from(list(RequestKind)), _counts, _counts, _counts, _counts, _counts),
        max_size=4,
    ).map(CoordinationFigures.of),
)


@given(st.lists(_figures_st, max_size=8))
def test_totals_equal_the_sum_of_the_rows_field_by_field(rows: list[Figures]) -> None:
    report = CommitteeReport(
        None,
        "Toàn quốc",
        Period.cumulative(2026, 12),
        tuple(_row(str(n), f, f) for n, f in enumerate(rows)),
        None,
        Clock().now(),
    )
    totals = report.totals.current
    for name in ("carried_over", "newly_accepted", "entrusted_out", "withdrawn", "with_conditions", "completed"):
        for unit in ("cases", "money"):
            assert getattr(getattr(totals.enforcement, unit), name) == sum(
                getattr(getattr(f.enforcement, unit), name) for f in rows
            )
    assert totals.enforcement.cases.total == sum(f.enforcement.cases.total for f in rows)
    assert totals.enforcement.cases.carried_to_next == sum(f.enforcement.cases.carried_to_next for f in rows)
    assert totals.transfers.transferred == sum(f.transfers.transferred for f in rows)
    assert sum(c.transferred for c in totals.transfers.by_court) == sum(
        c.transferred for f in rows for c in f.transfers.by_court
    )
    for kind in RequestKind:
        assert totals.coordination.kind(kind).opened == sum(f.coordination.kind(kind).opened for f in rows)
    assert sum_figures(rows) == totals


@given(st.lists(_indicators, min_size=1, max_size=6))
def test_adding_indicators_does_not_depend_on_order(items: list[Indicators]) -> None:
    forward, backward = Indicators(), Indicators()
    for i in items:
        forward = forward + i
    for i in reversed(items):
        backward = backward + i
    assert forward == backward


class TestTargets:
    TEXT = """
[[target]]
statistical_year = 2026
scope = "national"
cases_rate = "83.00"
money_rate = 45
decision = "QĐ quốc gia"

[[target]]
statistical_year = 2026
province = "ha-noi"
cases_rate = "85.5"
money_rate = "47.00"
decision = "NQ Hà Nội"

[[target]]
statistical_year = 2026
agency = "enforcement.ha-noi.kv01"
cases_rate = 90.0
money_rate = "50.00"
decision = "QĐ phòng khu vực 1"
"""

    def targets(self) -> ReportTargets:
        return load_report_targets_from_text(self.TEXT)

    def test_an_agency_has_its_own_else_its_provinces_else_the_national_target(self) -> None:
        t = self.targets()
        own = t.for_unit(2026, province_code="ha-noi", agency_code="enforcement.ha-noi.kv01")
        assert own is not None
        assert own.cases_rate == Decimal("90.00")
        province = t.for_unit(2026, province_code="ha-noi", agency_code="enforcement.ha-noi.kv02")
        assert province is not None
        assert (province.cases_rate, province.decision) == (Decimal("85.50"), "NQ Hà Nội")
        national = t.for_unit(2026, province_code="hue")
        assert national is not None
        assert national.money_rate == Decimal("45.00")
        assert t.for_unit(2025, province_code="hue") is None

    @pytest.mark.parametrize(
        "entry",
        [
            'statistical_year = 2026\ncases_rate = "1"\nmoney_rate = "1"\ndecision = "x"',  # no place
            'statistical_year = 2026\nscope = "national"\ncases_rate = "101"\nmoney_rate = "1"\ndecision = "x"',
            'statistical_year = 2026\nscope = "national"\ncases_rate = "1"\nmoney_rate = "1"\ndecision = " "',
            'statistical_year = "2026"\nscope = "national"\ncases_rate = "1"\nmoney_rate = "1"\ndecision = "x"',
        ],
    )
    def test_bad_entries_are_refused(self, entry: str) -> None:
        with pytest.raises(TargetError):
            load_report_targets_from_text(f"[[target]]\n{entry}\n")

    def test_the_shipped_file_loads(self) -> None:
        from pathlib import Path

        text = (Path(__file__).parents[2] / "data" / "report_targets.toml").read_text(encoding="utf-8")
        assert load_report_targets_from_text(text).for_unit(2026, province_code="hue") is not None
