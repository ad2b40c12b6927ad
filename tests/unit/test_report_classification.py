"""How cases count in a period's indicators (Circular 05/2024/TT-BTP), checked against figures worked out by hand.

"The Law" is the Law on Civil Judgment Enforcement 2008, amended 2014. The
period is 6 months of statistical year 2026: 01/10/2025 – 31/03/2026.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.reports.classification import (
    CaseHistory,
    Column,
    PostponementGround,
    Standing,
    columns_of,
    rule_for,
    tally,
)
from domain.reports.committee import CommitteeReport, ReportRow, RowKind
from domain.reports.figures import Figures
from domain.reports.indicators import Indicators
from domain.reports.period import Period
from gateway.reports.exports import render_csv

START, END = date(2025, 10, 1), date(2026, 3, 31)
MILLION = 1_000_000

# The hand-computed fixture: twelve cases of one unit (amounts in million VND).
#   case  accepted     standing                finished    amount  counts in
#   A     10/05/2025   completed               15/12/2025  10      carried over, with conditions, completed
#   B     02/11/2025   terminated (đình chỉ)   20/02/2026  20      newly accepted, with conditions, completed
#   C     01/08/2025   postponed, 48(1)(c)     –           30      carried over, with conditions
#   D     01/12/2025   postponed, 48(1)(a)     –           40      newly accepted, without conditions
#   E     20/10/2025   entrusted out (ủy thác) 15/11/2025  50      newly accepted, entrusted out
#   F     15/09/2025   withdrawn (thu hồi)     10/01/2026  60      carried over, withdrawn
#   G     01/07/2025   in progress             –           70      carried over, with conditions
#   H     01/06/2025   without conditions      –           80      carried over, without conditions
#   I     01/03/2025   completed               30/09/2025  90      nothing: finished the day before the period
#   J     01/04/2026   in progress             –           100     nothing: accepted the day after the period
#   K     05/01/2026   terminated              10/05/2026  5       newly accepted, with conditions (ended later)
#   L     01/10/2025   suspended               –           1       newly accepted, without conditions
FIXTURE = {
    "A": CaseHistory(date(2025, 5, 10), Standing.COMPLETED, 10 * MILLION, date(2025, 12, 15)),
    "B": CaseHistory(date(2025, 11, 2), Standing.TERMINATED, 20 * MILLION, date(2026, 2, 20)),
    "C": CaseHistory(date(2025, 8, 1), Standing.POSTPONED, 30 * MILLION, ground=PostponementGround.PARTIES_AGREED),
    "D": CaseHistory(date(2025, 12, 1), Standing.POSTPONED, 40 * MILLION, ground=PostponementGround.DEBTOR_ILL),
    "E": CaseHistory(date(2025, 10, 20), Standing.ENTRUSTED_OUT, 50 * MILLION, date(2025, 11, 15)),
    "F": CaseHistory(date(2025, 9, 15), Standing.WITHDRAWN, 60 * MILLION, date(2026, 1, 10)),
    "G": CaseHistory(date(2025, 7, 1), Standing.IN_PROGRESS, 70 * MILLION),
    "H": CaseHistory(date(2025, 6, 1), Standing.WITHOUT_CONDITIONS, 80 * MILLION),
    "I": CaseHistory(date(2025, 3, 1), Standing.COMPLETED, 90 * MILLION, date(2025, 9, 30)),
    "J": CaseHistory(date(2026, 4, 1), Standing.IN_PROGRESS, 100 * MILLION),
    "K": CaseHistory(date(2026, 1, 5), Standing.TERMINATED, 5 * MILLION, date(2026, 5, 10)),
    "L": CaseHistory(date(2025, 10, 1), Standing.SUSPENDED, 1 * MILLION),
}

# In cases:
#   năm trước chuyển sang  A C F G H        = 5
#   thụ lý mới             B D E K L        = 5     tổng số thụ lý 5 + 5 = 10
#   ủy thác                E                = 1
#   thu hồi, hủy           F                = 1     phải thi hành 10 − 1 − 1 = 8
#   có điều kiện           A B C G K        = 5
#   chưa có điều kiện      D H L            = 3     5 + 3 = 8 = phải thi hành
#   thi hành xong          A B              = 2     tỷ lệ 2 ÷ 5 = 40.00 %; chuyển kỳ sau 8 − 2 = 6
EXPECTED_CASES = Indicators(
    carried_over=5, newly_accepted=5, entrusted_out=1, withdrawn=1, with_conditions=5, without_conditions=3, completed=2
)
# In money (million VND):
#   năm trước chuyển sang  10 + 30 + 60 + 70 + 80 = 250
#   thụ lý mới             20 + 40 + 50 + 5 + 1   = 116    tổng số thụ lý 366
#   ủy thác                50
#   thu hồi, hủy           60                              phải thi hành 366 − 50 − 60 = 256
#   có điều kiện           10 + 20 + 30 + 70 + 5  = 135
#   chưa có điều kiện      40 + 80 + 1            = 121    135 + 121 = 256
#   thi hành xong          10 + 20                = 30     tỷ lệ 30 ÷ 135 = 22.22 %; chuyển kỳ sau 256 − 30 = 226
EXPECTED_MONEY = Indicators(
    *(
        n * MILLION
        for n in (250, 116, 50, 60, 135, 121, 30)  # the Indicators fields in order
    )
)


def one(case: CaseHistory) -> Indicators:
    return tally([case], START, END).cases


class TestHandComputedFixture:
    def test_cases_match_the_hand_computed_figures(self) -> None:
        """Circular 05/2024/TT-BTP, form on results in cases: every column of the fixture as worked out above."""
        cases = tally(FIXTURE.values(), START, END).cases
        assert cases == EXPECTED_CASES
        assert cases.accepted == 10
        assert cases.total == 8
        assert cases.carried_to_next == 6
        assert cases.completion_rate == Decimal("40.00")

    def test_money_has_the_same_breakdown_as_cases(self) -> None:
        """Circular 05/2024/TT-BTP, form on results in money: the same columns, each case weighing its amount."""
        money = tally(FIXTURE.values(), START, END).money
        assert money == EXPECTED_MONEY
        assert money.accepted == 366 * MILLION
        assert money.total == 256 * MILLION
        assert money.carried_to_next == 226 * MILLION
        assert money.completion_rate == Decimal("22.22")

    @pytest.mark.parametrize("which", ["cases", "money"])
    def test_the_row_adds_up(self, which: str) -> None:
        """Circular 05/2024/TT-BTP: carried over + newly accepted = accepted; accepted − entrusted − withdrawn =
        to enforce = with + without conditions; completed ≤ with conditions; to enforce − completed = carried on."""
        i: Indicators = getattr(tally(FIXTURE.values(), START, END), which)
        assert i.carried_over + i.newly_accepted == i.accepted
        assert i.accepted - i.entrusted_out - i.withdrawn == i.total
        assert i.with_conditions + i.without_conditions == i.total
        assert i.total - i.completed == i.carried_to_next
        assert i.check() == []

    def test_cases_outside_the_period_do_not_count(self) -> None:
        """Circular 05/2024/TT-BTP: a case finished before the period, or accepted after it, is not in its table."""
        assert columns_of(FIXTURE["I"], START, END) == ()
        assert columns_of(FIXTURE["J"], START, END) == ()
        assert columns_of(FIXTURE["I"], date(2025, 9, 30), END) == ("carried_over", "with_conditions", "completed")


class TestEachRuleMovesTheTotals:
    def test_termination_counts_as_completed_not_withdrawn(self) -> None:
        """The Law Art. 52(2) (a đình chỉ decision, Art. 50, ends enforcement): đình chỉ is thi hành xong, with
        conditions, and leaves the total to enforce as it is (it used to be subtracted as thu hồi, hủy)."""
        b = one(FIXTURE["B"])
        assert b == Indicators(newly_accepted=1, with_conditions=1, completed=1)
        assert b.total == 1
        assert b.completion_rate == Decimal("100.00")
        assert rule_for(Standing.TERMINATED).legal_basis.startswith("The Law Art. 52(2)")

    def test_termination_after_the_period_was_being_enforced_at_its_end(self) -> None:
        """The Law Art. 52(2): a case terminated after the period was still being enforced: with conditions."""
        assert one(FIXTURE["K"]) == Indicators(newly_accepted=1, with_conditions=1)

    def test_postponement_the_parties_agreed_has_conditions(self) -> None:
        """The Law Art. 48(1)(c): postponed because the parties agreed, the case counts as có điều kiện thi hành."""
        assert one(FIXTURE["C"]) == Indicators(carried_over=1, with_conditions=1)

    @pytest.mark.parametrize(
        "ground", [PostponementGround.DEBTOR_ILL, PostponementGround.DEBTOR_UNREACHABLE, PostponementGround.OTHER, None]
    )
    def test_postponement_on_another_ground_has_no_conditions(self, ground: PostponementGround | None) -> None:
        """The Law Art. 48(1), points other than c (e.g. a: the debtor seriously ill): chưa có điều kiện thi hành."""
        postponed = CaseHistory(date(2025, 12, 1), Standing.POSTPONED, 40 * MILLION, ground=ground)
        assert one(postponed) == Indicators(newly_accepted=1, without_conditions=1)

    def test_entrusted_out_has_its_own_column_and_leaves_the_total(self) -> None:
        """The Law Art. 55 (ủy thác): entrusted out in the period, the case is in the ủy thác column and not in
        the total to enforce, so accepted − entrusted = total."""
        e = one(FIXTURE["E"])
        assert e == Indicators(newly_accepted=1, entrusted_out=1)
        assert (e.accepted, e.total, e.carried_to_next) == (1, 0, 0)

    def test_entrusted_out_before_the_period_is_not_in_it(self) -> None:
        """The Law Art. 55: once entrusted out the case is the receiving agency's; a later period does not see it."""
        assert tally([FIXTURE["E"]], date(2025, 12, 1), END).cases == Indicators()

    def test_withdrawn_decision_has_its_own_column_and_leaves_the_total(self) -> None:
        """The Law Art. 37 (thu hồi, hủy quyết định về thi hành án): withdrawn in the period, the case is in the
        thu hồi, hủy column and not in the total to enforce."""
        f = one(FIXTURE["F"])
        assert f == Indicators(carried_over=1, withdrawn=1)
        assert (f.accepted, f.total, f.carried_to_next) == (1, 0, 0)

    def test_suspension_has_no_conditions(self) -> None:
        """The Law Art. 49 (tạm đình chỉ): counted as chưa có điều kiện, as before (not verified against the form)."""
        assert one(FIXTURE["L"]) == Indicators(newly_accepted=1, without_conditions=1)

    def test_the_first_day_of_the_period_is_newly_accepted(self) -> None:
        """Circular 05/2024/TT-BTP: năm trước chuyển sang is what was accepted before the period's first day."""
        assert columns_of(FIXTURE["L"], START, END)[0] == "newly_accepted"
        assert columns_of(FIXTURE["L"], date(2025, 10, 2), END)[0] == "carried_over"


class TestRules:
    def test_every_standing_has_a_general_rule_with_its_basis(self) -> None:
        for standing in Standing:
            rule = rule_for(standing)
            assert rule.ground is None
            assert rule.legal_basis

    def test_only_point_c_changes_a_postponements_column(self) -> None:
        columns = {ground: rule_for(Standing.POSTPONED, ground).column for ground in PostponementGround}
        assert columns.pop(PostponementGround.PARTIES_AGREED) is Column.WITH_CONDITIONS
        assert set(columns.values()) == {Column.WITHOUT_CONDITIONS}

    def test_a_finished_case_needs_its_day(self) -> None:
        with pytest.raises(ValueError, match="needs"):
            CaseHistory(date(2025, 10, 1), Standing.TERMINATED)
        with pytest.raises(ValueError, match="has no"):
            CaseHistory(date(2025, 10, 1), Standing.IN_PROGRESS, finished_on=date(2025, 11, 1))


def fixture_csv() -> dict[str, str]:
    """The fixture's unit as the committee's CSV prints it, heading → cell."""
    row = ReportRow(
        code="enforcement.ha-noi.kv01",
        name="Phòng Thi hành án dân sự khu vực 1 – Hà Nội",
        kind=RowKind.AGENCY,
        province_code="ha-noi",
        current=Figures(enforcement=tally(FIXTURE.values(), START, END)),
        previous=Figures(),
        target=None,
    )
    report = CommitteeReport(
        "ha-noi", "Thành phố Hà Nội", Period.cumulative(2026, 6), (row,), None, datetime(2026, 4, 2, tzinfo=UTC)
    )
    headings, unit, _totals = list(csv.reader(io.StringIO(render_csv(report).decode("utf-8").removeprefix("\ufeff"))))
    return dict(zip(headings, unit, strict=True))


class TestTheTable:
    @pytest.mark.parametrize(
        ("unit", "expected"),
        [
            # năm trước, thụ lý mới, tổng thụ lý, ủy thác, thu hồi, phải thi hành, có ĐK, chưa có ĐK, xong, tỷ lệ, chuyển
            ("việc", ("5", "5", "10", "1", "1", "8", "5", "3", "2", "40.00", "6")),
            (
                "đồng",
                (
                    "250000000",
                    "116000000",
                    "366000000",
                    "50000000",
                    "60000000",
                    "256000000",
                    "135000000",
                    "121000000",
                    "30000000",
                    "22.22",
                    "226000000",
                ),
            ),
        ],
    )
    def test_the_printed_row_is_the_hand_computed_one(self, unit: str, expected: tuple[str, ...]) -> None:
        """Circular 05/2024/TT-BTP: the table shows ủy thác and thu hồi, hủy quyết định in their own columns, and
        money with the same breakdown as cases, under the forms' labels."""
        cells = fixture_csv()
        headings = (
            "Năm trước chuyển sang",
            "Thụ lý mới",
            "Tổng số thụ lý",
            "Ủy thác",
            "Thu hồi, hủy quyết định",
            "Tổng số phải thi hành",
            "Có điều kiện thi hành",
            "Chưa có điều kiện thi hành",
            "Thi hành xong",
            "Tỷ lệ thi hành xong (%)",
            "Chuyển kỳ sau",
        )
        assert tuple(cells[f"{h} ({unit})"] for h in headings) == expected

    @pytest.mark.parametrize("unit", ["việc", "đồng"])
    def test_the_printed_row_adds_up(self, unit: str) -> None:
        """Circular 05/2024/TT-BTP: across the printed row, carried over + newly accepted = accepted; accepted −
        ủy thác − thu hồi, hủy = to enforce = with + without conditions; to enforce − completed = carried on."""
        cells = fixture_csv()

        def n(heading: str) -> int:
            return int(cells[f"{heading} ({unit})"])

        assert n("Năm trước chuyển sang") + n("Thụ lý mới") == n("Tổng số thụ lý")
        assert n("Tổng số thụ lý") - n("Ủy thác") - n("Thu hồi, hủy quyết định") == n("Tổng số phải thi hành")
        assert n("Có điều kiện thi hành") + n("Chưa có điều kiện thi hành") == n("Tổng số phải thi hành")
        assert n("Tổng số phải thi hành") - n("Thi hành xong") == n("Chuyển kỳ sau")
